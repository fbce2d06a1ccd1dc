"""``sbtui bench start``: cold start of the TUI in a fresh process, to its first interactive
screen, on a pseudo-terminal of 80×24.

Each run spawns ``python -m sbtui`` with ``SBTUI_BENCH_EXIT_ON_READY=1``: the app exits as soon
as its first screen has its content and prints ``ready <seconds>`` (seconds since the parent
spawned it, ``SBTUI_BENCH_T0``). Scenario ``employer`` (default): a home that already has the
demo employer added and synced (the employer list is the first screen); ``fresh``: a new home
(the region choice).

Its floor, in the same run and interleaved with it (issue 16): a fresh ``python -c "import
textual"`` (``floor_s``, the median; ``ratio``: the start's median over it).
"""
from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

READY = re.compile(rb"ready (\d+\.\d+)")


async def _prepare_employer(home: Path) -> None:
    """A home with the demo employer added, its password changed and its registry synced."""
    from sbtui.domain.passwords import initial_password
    from sbtui.remote.sandbox import info
    from sbtui.workspace import Workspace

    ws = Workspace(home)
    try:
        ws.config.region = "nm"
        facts = info(ws.config.sandbox_dir)
        first = initial_password(facts["unit_numbers"][0])
        await ws.login(facts["uscc"], first)
        await ws.change_password(first, "bench2026")
        record = (await ws.lookup_employer(facts["uscc"]))[0]
        ws.save_employer(record, await ws.service().registrations())
        await ws.sync(facts["uscc"])
    finally:
        await ws.aclose()


def _one_run(home: Path, timeout: float = 60.0) -> float:
    """Spawn the app on a pty; return the seconds it reported (parent-side clock)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "SBTUI_HOME": str(home), "SBTUI_BENCH_EXIT_ON_READY": "1",
           "TERM": os.environ.get("TERM", "xterm-256color"), "COLUMNS": "80", "LINES": "24"}
    env.pop("SBTUI_REMOTE", None)
    env["SBTUI_BENCH_T0"] = repr(time.time())
    proc = subprocess.Popen([sys.executable, "-m", "sbtui"], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    out = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
                if READY.search(out):
                    break
            elif proc.poll() is not None:
                break
        found = READY.search(out)
        if not found:
            raise RuntimeError(f"the app did not report ready: {out[-400:]!r}")
        return float(found.group(1))
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)


def run_start_bench(*, runs: int = 5, scenario: str = "employer", log: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="sbtui-start-") as tmp:
        home = Path(tmp) / "home"
        if scenario == "employer":
            asyncio.run(_prepare_employer(home))
        else:  # a fresh home whose embedded sandbox is seeded (seeding is not start-up)
            from sbtui.remote.sandbox import info

            info(home / "sandbox")
        _one_run(home)  # warm the OS file cache once; not counted
        times, floors = [], []
        for i in range(runs):
            t = _one_run(home)
            times.append(t)
            floors.append(import_textual())
            if log:
                print(f"run {i + 1}: {t:.3f} s (floor {floors[-1]:.3f} s)", flush=True)
    start, floor = statistics.median(times), statistics.median(floors)
    return {"start_s": start, "runs": times, "scenario": scenario, "floor_s": floor,
            "floor_runs": floors, "ratio": start / floor}


def import_textual() -> float:
    """The cold start's floor: seconds of a fresh ``python -c "import textual"``."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual"], check=True)
    return time.perf_counter() - t0
