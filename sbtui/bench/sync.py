"""``sbtui bench sync``: full and incremental sync over loopback HTTP against a real server.

Beside the full sync, each round measures its floor (issue 16): fetching the same registry
pages with the same client and page size and parsing them, storing nothing
(:func:`fetch_pages`); ``full_ratio`` is the median full sync over the median floor.
"""
from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from sbtui.bench.server import SandboxServer
from sbtui.domain.passwords import initial_password
from sbtui.workspace import Workspace

NEW_PASSWORD = "bench2026"
PAGE_SIZE = 2000  # the sync's own (sbtui.sync.sync)


async def _login(ws: Workspace, uscc: str, unit_number: str) -> None:
    from sbtui.remote.errors import WrongPasswordError

    first = initial_password(unit_number)
    try:
        session = await ws.login(uscc, first)
        if session.must_change_password:
            await ws.change_password(first, NEW_PASSWORD)
    except WrongPasswordError:
        await ws.login(uscc, NEW_PASSWORD)


class PhaseClock:
    """A sync progress callback that adds the seconds since the previous event to the phase of
    each event (``full``: the registry pages, ``dues``: GET /dues and the local write …)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def __call__(self, event) -> None:
        now = time.perf_counter()
        self.seconds[event.phase] = self.seconds.get(event.phase, 0.0) + now - self.last
        self.last = now


async def fetch_pages(service, page_size: int = PAGE_SIZE) -> int:
    """The sync's floor: every registry page fetched and parsed (the client's own validation),
    nothing stored; returns the employees seen."""
    after, seen = None, 0
    while True:
        page = await service.employees_page(after=after, limit=page_size)
        seen += len(page.items)
        if page.next_after is None or page.next_after == after:
            return seen
        after = page.next_after


async def _one_round(url: str, home: Path, uscc: str, unit: str, changes: int,
                     seed: int) -> tuple[float, float, float, dict[str, float]]:
    ws = Workspace(home, remote=url)
    try:
        await _login(ws, uscc, unit)
        record = (await ws.lookup_employer(uscc))[0]
        ws.save_employer(record, await ws.service().registrations())
        phases = PhaseClock()
        t0 = phases.last = time.perf_counter()
        await ws.sync(uscc, progress=phases)
        full = time.perf_counter() - t0
        phases.seconds["(end)"] = time.perf_counter() - phases.last
        t0 = time.perf_counter()
        await fetch_pages(ws.service())
        floor = time.perf_counter() - t0
        async with httpx.AsyncClient(base_url=url, timeout=60) as admin:
            r = await admin.post("/api/v1/sandbox/simulate", json={"changes": changes, "seed": seed})
            r.raise_for_status()
        t0 = time.perf_counter()
        await ws.sync(uscc)
        incremental = time.perf_counter() - t0
        return full, incremental, floor, phases.seconds
    finally:
        await ws.aclose()


def run_sync_bench(*, employees: int, changes: int = 100, repeat: int = 3, log: bool = True) -> dict:
    from sbtui.remote.sandbox import info

    with tempfile.TemporaryDirectory(prefix="sbtui-bench-") as tmp:
        data = Path(tmp) / "server"
        t0 = time.perf_counter()
        with SandboxServer(data, employees=employees) as srv:
            seeded = time.perf_counter() - t0
            facts = info(data)
            if log:
                print(f"server up with {facts['employees']} employees in {seeded:.1f} s: {srv.url}", flush=True)
            fulls, incs, floors, phases = [], [], [], []
            for i in range(repeat):
                full, inc, floor, phase = asyncio.run(_one_round(srv.url, Path(tmp) / f"home{i}", facts["uscc"],
                                                   facts["unit_numbers"][0], changes, seed=100 + i))
                fulls.append(full)
                incs.append(inc)
                floors.append(floor)
                phases.append(phase)
                if log:
                    print(f"run {i + 1}: full {full:.2f} s (floor {floor:.2f} s), incremental {inc:.3f} s; "
                          f"phases {', '.join(f'{k} {v:.2f} s' for k, v in phase.items())}", flush=True)
    return {
        "employees": employees,
        "changes": changes,
        "full_sync_s": statistics.median(fulls),
        "full_floor_s": statistics.median(floors),
        "full_ratio": statistics.median(fulls) / statistics.median(floors),
        "full_floor_runs_s": floors,
        "full_phases_s": phases,  # per run: seconds per sync phase (to each phase's last event)
        "incremental_sync_s": statistics.median(incs),
        "full_runs_s": fulls,
        "incremental_runs_s": incs,
        "server_start_s": seeded,
    }
