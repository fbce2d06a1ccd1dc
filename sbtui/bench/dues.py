"""``sbtui bench dues``: monthly preprocessing (税务生成, SPEC D1) of N employees × their types
× 12 months, and opening the declaration list.

Twelve months are made by the paid periods: the sandbox is seeded in this process, then every
unit number's paid periods are replaced by one ending 12 months ago, so each unit number's window
is the 12 months up to the current one (employees' seeded wages reach back to January of last
year). ``preprocess_s`` is the forced regeneration of every unit number on the sandbox database
(one pass over the employees; median of ``runs``). Its floor, measured in the same run
(``preprocess_floor_s``, ``preprocess_ratio``; issue 16): reading and parsing the same
employee documents the pass reads, computing nothing. Then a real server runs on that database and
``list_open_s`` is what opening the list costs the client when online: ``GET /dues`` over
loopback HTTP plus replacing the local ``dues`` table (:func:`sbtui.sync.dues.pull_dues`);
``store_read_s`` is the offline open of the 日常申报 list
(:meth:`sbtui.services.declarations.DeclarationsService.open_lines`: the store's open lines with
their offline edits).
"""
from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sbtui import clock


def _read_docs(db, uscc: str) -> float:
    """The preprocessing's floor: the employee documents its pass reads, read and parsed
    (pydantic-core's JSON parser, the fastest the project has)."""
    from pydantic_core import from_json

    t0 = time.perf_counter()
    with db.tx() as conn:
        for (doc,) in conn.execute("SELECT doc FROM employees WHERE uscc = ?", (uscc,)):
            from_json(doc)
    return time.perf_counter() - t0


def _prepare(data: Path, employees: int, runs: int, log: bool) -> dict:
    from sbtui.domain.period import add_months, month_of
    from sbtui.remote.sandbox import dues
    from sbtui.remote.sandbox.db import iso, registrations
    from sbtui.remote.sandbox.seed import DEMO_USCC, local_today
    from sbtui.remote.sandbox.service import open_db

    t0 = time.perf_counter()
    db = open_db(data, employees=employees)
    seeded = time.perf_counter() - t0
    dues.install(db)
    now = clock.now()
    today = local_today(now)
    current = month_of(today)
    with db.tx() as conn:
        units = [r["unit_number"] for r in registrations(conn, DEMO_USCC)]
        conn.execute("DELETE FROM paid_periods WHERE uscc = ?", (DEMO_USCC,))
        conn.executemany("INSERT INTO paid_periods VALUES (?, ?, ?, '0.00', ?)",
                         [(DEMO_USCC, u, add_months(current, -12), today.isoformat()) for u in units])
    if log:
        print(f"sandbox seeded with {employees} employees in {seeded:.1f} s", flush=True)
    times, floors, lines = [], [], 0
    try:
        for i in range(runs):
            t0 = time.perf_counter()
            lines = dues.refresh(db, DEMO_USCC, today, iso(now), force=True)
            times.append(time.perf_counter() - t0)
            floors.append(_read_docs(db, DEMO_USCC))
            if log:
                print(f"preprocess run {i + 1}: {times[-1]:.2f} s (floor {floors[-1]:.2f} s), {lines} lines",
                      flush=True)
        periods = [r[0] for r in db.all("SELECT DISTINCT period FROM dues_lines WHERE uscc = ?"
                                        " ORDER BY period", (DEMO_USCC,))]
    finally:
        db.close()
    floor = statistics.median(floors)
    return {"preprocess_runs_s": times, "preprocess_s": statistics.median(times), "lines": lines,
            "preprocess_floor_s": floor, "preprocess_ratio": statistics.median(times) / floor,
            "preprocess_floor_runs_s": floors,
            "months": len(periods), "period_from": periods[0] if periods else None,
            "period_to": periods[-1] if periods else None, "seed_s": seeded}


async def _open(url: str, home: Path, uscc: str, unit: str, runs: int, log: bool) -> dict:
    from sbtui.bench.sync import _login
    from sbtui.sync.dues import pull_dues
    from sbtui.workspace import Workspace

    ws = Workspace(home, remote=url)
    try:
        await _login(ws, uscc, unit)
        record = (await ws.lookup_employer(uscc))[0]
        ws.save_employer(record, await ws.service().registrations())
        employer = ws.employer(uscc)
        opens, reads, count = [], [], 0
        for i in range(runs):
            t0 = time.perf_counter()
            count = await pull_dues(employer.store, ws.service())
            opens.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            employer.declarations.open_lines("daily")
            reads.append(time.perf_counter() - t0)
            if log:
                print(f"list open run {i + 1}: GET + store {opens[-1]:.3f} s, store read {reads[-1]:.4f} s",
                      flush=True)
        return {"list_open_s": statistics.median(opens), "list_open_runs_s": opens,
                "store_read_s": statistics.median(reads), "list_lines": count}
    finally:
        await ws.aclose()


def run_dues_bench(*, employees: int, runs: int = 3, log: bool = True) -> dict:
    from sbtui.bench.server import SandboxServer
    from sbtui.remote.sandbox import info

    with tempfile.TemporaryDirectory(prefix="sbtui-bench-dues-") as tmp:
        data = Path(tmp) / "server"
        result = {"employees": employees, **_prepare(data, employees, runs, log)}
        facts = info(data)
        with SandboxServer(data, employees=employees) as srv:
            result.update(asyncio.run(_open(srv.url, Path(tmp) / "home", facts["uscc"],
                                            facts["unit_numbers"][0], runs, log)))
    return result
