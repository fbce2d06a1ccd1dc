"""Sandbox refunds (SPEC R1–R3; issue 13): the employees' paid lines kept at booking, 职工明细退费
(R2) and 税票退费 (R1) amounts, a line refunded once only, keyed exactly once, the agency's
decision (核验通过 → 已退库 crediting the account, or 核验不通过 freeing the lines), the 缴费
role refused, and the HTTP client's parsing."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from sbtui.domain.ids import complete_resident_id
from sbtui.domain.models import PaidLine, PaidRecord, Refund
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token
from test_sandbox_payments import (ENT, ICBC, NAME, PASSWORD, VERIFIED_AGREEMENT, balance, declare,
                                   pay, pay_list, ticket, unpay)

CENT = Decimal("0.01")
HANDLER = complete_resident_id("15010119800606060")


@pytest.fixture
def clock():
    return FakeClock()  # 2026-05-15 10:00 CST; paid periods 2026-01 … 2026-04


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=12, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT, PASSWORD)
        yield c


async def paid_april(app, c, clock) -> dict:
    """2026-04 pension (110) declared and paid 25 days late: lines with late fees."""
    unpay(app, "2026-04")
    decl = await declare(c, clock, "2026-04", "110")
    r = await pay(c, await pay_list(c), VERIFIED_AGREEMENT, await ticket(c))
    assert r.json()["status"] == "缴费成功", r.text
    return r.json()


async def paid_lines(c, **params) -> list[dict]:
    r = await c.get("/refunds/paid-lines", params={"period_from": "2026-04", "period_to": "2026-04",
                                                   **params})
    assert r.status_code == 200, r.text
    return [PaidLine.model_validate(x).model_dump(mode="json") for x in r.json()]


def application(**over) -> dict:
    body = {"cause": "错误多报职工缴费工资", "explanation": "多报缴费工资",
            "account": {"name": NAME, "bank": ICBC[0], "account": ICBC[2]},
            "handler": {"name": "小昭", "id_type": "201", "id_number": HANDLER,
                        "phone": "13333333333"}}
    body.update(over)
    return body


async def submit(c, body: dict, key: str | None = None):
    return await c.post("/refunds", json=body, headers={"Idempotency-Key": key or new_key()})


def expected(fee: dict, base: Decimal) -> Decimal:
    """paid − base × rate (half-up), the base above the 2026 floor 4,600.00 here."""
    rate = Decimal(fee["rate"].rstrip("%")) / 100
    return Decimal(fee["paid"]) - (base * rate).quantize(CENT, ROUND_HALF_UP)


async def test_paid_lines_are_the_employees_of_the_booked_lines(app, c, clock):
    payment = await paid_april(app, c, clock)
    lines = await paid_lines(c)
    fees = [x for x in lines if x["kind"] == "fee"]
    lates = [x for x in lines if x["kind"] == "late_fee"]
    assert fees and len(lates) == len(fees)  # 25 days late: every employee paid a late fee
    for pl in payment["lines"]:
        mine = [x for x in fees if f"{x['declaration_id']}:{x['n']}" == pl["key"]]
        assert sum(Decimal(x["paid"]) for x in mine) == Decimal(pl["amount"])
        late = [x for x in lates if x["fee_key"] in {m["key"] for m in mine}]
        assert sum(Decimal(x["paid"]) for x in late) == Decimal(pl["late_fee"])  # to the cent
        assert {x["ticket_number"] for x in mine} == {pl["ticket_number"]}
    one = fees[0]
    assert one["period_from"] == one["period_to"] == "2026-04" and one["type_code"] == "110"
    assert one["refundable"] and one["refunded"] == "0.00" and one["booked_on"] == "2026-05-15"
    assert one["key"] == f"{one['declaration_id']}:{one['n']}:{one['employee_id']}"
    # an employee by ID number or name
    mine = await paid_lines(c, id_number=one["id_number"])
    assert mine and {x["id_number"] for x in mine} == {one["id_number"]}
    assert {x["key"] for x in await paid_lines(c, name=one["name"])} >= {x["key"] for x in mine}
    # the lines are kept as paid: a later wage change does not move them
    with app.state.sandbox.db.tx() as conn:
        conn.execute("UPDATE employees SET doc = replace(doc, '\"wage\":\"', '\"wage\":\"1') WHERE uscc = ?",
                     (DEMO_USCC,))
    assert await paid_lines(c) == lines
    r = await c.get("/refunds/paid-lines", params={"period_from": "2026-05", "period_to": "2026-04"})
    assert r.status_code == 400 and r.json()["code"] == "bad_request"


async def test_r2_refund_decided_then_refunded_to_the_account(app, c, clock):
    await paid_april(app, c, clock)
    lines = await paid_lines(c)
    emp = lines[0]["id_number"]
    fees = [x for x in lines if x["id_number"] == emp and x["kind"] == "fee"]
    lates = [x for x in lines if x["id_number"] == emp and x["kind"] == "late_fee"]
    base = Decimal(fees[0]["base"])
    adjusted = max(Decimal("4600.00"), (base * Decimal("0.75")).quantize(CENT))
    assert adjusted < base
    want = [expected(f, adjusted) for f in fees]
    want_late = [(Decimal(lt["paid"]) * w / Decimal(f["paid"])).quantize(CENT, ROUND_HALF_UP)
                 for f, w, lt in zip(fees, want, lates)]
    total = sum(want) + sum(want_late)
    body = application(kind="employee", total=str(total),
                       lines=[{"key": f["key"], "adjusted_base": str(adjusted)} for f in fees]
                       + [{"key": lt["key"]} for lt in lates])
    before = balance(app, ICBC[0], ICBC[2])
    key = new_key()
    r = await submit(c, body, key)
    assert r.status_code == 200, r.text
    refund = Refund.model_validate(r.json())
    assert refund.status == "受理中" and refund.total == total and refund.kind == "employee"
    assert [ln.amount for ln in refund.lines] == want + want_late
    assert refund.lines[0].adjusted_base == adjusted and refund.lines[0].name == fees[0]["name"]
    # a retry with the same key applies once
    again = await submit(c, body, key)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert len((await c.get("/refunds")).json()) == 1
    # the lines are taken
    taken = {x["key"]: x for x in await paid_lines(c)}
    assert not taken[fees[0]["key"]]["refundable"]
    assert Decimal(taken[fees[0]["key"]]["refunded"]) == want[0]
    # asked again: refused
    r = await submit(c, body)
    assert r.status_code == 400 and r.json()["code"] == "line_not_refundable"
    assert "不能重复退费" in r.json()["message"]
    # the decision: 核验通过 at the first read after the delay, then 已退库
    assert (await c.get(f"/refunds/{refund.id}")).json()["status"] == "受理中"
    clock.advance(seconds=4)
    got = (await c.get(f"/refunds/{refund.id}")).json()
    assert got["status"] == "核验通过" and got["decided_at"] and got["refunded_on"] is None
    assert balance(app, ICBC[0], ICBC[2]) == before
    clock.advance(seconds=4)
    got = Refund.model_validate((await c.get("/refunds")).json()[0])
    assert got.status == "已退库" and str(got.refunded_on) == "2026-05-15"
    assert balance(app, ICBC[0], ICBC[2]) == before + total
    effects = app.state.sandbox.db.all("SELECT kind FROM effects WHERE key = ? ORDER BY id", (key,))
    assert [e[0] for e in effects] == ["refund.submit", "refund.verified", "refund.refunded"]


async def test_r2_refusals(app, c, clock):
    await paid_april(app, c, clock)
    lines = await paid_lines(c)
    fee = next(x for x in lines if x["kind"] == "fee")
    late = next(x for x in lines if x["fee_key"] == fee["key"])

    async def refused(code: str, text: str, **over):
        r = await submit(c, application(**over))
        assert r.status_code == 400, r.text
        assert r.json()["code"] == code and text in r.json()["message"], r.json()
        return r.json()

    one = [{"key": fee["key"], "adjusted_base": "4600.00"}]
    good_total = str(expected(fee, Decimal("4600.00")))
    await refused("bad_request", "滞纳金须与对应的费款一并勾选", kind="employee", total="1.00",
                  lines=[{"key": late["key"]}])
    await refused("bad_request", "请填写调整后缴费基数", kind="employee", total="1.00",
                  lines=[{"key": fee["key"]}])
    await refused("bad_request", "调整后缴费基数应低于原缴费基数", kind="employee", total="1.00",
                  lines=[{"key": fee["key"], "adjusted_base": fee["base"]}])
    await refused("bad_request", "调整后缴费基数格式不正确", kind="employee", total="1.00",
                  lines=[{"key": fee["key"], "adjusted_base": "4,600"}])
    await refused("bad_request", "请勾选需要退费的缴款记录", kind="employee", total="0.00", lines=[])
    await refused("line_not_refundable", "不能重复退费：FD9", kind="employee", total="1.00",
                  lines=[{"key": "FD9:1:E1", "adjusted_base": "4600"}])
    body = await refused("total_changed", f"现为{Decimal(good_total):,.2f}元", kind="employee",
                         total="1.00", lines=one)
    assert body["detail"]["total"] == good_total
    await refused("bad_request", "退费银行账户应为6至32位数字", kind="employee", total=good_total,
                  lines=one, account={"name": NAME, "bank": ICBC[0], "account": "23412"})
    await refused("bad_request", "校验位错误", kind="employee", total=good_total, lines=one,
                  handler={"name": "小昭", "id_number": "150101198006060606", "phone": "13333333333"})
    await refused("bad_request", "联系电话应为11位手机号码", kind="employee", total=good_total,
                  lines=one, handler={"name": "小昭", "id_number": HANDLER, "phone": "0477-8888888"})
    # nothing was taken by the refusals
    assert all(x["refundable"] for x in await paid_lines(c))
    assert (await c.get("/refunds")).json() == []


async def test_refused_by_the_agency_frees_the_lines(app, c, clock):
    await paid_april(app, c, clock)
    fee = next(x for x in await paid_lines(c) if x["kind"] == "fee")
    total = str(expected(fee, Decimal("4600.00")))
    lines = [{"key": fee["key"], "adjusted_base": "4600.00"}]
    r = await submit(c, application(kind="employee", total=total, lines=lines,
                                    account={"name": "别的公司", "bank": ICBC[0], "account": "6222020000000001"}))
    assert r.status_code == 200, r.text
    clock.advance(seconds=4)
    got = (await c.get(f"/refunds/{r.json()['id']}")).json()
    assert got["status"] == "核验不通过" and got["reason"] == "退费银行账户不存在"
    r = await submit(c, application(kind="employee", total=total, lines=lines,
                                    account={"name": "别的公司", "bank": ICBC[0], "account": ICBC[2]}))
    clock.advance(seconds=4)
    got = (await c.get(f"/refunds/{r.json()['id']}")).json()
    assert got["status"] == "核验不通过"
    assert got["reason"] == "退费银行账户名称与开户名称不一致；退费银行账户名称与缴费单位名称不一致"
    # freed: it can be asked again, and this time it passes
    assert next(x for x in await paid_lines(c) if x["key"] == fee["key"])["refundable"]
    r = await submit(c, application(kind="employee", total=total, lines=lines))
    assert r.status_code == 200 and r.json()["status"] == "受理中"


async def test_r1_ticket_refund_whole_and_once(app, c, clock):
    payment = await paid_april(app, c, clock)
    number = payment["lines"][0]["ticket_number"]
    r = await c.get("/refunds/paid-records", params={"period_from": "2026-04", "period_to": "2026-04"})
    [rec] = [PaidRecord.model_validate(x) for x in r.json()]
    assert rec.ticket_number == number and rec.total == Decimal(payment["total"])
    assert rec.refundable and rec.sources == ["tax"] and rec.unit_number == ENT
    r = await submit(c, application(kind="ticket", tickets=[number], total=str(rec.total)))
    assert r.status_code == 200, r.text
    refund = Refund.model_validate(r.json())
    assert refund.total == rec.total and refund.tickets == [number]
    assert sum(ln.amount for ln in refund.lines) == Decimal(payment["total"])
    # the whole ticket is taken: the ticket and every employee line of it
    r = await submit(c, application(kind="ticket", tickets=[number], total=str(rec.total)))
    assert r.status_code == 400 and r.json()["code"] == "line_not_refundable"
    assert not any(x["refundable"] for x in await paid_lines(c))
    rec = PaidRecord.model_validate((await c.get("/refunds/paid-records", params={
        "period_from": "2026-04", "ticket_number": number})).json()[0])
    assert not rec.refundable and rec.refunded == rec.total


async def test_an_employee_refund_blocks_the_whole_ticket(app, c, clock):
    payment = await paid_april(app, c, clock)
    fee = next(x for x in await paid_lines(c) if x["kind"] == "fee")
    r = await submit(c, application(kind="employee", total=str(expected(fee, Decimal("4600"))),
                                    lines=[{"key": fee["key"], "adjusted_base": "4600"}]))
    assert r.status_code == 200
    number = payment["lines"][0]["ticket_number"]
    r = await submit(c, application(kind="ticket", tickets=[number], total=payment["total"]))
    assert r.status_code == 400 and r.json()["code"] == "line_not_refundable"


async def test_a_pay_user_is_refused(app, c, clock):
    await add_user(c, "CaiWu01", "pay")
    token = await user_token(c, DEMO_USCC, "CaiWu01")
    r = await c.get("/refunds", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


async def test_the_http_client_parses_every_answer(app, c, clock):
    await paid_april(app, c, clock)
    service = HttpService.in_process(app)
    service.token = c.headers["Authorization"].split()[1]
    try:
        lines = await service.paid_lines(period_from="2026-04", period_to="2026-04")
        assert lines and isinstance(lines[0], PaidLine)
        records = await service.paid_records(period_from="2026-04", period_to="2026-04")
        assert records and records[0].lines
        fee = next(x for x in lines if x.kind == "fee")
        total = str(expected(fee.model_dump(mode="json"), Decimal("4600")))
        body = application(kind="employee", total=total,
                           lines=[{"key": fee.key, "adjusted_base": "4600.00"}])
        answer = await service.perform("refund.submit", {"body": body}, key=new_key())
        assert answer["status"] == 200
        [got] = await service.refunds()
        assert got.status == "受理中" and (await service.refund(got.id)).total == Decimal(total)
    finally:
        await service.aclose()
