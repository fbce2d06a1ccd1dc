"""The payment and agreement parts of the local store (issue 12, SPEC P1–P4, A1): the pay list
and its held lines, answers applied, date filters, agreements added / changed / refused."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pay_fakes import pay_line

from sbtui import clock
from sbtui.domain.models import Agreement, Payment, PaymentLine, Voucher
from sbtui.store import open_store
from sbtui.store.agreements import VERIFY, VOID


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "s.db")
    yield s
    s.close()


def payment(status="缴费成功", keys=("D1:1",), days=0) -> Payment:
    lines = [PaymentLine(key=k, declaration_id=k.split(":")[0], n=int(k.split(":")[1]), unit_number="U",
                         period_from="2026-11", period_to="2026-11", item="110-u", item_name="养老",
                         amount=Decimal("10.00")) for k in keys]
    return Payment(id=f"P{days}{status}", status=status, amount=Decimal("10.00"), total=Decimal("10.00"),
                   paid_at=clock.now() - timedelta(days=days), lines=lines)


def agreement(ident="A1", status="未验证", **kw) -> Agreement:
    return Agreement(id=ident, tax_authority="T", region="150000", bank="B", branch="BR", account_name="N",
                     account="123456", status=status, created_at=clock.now(), **kw)


def confirm(store, key, body):
    store.outbox.mark_sent(key)
    store.outbox.confirm(store.outbox.get(key), {"status": 200, "body": body, "replayed": False})


def test_pay_list_lines_are_held_while_a_payment_is_pending_and_leave_once_paid(store):
    store.payments.replace_pay_list([pay_line("D1", 1, "10.00"), pay_line("D1", 2, "5.00")])
    key = store.payments.pay_queue(["D1:1"], "A1", "t", "10.00")
    assert [ln.key for ln in store.payments.due_lines()] == ["D1:2"]
    assert len(store.payments.pay_list()) == 2
    confirm(store, key, payment().model_dump(mode="json"))
    assert [ln.key for ln in store.payments.pay_list()] == ["D1:2"]
    assert store.payments.payments()[0].status == "缴费成功"


def test_a_failed_debit_or_a_dropped_item_frees_the_lines(store):
    store.payments.replace_pay_list([pay_line("D1", 1, "10.00")])
    key = store.payments.pay_queue(["D1:1"], "A1", "t", "10.00")
    confirm(store, key, payment("缴费失败").model_dump(mode="json"))
    assert [ln.key for ln in store.payments.due_lines()] == ["D1:1"]
    key = store.payments.voucher_queue(["D1:1"], "t", "10.00", None)
    store.outbox.drop(key)
    assert [ln.key for ln in store.payments.due_lines()] == ["D1:1"] and not store.outbox.items()[1:]


def test_voucher_issue_and_date_filters(store):
    store.payments.replace_pay_list([pay_line("D1", 1, "10.00")])
    key = store.payments.voucher_queue(["D1:1"], "t", "10.00", {"bank": "B", "name": "N", "account": "1"})
    v = Voucher(number="V1", ticket_number="3" * 20, issued_on=clock.today(), deadline=clock.today(), status="已开具",
                amount=Decimal("10.00"), total=Decimal("10.00"),
                lines=payment().lines)
    confirm(store, key, v.model_dump(mode="json"))
    assert store.payments.pay_list() == [] and store.payments.voucher("V1").status == "已开具"
    today = clock.today().isoformat()
    assert [x.number for x in store.payments.vouchers(today, today)] == ["V1"]
    assert store.payments.vouchers(date_to=(clock.today() - timedelta(days=1)).isoformat()) == []
    store.payments.replace_payments([payment(days=0), payment(keys=("D2:1",), days=40)])
    assert len(store.payments.payments()) == 2
    assert len(store.payments.payments(date_from=today)) == 1


def test_agreement_add_confirmed_under_the_service_id_refused_add_goes(store):
    key, local = store.agreements.add_queue({"batch": False, "tax_authority": "T", "region": "150000", "bank": "B",
                                             "branch": "BR", "account_name": "N", "account": "123456"})
    assert store.agreements.rows()[0]["pending"] and store.agreements.rows()[0]["id"] == local
    confirm(store, key, agreement("A7").model_dump(mode="json"))
    [row] = store.agreements.rows()
    assert row["id"] == "A7" and row["local_id"] == local and not row["pending"]
    key, local = store.agreements.add_queue({"batch": True, "tax_authority": "T", "region": "150000", "bank": "B",
                                             "branch": "BR", "account_name": "N", "account": "123456"})
    store.outbox.mark_sent(key)
    store.outbox.mark_refused(key, "batch_exists", "单位允许银行代扣的协议只有一个")
    assert [r["id"] for r in store.agreements.rows()] == ["A7"]


def test_agreement_change_shows_its_status_at_once_and_a_refusal_puts_the_prior_back(store):
    store.agreements.replace([agreement("A1", "验证通过")])
    key = store.agreements.change_queue(VOID, "A1")
    assert store.agreements.row("A1")["status"] == "协议终止"
    store.agreements.replace([agreement("A1", "验证通过")])  # a pull never overwrites a pending change
    assert store.agreements.row("A1")["status"] == "协议终止"
    store.outbox.mark_sent(key)
    store.outbox.mark_refused(key, "x", "不能作废", {"status": 400, "body": {"message": "不能作废"}})
    row = store.agreements.row("A1")
    assert row["status"] == "验证通过" and row["message"] == "不能作废"


def test_agreement_verify_awaits_and_pull_settles(store):
    store.agreements.replace([agreement("A1")])
    key = store.agreements.change_queue(VERIFY, "A1")
    assert store.agreements.awaiting() == []  # not sent yet
    confirm(store, key, agreement("A1", "验证中", verify_at=clock.now()).model_dump(mode="json"))
    assert [i for i, _ in store.agreements.awaiting()] == ["A1"]
    assert store.agreements.put(agreement("A1", "验证失败", reason="付款账户不一致"))
    row = store.agreements.row("A1")
    assert row["status"] == "验证失败" and row["reason"] == "付款账户不一致"
    store.agreements.replace([])
    assert store.agreements.rows() == []
