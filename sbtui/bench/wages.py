"""``sbtui bench wages``: the wage declaration path at N employees (SPEC W2–W10, W8).

A sandbox server in a child process on loopback (:class:`sbtui.bench.server.SandboxServer`), a
fresh :class:`~sbtui.workspace.Workspace` in a temporary home with the demo employer added (the
initial password, the forced change, the registrations, a full sync), the sandbox's
``feedback_delay_ms`` set to 0. Then, per run: the draft cleared, 添加全部正常缴费职工 timed
(``add_all_s``), ~200 typed cells on random rows each saved with its W4 binding and committed
(``edit_commit_ms``), the whole draft exported to the official xlsx (``xlsx_export_s``) and that
file imported back (``xlsx_import_s``). Last, the draft is submitted end to end
(``submit_s``: ``WagesService.submit`` of every row, the outbox pushed over HTTP in chunks of
5,000, every chunk's feedback fetched and applied), ``submit_runs`` times. Medians are reported.

Beside each figure, in the same run, its floor and the ratio to it (issue 16; ``*_floor_s``,
``*_ratio``): add all -- one ``INSERT … SELECT`` of the same rows; export -- the same cells
written by the writer alone; import -- the same file's cells read by the reader alone (see
:mod:`sbtui.bench.floors`); submit -- the service's own seconds on the wage requests of that
submission (its ``/sandbox/busy`` clock: taking the chunks, processing them, answering the
feedback reads). ``import_peak_mb``: the peak RSS of a child process that opens the workspace
and imports the exported file (``import_base_mb``: its RSS just before the import).
Every step calls the employer's :class:`~sbtui.services.wages.WagesService`, as the screens and
the CLI do; the store is only read, to pick the cells.
"""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

from sbtui.bench import floors
from sbtui.bench.server import SandboxServer
from sbtui.bench.sync import _login
from sbtui.services import Employer
from sbtui.store.wages import CODES
from sbtui.workspace import Workspace

KEYS = ("rows", "add_all_s", "edit_commit_ms", "xlsx_export_s", "xlsx_import_s", "submit_s")
FLOORED = ("add_all", "xlsx_export", "xlsx_import", "submit")  # each has *_s, *_floor_s and *_ratio
GOALS = {"add_all_s": 1.0, "edit_commit_ms": 30.0, "xlsx_export_s": 3.0, "xlsx_import_s": 5.0, "submit_s": 15.0}  # issue 16
SLOW_SUBMIT_S = 30.0  # a submission slower than this is run once only (unless asked otherwise)


def _say(log: bool, text: str) -> None:
    if log:
        print(text, file=sys.stderr, flush=True)


def first_wage_columns(store) -> list[tuple[int, str]]:
    """Per draft row: ``(rowid, "w110" or the first wage column the row is insured for)``;
    rows insured for nothing are left out."""
    out = []
    for rowid, insured in store.db.execute("SELECT id, insured FROM wage_draft ORDER BY id"):
        codes = [c for c in CODES if c in (insured or "").split(",")]
        if not codes:
            continue
        column = "w110" if "110" in codes else f"w{codes[0]}"
        out.append((rowid, column))
    return out


def draft_ids(store) -> list[int]:
    return [r for (r,) in store.db.execute("SELECT id FROM wage_draft ORDER BY id")]


def time_edits(employer: Employer, edits: int, rng: random.Random) -> list[float]:
    """``edits`` ``set_cell`` calls (the grid's writer) on random rows (each a distinct value,
    raised above the current wage so that no declared month is lowered); returns each call's
    seconds."""
    store = employer.store
    targets = first_wage_columns(store)
    picks = rng.sample(targets, min(edits, len(targets)))
    times = []
    for n, (rowid, column) in enumerate(picks, 1):
        current = store.db.execute(f"SELECT {column} FROM wage_draft WHERE id = ?", [rowid]).fetchone()[0]
        value = (Decimal(current) if current else Decimal(5000)) + Decimal(n) + Decimal("0.01") * rng.randint(1, 99)
        t0 = time.perf_counter()
        employer.wages.set_cell(rowid, column, str(value))
        times.append(time.perf_counter() - t0)
    return times


