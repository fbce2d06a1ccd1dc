"""Two sbtui processes on one home (issue 14 finding 5), real processes against a real sandbox
server with a reply delay: two `sync`s at once, and `sync` beside `wages add --all`. No
traceback (`database is locked`, `ValueError: outbox item … is confirmed, not queued or
sent`); a process that finds another one pushing says "另一个 sbtui 进程正在同步…"; every
queued item is applied exactly once and ends confirmed."""
from __future__ import annotations

import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from sbtui.bench import crash as drill
from sbtui.bench.server import SandboxServer
from sbtui.remote.sandbox import info
from sbtui.store import open_store

BUSY = "另一个 sbtui 进程正在同步"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = Path(tmp_path_factory.mktemp("two-server"))
    with SandboxServer(data, employees=300) as srv:
        srv.facts = info(data)
        yield srv


def queue_assignments(db: Path, n: int) -> list[str]:
    store = open_store(db)
    try:
        groups = [g["id"] if isinstance(g, dict) else g.id for g in store.groups.rows()]
        people = [r["id"] for r in store.registry.employees(status="normal", limit=n)]
        return [store.groups.assign(emp, groups[i % len(groups)]) for i, emp in enumerate(people)]
    finally:
        store.close()


def start(home: Path, url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(drill._sbtui(home, url, *args), env=drill._env(drill.PASSWORD),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


def outbox_states(db: Path) -> Counter:
    con = sqlite3.connect(db)
    try:
        return Counter(s for (s,) in con.execute("SELECT state FROM outbox"))
    finally:
        con.close()


def no_traceback(text: str) -> None:
    for bad in ("Traceback", "database is locked", "ValueError", "not queued or sent"):
        assert bad not in text, text[-3000:]


@pytest.mark.slow
def test_syncs_at_once_push_each_item_once_without_a_traceback(server, tmp_path):
    """issue 14 finding 5: three `sbtui sync` on one home while the service answers slowly —
    before, `database is locked` or `ValueError: outbox item … is confirmed` tracebacks."""
    facts = server.facts
    home = tmp_path / "home"
    drill.set_reply_delay(server.url, 0)
    drill.add_employer(server.url, home, facts["uscc"], facts["unit_numbers"][0], sync=True)
    db = drill.store_path(home, facts["uscc"])
    before = Counter(e["key"] for e in drill.server_effects(server.url, "group.assign"))
    keys = queue_assignments(db, 16)
    drill.set_reply_delay(server.url, 300)
    try:
        procs = [start(home, server.url, "sync") for _ in range(3)]
        results = [finish(p) for p in procs]
    finally:
        drill.set_reply_delay(server.url, 0)
    for code, text in results:
        no_traceback(text)
        assert code == 0 or (code == 5 and BUSY in text), (code, text[-3000:])
    assert any(code == 0 for code, _ in results)
    effects = Counter(e["key"] for e in drill.server_effects(server.url, "group.assign")) - before
    assert sorted(effects) == sorted(keys) and set(effects.values()) == {1}
    code, text = finish(start(home, server.url, "sync"))  # whatever the busy one left
    assert code == 0, text
    assert outbox_states(db) == Counter({"confirmed": len(keys)})


@pytest.mark.slow
def test_sync_beside_wages_add_all(server, tmp_path):
    """issue 14 finding 5: `sync` and `wages add --all` on one home at once — both finish,
    no `database is locked`."""
    facts = server.facts
    home = tmp_path / "home"
    drill.set_reply_delay(server.url, 0)
    drill.add_employer(server.url, home, facts["uscc"], facts["unit_numbers"][0], sync=True)
    db = drill.store_path(home, facts["uscc"])
    keys = queue_assignments(db, 8)
    drill.set_reply_delay(server.url, 300)
    try:
        procs = [start(home, server.url, "sync"), start(home, server.url, "wages", "add", "--all")]
        results = [finish(p) for p in procs]
    finally:
        drill.set_reply_delay(server.url, 0)
    for code, text in results:
        no_traceback(text)
        assert code == 0, (code, text[-3000:])
    assert outbox_states(db)["confirmed"] >= len(keys)
