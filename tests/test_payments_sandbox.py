"""The payment client against the in-process sandbox (issue 12, SPEC P1–P4, A1, D12): declare,
pay by agreement end to end; 余额不足 then a top-up (POST /sandbox/bank/accounts) and paid;
offline refused with nothing queued; a lost reply resolved by key_outcome without a second
debit; vouchers issued, collected (the control) and void refused, voided ones' lines back;
agreements added, verified (验证通过) and refused with the bank's reason."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sandbox_helpers import Faulty, activate

from sbtui.domain.pay import PaymentError
from sbtui.remote import errors as E
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app, info
from sbtui.sync import sync
from sbtui.sync.progress import SyncResult
from sbtui.sync.push import OFFLINE_PAY, UNKNOWN_RESULT, push
from sbtui.workspace import Workspace

VERIFIED = "15069100000000001"  # the demo employer's verified agreement (ICBC)
PASSWORD = "Passw0rd!"  # sandbox_helpers.NEW_PASSWORD


class Env:
    pass


@pytest.fixture
async def env(tmp_path):
    e = Env()
    e.data = tmp_path / "sb"
    e.app = create_app(e.data, employees=40)
    e.inner = HttpService.in_process(e.app, backoff_base=0.01)
    e.facts = await activate(e.inner, e.data)
    e.service = Faulty(e.inner)
    e.ws = Workspace(tmp_path / "home", service=e.service)
    e.emp = e.ws.employer(e.facts["uscc"])
    await sync(e.emp.store, e.service)
    yield e
    await e.ws.aclose()


async def declare(e) -> str:
    """Declare the first open tax tick; returns the declaration id (申报成功)."""
    decl = e.emp.declarations
    lines = [r for r in decl.open_lines("daily") if r["source"] == "tax"]
    tick = lines[0]["tick"]
    [ident] = decl.queue("daily", [r for r in lines if r["tick"] == tick])
    state = await decl.declaration_feedback(wait=True, timeout=30)
    [row] = state.settled
    assert row["status"] == "申报成功", row
    await e.emp.payments.refresh()
    await e.emp.agreements.refresh()
    return row["id"]


def icbc(e) -> dict:
    return next(a for a in info(e.data)["bank_accounts"] if a["bank"] == "中国工商银行")


async def set_balance(e, account: dict, balance: str) -> None:
    r = await e.inner._client.post("/sandbox/bank/accounts", json={**{k: account[k] for k in
                                                                      ("bank", "branch", "account", "name")},
                                                                   "balance": balance})
    assert r.status_code == 200, r.text


async def test_P2_pay_by_agreement_end_to_end(env):
    ident = await declare(env)
    pay = env.emp.payments
    lines = pay.by_declaration(pay.due_lines())[ident]
    t = pay.totals(lines)
    before = Decimal(icbc(env)["balance"])
    ticket = await pay.authorize(PASSWORD)
    p = await pay.pay([ln.key for ln in lines], VERIFIED, ticket, t.total)
    assert p.status == "缴费成功" and p.total == t.total
    assert all(ln.ticket_number and ln.booked_on for ln in p.lines)
    assert Decimal(icbc(env)["balance"]) == before - t.total
    assert not [ln for ln in pay.due_lines() if ln.declaration_id == ident]
    assert env.emp.declarations.declaration(ident)["payment_status"] == "已缴费"
    await pay.refresh()
    assert pay.payments()[0].id == p.id


async def test_P2_insufficient_funds_then_top_up_and_pay(env):
    ident = await declare(env)
    pay = env.emp.payments
    lines = pay.by_declaration(pay.due_lines())[ident]
    total = pay.totals(lines).total
    await set_balance(env, icbc(env), "1.00")
    ticket = await pay.authorize(PASSWORD)
    failed = await pay.pay([ln.key for ln in lines], VERIFIED, ticket, total)
    assert failed.status == "缴费失败" and failed.reason == "余额不足"
    assert Decimal(icbc(env)["balance"]) == Decimal("1.00")
    await pay.refresh()
    assert {ln.key for ln in lines} <= {ln.key for ln in pay.due_lines()}
    await set_balance(env, icbc(env), "100000.00")
    paid = await pay.pay([ln.key for ln in lines], VERIFIED, ticket, total)
    assert paid.status == "缴费成功"
    assert Decimal(icbc(env)["balance"]) == Decimal("100000.00") - total


async def test_offline_pay_refused_nothing_queued_nothing_paid(env):
    ident = await declare(env)
    pay = env.emp.payments
    lines = pay.by_declaration(pay.due_lines())[ident]
    total = pay.totals(lines).total
    before = icbc(env)["balance"]
    ticket = await pay.authorize(PASSWORD)
    env.service.offline = True  # unreachable: refused before anything is queued
    with pytest.raises(E.OfflineError) as exc:
        await pay.pay([ln.key for ln in lines], VERIFIED, ticket, total)
    assert exc.value.message == OFFLINE_PAY
    assert not env.emp.store.outbox.pending()
    env.service.offline = False
    env.service.offline_before_perform = True  # reachable, then the request is lost on the way
    with pytest.raises(E.OfflineError) as exc:
        await pay.pay([ln.key for ln in lines], VERIFIED, ticket, total)
    assert exc.value.message == UNKNOWN_RESULT  # kept under its key, never dropped (§1)
    [item] = env.emp.store.outbox.pending()
    assert icbc(env)["balance"] == before
    assert await env.inner.payments() == []
    env.service.offline_before_perform = False  # back: the push resolves it by the same key
    assert await push(env.emp.store, env.service, SyncResult(), progress=lambda e: None)
    assert not env.emp.store.outbox.pending()
    [paid] = await env.inner.payments()
    assert paid.status == "缴费成功"
    assert Decimal(icbc(env)["balance"]) == Decimal(before) - total


async def test_lost_reply_resolved_by_key_outcome_without_a_second_debit(env):
    ident = await declare(env)
    pay = env.emp.payments
    lines = pay.by_declaration(pay.due_lines())[ident]
    total = pay.totals(lines).total
    before = Decimal(icbc(env)["balance"])
    ticket = await pay.authorize(PASSWORD)
    env.service.lose_replies = 1
    p = await pay.pay([ln.key for ln in lines], VERIFIED, ticket, total)
    assert p.status == "缴费成功"
    assert [k for k, _ in env.service.performed if k == "payment.pay"] == ["payment.pay"]
    assert Decimal(icbc(env)["balance"]) == before - total
    assert len(await env.inner.payments()) == 1


async def test_P3_voucher_issue_collect_void_refused_and_void_returns_lines(env):
    ident = await declare(env)
    pay = env.emp.payments
    lines = pay.by_declaration(pay.due_lines())[ident]
    total = pay.totals(lines).total
    ticket = await pay.authorize(PASSWORD)
    v = await pay.issue_voucher([lines[0].key], ticket, pay.totals(lines[:1]).total)
    assert v.status == "已开具"
    assert lines[0].key not in {ln.key for ln in pay.due_lines()}
    await pay.refresh()
    assert lines[0].key not in {ln.key for ln in pay.due_lines()}
    voided = await pay.void_voucher(v.number)
    assert voided.status == "已作废"
    assert lines[0].key in {ln.key for ln in pay.due_lines()}
    v2 = await pay.issue_voucher([ln.key for ln in lines], ticket, total)
    r = await env.inner._client.post(f"/sandbox/vouchers/{v2.number}/paid", json={"uscc": env.facts["uscc"]})
    assert r.status_code == 200, r.text
    with pytest.raises(E.RefusedError, match=f"作废失败，税票号码{v2.ticket_number}已经入库，不能进行此操作"):
        await pay.void_voucher(v2.number)
    await pay.refresh()
    assert pay.voucher(v2.number).status == "已入库"
    with pytest.raises(PaymentError, match="不存在"):
        await pay.void_voucher("NOPE")


async def test_A1_add_verify_passed_and_refused_with_reason(env):
    await env.emp.agreements.refresh()
    acct = icbc(env)
    agreements = env.emp.agreements
    assert agreements.defaults()["tax_authority"] == "国家税务总局鄂尔多斯市康巴什区税务局"
    assert agreements.defaults()["region"] == "150603"
    form = {"bank": acct["bank"], "branch": acct["branch"], "account_name": acct["name"], "account": acct["account"]}
    key = agreements.add(form)
    await agreements.feedback()
    ident = agreements.by_key(key)["id"]
    assert agreements.agreement(ident)["status"] == "未验证" and not ident.startswith("LA")
    agreements.verify(ident)
    state = await agreements.feedback(wait=True, timeout=30)
    assert [(r["id"], r["status"]) for r in state.settled] == [(ident, "验证通过")]
    key = agreements.add({**form, "account_name": "别的公司"})
    await agreements.feedback()
    other = agreements.by_key(key)["id"]
    agreements.verify(other)
    state = await agreements.feedback(wait=True, timeout=30)
    [row] = state.settled
    assert row["status"] == "验证失败" and "缴款单位名称不一致" in row["reason"]
    agreements.revoke(ident)
    await agreements.feedback()
    assert agreements.agreement(ident)["status"] == "协议终止"


async def test_P5_a_pay_user_syncs_and_pays_with_its_own_password(env, tmp_path):
    import uuid

    ident = await declare(env)
    uscc = env.facts["uscc"]
    await env.inner.add_user("CaiWu01", "pay", key=str(uuid.uuid4()))
    user = HttpService.in_process(env.app, backoff_base=0.01)
    await user.login(uscc, "CaiWu01", username="CaiWu01")
    await user.change_password("CaiWu01", "Userpass1", key=str(uuid.uuid4()))
    ws = Workspace(tmp_path / "home2", service=user)
    try:
        await ws.login(uscc, "Userpass1", username="CaiWu01")
        result = await ws.sync(uscc)  # the registry, dues, declarations are not a pay user's (403)
        assert not result.offline and result.total == 0
        pay = ws.employer(uscc).payments
        lines = pay.by_declaration(pay.due_lines())[ident]
        assert {a["id"] for a in ws.employer(uscc).agreements.verified()} >= {VERIFIED}
        ticket = await pay.authorize("Userpass1")
        p = await pay.pay([ln.key for ln in lines], VERIFIED, ticket, pay.totals(lines).total)
        assert p.status == "缴费成功"
    finally:
        await ws.aclose()