def fill_empty_wages(employer: Employer, default: str = "5000.00") -> int:
    """Give every insured type without a wage one, so that the whole draft can be submitted
    (the seed has new hires with no wage yet): the row's highest wage (so a bound type moved
    with it is never lowered), else ``default``. Returns how many rows changed."""
    store = employer.store
    wage_cols = ", ".join(f"w{c}" for c in CODES)
    changed: set[int] = set()
    for code in CODES:
        by_value: dict[str, list[int]] = {}
        for rowid, insured, *wages in store.db.execute(f"SELECT id, insured, {wage_cols} FROM wage_draft"
                                                       f" WHERE w{code} IS NULL"):
            if code in (insured or "").split(","):
                known = [Decimal(w) for w in wages if w is not None]
                by_value.setdefault(str(max(known)) if known else default, []).append(rowid)
        for value, rowids in by_value.items():
            changed.update(employer.wages.fill(rowids, f"w{code}", value))
    return len(changed)


async def _workspace(url: str, home: Path, uscc: str, unit: str) -> Workspace:
    ws = Workspace(home, remote=url)
    await _login(ws, uscc, unit)
    [record] = await ws.lookup_employer(uscc)
    ws.save_employer(record, await ws.service().registrations())
    await ws.sync(uscc)
    return ws


