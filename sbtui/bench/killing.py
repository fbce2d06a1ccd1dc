"""What the crash drills share (issue 14 finding 10): the sandbox server with a delay before
the commit (:mod:`sbtui.bench.pay_server`), the drill's own session on the service, the item
in flight in a child's outbox, and how a kill is classed against the service's commit.

A kill is classed by the outbox item in flight at that moment: none (start-up, between items),
one queued but not sent, or one sent — then by the service's record of its key, read just
before and just after the kill: **after the commit** (completed before the kill), **before the
commit** (not completed after the kill), or **at the commit** (completed between the two reads).
Once the service is quiet the key is either **applied** or **not applied** (the service never
stored it: the next run sends it again with its key, and it applies for the first time then).
A key in flight at an earlier kill and in flight again is counted as ``resume``.
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sbtui.bench import crash
from sbtui.bench.server import SandboxServer

PASSWORD = crash.PASSWORD


class DelayServer(SandboxServer):
    """The sandbox server with the drills' delay before the commit: before a payment's, or with
    ``all_keyed`` before every keyed mutation's (:mod:`sbtui.bench.pay_server`)."""

    def __init__(self, data_dir: Path, *, employees: int, apply_delay_ms: int, seed: int = 1,
                 all_keyed: bool = False) -> None:
        super().__init__(data_dir, employees=employees, seed=seed)
        self.apply_delay_ms = apply_delay_ms
        self.all_keyed = all_keyed

    def start(self) -> DelayServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "sbtui.bench.pay_server", "--data", str(self.data_dir),
               "--port", str(self.port), "--employees", str(self.employees),
               "--seed", str(self.seed), "--apply-delay-ms", str(self.apply_delay_ms)]
        if self.all_keyed:
            cmd.append("--all-keyed")
        self._log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + self.timeout
        with httpx.Client(timeout=1) as client:  # one TLS context, not one per poll (see server.py)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("sandbox server exited: "
                                       + (self.data_dir / "server.log").read_text(errors="replace")[-2000:])
                try:
                    if client.get(f"{self.url}/api/v1/health").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sandbox server did not start in time")

    def stop(self) -> None:
        super().stop()
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()


class Service:
    """The drill's own session on the service (the employer's, as the child's)."""

    def __init__(self, url: str, uscc: str) -> None:
        self.c = httpx.Client(base_url=f"{url}/api/v1", timeout=60)
        r = self.c.post("/auth/login", json={"uscc": uscc, "password": PASSWORD})
        r.raise_for_status()
        self.c.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def close(self) -> None:
        self.c.close()

    def outcome(self, key: str) -> str:
        """``completed``, ``running`` or ``unknown`` (never seen / not stored)."""
        r = self.c.get(f"/idempotency/{key}")
        if r.status_code == 404:
            return "unknown"
        r.raise_for_status()
        return r.json()["state"]

    def quiet_outcome(self, key: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            state = self.outcome(key)
            if state != "running" or time.monotonic() > deadline:
                return state
            time.sleep(0.02)


def ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def in_flight(db: Path, kinds: tuple[str, ...] | None = None) -> tuple[str, str, int] | None:
    """The oldest pending item (of ``kinds``) in the child's outbox: (key, state, attempts)."""
    if not db.exists():
        return None
    con = ro(db)
    where = f" AND kind IN ({','.join('?' * len(kinds))})" if kinds else ""
    try:
        row = con.execute("SELECT key, state, attempts FROM outbox WHERE state IN ('queued', 'sent')"
                          f"{where} ORDER BY seq LIMIT 1", kinds or ()).fetchone()
        return tuple(row) if row else None
    except sqlite3.Error:
        return None
    finally:
        con.close()


@dataclass
class Kill:
    n: int
    phase: str  # idle | queued | first | resume
    commit: str | None = None  # before | after | at (an item sent)
    applied: bool | None = None
    key: str | None = None


@dataclass
class Kills:
    """The kills of one drill, classed (see the module doc)."""

    asked: int
    kills: list[Kill] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    @property
    def made(self) -> int:
        return len(self.kills)

    def count(self, **match: Any) -> int:
        return sum(all(getattr(k, a) == v for a, v in match.items()) for k in self.kills)

    def probe(self, db: Path, svc: Service, kinds: tuple[str, ...] | None = None):
        """Read just before a kill: the item in flight and its key's outcome if sent."""
        before = in_flight(db, kinds)
        return before, (svc.outcome(before[0]) if before and before[1] == "sent" else None)

    def record(self, probed, db: Path, svc: Service, kinds: tuple[str, ...] | None = None) -> Kill:
        """Class the kill just made (the child is dead) with ``probed`` from :meth:`probe`."""
        before, outcome = probed
        kill = Kill(n=self.made + 1, phase="idle")
        now = in_flight(db, kinds)  # exact: the child is dead
        if now is not None:
            key, state, _ = now
            kill.key = key
            kill.phase = "resume" if key in self.seen else ("queued" if state == "queued" else "first")
            if state == "sent":
                after = svc.outcome(key)
                if before and before[0] == key and outcome == "completed":
                    kill.commit = "after"
                elif after != "completed":
                    kill.commit = "before"
                else:
                    kill.commit = "at"
            kill.applied = svc.quiet_outcome(key) == "completed"
            self.seen.add(key)
        self.kills.append(kill)
        return kill

    def lines(self, what: str = "an item") -> list[str]:
        c = self.count
        before, after, at = c(commit="before"), c(commit="after"), c(commit="at")
        return [
            f"kills with {what} sent: {before + after + at} — before the service's commit: "
            f"{before} (the key then applied: {c(commit='before', applied=True)}, not applied: "
            f"{c(commit='before', applied=False)}), after the commit: {after}, at the commit "
            f"(between the reads just before and after the kill): {at}",
            f"  of which while resuming an earlier killed one: {c(phase='resume')}",
            f"kills with {what} queued but not sent: {c(phase='queued')}; with none in "
            f"flight (start-up, between items): {c(phase='idle')}",
        ]

    def both_sides(self) -> bool:
        """Kills landed both before and after the commit, keys applied and not."""
        return (self.count(commit="before") > 0 and self.count(commit="after") > 0
                and self.count(applied=True) > 0 and self.count(applied=False) > 0)


def sigkill(child: subprocess.Popen) -> bool:
    """SIGKILL ``child``; whether it died of it (not ended on its own just before)."""
    if child.poll() is not None:
        return False
    child.send_signal(signal.SIGKILL)
    return child.wait() == -signal.SIGKILL


__all__ = ["DelayServer", "Kill", "Kills", "Service", "in_flight", "ro", "sigkill"]
