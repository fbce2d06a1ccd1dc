"""Sandbox payment (SPEC P1–P5, D12; issue 12): the pay list and its late fees, 安全认证, the
TIPS debit (success, the bank's refusals, exactly once), 银行端查询缴税凭证 (issue, collection,
void), the records, the 缴费 role, and the HTTP client's parsing of every answer."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sbtui.domain.models import (Agreement, DepositAccount, PayLine, Payment, PayTicket, Voucher,
                                 due_tick)
from sbtui.remote.errors import LockedError, RefusedError, WrongPasswordError
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app, info
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token

ENT = "66259112241843"
PASSWORD = "Passw0rd!"
ICBC = ("中国工商银行", "中国工商银行股份有限公司鄂尔多斯康巴什支行", "0605020109200123456")
CCB = ("中国建设银行", "中国建设银行股份有限公司鄂尔多斯康巴什支行", "15050171536700000789")
VERIFIED_AGREEMENT = "15069100000000001"  # on ICBC (50,000,000.00)
UNVERIFIED_AGREEMENT = "15069100000000002"  # on CCB (2,000.00)
NAME = "鄂尔多斯市康巴什区鸿泰能源科技有限公司"


@pytest.fixture
def clock():
    return FakeClock()  # 2026-05-15 10:00 CST; paid periods 2026-01 … 2026-04


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=40, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT, PASSWORD)
        yield c


# -- helpers -----------------------------------------------------------------------------------

def unpay(app, period: str) -> None:
    with app.state.sandbox.db.tx() as conn:
        conn.execute("DELETE FROM paid_periods WHERE uscc = ? AND period = ?", (DEMO_USCC, period))


async def declare(c, clock, period: str, code: str) -> dict:
    """Declare the tax tick (ENT, period, code) and read it back 申报成功."""
    lines = (await c.get("/dues", params={"unit_number": ENT})).json()
    tick = due_tick("tax", ENT, period, period, code)
    keys = [d["key"] for d in lines if d["tick"] == tick and d["status"] == "初始"]
    assert keys, tick
    r = await c.post("/declarations", json={"kind": "daily", "unit_number": ENT,
                                            "lines": [{"key": k} for k in keys]},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 202, r.text
    clock.advance(seconds=4)
    got = (await c.get(f"/declarations/{r.json()['id']}")).json()
    assert got["status"] == "申报成功"
    return got


async def pay_list(c) -> list[dict]:
    r = await c.get("/payments/due")
    assert r.status_code == 200, r.text
    for line in r.json():
        PayLine.model_validate(line)
    return r.json()


async def ticket(c, password: str = PASSWORD) -> str:
    r = await c.post("/payments/authorize", json={"password": password})
    assert r.status_code == 200, r.text
    return PayTicket.model_validate(r.json()).ticket


async def login(c) -> None:
    """A new session (a token lasts 12 hours)."""
    r = await c.post("/auth/login", json={"uscc": DEMO_USCC, "password": PASSWORD})
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"


def total_of(lines: list[dict]) -> str:
    return str(sum((Decimal(x["amount"]) + Decimal(x["late_fee"]) for x in lines), Decimal("0.00")))


async def pay(c, lines: list[dict], agreement: str, tick: str, *, total: str | None = None,
              key: str | None = None):
    body = {"lines": [x["key"] for x in lines], "agreement_id": agreement, "ticket": tick,
            "total": total or total_of(lines)}
    return await c.post("/payments", json=body, headers={"Idempotency-Key": key or new_key()})


async def issue(c, lines: list[dict], tick: str, account: dict | None = None, key: str | None = None):
    body = {"lines": [x["key"] for x in lines], "ticket": tick, "total": total_of(lines),
            "account": account}
    return await c.post("/vouchers", json=body, headers={"Idempotency-Key": key or new_key()})


def balance(app, bank: str, account: str) -> Decimal:
    row = app.state.sandbox.db.one("SELECT balance FROM bank_accounts WHERE bank = ? AND account = ?",
                                   (bank, account))
    return Decimal(row[0])


def refused(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.json()
    return r.json()


def snapshot(app) -> dict:
    """Everything a payment may change."""
    db = app.state.sandbox.db
    return {t: db.all(f"SELECT * FROM {t} ORDER BY 1, 2")
            for t in ("bank_accounts", "line_payments", "declarations", "paid_periods", "vouchers")}


# -- the pay list and the late fee -------------------------------------------------------------

async def test_pay_list_late_fee_to_the_pay_day_D12(app, c, clock):
    unpay(app, "2026-04")
    decl = await declare(c, clock, "2026-04", "210")
    lines = await pay_list(c)
    assert [x["key"] for x in lines] == [f"{decl['id']}:1", f"{decl['id']}:2"]
    for x, ln in zip(lines, decl["lines"]):
        # deadline 2026-04-20 (a Monday); 2026-04-21 … 2026-05-15 is 25 days
        assert x["deadline"] == "2026-04-20" and x["days_late"] == 25 and x["as_of"] == "2026-05-15"
        assert x["amount"] == ln["actual"] and x["item"] == ln["item"]
        assert Decimal(x["late_fee"]) == (Decimal(ln["actual"]) * Decimal("0.0125")).quantize(
            Decimal("0.01"), ROUND_HALF_UP)
    clock.advance(days=3)  # the pay day: 2026-05-18, 28 days late
    await login(c)
    lines = await pay_list(c)
    assert {x["days_late"] for x in lines} == {28}
    r = await pay(c, lines, VERIFIED_AGREEMENT, await ticket(c))
    payment = Payment.model_validate(r.json())
    assert payment.status == "缴费成功" and payment.reason is None
    for pl, ln in zip(payment.lines, decl["lines"]):
        assert pl.late_fee == (Decimal(ln["actual"]) * Decimal("0.0005") * 28).quantize(
            Decimal("0.01"), ROUND_HALF_UP) > 0
    assert payment.late_fee == sum(pl.late_fee for pl in payment.lines)
    assert payment.total == payment.amount + payment.late_fee
    assert payment.amount == Decimal(decl["actual_total"])
    # the late fee is paid with the dues: the bank took both
    assert balance(app, ICBC[0], ICBC[2]) == Decimal("50000000.00") - payment.total


async def test_pay_list_holds_declared_unpaid_lines_only_P1(app, c, clock):
    assert await pay_list(c) == []
    r = await c.post("/declarations", json={"kind": "daily", "unit_number": ENT, "lines": [
        {"key": f"t|{ENT}|2026-05|410-u"}]}, headers={"Idempotency-Key": new_key()})
    assert r.status_code == 202
    assert await pay_list(c) == []  # 申报中 is not payable yet
    clock.advance(seconds=4)
    [line] = await pay_list(c)
    assert line["key"] == f"{r.json()['id']}:1" and line["late_fee"] == "0.00"
    assert line["deadline"] == "2026-05-20" and line["days_late"] == 0


# -- the debit ---------------------------------------------------------------------------------

async def test_refused_for_funds_then_paid_after_a_top_up_P2(app, c, clock):
    decl = await declare(c, clock, "2026-05", "110")
    lines = await pay_list(c)
    tick = await ticket(c)
    # the CCB agreement is not verified yet
    r = await pay(c, lines, UNVERIFIED_AGREEMENT, tick)
    assert r.status_code == 200
    assert r.json()["status"] == "缴费失败" and r.json()["reason"] == "三方协议未验证或已撤销"
    r = await c.post(f"/agreements/{UNVERIFIED_AGREEMENT}/verify", headers={"Idempotency-Key": new_key()})
    assert r.json()["status"] == "验证中"
    clock.advance(seconds=4)
    before = snapshot(app)
    r = await pay(c, lines, UNVERIFIED_AGREEMENT, tick)  # decides the verification first
    failed = Payment.model_validate(r.json())
    assert failed.status == "缴费失败" and failed.reason == "余额不足"
    assert failed.account == CCB[2] and failed.total == Decimal(total_of(lines))
    assert all(pl.ticket_number is None and pl.booked_on is None for pl in failed.lines)
    # a failed debit changes nothing else
    assert snapshot(app) == before
    assert await pay_list(c) == lines
    assert (await c.get(f"/declarations/{decl['id']}")).json()["payment_status"] == "未缴费"
    # top up through the training control, then try again (a new key)
    r = await c.post("/sandbox/bank/accounts", json={"bank": CCB[0], "branch": CCB[1], "account": CCB[2],
                                                     "name": NAME, "balance": "1000000.00"})
    assert r.status_code == 200 and DepositAccount.model_validate(r.json()).balance == Decimal("1000000.00")
    r = await pay(c, lines, UNVERIFIED_AGREEMENT, tick)
    paid = Payment.model_validate(r.json())
    assert paid.status == "缴费成功" and paid.id != failed.id
    assert balance(app, *CCB[::2]) == Decimal("1000000.00") - paid.total
    assert {pl.ticket_number for pl in paid.lines} != {None} and len(paid.lines[0].ticket_number) == 20
    assert {pl.booked_on for pl in paid.lines} == {date(2026, 5, 15)}
    assert await pay_list(c) == []
    got = (await c.get(f"/declarations/{decl['id']}")).json()
    assert got["payment_status"] == "已缴费" and got["paid"] == got["actual_total"]
    # the records: both attempts, newest first
    records = [Payment.model_validate(p) for p in (await c.get("/payments")).json()]
    assert [p.id for p in records][:2] == [paid.id, failed.id]
    assert Payment.model_validate((await c.get(f"/payments/{paid.id}")).json()) == paid
    assert (await c.get("/payments/PM9999999")).status_code == 404
    assert (await c.get("/payments", params={"date_from": "2026-05-16"})).json() == []


async def test_part_paid_declaration_and_paid_periods(app, c, clock):
    decl = await declare(c, clock, "2026-05", "110")
    first, second = await pay_list(c)
    tick = await ticket(c)
    assert (await pay(c, [first], VERIFIED_AGREEMENT, tick)).json()["status"] == "缴费成功"
    got = (await c.get(f"/declarations/{decl['id']}")).json()
    assert got["payment_status"] == "部分缴费" and got["paid"] == first["amount"]
    assert [x["key"] for x in await pay_list(c)] == [second["key"]]
    assert (await pay(c, [second], VERIFIED_AGREEMENT, tick)).json()["status"] == "缴费成功"
    got = (await c.get(f"/declarations/{decl['id']}")).json()
    assert got["payment_status"] == "已缴费" and got["paid"] == got["actual_total"]


async def test_keyed_replay_answers_the_same_and_debits_once(app, c, clock):
    await declare(c, clock, "2026-05", "210")
    lines = await pay_list(c)
    tick, key = await ticket(c), new_key()
    first = await pay(c, lines, VERIFIED_AGREEMENT, tick, key=key)
    again = await pay(c, lines, VERIFIED_AGREEMENT, tick, key=key)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert balance(app, ICBC[0], ICBC[2]) == Decimal("50000000.00") - Decimal(first.json()["total"])
    effects = (await c.get("/sandbox/effects", params={"kind": "payment.pay"})).json()
    assert [(e["key"], e["target"]) for e in effects] == [(key, first.json()["id"])]
    assert len((await c.get("/payments")).json()) == 1
    # a paid line cannot be paid again under a new key
    refusal = refused(await pay(c, lines, VERIFIED_AGREEMENT, tick), 400, "line_not_payable")
    assert refusal["detail"]["key"] == lines[0]["key"]


async def test_refusals_ticket_lines_total(app, c, clock):
    await declare(c, clock, "2026-05", "210")
    lines = await pay_list(c)
    tick = await ticket(c)
    refusal = refused(await pay(c, lines, VERIFIED_AGREEMENT, tick, total="1.00"), 400, "total_changed")
    expected = Decimal(total_of(lines))
    assert refusal["message"] == f"应缴金额已变化（现为{expected:,.2f}元），请刷新后重新缴费"
    assert refusal["detail"]["total"] == str(expected)
    refused(await pay(c, lines, VERIFIED_AGREEMENT, "no-such-ticket"), 400, "ticket_invalid")
    refused(await pay(c, [{"key": "FD9999999:1"}], VERIFIED_AGREEMENT, tick, total="0"), 400,
            "line_not_payable")
    refused(await pay(c, [], VERIFIED_AGREEMENT, tick, total="0"), 400, "bad_request")
    refused(await pay(c, lines, "150691999", tick), 404, "not_found")
    clock.advance(minutes=11)  # the ticket lasts 10 minutes
    refusal = refused(await pay(c, lines, VERIFIED_AGREEMENT, tick), 400, "ticket_invalid")
    assert refusal["message"] == "安全认证已过期，请重新输入申报密码"
    assert balance(app, ICBC[0], ICBC[2]) == Decimal("50000000.00")
    assert (await c.get("/payments")).json() == []


async def test_a_total_or_balance_off_the_amount_rule_is_a_400_naming_the_field(app, c, clock):
    """issue 14 (finding 1's rule for payments): a payment's or voucher's ``total`` and the bank
    control's ``balance`` are parsed by the one amount rule — NaN, an exponent, full-width digits,
    a sign or spaces are 400 ``bad_request`` naming the field, never a 422/500 or a total that
    happens to equal the lines' 合计 once read loosely; nothing is debited."""
    await declare(c, clock, "2026-05", "210")
    lines = await pay_list(c)
    tick = await ticket(c)
    exact = Decimal(total_of(lines))
    full_width = str(exact).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    for bad in ("NaN", "Infinity", f"{exact:E}", full_width, f" {exact}", f"+{exact}", f"{exact}0",
                "1,0"):
        for r in (await pay(c, lines, VERIFIED_AGREEMENT, tick, total=bad),
                  await c.post("/vouchers", json={"lines": [x["key"] for x in lines], "ticket": tick,
                                                  "total": bad, "account": None},
                               headers={"Idempotency-Key": new_key()})):
            refusal = refused(r, 400, "bad_request")
            assert refusal["detail"] == {"field": "total"}, (bad, refusal)
            assert "缴费金额" in refusal["message"], refusal
    assert balance(app, ICBC[0], ICBC[2]) == Decimal("50000000.00")
    assert (await c.get("/payments")).json() == [] and (await c.get("/vouchers")).json() == []
    account = {"bank": CCB[0], "branch": CCB[1], "account": CCB[2], "name": NAME}
    for bad in ("NaN", "1E+6", "１００", "-5", " 5", "5.001", "1234567890123"):
        refusal = refused(await c.post("/sandbox/bank/accounts", json={**account, "balance": bad}),
                          400, "bad_request")
        assert refusal["detail"] == {"field": "balance"} and "余额" in refusal["message"], (bad, refusal)
    assert balance(app, CCB[0], CCB[2]) == Decimal("2000.00")
    r = await pay(c, lines, VERIFIED_AGREEMENT, tick, total=str(exact))
    assert r.status_code == 200 and r.json()["status"] == "缴费成功", r.text


async def test_authorize_wrong_password_and_lockout(c):
    for left in (2, 1):
        r = await c.post("/payments/authorize", json={"password": "wrong"})
        assert r.status_code == 401 and r.json()["code"] == "20101"
        assert r.json()["message"] == "申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。"
        assert r.json()["detail"]["attempts_left"] == left
    r = await c.post("/payments/authorize", json={"password": "wrong"})
    assert r.status_code == 423 and r.json()["code"] == "20102"
    r = await c.post("/payments/authorize", json={"password": PASSWORD})
    assert r.status_code == 423


async def test_a_pay_user_pays_with_its_own_password_P5(app, c, clock):
    await declare(c, clock, "2026-05", "210")
    await add_user(c, "CaiWu01", "pay")
    token = await user_token(c, DEMO_USCC, "CaiWu01", "Userpass1")
    admin_ticket = await ticket(c)
    auth = {"Authorization": f"Bearer {token}"}
    lines = (await c.get("/payments/due", headers=auth)).json()
    assert len(lines) == 2
    r = await c.post("/payments/authorize", json={"password": PASSWORD}, headers=auth)
    assert r.status_code == 401  # not the declaration password: its own
    r = await c.post("/payments/authorize", json={"password": "Userpass1"}, headers=auth)
    user_ticket = r.json()["ticket"]
    body = {"lines": [x["key"] for x in lines], "agreement_id": VERIFIED_AGREEMENT,
            "ticket": admin_ticket, "total": total_of(lines)}
    r = await c.post("/payments", json=body, headers={**auth, "Idempotency-Key": new_key()})
    assert r.json()["code"] == "ticket_invalid"  # a ticket is its principal's
    body["ticket"] = user_ticket
    r = await c.post("/payments", json=body, headers={**auth, "Idempotency-Key": new_key()})
    assert r.json()["status"] == "缴费成功"
    # the dialog lists the agreements; managing them is §8, not §7
    assert (await c.get("/agreements", headers=auth)).status_code == 200
    r = await c.post(f"/agreements/{VERIFIED_AGREEMENT}/revoke", headers={**auth, "Idempotency-Key": new_key()})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert len((await c.get("/deposit-accounts", headers=auth)).json()) == 2


# -- vouchers ----------------------------------------------------------------------------------

async def test_voucher_collected_cannot_be_voided_P3(app, c, clock):
    decl = await declare(c, clock, "2026-05", "210")
    lines = await pay_list(c)
    account = {"bank": ICBC[0], "name": NAME, "account": ICBC[2]}
    r = await issue(c, lines, await ticket(c), account)
    assert r.status_code == 200, r.text
    v = Voucher.model_validate(r.json())
    assert v.status == "已开具" and len(v.number) == 18 and len(v.ticket_number) == 20
    assert v.issued_on == date(2026, 5, 15) and v.deadline == date(2026, 5, 20)  # not overdue
    assert v.payer_name == NAME and v.bank == ICBC[0] and v.account == ICBC[2]
    assert v.tax_authority == "国家税务总局鄂尔多斯市康巴什区税务局"
    assert v.total == Decimal(total_of(lines)) and [ln.key for ln in v.lines] == [x["key"] for x in lines]
    assert await pay_list(c) == []  # its lines left the pay list
    refused(await pay(c, lines, VERIFIED_AGREEMENT, await ticket(c)), 400, "line_not_payable")
    r = await c.post(f"/sandbox/vouchers/{v.number}/paid", json={})
    booked = Voucher.model_validate(r.json())
    assert booked.status == "已入库" and booked.booked_on == date(2026, 5, 15)
    assert {(ln.ticket_number, ln.booked_on) for ln in booked.lines} == {(v.ticket_number, date(2026, 5, 15))}
    assert balance(app, ICBC[0], ICBC[2]) == Decimal("50000000.00") - v.total
    assert (await c.get(f"/declarations/{decl['id']}")).json()["payment_status"] == "已缴费"
    r = await c.post(f"/vouchers/{v.number}/void", headers={"Idempotency-Key": new_key()})
    refusal = refused(r, 400, "voucher_booked")
    assert refusal["message"] == f"作废失败，税票号码{v.ticket_number}已经入库，不能进行此操作"
    refused(await c.post(f"/sandbox/vouchers/{v.number}/paid", json={}), 400, "voucher_booked")
    assert [x["number"] for x in (await c.get("/vouchers")).json()] == [v.number]
    assert Voucher.model_validate((await c.get(f"/vouchers/{v.number}")).json()).status == "已入库"


async def test_void_returns_the_lines_to_the_pay_list_P3(app, c, clock):
    await declare(c, clock, "2026-05", "110")
    lines = await pay_list(c)
    v = (await issue(c, lines, await ticket(c))).json()  # no account
    assert v["payer_name"] == NAME and v["bank"] == "" and v["account"] == ""
    assert await pay_list(c) == []
    key = new_key()
    r = await c.post(f"/vouchers/{v['number']}/void", headers={"Idempotency-Key": key})
    assert r.status_code == 200 and r.json()["status"] == "已作废" and r.json()["voided_at"]
    again = await c.post(f"/vouchers/{v['number']}/void", headers={"Idempotency-Key": key})
    assert again.json() == r.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await pay_list(c) == lines
    refused(await c.post(f"/vouchers/{v['number']}/void", headers={"Idempotency-Key": new_key()}),
            400, "voucher_voided")
    refused(await c.post(f"/sandbox/vouchers/{v['number']}/paid", json={}), 400, "voucher_voided")
    # the lines can go on a new voucher
    assert (await issue(c, lines, await ticket(c))).status_code == 200


async def test_voucher_of_overdue_lines_is_due_today_and_collection_checks_funds(app, c, clock):
    unpay(app, "2026-04")
    await declare(c, clock, "2026-04", "210")
    lines = await pay_list(c)
    assert all(x["days_late"] == 25 for x in lines)
    account = {"bank": CCB[1], "name": NAME, "account": CCB[2]}  # named by its branch
    v = (await issue(c, lines, await ticket(c), account)).json()
    assert v["deadline"] == "2026-05-15" and Decimal(v["late_fee"]) > 0
    refusal = refused(await c.post(f"/sandbox/vouchers/{v['number']}/paid", json={}), 400,
                      "insufficient_funds")
    assert refusal["message"] == "余额不足"
    assert balance(app, *CCB[::2]) == Decimal("2000.00")
    clock.advance(days=1)
    await login(c)
    refusal = refused(await c.post(f"/sandbox/vouchers/{v['number']}/paid", json={}), 400,
                      "voucher_expired")
    assert refusal["message"] == "已超过限缴日期"
    assert (await c.get("/vouchers", params={"date_from": "2026-05-15", "date_to": "2026-05-15"})).json()
    assert (await c.get("/vouchers", params={"date_to": "2026-05-14"})).json() == []


# -- training controls and info ----------------------------------------------------------------

async def test_bank_account_control_and_info(app, c, tmp_path):
    r = await c.post("/sandbox/bank/accounts", json={"bank": "内蒙古银行", "branch": "内蒙古银行股份有限公司康巴什支行",
                                                     "account": "123456789012", "name": NAME,
                                                     "balance": "10.50"})
    assert r.json() == {"bank": "内蒙古银行", "branch": "内蒙古银行股份有限公司康巴什支行",
                        "account": "123456789012", "name": NAME, "balance": "10.50"}
    refused(await c.post("/sandbox/bank/accounts", json={"bank": "内蒙古银行", "account": "12a",
                                                         "name": NAME}), 400, "bad_request")
    accounts = [DepositAccount.model_validate(a) for a in (await c.get("/deposit-accounts")).json()]
    assert {a.account for a in accounts} == {ICBC[2], CCB[2], "123456789012"}
    assert all(a.balance is None for a in accounts)
    listed = {a["account"]: a for a in info(tmp_path)["bank_accounts"]}
    assert listed[ICBC[2]] == {"bank": ICBC[0], "branch": ICBC[1], "account": ICBC[2], "name": NAME,
                               "balance": "50000000.00"}
    assert listed["123456789012"]["balance"] == "10.50"
    assert (await c.get("/sandbox/bank/accounts")).json() == info(tmp_path)["bank_accounts"]


# -- the HTTP client ---------------------------------------------------------------------------

async def test_http_client_parses_every_answer(app, clock):
    service = HttpService.in_process(app, retries=0)
    try:
        async with client(app) as c:
            await activate(c, DEMO_USCC, ENT, PASSWORD)
            service.token = c.headers["Authorization"].split()[1]
            await declare(c, clock, "2026-05", "110")
            await declare(c, clock, "2026-05", "210")
        lines = await service.pay_list()
        assert len(lines) == 4 and all(isinstance(x, PayLine) for x in lines)
        with pytest.raises(WrongPasswordError):
            await service.authorize_payment("wrong")
        ticket_ = await service.authorize_payment(PASSWORD)
        assert isinstance(ticket_, PayTicket)
        first, second = lines[:2], lines[2:]
        body = {"lines": [x.key for x in first], "agreement_id": VERIFIED_AGREEMENT,
                "ticket": ticket_.ticket, "total": str(sum(x.amount + x.late_fee for x in first))}
        answer = await service.perform("payment.pay", {"body": body}, key=new_key())
        assert answer["status"] == 200
        paid = Payment.model_validate(answer["body"])
        [listed] = await service.payments()
        assert listed == paid and await service.payment(paid.id) == paid
        assert await service.payments(date_from="2026-05-16") == []
        body = {"lines": [x.key for x in second], "ticket": ticket_.ticket,
                "total": str(sum(x.amount + x.late_fee for x in second)), "account": None}
        answer = await service.perform("voucher.issue", {"body": body}, key=new_key())
        v = Voucher.model_validate(answer["body"])
        assert [x.number for x in await service.vouchers()] == [v.number]
        assert (await service.voucher(v.number)) == v
        answer = await service.perform("voucher.void", {"number": v.number, "body": None}, key=new_key())
        assert answer["body"]["status"] == "已作废"
        with pytest.raises(RefusedError):
            await service.perform("voucher.void", {"number": v.number, "body": None}, key=new_key())
        accounts = await service.deposit_accounts()
        assert all(isinstance(a, DepositAccount) for a in accounts) and len(accounts) == 2
        agreements = await service.agreements()
        assert [a.id for a in agreements] == [VERIFIED_AGREEMENT, UNVERIFIED_AGREEMENT]
        assert isinstance(await service.agreement(VERIFIED_AGREEMENT), Agreement)
        for _ in range(2):
            with pytest.raises(WrongPasswordError):
                await service.authorize_payment("wrong")
        with pytest.raises(LockedError):
            await service.authorize_payment("wrong")
    finally:
        await service.aclose()


async def test_a_declaration_on_an_open_voucher_cannot_be_voided(app, c, clock):
    decl = await declare(c, clock, "2026-05", "210")
    v = (await issue(c, await pay_list(c), await ticket(c))).json()
    r = await c.post(f"/declarations/{decl['id']}/void", headers={"Idempotency-Key": new_key()})
    refusal = refused(r, 400, "declaration_on_voucher")
    assert refusal["message"] == "该申报已开具缴费凭证，请先作废缴费凭证"
    assert refusal["detail"]["voucher"] == v["number"]
    await c.post(f"/vouchers/{v['number']}/void", headers={"Idempotency-Key": new_key()})
    r = await c.post(f"/declarations/{decl['id']}/void", headers={"Idempotency-Key": new_key()})
    assert r.status_code == 202


async def test_a_paid_line_stops_accruing_in_the_dues_list_D12(app, c, clock):
    unpay(app, "2026-04")
    await declare(c, clock, "2026-04", "210")
    first, second = await pay_list(c)
    assert (await pay(c, [first], VERIFIED_AGREEMENT, await ticket(c))).json()["status"] == "缴费成功"
    listed = {d["key"]: d for d in (await c.get("/dues", params={"unit_number": ENT})).json()}
    assert listed[f"t|{ENT}|2026-04|210-u"]["late_fee"] == "0.00"  # paid
    assert listed[f"t|{ENT}|2026-04|210-p"]["late_fee"] == second["late_fee"] != "0.00"


async def test_a_wholly_paid_month_joins_the_paid_periods(app, c, clock):
    for code in ("110", "210", "410"):
        await declare(c, clock, "2026-05", code)
    lines = await pay_list(c)
    *most, last = lines
    tick = await ticket(c)
    assert (await pay(c, most, VERIFIED_AGREEMENT, tick)).json()["status"] == "缴费成功"
    paid = {(p["unit_number"], p["period"]) for p in (await c.get("/paid-periods")).json()}
    assert (ENT, "2026-05") not in paid
    assert (await pay(c, [last], VERIFIED_AGREEMENT, tick)).json()["status"] == "缴费成功"
    paid = {(p["unit_number"], p["period"]): p for p in (await c.get("/paid-periods")).json()}
    assert paid[(ENT, "2026-05")]["paid_on"] == "2026-05-15"
    assert not [i for i in (await c.get("/home/todo")).json()
                if i["kind"] == "unpaid" and i["unit_number"] == ENT]
