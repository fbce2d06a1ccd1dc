"""Sandbox idempotency: one outcome per key, replayed; in-flight and reuse detection."""
from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from sbtui.domain.models import KeyOutcome
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=50, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        yield c


async def effects(c, kind=None):
    r = await c.get("/sandbox/effects", params={"kind": kind} if kind else {})
    return r.json()


async def test_key_required(c):
    r = await c.post("/groups", json={"name": "新组", "parent_id": None})
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_required"


async def test_replay_same_body_single_effect(c):
    key = new_key()
    first = await c.post("/groups", json={"name": "新组", "parent_id": None},
                         headers={"Idempotency-Key": key})
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    again = await c.post("/groups", json={"parent_id": None, "name": "新组"},
                         headers={"Idempotency-Key": key})
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert [e["key"] for e in await effects(c, "group.create")] == [key]
    names = [g["name"] for g in (await c.get("/groups")).json()]
    assert names.count("新组") == 1


async def test_other_body_same_key_is_refused(c):
    key = new_key()
    await c.post("/groups", json={"name": "甲", "parent_id": None}, headers={"Idempotency-Key": key})
    r = await c.post("/groups", json={"name": "乙", "parent_id": None}, headers={"Idempotency-Key": key})
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    r = await c.post("/employees/E0000001/group", json={"group_id": None},
                     headers={"Idempotency-Key": key})  # same key, other path
    assert r.status_code == 422
    assert len(await effects(c)) == 2  # the password change and the one group


async def test_in_flight_conflict(app, c):
    gate, entered = asyncio.Event(), asyncio.Event()

    async def hold(key):
        entered.set()
        await gate.wait()

    app.state.sandbox.keyed.before_apply = hold
    key = new_key()
    body = {"name": "并发组", "parent_id": None}
    first = asyncio.create_task(c.post("/groups", json=body, headers={"Idempotency-Key": key}))
    await entered.wait()
    app.state.sandbox.keyed.before_apply = None
    r = await c.post("/groups", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 409 and r.json()["code"] == "idempotency_in_progress"
    outcome = KeyOutcome.model_validate((await c.get(f"/idempotency/{key}")).json())
    assert outcome.state == "running" and outcome.path == "/api/v1/groups"
    gate.set()
    assert (await first).status_code == 200
    r = await c.post("/groups", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 200 and r.headers["Idempotent-Replayed"] == "true"
    assert len(await effects(c, "group.create")) == 1


async def test_reply_delay_is_after_commit(app, c, tmp_path):
    r = await c.post("/sandbox/settings", json={"reply_delay_ms": 300})
    assert r.json() == {"reply_delay_ms": 300}
    key = new_key()
    started = time.monotonic()
    task = asyncio.create_task(c.post("/groups", json={"name": "慢组", "parent_id": None},
                                      headers={"Idempotency-Key": key}))
    # committed before the reply: another connection sees the key and the effect while the reply waits
    conn = sqlite3.connect(tmp_path / "sandbox.db")
    while conn.execute("SELECT status_code FROM idem_keys WHERE key = ?", (key,)).fetchone() != (200,):
        assert not task.done() and time.monotonic() - started < 10
        await asyncio.sleep(0.01)
    assert not task.done()
    assert conn.execute("SELECT count(*) FROM effects WHERE key = ?", (key,)).fetchone() == (1,)
    conn.close()
    # a retry during the delay (the client was killed after the commit) gets the replay
    again = await c.post("/groups", json={"name": "慢组", "parent_id": None},
                         headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    r = await task
    assert r.status_code == 200 and time.monotonic() - started >= 0.3
    assert r.content == again.content
    await c.post("/sandbox/settings", json={"reply_delay_ms": 0})


async def test_outcome_lookup(c):
    key = new_key()
    r = await c.post("/groups", json={"name": "查询组", "parent_id": None},
                     headers={"Idempotency-Key": key})
    outcome = KeyOutcome.model_validate((await c.get(f"/idempotency/{key}")).json())
    assert outcome.state == "completed" and outcome.status_code == 200
    assert outcome.method == "POST" and outcome.response == r.json()
    r = await c.get(f"/idempotency/{new_key()}")
    assert r.status_code == 404 and r.json()["code"] == "unknown_key"


async def test_refusals_are_stored_and_replayed(c):
    key = new_key()
    r = await c.post("/employees/E0000001/group", json={"group_id": "G9999"},
                     headers={"Idempotency-Key": key})
    assert r.status_code == 400 and r.json()["code"] == "group_not_found"
    # the group now exists, but the key has exactly one outcome: the refusal
    g = await c.post("/groups", json={"name": "后建组", "parent_id": None},
                     headers={"Idempotency-Key": new_key()})
    assert g.json()["id"] != "G9999"
    again = await c.post("/employees/E0000001/group", json={"group_id": "G9999"},
                         headers={"Idempotency-Key": key})
    assert again.status_code == 400 and again.headers["Idempotent-Replayed"] == "true"
    assert again.content == r.content
    outcome = (await c.get(f"/idempotency/{key}")).json()
    assert outcome["status_code"] == 400 and outcome["response"]["code"] == "group_not_found"
    assert not await effects(c, "group.assign")


async def test_keys_are_scoped_to_the_employer(app, c):
    key = new_key()
    body = {"name": "同名", "parent_id": None}
    await c.post("/groups", json=body, headers={"Idempotency-Key": key})
    async with client(app) as other:
        await activate(other, "91150691MA0P9D3L62", "88025")
        r = await other.post("/groups", json=body, headers={"Idempotency-Key": key})
        assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
        assert (await other.get(f"/idempotency/{new_key()}")).status_code == 404


async def test_password_change_replay(app):
    async with client(app) as c:
        r = await c.post("/auth/login", json={"uscc": DEMO_USCC, "password": "241843"})
        auth = {"Authorization": f"Bearer {r.json()['token']}", "Idempotency-Key": new_key()}
        body = {"old_password": "241843", "new_password": "Secret123"}
        first = await c.post("/auth/password", json=body, headers=auth)
        again = await c.post("/auth/password", json=body, headers=auth)
        assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
        assert len(await effects(c, "password.change")) == 1


async def test_old_keys_are_purged_on_start(tmp_path, clock, c):
    key = new_key()
    await c.post("/groups", json={"name": "旧组", "parent_id": None}, headers={"Idempotency-Key": key})
    clock.advance(days=34)
    create_app(tmp_path, clock=clock)
    conn = sqlite3.connect(tmp_path / "sandbox.db")
    assert conn.execute("SELECT count(*) FROM idem_keys WHERE key = ?", (key,)).fetchone() == (1,)
    clock.advance(days=2)
    create_app(tmp_path, clock=clock)
    assert conn.execute("SELECT count(*) FROM idem_keys WHERE key = ?", (key,)).fetchone() == (0,)
    conn.close()
