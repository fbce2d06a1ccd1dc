"""sync() against the real sandbox app in-process (httpx.ASGITransport): full and incremental
pulls, resume, reconcile, 410 resync, and the outbox pushed exactly once."""
from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from sandbox_helpers import Faulty, Killed, activate, local_rows, server_rows
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app
from sbtui.store import open_store
from sbtui.store.registry import employee_row
from sbtui.sync import SyncProgress, sync
from sbtui.sync.progress import SyncResult
from sbtui.sync.pull import pull
from store_helpers import emp

EMPLOYEES = 120
PAGE = 25


@pytest.fixture
async def env(tmp_path):
    data = tmp_path / "sandbox"
    app = create_app(data, employees=EMPLOYEES)
    service = HttpService.in_process(app, backoff_base=0, retries=2)
    facts = await activate(service, data)
    controls = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox/api/v1")
    store = open_store(tmp_path / "client" / "store.db")
    yield type("Env", (), {"app": app, "service": service, "facts": facts, "controls": controls,
                           "store": store})
    store.close()
    await controls.aclose()
    await service.aclose()


async def effects(env, kind="group.assign") -> Counter:
    r = await env.controls.get("/sandbox/effects", params={"kind": kind})
    return Counter(e["key"] for e in r.json())


async def test_full_then_incremental(env):
    events: list[SyncProgress] = []
    first = await sync(env.store, env.service, page_size=PAGE, progress=events.append)
    assert first.full and not first.offline
    assert (first.added, first.changed, first.stopped, first.total) == (EMPLOYEES, 0, 0, EMPLOYEES)
    assert local_rows(env.store) == await server_rows(env.service)
    assert [e.done for e in events if e.phase == "full"] == [25, 50, 75, 100, 120]
    assert {e.phase for e in events} == {"groups", "full", "changes", "dues", "declarations", "payments"}
    state = env.store.sync_state()
    assert isinstance(state["cursor"], int) and "last_full_at" in state
    assert not {"full_after", "full_cursor", "full_phase"} & set(state)
    assert env.store.groups.rows() and env.store.registry.registrations()

    sim = (await env.controls.post("/sandbox/simulate", json={"changes": 30, "seed": 7})).json()
    second = await sync(env.store, env.service, page_size=PAGE)
    assert not second.full
    assert (second.added, second.changed, second.stopped) == (sim["added"], sim["changed"], sim["stopped"])
    assert env.store.sync_get("cursor") == sim["cursor"]
    assert second.total == EMPLOYEES + sim["added"]
    assert local_rows(env.store) == await server_rows(env.service)

    third = await sync(env.store, env.service, page_size=PAGE)
    assert (third.added, third.changed, third.stopped, third.full) == (0, 0, 0, False)


async def test_full_pull_resumes_after_kill(env):
    def die_after_two_pages(event: SyncProgress):
        if event.phase == "full" and event.done == 2 * PAGE:
            raise Killed()

    with pytest.raises(Killed):
        await sync(env.store, env.service, page_size=PAGE, progress=die_after_two_pages)
    assert env.store.registry.employee_count() == 2 * PAGE
    last = env.store.registry.employees()[-1]["id"]
    assert env.store.sync_get("full_after") == last
    assert env.store.sync_get("full_phase") == "pages"
    first_cursor = env.store.sync_get("full_cursor")
    assert first_cursor is not None

    # the service changes meanwhile; the resumed pull catches up through changes since full_cursor
    sim = (await env.controls.post("/sandbox/simulate", json={"changes": 10, "seed": 3})).json()
    wrapped = Faulty(env.service)
    result = await sync(env.store, wrapped, page_size=PAGE)
    assert wrapped.pages[0] == last  # resumed, not restarted
    assert len(wrapped.pages) == 3
    assert result.full
    assert env.store.sync_get("cursor") == sim["cursor"]
    assert local_rows(env.store) == await server_rows(env.service)


async def test_killed_with_wrapper_after_k_pages(env):
    with pytest.raises(Killed):
        await sync(env.store, Faulty(env.service, kill_after_pages=3), page_size=PAGE)
    assert env.store.registry.employee_count() == 3 * PAGE
    wrapped = Faulty(env.service)
    await sync(env.store, wrapped, page_size=PAGE)
    assert len(wrapped.pages) == 2
    assert local_rows(env.store) == await server_rows(env.service)


