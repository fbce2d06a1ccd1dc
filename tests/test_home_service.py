"""The service's home data (SPEC H2, H4): ``GET /home/todo``, the 消息中心 with read flags, and
who may read them; HttpService's mapping of these calls."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from sbtui.domain.models import TodoItem
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, SECOND_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token

UNITS = {"66259112241843", "15069120180327", "15069130000512", "15069120180334"}


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 5, 15, 2, 0, tzinfo=UTC))  # seeded with Jan–Apr paid


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=60, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        yield c


def by_kind(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for i in items:
        out.setdefault(i["kind"], []).append(i)
    return out


async def test_todo_H2(c):
    r = await c.get("/home/todo")
    assert r.status_code == 200
    items = by_kind(r.json())
    # one period (this month) per unit number: its preprocessed 初始 lines, counted and summed (D1)
    tax = items["tax_generated"]
    assert {(i["unit_number"], i["period"]) for i in tax} == {(u, "2026-05") for u in UNITS}
    dues = (await c.get("/dues", params={"source": "tax"})).json()
    for i in tax:
        mine = [d for d in dues if d["unit_number"] == i["unit_number"] and d["period_from"] == "2026-05"]
        assert i["count"] == len(mine) > 0
        assert Decimal(i["amount"]) == sum(Decimal(d["due"]) for d in mine)
        assert "2026-05属期税务生成的未申报待申报信息" in i["text"]
    # undeclared collection notices per medical unit number, with their amount
    notices = (await c.get("/collection-notices")).json()
    for item in items["collection"]:
        rows = [n for n in notices if n["unit_number"] == item["unit_number"]]
        assert Decimal(item["amount"]) == sum(Decimal(n["amount"]) for n in rows)
        assert item["count"] == len({n["serial"] for n in rows}) and "征集信息" in item["text"]
    # special dues still valid (the expired one is not a to-do)
    dues = (await c.get("/special-dues")).json()
    valid = [d for d in dues if d["valid_until"] >= "2026-05-15"]
    [special] = items["special"]
    assert special["count"] == len(valid) == 2
    assert Decimal(special["amount"]) == sum(Decimal(d["amount"]) for d in valid)
    assert "unpaid" not in items  # nothing is declared yet
    for item in r.json():
        TodoItem.model_validate(item)


async def test_todo_counts_every_month_since_the_last_paid_one(c, clock):
    clock.advance(days=40)  # 2026-06-24
    r = await c.post("/auth/login", json={"uscc": DEMO_USCC, "password": "Passw0rd!"})
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    items = by_kind((await c.get("/home/todo")).json())
    periods = {(i["unit_number"], i["period"]) for i in items["tax_generated"]}
    assert periods == {(u, p) for u in UNITS for p in ("2026-05", "2026-06")}
    assert items["special"][0]["count"] == 1  # one more special dues past its valid-until date


async def test_todo_needs_employees_with_wages(app, c):
    db = app.state.sandbox.db
    with db.tx() as conn:
        conn.execute("UPDATE employees SET doc = json_set(doc, '$.wages', json('[]')) WHERE uscc = ?",
                     (SECOND_USCC,))
    async with client(app) as other:
        await activate(other, SECOND_USCC, "88025")
        items = by_kind((await other.get("/home/todo")).json())
    assert "tax_generated" not in items and items["collection"]


async def test_messages_read_flag_is_keyed_H4(c):
    r = await c.get("/messages")
    messages = r.json()
    assert [m["id"] for m in messages] == ["M0002", "M0001"]  # newest first
    assert not any(m["read"] for m in messages) and all(m["kind"] == "message" for m in messages)
    key = new_key()
    r = await c.post("/messages/M0001/read", headers={"Idempotency-Key": key})
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["title"]
    again = await c.post("/messages/M0001/read", headers={"Idempotency-Key": key})
    assert again.headers["Idempotent-Replayed"] == "true"
    r = await c.post("/messages/M0001/read", headers={"Idempotency-Key": new_key()})
    assert r.status_code == 200  # read twice: still read, no error
    read = {m["id"]: m["read"] for m in (await c.get("/messages")).json()}
    assert read == {"M0001": True, "M0002": False}
    effects = (await c.get("/sandbox/effects", params={"kind": "message.read"})).json()
    assert len(effects) == 2
    r = await c.post("/messages/N0001/read", headers={"Idempotency-Key": new_key()})
    assert r.status_code == 404  # a notice is not a message
    r = await c.post("/messages/M0001/read")
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_required"


async def test_read_flags_are_per_employer(app, c):
    await c.post("/messages/M0002/read", headers={"Idempotency-Key": new_key()})
    async with client(app) as other:
        await activate(other, SECOND_USCC, "88025")
        assert (await other.get("/messages")).json() == []  # the demo's messages are not its own
        r = await other.post("/messages/M0002/read", headers={"Idempotency-Key": new_key()})
        assert r.status_code == 404


async def test_pay_user_reads_notices_and_messages_but_not_the_todo(c):
    """Decision (API.md): 通知公告 and 消息中心 are on every user's home page (manual 000 §1.5),
    so the ``pay`` class; the to-do is about declarations, so not."""
    await add_user(c, "CaiWu01", "pay")
    auth = {"Authorization": f"Bearer {await user_token(c, DEMO_USCC, 'CaiWu01')}"}
    assert (await c.get("/notices", headers=auth)).status_code == 200
    assert (await c.get("/messages", headers=auth)).status_code == 200
    r = await c.post("/messages/M0001/read", headers={**auth, "Idempotency-Key": new_key()})
    assert r.status_code == 200 and r.json()["read"]
    r = await c.get("/home/todo", headers=auth)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # the read flag is the employer's: the administrator sees it too
    assert {m["id"]: m["read"] for m in (await c.get("/messages")).json()}["M0001"] is True


async def test_http_service_home_calls():
    seen: list[httpx.Request] = []
    todo = [{"kind": "special", "text": "t", "count": 2, "amount": "12.30", "unit_number": "1"}]
    message = {"id": "M1", "kind": "message", "title": "t", "date": "2026-05-01", "body": "b",
               "read": True}

    def answer(request):
        seen.append(request)
        path = request.url.path
        if path.endswith("/home/todo"):
            return httpx.Response(200, json=todo)
        if path.endswith("/read"):
            return httpx.Response(200, json=message)
        if path.endswith("/messages"):
            return httpx.Response(200, json=[message])
        return httpx.Response(200, json=[{**message, "kind": "notice", "read": None}])

    svc = HttpService("http://svc.test", transport=httpx.MockTransport(answer), token="t")
    [item] = await svc.home_todo()
    assert item.amount == Decimal("12.30") and item.period is None
    assert (await svc.messages())[0].read is True
    assert (await svc.notices())[0].kind == "notice"
    got = await svc.mark_message_read("M/1", key="k")
    assert got.read and seen[-1].url.raw_path == b"/api/v1/messages/M%2F1/read"
    assert seen[-1].headers["Idempotency-Key"] == "k" and seen[-1].method == "POST"
