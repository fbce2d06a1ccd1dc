"""SPEC: "a killed terminal loses at most the cell being typed". A child process types wage
cells into the local store of a prepared home (``sbtui.bench.wage_kill``: the wage service's
``set_cell``, with the W4 binding and the commit, then the cell printed), and is SIGKILLed at a random moment; the
store, reopened, holds every printed cell, at most the one in flight is missing, and
``PRAGMA integrity_check`` is ok."""
from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_sandbox import sandbox_workspace

from sbtui.bench.wage_kill import targets, value_of
from sbtui.store import open_store
from sbtui.services.wages import this_month

KILLS = 5


def cells_of(db_path) -> dict[tuple[int, str], str | None]:
    """The typed column of every draft row, as the reopened store has it."""
    store = open_store(db_path)
    try:
        return {(rowid, col): store.db.execute(f"SELECT {col} FROM wage_draft WHERE id = ?", [rowid]).fetchone()[0]
                for rowid, col in targets(store.db)}
    finally:
        store.close()


def integrity(db_path) -> str:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


async def prepared_store(home) -> tuple[str, Path]:
    """A home with the demo employer (200 employees) synced and a draft of its normal-paying
    employees; returns the employer and its local store's path."""
    ws, facts = await sandbox_workspace(home, employees=200)
    try:
        assert ws.employer(facts["uscc"]).wages.add_all_normal(this_month()) > 100
        return facts["uscc"], ws.config.store_path(facts["uscc"])
    finally:
        await ws.aclose()


@pytest.mark.slow
def test_killed_typist_loses_at_most_the_cell_in_flight(tmp_path):
    uscc, db_path = asyncio.run(prepared_store(tmp_path / "home"))
    expected = cells_of(db_path)
    order = list(expected)  # the child's i-th cell is order[i % len(order)]
    rng = random.Random(20260515)
    start = 0
    for _kill in range(KILLS):
        child = subprocess.Popen([sys.executable, "-m", "sbtui.bench.wage_kill", str(tmp_path / "home"), uscc,
                                  str(start)], stdout=subprocess.PIPE)
        try:
            assert child.stdout.readline() == b"ready\n"
            lines = [child.stdout.readline() for _ in range(rng.randint(5, 120))]
            time.sleep(rng.uniform(0, 0.003))  # somewhere inside the next wage_set
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            lines += child.stdout.read().splitlines(keepends=True)  # printed before the kill
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL
        printed = [line.split() for line in lines if line.endswith(b"\n")]  # a torn last line is not printed
        assert printed, "the child printed nothing before the kill"
        for i, rowid, col, value in printed:
            assert (int(rowid), col.decode()) == order[int(i) % len(order)]
            expected[(int(rowid), col.decode())] = value.decode()
        last = int(printed[-1][0])
        assert last - start + 1 == len(printed)  # no gaps in what the parent read

        assert integrity(db_path) == "ok"
        actual = cells_of(db_path)
        missing = {k: (v, actual[k]) for k, v in expected.items() if actual[k] != v}
        flight = order[(last + 1) % len(order)]
        # every printed cell is there; only the cell in flight may differ: then it holds the
        # value being typed (committed, killed before printing it)
        assert set(missing) <= {flight}, missing
        if missing:
            assert actual[flight] == value_of(last + 1)
            expected[flight] = actual[flight]
        start = last + 1
    # the undo log and the draft still open and read after the kills
    store = open_store(db_path)
    try:
        assert store.wages.draft_count() >= len(order)
        assert store.wages.undo()  # the last committed cell can be undone
    finally:
        store.close()