async def test_kill_in_the_changes_step_of_a_full_resumes_there(env):
    def die_in_changes(event: SyncProgress):
        if event.phase == "changes":
            raise Killed()

    with pytest.raises(Killed):
        await sync(env.store, env.service, page_size=PAGE, progress=die_in_changes)
    assert env.store.sync_get("full_phase") == "changes"
    assert env.store.sync_get("cursor") is None
    wrapped = Faulty(env.service)
    result = await sync(env.store, wrapped, page_size=PAGE)
    assert wrapped.pages == [] and result.full
    assert isinstance(env.store.sync_get("cursor"), int)
    assert local_rows(env.store) == await server_rows(env.service)
    again = Faulty(env.service)
    await sync(env.store, again, full=True, page_size=PAGE)
    assert len(again.pages) == 5  # full=True downloads everything again


async def test_full_download_removes_employees_the_service_no_longer_has(env):
    env.store.registry.upsert_employees([emp(99999)])  # E0099999: not on the service
    result = await sync(env.store, env.service, page_size=PAGE)
    assert result.removed == 1
    assert env.store.registry.employee("E0099999") is None
    assert local_rows(env.store) == await server_rows(env.service)


async def test_cursor_too_old_falls_back_to_full(env):
    await sync(env.store, env.service, page_size=PAGE)
    await env.controls.post("/sandbox/simulate", json={"changes": 12, "seed": 1})
    await env.controls.post("/sandbox/compact")
    result = await sync(env.store, env.service, page_size=PAGE)
    assert result.full
    assert local_rows(env.store) == await server_rows(env.service)
    assert env.store.sync_get("full_phase") is None


async def test_group_assignment_pushed_and_confirmed(env):
    await sync(env.store, env.service, page_size=PAGE)
    target = next(g for g in env.store.groups.rows() if g["level"] == 1)["id"]
    key = env.store.groups.assign("E0000005", target)
    result = await sync(env.store, env.service, page_size=PAGE)
    assert result.pushed == 1 and result.refused == 0
    item = env.store.outbox.get(key)
    assert item.state == "confirmed" and item.attempts == 1
    assert item.response["replayed"] is False
    assert (await effects(env))[key] == 1
    assert env.store.registry.employee("E0000005")["group_id"] == target
    assert local_rows(env.store) == await server_rows(env.service)


async def test_lost_reply_is_replayed_and_applied_once(env):
    await sync(env.store, env.service, page_size=PAGE)
    target = env.store.groups.rows()[0]["id"]
    key = env.store.groups.assign("E0000007", target)
    lossy = Faulty(env.service, lose_replies=1)
    first = await sync(env.store, lossy, page_size=PAGE)
    assert first.offline and first.pushed == 0
    assert env.store.outbox.get(key).state == "sent"
    assert (await effects(env))[key] == 1  # the service applied it

    again = Faulty(env.service)
    second = await sync(env.store, again, page_size=PAGE)
    assert second.pushed == 1
    assert again.performed == [("group.assign", key)]  # the same key, not a new one
    assert again.answers[0]["replayed"] is True
    assert (await effects(env))[key] == 1  # still exactly once
    assert env.store.outbox.get(key).state == "confirmed"
    assert local_rows(env.store) == await server_rows(env.service)


async def test_offline_push_keeps_item_and_skips_pull(env):
    await sync(env.store, env.service, page_size=PAGE)
    key = env.store.groups.assign("E0000003", None)
    wrapped = Faulty(env.service, offline_before_perform=True)
    result = await sync(env.store, wrapped, page_size=PAGE)
    assert result.offline and wrapped.pages == []
    item = env.store.outbox.get(key)
    assert item.state == "sent" and item.last_error
    assert (await effects(env))[key] == 0
    await sync(env.store, env.service, page_size=PAGE)
    assert env.store.outbox.get(key).state == "confirmed"
    assert (await effects(env))[key] == 1


