"""Crash drills: a child ``sbtui`` process SIGKILLed at random points, then checked.

Used by the test suite (short) and by ``sbtui bench crash`` (long). Each drill runs the real
command line in a child process against a real sandbox server on loopback.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sbtui.domain.passwords import initial_password

PASSWORD = "crash2026"


@dataclass
class DrillReport:
    kills: int = 0
    finished_early: int = 0  # runs that completed before their kill time
    resent: int = 0  # outbox items sent more than once (a kill interrupted their request)
    replayed: int = 0  # of those, confirmed by a replay: the server had committed before the kill
    local_rows_after_kill: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _env(password: str, new: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["SBTUI_PASSWORD"] = password
    if new:
        env["SBTUI_NEW_PASSWORD"] = new
    return env


def _sbtui(home: Path, url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "sbtui", "--home", str(home), "--remote", url, *args]


def add_employer(url: str, home: Path, uscc: str, unit_number: str, *, sync: bool) -> None:
    """``sbtui employer add`` non-interactively: the initial password the first time on this
    server, the drill password after that."""
    extra = [] if sync else ["--no-sync"]
    for password in (initial_password(unit_number), PASSWORD):
        p = subprocess.run(_sbtui(home, url, "employer", "add", uscc, "--yes", *extra),
                           env=_env(password, PASSWORD), capture_output=True, text=True, timeout=900)
        if p.returncode == 0:
            return
        if p.returncode != 4:  # 4 = wrong password: try the next one
            break
    raise RuntimeError(f"employer add failed ({p.returncode}): {p.stderr[-1500:]}")


def store_path(home: Path, uscc: str) -> Path:
    return home / "employers" / f"{uscc}.db"


def _read_int(db: Path, sql: str) -> int:
    """One number read from the child's store while it runs (read-only; 0 until it exists)."""
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def local_count(db: Path) -> int:
    return _read_int(db, "select count(*) from employees")


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("pragma integrity_check").fetchone()[0]
    finally:
        con.close()


def startup_seconds(home: Path, url: str) -> float:
    """How long a child ``sbtui`` takes to start and run a local command (the kill windows
    are set from it, so that kills land in the work and not in Python's start-up)."""
    t0 = time.perf_counter()
    subprocess.run(_sbtui(home, url, "outbox"), capture_output=True, timeout=120)
    return time.perf_counter() - t0


