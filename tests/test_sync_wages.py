"""Wage declaration end to end against the in-process sandbox (SPEC W7–W9, W12): the grid is
submitted through the outbox (offline first, a lost reply, then sent once), the feedback is
fetched after its delay by sync() or by fetch_wage_feedback(wait=True), rows end accepted or
refused with the service's reason, and the next pull brings the new wages."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest
from sandbox_helpers import Faulty, activate

from sbtui import clock
from sbtui.domain.wages import current_wage
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app
from sbtui.remote.sandbox.testing import FakeClock
from sbtui.store import open_store
from sbtui.sync import fetch_wage_feedback, sync

EMPLOYEES = 60


async def make_env(tmp_path, clock=None):
    data = tmp_path / "sandbox"
    app = create_app(data, employees=EMPLOYEES, clock=clock)
    service = HttpService.in_process(app, backoff_base=0, retries=2)
    await activate(service, data)
    controls = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox/api/v1")
    store = open_store(tmp_path / "client" / "store.db")
    return type("Env", (), {"app": app, "service": service, "controls": controls, "store": store,
                            "clock": clock})


@pytest.fixture
async def env(tmp_path):
    e = await make_env(tmp_path, FakeClock())  # 2026-05-15 10:00 CST; 2026-01 … 2026-04 paid
    e.store.wages.today = lambda: date(2026, 5, 15)
    yield e
    e.store.close()
    await e.controls.aclose()
    await e.service.aclose()


def candidates(store, n):
    """Normal employees insured for 110 whose every insured type has a wage (clean rows)."""
    out = []
    for e in store.registry.employees(status="normal", type_code="110"):
        if all(any(w["type"] == t for w in e["wages"]) for t in e["insured_types"]):
            out.append(e)
    assert len(out) >= n
    return out[:n]


def draft_row(store, employee_id):
    return next(r for r in store.wages.draft_rows() if r["employee_id"] == employee_id)


def wage_in(employee, code, month):
    return current_wage(employee["wages"], code, month)


async def test_submit_feedback_and_pull(env):
    store, service = env.store, env.service
    await sync(store, service)
    raised, lowered, same = candidates(store, 3)
    ids = [raised["id"], lowered["id"], same["id"]]
    assert store.wages.add_employees(ids, "2026-05") == 3
    new_wage = wage_in(raised, "110", "2026-05") + Decimal("1000.00")
    store.wages.set(draft_row(store, raised["id"])["id"], "w110", str(new_wage))
    low = draft_row(store, lowered["id"])["id"]
    store.wages.set(low, "f110", "2026-01")
    store.wages.set(low, "w110", str(wage_in(lowered, "110", "2026-01") - Decimal("100")))
    rowids = [draft_row(store, i)["id"] for i in ids]
    assert store.wage_submissions.problems(rowids) == []
    [(warned, note)] = store.wage_submissions.warnings(rowids)  # W6: 2026-01 is before this month
    assert warned == low and note.startswith("110、") and "将产生补缴信息" in note
    sid = store.wage_submissions.submit(rowids)

    first = await sync(store, service)
    assert (first.pushed, first.refused, first.wage_feedback) == (1, 0, 0)
    record = store.wage_submissions.record(sid)
    assert record["state"] == "processing" and len(record["declarations"]) == 1
    assert {draft_row(store, i)["result"] for i in ids} == {"queued"}

    env.clock.advance(seconds=5)  # past feedback_at
    second = await sync(store, service)
    assert second.wage_feedback == 1 and second.pushed == 0
    assert draft_row(store, raised["id"])["result"] == "accepted"
    assert draft_row(store, same["id"])["result"] == "accepted"
    refused = draft_row(store, lowered["id"])
    assert refused["result"] == "refused"
    assert refused["reason"] == "2026-01已申报，不能调低该月缴费工资（请先作废申报后再调低）"
    record = store.wage_submissions.record(sid)
    assert (record["state"], record["summary"], record["accepted"], record["refused"]) == (
        "done", "部分成功", 2, 1)
    rows = {r["employee_id"]: r for r in store.wage_submissions.record_rows(sid)}
    assert rows[lowered["id"]]["items"][0]["reason"].startswith("2026-01已申报")

    # the same sync pulled the accepted wages (W9: the open period closed at 2026-04)
    employee = store.registry.employee(raised["id"])
    assert wage_in(employee, "110", "2026-05") == new_wage
    assert wage_in(employee, "410", "2026-05") == new_wage  # bound (W4)
    assert wage_in(employee, "110", "2026-04") == wage_in(raised, "110", "2026-04")
    periods = [(r["wage"], r["period_from"], r["period_to"])
               for r in store.wage_query.query(id_number=raised["id_number"], type_code="110")]
    assert periods[0] == (str(new_wage), "2026-05", "2099-12")
    assert periods[1][2] == "2026-04"
    assert wage_in(store.registry.employee(lowered["id"]), "110", "2026-01") == wage_in(lowered, "110", "2026-01")

    third = await sync(store, service)
    assert third.wage_feedback == 0 and store.wage_submissions.pending_feedback() == []
    assert len(await service.wage_declarations()) == 1


@pytest.fixture
async def live(tmp_path):
    e = await make_env(tmp_path)  # the real clock
    await e.controls.post("/sandbox/settings", json={"feedback_delay_ms": 300})
    yield e
    e.store.close()
    await e.controls.aclose()
    await e.service.aclose()


async def test_offline_queue_lost_reply_then_wait_for_feedback(live):
    store, service = live.store, live.service
    await sync(store, service)
    month = clock.this_month()  # the sandbox's month (CST)
    [who] = candidates(store, 1)
    store.wages.add_employees([who["id"]], month)
    new_wage = wage_in(who, "110", month) + Decimal("88.88")
    rowid = draft_row(store, who["id"])["id"]
    store.wages.set(rowid, "w110", str(new_wage))
    sid = store.wage_submissions.submit([rowid])

    offline = await sync(store, Faulty(service, offline_before_perform=True))
    assert offline.offline and store.wage_submissions.record(sid)["state"] == "sent"
    lost = await sync(store, Faulty(service, lose_replies=1))  # applied, the answer lost
    assert lost.offline and store.outbox.counts()["sent"] == 1
    sent = await sync(store, service)  # the same key: the stored answer is replayed
    assert sent.pushed == 1 and store.wage_submissions.record(sid)["state"] == "processing"
    assert len(await service.wage_declarations()) == 1  # one declaration, not two

    assert await fetch_wage_feedback(store, service, wait=True, timeout=10) == 1
    assert draft_row(store, who["id"])["result"] == "accepted"
    assert store.wage_submissions.record(sid)["summary"] == "全部申报成功"
    assert await fetch_wage_feedback(store, service, wait=True, timeout=1) == 0

    await sync(store, service)
    assert wage_in(store.registry.employee(who["id"]), "110", month) == new_wage