async def test_conflict_while_first_attempt_runs_waits_and_replays(env):
    await sync(env.store, env.service, page_size=PAGE)
    target = env.store.groups.rows()[1]["id"]
    key = env.store.groups.assign("E0000009", target)
    item = env.store.outbox.get(key)
    running, gate = asyncio.Event(), asyncio.Event()
    keyed = env.app.state.sandbox.keyed

    async def hold(k):
        running.set()
        await gate.wait()

    keyed.before_apply = hold
    # an earlier attempt with the same key is still running on the service
    earlier = asyncio.create_task(env.service.perform(item.kind, item.payload, key=key))
    await asyncio.wait_for(running.wait(), 10)

    async def finish_after_a_conflict():  # the sync's first attempt was answered 409: let it end
        while env.store.outbox.get(key).attempts < 2:
            await asyncio.sleep(0.01)
        gate.set()

    finisher = asyncio.create_task(finish_after_a_conflict())
    result = await sync(env.store, env.service, page_size=PAGE, conflict_wait=0.05)
    await finisher
    keyed.before_apply = None
    assert (await earlier)["replayed"] is False
    assert result.pushed == 1
    done = env.store.outbox.get(key)
    assert done.state == "confirmed" and done.attempts >= 2
    assert done.response["replayed"] is True
    assert (await effects(env))[key] == 1


async def test_refused_item_is_surfaced_and_the_rest_still_pushed(env):
    await sync(env.store, env.service, page_size=PAGE)
    env.store.db.execute("INSERT INTO groups (id, name, parent_id) VALUES ('G9999', '已删除的组', NULL)")
    before = env.store.registry.employee("E0000002")["group_id"]
    bad = env.store.groups.assign("E0000002", "G9999")
    good = env.store.groups.assign("E0000004", None)
    result = await sync(env.store, env.service, page_size=PAGE)
    assert result.refused == 1 and result.pushed == 1
    refusal = result.refusals[0]
    assert (refusal.key, refusal.code) == (bad, "group_not_found")
    assert refusal.message == "分组不存在。"
    assert env.store.outbox.get(bad).state == "refused"
    assert env.store.outbox.get(good).state == "confirmed"
    assert env.store.registry.employee("E0000002")["group_id"] == before  # local change undone
    assert (await effects(env))[bad] == 0
    # a refusal is final: the next sync does not send it again
    wrapped = Faulty(env.service)
    await sync(env.store, wrapped, page_size=PAGE)
    assert wrapped.performed == []


async def test_pull_never_overwrites_a_pending_local_change(env):
    await sync(env.store, env.service, page_size=PAGE)
    groups = [g["id"] for g in env.store.groups.rows()]
    key = env.store.groups.assign("E0000011", groups[0])
    # someone else changes the same employee on the service meanwhile
    other = await env.service.perform("group.assign", {"employee_id": "E0000011",
                                                       "body": {"group_id": groups[2]}}, key="other-client")
    await pull(env.store, env.service, SyncResult(), full=False, progress=lambda e: None, page_size=PAGE)
    row = env.store.registry.employee("E0000011")
    assert row["group_id"] == groups[0] and row["pending"]
    await pull(env.store, env.service, SyncResult(), full=True, progress=lambda e: None, page_size=PAGE)
    assert env.store.registry.employee("E0000011")["group_id"] == groups[0]
    # then the push applies ours last; local and service agree
    await sync(env.store, env.service, page_size=PAGE)
    assert env.store.outbox.get(key).state == "confirmed"
    assert env.store.registry.employee("E0000011")["group_id"] == groups[0]
    assert env.store.registry.employee("E0000011")["seq"] > other["body"]["seq"]
    assert local_rows(env.store) == await server_rows(env.service)


async def test_offline_group_create_then_assign(env):
    await sync(env.store, env.service, page_size=PAGE)
    parent = next(g for g in env.store.groups.rows() if g["level"] == 1)["id"]
    temp, create_key = env.store.groups.create("离线新建组", parent)
    assign_key = env.store.groups.assign("E0000013", temp)
    result = await sync(env.store, env.service, page_size=PAGE)
    assert result.pushed == 2
    real = env.store.outbox.get(create_key).response["body"]["id"]
    assert env.store.outbox.get(assign_key).payload["body"]["group_id"] == real
    assert env.store.registry.employee("E0000013")["group_id"] == real
    assert temp not in {g["id"] for g in env.store.groups.rows()}
    assert any(g.id == real for g in await env.service.groups())
    assert local_rows(env.store) == await server_rows(env.service)


def test_rows_helper_matches_store_format():
    assert employee_row(emp(1).to_doc())[0] == "E0000001"
