"""Crash drills: a child ``sbtui`` process SIGKILLed at random points, then checked.

Used by the test suite (short) and by ``sbtui bench crash`` (long). Each drill runs the real
command line in a child process against a real sandbox server on loopback. The pull drill is
here; the push drill is :mod:`sbtui.bench.push_drill`, the payment drill
:mod:`sbtui.bench.pay_drill` (their kills classed by :mod:`sbtui.bench.killing`).
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


def _drilled(home: Path, url: str, *args: str) -> list[str]:
    """The killed child: ``sbtui`` through :mod:`sbtui.bench.sync_child` (a broken client
    under ``SBTUI_BENCH_CRASH_BROKEN``, to show the drill can fail)."""
    return [sys.executable, "-m", "sbtui.bench.sync_child", "--home", str(home), "--remote", url, *args]


def _child_env(broken: str | None) -> dict[str, str]:
    from sbtui.bench.sync_child import BROKEN_ENV

    env = _env(PASSWORD)
    env.pop(BROKEN_ENV, None)
    if broken:
        env[BROKEN_ENV] = broken
    return env


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
    """One value (a number) read from the child's store while it runs (read-only; 0 until it
    exists)."""
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


# moves with each committed page of a download (a first one or a --full one)
PAGE_MARK = ("select (select count(*) from employees) || ':' || coalesce("
             "(select value from sync_state where key = 'full_after'), '')")


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
               span: float = 1.5, broken: str | None = None) -> DrillReport:
    """SIGKILL the first (full) ``sbtui sync`` ``kills`` times at random points, restarting it
    each time (it resumes); should it finish first, ``sync --full`` gives it new work. Then let
    it finish. ``broken="skip-page"``: a client that skips a page on resume (must fail the
    drill's check, :func:`pull_ok`)."""
    rng = random.Random(seed)
    report = DrillReport()
    add_employer(url, home, uscc, unit_number, sync=False)
    db = store_path(home, uscc)
    # each kill's delay runs from the child's first committed page (a busy machine's slow
    # start-up does not use up the kills, and every kill leaves a download to resume)
    window = (0.0, span)

    def after() -> None:
        report.local_rows_after_kill.append(local_count(db))

    env = _child_env(broken)
    _kill_loop(_drilled(home, url, "sync"), env, kills, window, rng, report, after,
               cmd_when_done=_drilled(home, url, "sync", "--full"),
               progress=lambda: _read_int(db, PAGE_MARK))
    cmd = _drilled(home, url, "sync")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"final sync failed ({done.returncode}): {done.stderr[-1500:]}")
    return report


def pull_ok(url: str, home: Path, uscc: str, unit_number: str, report: DrillReport,
            asked: int) -> tuple[bool, list[str]]:
    """The pull drill's checks and what it prints: the kills made (enforced), the local
    registry equal to the service's (the ids missing or different named), integrity."""
    db = store_path(home, uscc)
    local, server = local_registry(db), server_registry(url, uscc, unit_number)
    differ = sorted(k for k in set(local) | set(server) if local.get(k) != server.get(k))
    check = integrity(db)
    ok = report.kills >= asked and not differ and check == "ok"
    out = [f"kills made: {report.kills} of {asked} asked; runs that finished first: {report.finished_early}",
           f"rows after each kill {report.local_rows_after_kill}",
           f"local registry equals the service's: {not differ} ({len(local)} local, {len(server)} on "
           f"the service, {len(differ)} differing); integrity_check: {check}"]
    out += [f"  offending id: {k}" for k in differ[:20]]
    out += [f"note: {n}" for n in report.notes]
    if report.kills < asked:
        out.append(f"FAIL: only {report.kills} of {asked} kills were made")
    out.append(f"local registry equals the service's after every kill: {ok}")
    return ok, out


def server_effects(url: str, kind: str) -> list[dict]:
    return httpx.get(f"{url}/api/v1/sandbox/effects", params={"kind": kind}, timeout=60).json()


def set_reply_delay(url: str, ms: int) -> None:
    httpx.post(f"{url}/api/v1/sandbox/settings", json={"reply_delay_ms": ms}, timeout=10).raise_for_status()


__all__ = ["drill_pull", "pull_ok", "server_registry", "local_registry", "integrity", "server_effects",
           "set_reply_delay", "store_path", "DrillReport"]
