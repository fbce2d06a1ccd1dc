"""PaymentsService / AgreementsService over an in-memory tax side (tests/pay_fakes.py): the pay
list held while a payment is pending, paying by agreement, 缴费失败 then paid after a top-up,
ONLINE_ONLY items refused offline and never queued, a lost reply resolved by its key without a
second debit, the push asking ``key_outcome`` first, vouchers issued and voided, agreements
added, verified and refused (issue 12, SPEC P1–P4, A1)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pay_fakes import FakeBank, pay_line

from sbtui.domain.pay import ONE_BATCH, PaymentError, totals
from sbtui.remote import errors as E
from sbtui.sync.progress import SyncResult
from sbtui.sync.push import OFFLINE_PAY, TICKET_EXPIRED, UNKNOWN_RESULT, push
from sbtui.workspace import Workspace

USCC = "91150100MA0N000001"
FORM = {"bank": "中国工商银行", "branch": "呼和浩特新华支行", "account_name": "演示单位",
        "account": "6222000011112222", "tax_authority": "国家税务总局呼和浩特市税务局", "region": "150100"}


@pytest.fixture
def bank():
    return FakeBank([pay_line("D1", 1, "1000.00", "6.50"), pay_line("D1", 2, "400.00"),
                     pay_line("D2", 1, "9.50", "0.05", item="410-u")])


@pytest.fixture
async def emp(tmp_path, bank):
    ws = Workspace(tmp_path / "home", service=bank)
    employer = ws.employer(USCC)
    await employer.payments.refresh()
    yield employer
    await ws.aclose()


async def verified_agreement(emp, bank) -> str:
    key = emp.agreements.add(FORM)
    await emp.agreements.feedback()
    ident = emp.agreements.by_key(key)["id"]
    emp.agreements.verify(ident)
    state = await emp.agreements.feedback(wait=True, timeout=5)
    assert [r["status"] for r in state.settled] == ["验证通过"]
    return ident


def test_totals_by_hand():
    lines = [pay_line("D1", 1, "1000.00", "6.50"), pay_line("D1", 2, "400.00")]
    t = totals(lines)
    assert (t.count, t.amount, t.late_fee, t.total) == (2, Decimal("1400.00"), Decimal("6.50"), Decimal("1406.50"))


async def test_P1_pay_list_by_declaration_and_totals(emp):
    lines = emp.payments.due_lines()
    assert [ln.key for ln in lines] == ["D1:1", "D1:2", "D2:1"]
    assert list(emp.payments.by_declaration(lines)) == ["D1", "D2"]
    assert emp.payments.totals(lines).total == Decimal("1416.05")


async def test_P2_pay_by_agreement_end_to_end(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    p = await emp.payments.pay(["D1:1", "D1:2"], ident, ticket, "1406.50")
    assert p.status == "缴费成功" and p.total == Decimal("1406.50")
    assert bank.balance == Decimal("100000.00") - Decimal("1406.50")
    assert [ln.key for ln in emp.payments.due_lines()] == ["D2:1"]
    assert emp.payments.payments()[0].id == p.id
    assert emp.store.outbox.counts()["confirmed"] >= 1 and not emp.payments.pending()


async def test_P2_failed_for_funds_then_paid_after_top_up(emp, bank):
    ident = await verified_agreement(emp, bank)
    bank.balance = Decimal("100.00")
    ticket = await emp.payments.authorize("right")
    failed = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert failed.status == "缴费失败" and failed.reason == "余额不足"
    assert "D1:1" in [ln.key for ln in emp.payments.due_lines()]  # nothing changed
    bank.balance = Decimal("5000.00")  # the top-up
    paid = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert paid.status == "缴费成功" and bank.balance == Decimal("3993.50")
    keys = [k for kind, k in bank.performs if kind == "payment.pay"]
    assert len(keys) == 2 and keys[0] != keys[1]  # a retry after a failed debit is a new key


async def test_bad_input_is_refused_in_chinese_before_anything_is_sent(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    with pytest.raises(PaymentError, match="应缴金额已变化（现为1,006.50元）"):
        await emp.payments.pay(["D1:1"], ident, ticket, "1000")
    with pytest.raises(PaymentError, match="所选缴费信息不存在"):
        await emp.payments.pay(["D9:9"], ident, ticket, "1")
    with pytest.raises(PaymentError, match="请勾选"):
        await emp.payments.pay([], ident, ticket, "0")
    with pytest.raises(PaymentError, match="未验证通过"):
        await emp.payments.pay(["D1:1"], "A9999", ticket, "1006.50")
    with pytest.raises(PaymentError, match="缴费金额格式不正确"):
        await emp.payments.pay(["D1:1"], ident, ticket, "abc")
    with pytest.raises(E.WrongPasswordError):
        await emp.payments.authorize("wrong")
    assert not [k for k, _ in bank.performs if k == "payment.pay"]


def test_parse_total_is_the_one_amount_rule():
    """issue 14 (finding 1's rule for payments): the total a payer confirms is read by the one
    amount rule — typing aids (thousands separators, ¥, 元) pass; NaN, exponents, signs,
    full-width digits and more than two decimals are refused naming 缴费金额."""
    from sbtui.domain.pay import parse_total
    for bad in ("NaN", "1.0065E+3", "１００６.５０", "+1006.50", "-1", "1006.505", "Infinity", 1006.5):
        with pytest.raises(PaymentError, match="缴费金额") as info:
            parse_total(bad)
        assert not isinstance(info.value.__cause__, ArithmeticError)
    assert parse_total("1,006.50") == parse_total("¥1006.5元") == parse_total(Decimal("1006.50")) \
        == Decimal("1006.50")


async def test_offline_pay_is_refused_and_nothing_queued(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.offline = True
    with pytest.raises(E.OfflineError) as info:
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert info.value.message == OFFLINE_PAY
    assert not emp.store.outbox.pending()
    bank.offline, bank.offline_before_perform = False, True  # reachable, then lost before the service saw it
    with pytest.raises(E.OfflineError) as info:
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    # the request may still be on its way: the item is kept under its key, never dropped
    assert info.value.message == UNKNOWN_RESULT
    [item] = emp.payments.pending()
    assert item.state == "sent" and "D1:1" not in [ln.key for ln in emp.payments.due_lines()]
    bank.offline_before_perform = False  # the next push resolves it by the same key: paid once
    assert await push(emp.store, bank, SyncResult(), progress=lambda e: None)
    assert not emp.store.outbox.pending()
    assert [p.status for p in emp.payments.payments()] == ["缴费成功"]
    assert {k for kind, k in bank.performs if kind == "payment.pay"} == {item.key}
    with pytest.raises(PaymentError, match="请输入申报密码"):
        await emp.payments.authorize("")
    bank.offline = True
    with pytest.raises(E.OfflineError, match="缴费需要联网"):
        await emp.payments.authorize("right")


async def test_lost_reply_is_resolved_by_its_key_without_a_second_debit(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.lose_replies = 1
    p = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert p.status == "缴费成功"
    assert len([k for kind, k in bank.performs if kind == "payment.pay"]) == 1
    assert bank.balance == Decimal("100000.00") - Decimal("1006.50")


async def test_a_request_still_on_its_way_is_never_dropped(emp, bank):
    """§1 exactly once: the reply times out while the request is still on its way, so the key is
    unknown when first asked and the request lands just after. The item must not be dropped
    (its debit would land under a key the client forgot): it is sent again under the same key
    and the service answers once."""
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.in_flight = 1
    p = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert p.status == "缴费成功"
    keys = [k for kind, k in bank.performs if kind == "payment.pay"]
    assert len(set(keys)) == 1 and len(keys) == 2  # the late request and the resend, one key
    assert [x.status for x in emp.payments.payments()] == ["缴费成功"]
    assert bank.balance == Decimal("100000.00") - Decimal("1006.50")
    assert not emp.store.outbox.pending()


async def test_lost_reply_unresolved_stays_sent_then_the_push_asks_the_key_first(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.lose_replies, bank.key_outcome_offline = 1, True
    with pytest.raises(E.OfflineError) as info:
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert info.value.message == UNKNOWN_RESULT
    [item] = emp.payments.pending()
    assert item.state == "sent"
    assert "D1:1" not in [ln.key for ln in emp.payments.due_lines()]  # held: cannot be paid twice
    bank.key_outcome_offline = False
    result = SyncResult()
    assert await push(emp.store, bank, result, progress=lambda e: None)
    assert result.pushed == 1
    assert len([k for kind, k in bank.performs if kind == "payment.pay"]) == 1  # not sent again
    assert emp.payments.payments()[0].status == "缴费成功"
    assert bank.balance == Decimal("100000.00") - Decimal("1006.50")


async def test_refresh_settles_a_lost_reply_by_its_key(emp, bank):
    """刷新 on 缴费 settles 暂时无法确认缴费结果: the held payment is resolved by its key first."""
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.lose_replies, bank.key_outcome_offline = 1, True
    with pytest.raises(E.OfflineError):
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    bank.key_outcome_offline = False
    await emp.payments.refresh()
    assert not emp.payments.pending()
    assert [p.status for p in emp.payments.payments()] == ["缴费成功"]
    assert len([k for kind, k in bank.performs if kind == "payment.pay"]) == 1


async def test_resolve_waits_for_the_key(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.lose_replies, bank.key_outcome_offline = 1, True
    with pytest.raises(E.OfflineError) as info:
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    bank.key_outcome_offline = False
    p = await emp.payments.resolve(info.value.detail["key"], timeout=2, poll=0.01)
    assert p.status == "缴费成功"


async def test_sent_item_the_service_never_saw_is_resent_and_an_expired_ticket_says_so(emp, bank):
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    bank.offline_before_perform, bank.key_outcome_offline = True, True
    with pytest.raises(E.OfflineError):
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    [item] = emp.payments.pending()
    bank.offline_before_perform, bank.key_outcome_offline = False, False
    bank.tickets.clear()  # the ticket expired meanwhile
    result = SyncResult()
    await push(emp.store, bank, result, progress=lambda e: None)
    assert result.refused == 1 and result.refusals[0].message == TICKET_EXPIRED
    assert "D1:1" in [ln.key for ln in emp.payments.due_lines()]


async def test_a_queued_online_only_item_is_never_sent_late(emp, bank):
    ident = await verified_agreement(emp, bank)
    emp.store.payments.pay_queue(["D1:1"], ident, "t", "1006.50")  # a crash before it was sent
    result = SyncResult()
    await push(emp.store, bank, result, progress=lambda e: None)
    assert result.refused == 1 and "未扣款" in result.refusals[0].message
    assert not [k for k, _ in bank.performs if k == "payment.pay"]


async def test_P3_voucher_issue_and_void(emp, bank):
    ticket = await emp.payments.authorize("right")
    v = await emp.payments.issue_voucher(["D2:1"], ticket, "9.55",
                                         {"bank": "中国工商银行", "name": "演示单位", "account": "6222"})
    assert v.status == "已开具" and v.total == Decimal("9.55")
    assert "D2:1" not in [ln.key for ln in emp.payments.due_lines()]
    assert emp.payments.vouchers()[0].number == v.number
    bank.lines["D2:1"] = pay_line("D2", 1, "9.50", "0.05", item="410-u")  # the service puts it back
    voided = await emp.payments.void_voucher(v.number)
    assert voided.status == "已作废"
    assert "D2:1" in [ln.key for ln in emp.payments.due_lines()]
    with pytest.raises(PaymentError, match="已作废"):
        await emp.payments.void_voucher(v.number)


async def test_P3_void_refused_once_collected(emp, bank):
    ticket = await emp.payments.authorize("right")
    v = await emp.payments.issue_voucher(["D2:1"], ticket, "9.55")
    bank.vouchers_[v.number] = v.model_copy(update={"status": "已入库"})
    with pytest.raises(E.RefusedError, match=f"作废失败，税票号码{v.ticket_number}已经入库，不能进行此操作"):
        await emp.payments.void_voucher(v.number)


async def test_P4_export_payments(emp, bank, tmp_path):
    from openpyxl import load_workbook

    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    await emp.payments.pay(["D1:1", "D1:2"], ident, ticket, "1406.50")
    path = tmp_path / "pay.xlsx"
    assert emp.payments.export_payments(path) == 2
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert "缴费成功" in rows[2] and "1000.00" in rows[2]


async def test_A1_add_verify_passed_and_refused_with_reason(emp, bank):
    await verified_agreement(emp, bank)
    bank.verify_result = ("验证失败", "缴款单位名称不一致")
    key = emp.agreements.add({**FORM, "account_name": "别的单位"})
    await emp.agreements.feedback()
    ident = emp.agreements.by_key(key)["id"]
    assert emp.agreements.agreement(ident)["status"] == "未验证"
    emp.agreements.verify(ident)
    assert emp.agreements.agreement(ident)["status"] == "验证中"
    state = await emp.agreements.feedback(wait=True, timeout=5)
    [row] = state.settled
    assert row["status"] == "验证失败" and row["reason"] == "缴款单位名称不一致"
    assert [r["id"] for r in emp.agreements.verified()] != [ident]


async def test_A1_defaults_one_batch_and_bad_form(emp, bank):
    emp.store.meta_set("employer_record", {"uscc": USCC, "name": "演示单位", "tax_authority": "国家税务总局X税务局",
                                           "tax_branch": "一分局", "region": "nm"})
    d = emp.agreements.defaults()
    assert d["tax_authority"] == "国家税务总局X税务局" and d["region"] == "150000"  # unknown place: the province
    emp.store.meta_set("employer_record", {"uscc": USCC, "name": "演示单位", "tax_authority": "国家税务总局鄂尔多斯市康巴什区税务局",
                                           "tax_branch": "一分局", "region": "nm"})
    assert emp.agreements.defaults()["region"] == "150603"
    emp.store.meta_set("employer_record", {"uscc": USCC, "name": "演示单位", "tax_authority": "国家税务总局X税务局",
                                           "tax_branch": "一分局", "region": "nm"})
    key = emp.agreements.add({k: v for k, v in FORM.items() if k not in ("tax_authority", "region")} | {"batch": True})
    row = emp.agreements.by_key(key)
    assert row["tax_authority"] == "国家税务总局X税务局" and row["pending"]
    with pytest.raises(PaymentError, match="单位允许银行代扣的协议只有一个"):
        emp.agreements.add({**FORM, "batch": True})
    assert ONE_BATCH.startswith("单位允许银行代扣")
    with pytest.raises(PaymentError, match="请输入开户网点"):
        emp.agreements.add({**FORM, "branch": " "})
    with pytest.raises(PaymentError, match="缴费账号只能包含数字"):
        emp.agreements.add({**FORM, "account": "abc"})
    with pytest.raises(PaymentError, match="尚未发送"):
        emp.agreements.verify(row["id"])


async def test_A1_offline_changes_stay_queued_and_a_refused_change_is_put_back(emp, bank):
    ident = await verified_agreement(emp, bank)
    bank.offline = True
    emp.agreements.void(ident)
    with pytest.raises(E.OfflineError):
        await emp.agreements.feedback()
    assert emp.agreements.agreement(ident)["status"] == "协议终止" and emp.agreements.agreement(ident)["pending"]
    bank.offline = False
    await emp.agreements.feedback()
    assert emp.agreements.agreement(ident)["status"] == "协议终止"
    key = emp.agreements.add(FORM)
    await emp.agreements.feedback()
    other = emp.agreements.by_key(key)["id"]
    emp.agreements.verify(other)
    await emp.agreements.feedback(wait=True, timeout=5)
    bank.agreements_[other] = bank.agreements_[other].model_copy(update={"status": "未验证"})  # the service disagrees
    key = emp.agreements.revoke(other)
    state = await emp.agreements.feedback()
    assert state.refusals and "只有验证通过" in state.refusals[0].message
    row = emp.agreements.agreement(other)
    assert row["status"] == "验证通过" and "只有验证通过" in row["message"]
    assert emp.agreements.result(key)[0] == "refused"


async def test_P3_voucher_pdf_is_written(emp, bank, tmp_path):
    ticket = await emp.payments.authorize("right")
    v = await emp.payments.issue_voucher(["D2:1"], ticket, "9.55")
    path = emp.payments.write_voucher_pdf(v.number, tmp_path / "v.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    with pytest.raises(PaymentError, match="不存在"):
        emp.payments.write_voucher_pdf("NOPE", tmp_path / "x.pdf")


async def test_D12_a_pay_list_of_an_earlier_day_is_pulled_again_before_paying(emp, bank):
    from datetime import timedelta

    from sbtui import clock

    ident = await verified_agreement(emp, bank)
    stale = pay_line("D1", 1, "1000.00", "6.00").model_copy(update={"as_of": clock.today() - timedelta(days=1)})
    emp.store.payments.replace_pay_list([stale])
    ticket = await emp.payments.authorize("right")
    with pytest.raises(PaymentError, match=r"应缴金额已变化（现为1,006.50元），请刷新后重新缴费"):
        await emp.payments.pay(["D1:1"], ident, ticket, "1006.00")
    assert emp.payments.due_lines()[0].as_of == clock.today()
    p = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert p.status == "缴费成功"


async def test_a_background_push_and_send_now_settle_the_same_payment_once(emp, bank):
    """The TUI's background sync may push while a payment is being sent at once: whichever
    answer comes first settles the item, the other sender leaves it alone."""
    ident = await verified_agreement(emp, bank)
    ticket = await emp.payments.authorize("right")
    inner = bank.perform
    ran = []

    async def perform(kind, payload, *, key):
        answer = await inner(kind, payload, key=key)
        if kind == "payment.pay" and not ran:
            ran.append(key)
            result = SyncResult()
            await push(emp.store, bank, result, progress=lambda e: None)  # resolves it by its key
            assert result.pushed == 1
        return answer

    bank.perform = perform
    p = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert p.status == "缴费成功" and ran
    assert len([k for kind, k in bank.performs if kind == "payment.pay"]) == 1
    assert emp.store.outbox.get(ran[0]).state == "confirmed"
    assert bank.balance == Decimal("100000.00") - Decimal("1006.50")


async def test_an_agreement_verified_at_the_service_but_not_pulled_yet_is_asked_for(emp, bank):
    ident = await verified_agreement(emp, bank)
    emp.store.agreements.replace([])  # as if never pulled here
    ticket = await emp.payments.authorize("right")
    p = await emp.payments.pay(["D1:1"], ident, ticket, "1006.50")
    assert p.status == "缴费成功"