async def _busy(url: str, *, reset: bool = False) -> float:
    """The service's own seconds on wage requests since the last reset (then reset, if asked)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as admin:
        if reset:
            (await admin.post("/api/v1/sandbox/busy/reset")).raise_for_status()
            return 0.0
        r = await admin.get("/api/v1/sandbox/busy")
        r.raise_for_status()
        return r.json()["seconds"].get("wages", 0.0)


async def submit_all(ws: Workspace, uscc: str, *, timeout: float = 1800) -> tuple[float, dict]:
    """Submit every draft row and push until every chunk's feedback is applied; returns the
    seconds and the submission record (``accepted``, ``refused``, ``state``, …, ``local_s``:
    the seconds of ``submit`` alone, the local transaction, and ``service_s``: the service's
    own seconds on those wage requests)."""
    await _busy(ws.remote_url, reset=True)
    wages = ws.employer(uscc).wages
    rowids = draft_ids(ws.employer(uscc).store)
    deadline = time.monotonic() + timeout
    t0 = time.perf_counter()
    sid = wages.submit(rowids)
    local = time.perf_counter() - t0
    while True:
        await wages.feedback(wait=True, timeout=max(1.0, deadline - time.monotonic()))
        record = wages.record(sid)
        if record["state"] == "done" or time.monotonic() > deadline:
            break
    seconds = time.perf_counter() - t0
    return seconds, {**record, "local_s": local, "service_s": await _busy(ws.remote_url)}


def import_memory(home: Path, uscc: str, path: Path) -> dict:
    """The peak RSS of importing ``path`` in a fresh child process (:mod:`sbtui.bench.import_child`)."""
    out = subprocess.run([sys.executable, "-m", "sbtui.bench.import_child", str(home), uscc, str(path)],
                         capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise RuntimeError(f"the import child failed: {out.stderr[-2000:]}")
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    if facts["errors"]:
        raise RuntimeError(f"the import child reported {facts['errors']} errors")
    return {"import_peak_mb": facts["peak_mb"], "import_base_mb": facts["base_mb"]}


async def _measure(url: str, home: Path, facts: dict, *, runs: int, edits: int, submit_runs: int | None,
                   tmp: Path, log: bool, seed: int) -> dict:
    uscc, unit = facts["uscc"], facts["unit_numbers"][0]
    from sbtui.services.wages import this_month

    t0 = time.perf_counter()
    ws = await _workspace(url, home, uscc, unit)
    _say(log, f"employer added and synced in {time.perf_counter() - t0:.1f} s")
    async with httpx.AsyncClient(base_url=url, timeout=60) as admin:
        (await admin.post("/api/v1/sandbox/settings", json={"feedback_delay_ms": 0})).raise_for_status()
    try:
        employer = ws.employer(uscc)
        wages = employer.wages
        month = this_month()
        rng = random.Random(seed)
        adds, edit_times, edit_medians, exports, imports = [], [], [], [], []
        add_floors, export_floors, import_floors = [], [], []
        added = loaded = filled = 0
        for run in range(1, runs + 1):
            add_floors.append(floors.add_all_floor(employer.store))
            wages.clear()
            t0 = time.perf_counter()
            added = wages.add_all_normal(month)
            adds.append(time.perf_counter() - t0)
            filled = fill_empty_wages(employer)
            times = time_edits(employer, edits, rng)
            edit_times += times
            edit_medians.append(statistics.median(times) * 1000)
            path = tmp / f"wages{run}.xlsx"
            t0 = time.perf_counter()
            wages.export_draft(path)
            exports.append(time.perf_counter() - t0)
            formats, cells = floors.export_cells(wages)
            export_floors.append(floors.export_floor(formats, cells, tmp / f"floor{run}.xlsx"))
            del cells
            import_floors.append(floors.import_floor(path))
            t0 = time.perf_counter()
            outcome = wages.import_draft(path)
            imports.append(time.perf_counter() - t0)
            loaded = outcome.loaded
            if outcome.errors:
                raise RuntimeError(f"import of the exported file reported errors: {outcome.errors[:3]}")
            _say(log, f"run {run}: add {adds[-1]:.2f} s (floor {add_floors[-1]:.2f} s; {added} rows; {filled} with empty "
                      f"wages filled), edit median {edit_medians[-1]:.1f} ms, export {exports[-1]:.1f} s (floor "
                      f"{export_floors[-1]:.1f} s), import {imports[-1]:.1f} s (floor {import_floors[-1]:.2f} s; {loaded} rows)")
        memory = import_memory(home, uscc, tmp / f"wages{runs}.xlsx")
        _say(log, f"import in a child process: peak RSS {memory['import_peak_mb']:.0f} MB "
                  f"(before the import {memory['import_base_mb']:.0f} MB)")
        problems = wages.check_submit(draft_ids(employer.store)).problems
        if problems:
            raise RuntimeError(f"{len(problems)} draft problems before submitting, e.g. {problems[:3]}")
        submits, records = [], []
        want = submit_runs if submit_runs is not None else runs
        for n in range(1, want + 1):
            seconds, record = await submit_all(ws, uscc)
            submits.append(seconds)
            records.append(record)
            _say(log, f"submit {n}: {seconds:.1f} s (submit {record['local_s']:.1f} s; service {record['service_s']:.1f} s), "
                      f"{record['chunks']} chunks, accepted {record['accepted']}, "
                      f"refused {record['refused']} ({record['summary']})")
            if submit_runs is None and seconds > SLOW_SUBMIT_S:
                break
    finally:
        await ws.aclose()
    last = records[-1]
    medians = {"add_all": (adds, add_floors), "xlsx_export": (exports, export_floors),
               "xlsx_import": (imports, import_floors),
               "submit": (submits, [r["service_s"] for r in records])}
    floored = {}
    for name, (values, floor_values) in medians.items():
        floor = statistics.median(floor_values)
        floored[f"{name}_floor_s"] = floor
        floored[f"{name}_ratio"] = statistics.median(values) / floor if floor > 0 else None
        floored[f"{name}_floor_runs_s"] = floor_values
    return {
        **floored,
        **memory,
        "rows": facts["employees"],
        "draft_rows": added,
        "add_all_s": statistics.median(adds),
        "edit_commit_ms": statistics.median(edit_times) * 1000,
        "xlsx_export_s": statistics.median(exports),
        "xlsx_import_s": statistics.median(imports),
        "submit_s": statistics.median(submits),
        "runs": runs,
        "submit_runs": len(submits),
        "edits_per_run": edits,
        "edit_commit_p95_ms": statistics.quantiles(edit_times, n=20)[-1] * 1000 if len(edit_times) > 1
        else edit_times[0] * 1000,
        "imported_rows": loaded,
        "empty_wage_rows_filled": filled,
        "submit_local_s": statistics.median(r["local_s"] for r in records),
        "submit_chunks": last["chunks"],
        "submit_accepted": last["accepted"],
        "submit_refused": last["refused"],
        "submit_state": last["state"],
        "add_all_runs_s": adds,
        "edit_commit_runs_ms": edit_medians,
        "xlsx_export_runs_s": exports,
        "xlsx_import_runs_s": imports,
        "submit_runs_s": submits,
    }


def run_wage_bench(*, rows: int, runs: int = 3, edits: int = 200, submit_runs: int | None = None,
                   log: bool = True, seed: int = 1) -> dict:
    """The wage bench (module doc); ``submit_runs`` ``None``: as many as ``runs``, but only one
    when a submission takes over :data:`SLOW_SUBMIT_S`."""
    from sbtui.remote.sandbox import info

    with tempfile.TemporaryDirectory(prefix="sbtui-bench-wages-") as tmp:
        data = Path(tmp) / "server"
        t0 = time.perf_counter()
        with SandboxServer(data, employees=rows) as srv:
            facts = info(data)
            _say(log, f"server up with {facts['employees']} employees in {time.perf_counter() - t0:.1f} s: {srv.url}")
            result = asyncio.run(_measure(srv.url, Path(tmp) / "home", facts, runs=runs, edits=edits,
                                          submit_runs=submit_runs, tmp=Path(tmp), log=log, seed=seed))
    return result