def _kill_loop(cmd: list[str], env: dict[str, str], kills: int, window: tuple[float, float],
               rng: random.Random, report: DrillReport, after_kill=None,
               cmd_when_done: list[str] | None = None,
               progress: Callable[[], int] | None = None) -> None:
    """Start ``cmd``, SIGKILL it after a random delay in ``window``; repeat until ``kills``
    kills. A run that finishes first is not a kill: then ``cmd_when_done`` (new work of the
    same kind) is run from then on, or the loop stops when there is none. With ``progress`` (a
    count the child's work raises), the delay runs from the child's first step of work rather
    than from its start, so a slow start-up (a busy machine) does not use up the kills."""
    while report.kills < kills:
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if progress is not None:
            _wait_for_progress(child, progress)
        delay = rng.uniform(*window)
        try:
            child.wait(delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
            report.kills += 1
            if after_kill:
                after_kill()
            continue
        report.finished_early += 1
        if cmd_when_done is None or report.finished_early > kills * 3:
            report.notes.append("the work finished before the kills were done")
            return
        cmd = cmd_when_done


def _wait_for_progress(child: subprocess.Popen, progress: Callable[[], int],
                       timeout: float = 120) -> None:
    """Until ``progress()`` moves, ``child`` exits or ``timeout`` passes."""
    start, deadline = progress(), time.monotonic() + timeout
    while child.poll() is None and progress() == start and time.monotonic() < deadline:
        time.sleep(0.01)


def server_registry(url: str, uscc: str, unit_number: str) -> dict[str, tuple]:
    """The server's registry as {id: (seq, status, group_id, id_number)}, read over HTTP."""
    with httpx.Client(base_url=f"{url}/api/v1", timeout=60) as c:
        r = c.post("/auth/login", json={"uscc": uscc, "password": PASSWORD})
        r.raise_for_status()
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        out: dict[str, tuple] = {}
        after = None
        while True:
            page = c.get("/registry/employees", params={"limit": 5000, **({"after": after} if after else {})}).json()
            for e in page["items"]:
                out[e["id"]] = (e["seq"], e["status"], e["group_id"], e["id_number"])
            after = page["next_after"]
            if not after:
                return out


def local_registry(db: Path) -> dict[str, tuple]:
    con = sqlite3.connect(db)
    try:
        return {r[0]: tuple(r[1:]) for r in con.execute("select id, seq, status, group_id, id_number from employees")}
    finally:
        con.close()


def drill_pull(url: str, home: Path, uscc: str, unit_number: str, *, kills: int, seed: int = 7,
               span: float = 1.5) -> DrillReport:
    """SIGKILL the first (full) ``sbtui sync`` ``kills`` times at random points, restarting it
    each time (it resumes); should it finish first, ``sync --full`` gives it new work. Then let
    it finish."""
    rng = random.Random(seed)
    report = DrillReport()
    add_employer(url, home, uscc, unit_number, sync=False)
    db = store_path(home, uscc)
    start = startup_seconds(home, url)
    window = (0.8 * start, start + span)

    def after() -> None:
        report.local_rows_after_kill.append(local_count(db))

    _kill_loop(_sbtui(home, url, "sync"), _env(PASSWORD), kills, window, rng, report, after,
               cmd_when_done=_sbtui(home, url, "sync", "--full"))
    cmd = _sbtui(home, url, "sync")
    done = subprocess.run(cmd, env=_env(PASSWORD), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"final sync failed ({done.returncode}): {done.stderr[-1500:]}")
    return report


def drill_push(url: str, home: Path, uscc: str, unit_number: str, *, operations: int, kills: int,
               seed: int = 11, span: float = 0.6, reply_delay_ms: int = 300) -> tuple[DrillReport, list[str]]:
    """Queue ``operations`` group assignments, SIGKILL ``sbtui sync`` ``kills`` times while it
    pushes them (each run within ``span`` seconds of its first request), then let it finish.
    Returns the report and the outbox keys."""
    from sbtui.store import open_store

    rng = random.Random(seed)
    report = DrillReport()
    set_reply_delay(url, 0)
    add_employer(url, home, uscc, unit_number, sync=True)
    db = store_path(home, uscc)
    store = open_store(db)
    try:
        groups = [g["id"] if isinstance(g, dict) else g.id for g in store.groups.rows()]
        people = [r["id"] for r in store.registry.employees(status="normal", limit=operations * 2)]
        keys = []
        for i, emp in enumerate(people[:operations]):
            keys.append(store.groups.assign(emp, groups[i % len(groups)]))
    finally:
        store.close()
    set_reply_delay(url, reply_delay_ms)  # widen the window between the server's commit and its reply
    cmd = _sbtui(home, url, "sync")

    def attempts() -> int:  # requests started: each kill's delay runs from the child's first
        return _read_int(db, "select coalesce(sum(attempts), 0) from outbox")

    def pending_left() -> None:
        con = sqlite3.connect(db)
        try:
            n = con.execute("select count(*) from outbox where state in ('queued','sent')").fetchone()[0]
        finally:
            con.close()
        report.local_rows_after_kill.append(n)

    _kill_loop(cmd, _env(PASSWORD), kills, (0, span), rng, report, pending_left, progress=attempts)
    done = subprocess.run(cmd, env=_env(PASSWORD), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"final sync failed ({done.returncode}): {done.stderr[-1500:]}")
    con = sqlite3.connect(db)
    try:
        report.resent = con.execute("select count(*) from outbox where attempts > 1").fetchone()[0]
        report.replayed = con.execute(
            "select count(*) from outbox where json_extract(response, '$.replayed') = 1").fetchone()[0]
    finally:
        con.close()
    return report, keys


def server_effects(url: str, kind: str) -> list[dict]:
    return httpx.get(f"{url}/api/v1/sandbox/effects", params={"kind": kind}, timeout=60).json()


def set_reply_delay(url: str, ms: int) -> None:
    httpx.post(f"{url}/api/v1/sandbox/settings", json={"reply_delay_ms": ms}, timeout=10).raise_for_status()


__all__ = ["drill_pull", "drill_push", "server_registry", "local_registry", "integrity", "server_effects",
           "set_reply_delay", "store_path", "DrillReport"]
