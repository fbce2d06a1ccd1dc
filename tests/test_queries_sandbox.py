"""查询统计 against the in-process sandbox (SPEC Q1; issue 13): 社保费到账信息查询 lists every
booked line of a debit with its 电子税票号码 and 入库日期; 社保费批扣情况查询 names the 费批扣
agreement and the debits made through it, failed (余额不足) and paid; 对账 sums a paid
declaration's period and flags what no certificate covers, what sits on an uncollected voucher;
each list exports to xlsx (0600, control characters escaped)."""
from __future__ import annotations

import os
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sandbox_helpers import activate

from sbtui.domain.vocab import ReconcileGap as G
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app, info
from sbtui.services.tables import Table, TableError, write_xlsx
from sbtui.sync import sync
from sbtui.workspace import Workspace

PASSWORD = "Passw0rd!"  # sandbox_helpers.NEW_PASSWORD


class Env:
    pass


@pytest.fixture
async def env(tmp_path):
    e = Env()
    e.data = tmp_path / "sb"
    e.app = create_app(e.data, employees=40)
    e.service = HttpService.in_process(e.app, backoff_base=0.01)
    e.facts = await activate(e.service, e.data)
    e.ws = Workspace(tmp_path / "home", service=e.service)
    e.emp = e.ws.employer(e.facts["uscc"])
    await sync(e.emp.store, e.service)
    yield e
    await e.ws.aclose()


async def declare(e, nth: int = 0) -> str:
    """Declare the ``nth`` open tax tick (申报成功); returns the declaration id."""
    decl = e.emp.declarations
    lines = [r for r in decl.open_lines("daily") if r["source"] == "tax"]
    ticks = list(dict.fromkeys(r["tick"] for r in lines))
    [ident] = decl.queue("daily", [r for r in lines if r["tick"] == ticks[nth]])
    state = await decl.declaration_feedback(wait=True, timeout=30)
    [row] = state.settled
    assert row["status"] == "申报成功", row
    await e.emp.payments.refresh()
    return row["id"]


def icbc(e) -> dict:
    return next(a for a in info(e.data)["bank_accounts"] if a["bank"] == "中国工商银行")


async def set_balance(e, account: dict, balance: str) -> None:
    r = await e.service._client.post("/sandbox/bank/accounts", json={
        **{k: account[k] for k in ("bank", "branch", "account", "name")}, "balance": balance})
    assert r.status_code == 200, r.text


async def batch_agreement(e) -> str:
    """A verified 费批扣 agreement on the ICBC account (the demo's own one is 费非批扣)."""
    ag = e.emp.agreements
    await ag.refresh()
    acct = icbc(e)
    key = ag.add({"bank": acct["bank"], "branch": acct["branch"], "account_name": acct["name"],
                  "account": acct["account"], "batch": True})
    await ag.feedback()
    ident = ag.by_key(key)["id"]
    ag.verify(ident)
    state = await ag.feedback(wait=True, timeout=30)
    assert [(r["id"], r["status"]) for r in state.settled] == [(ident, "验证通过")]
    return ident


async def test_Q1_received_batch_and_reconcile_after_paying(env, tmp_path):
    emp = env.emp
    pay, q = emp.payments, emp.queries
    first = await declare(env, 0)
    second = await declare(env, 1)
    batch = await batch_agreement(env)
    lines = pay.by_declaration(pay.due_lines())[first]
    total = pay.totals(lines).total
    ticket = await pay.authorize(PASSWORD)

    await set_balance(env, icbc(env), "1.00")
    failed = await pay.pay([ln.key for ln in lines], batch, ticket, total)
    assert failed.status == "缴费失败" and failed.reason == "余额不足"
    await set_balance(env, icbc(env), "100000.00")
    paid = await pay.pay([ln.key for ln in lines], batch, ticket, total)
    assert paid.status == "缴费成功"
    other = pay.by_declaration(pay.due_lines())[second]
    voucher = await pay.issue_voucher([other[0].key], ticket, pay.totals(other[:1]).total)
    [cert] = await emp.certificates.issue(keys=[paid.lines[0].key])
    await q.refresh()

    # 到账: one row per booked line, with its ticket and 入库日期, adding up to the debit
    received = q.received()
    assert {r.key for r in received} == {ln.key for ln in paid.lines}
    assert all(r.ticket_number and r.booked_on for r in received)
    assert sum(r.total for r in received) == paid.total
    assert {r.method for r in received} == {"tips"}
    one = received[0]
    assert q.received(ticket=one.ticket_number[-6:]) and not q.received(ticket="nope")
    assert q.received(period_from="2099-01") == []

    # 批扣: the 费批扣 agreement in force and both debits through it, newest first
    state = q.batch()
    assert state.agreement["id"] == batch and state.agreement["status"] == "验证通过"
    assert [(d.status, d.reason) for d in state.debits] == [("缴费成功", ""), ("缴费失败", "余额不足")]
    assert state.debits[0].total == total and state.debits[0].lines == len(lines)

    # 对账: the paid declaration's row adds up; one line certified, the others flagged
    periods = {ln.period_from for ln in lines}
    rows = [r for r in q.reconcile() if r.period_from in periods and r.unit_number == lines[0].unit_number]
    assert sum(r.paid for r in rows) == sum(ln.amount for ln in paid.lines)
    assert sum(r.certified for r in rows) == paid.lines[0].amount == cert.total - paid.lines[0].late_fee
    assert sum(r.gaps.get(G.UNCERTIFIED, 0) for r in rows) == len(paid.lines) - 1
    on_voucher = [r for r in q.reconcile() if G.ON_VOUCHER in r.gaps]
    assert [(r.unit_number, r.period_from) for r in on_voucher] == [(other[0].unit_number, other[0].period_from)]
    assert voucher.status == "已开具"

    # every list to xlsx: typed cells, 0600
    path = write_xlsx(tmp_path / "到账.xlsx", q.received_table(received))
    assert os.stat(path).st_mode & 0o777 == 0o600
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "社保费到账信息查询" and values[1][0] == "电子税票号码"
    assert {v[0] for v in values[2:]} == {r.ticket_number for r in received}
    assert sum(Decimal(str(v[9])) for v in values[2:]) == paid.total
    write_xlsx(tmp_path / "批扣.xlsx", q.batch_table(state.debits))
    write_xlsx(tmp_path / "对账.xlsx", q.reconcile_table(rows))


def test_an_export_escapes_control_characters_and_wants_xlsx(tmp_path):
    table = Table("清单", ("名称", "金额"), [("甲\x1b[31m乙", Decimal("1.50"))])
    path = write_xlsx(tmp_path / "a.xlsx", table)
    [_, _, row] = load_workbook(path).active.iter_rows(values_only=True)
    assert row == ("甲\\u001b[31m乙", 1.5)
    with pytest.raises(TableError, match="xlsx"):
        write_xlsx(tmp_path / "a.csv", table)
