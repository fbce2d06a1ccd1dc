"""费款缴纳 at 80×24 against the embedded sandbox (SPEC P1–P5, D12; issue 12): a TIPS debit
through the demo employer's verified agreement refused for 余额不足 (nothing paid, the lines
stay), then paid after the bank account is topped up; a wrong declaration password said in the
service's words and asked again; a bank voucher issued and saved as PDF; its void refused once
the bank has collected it; a payment-only user's menu holds §7 only."""
from __future__ import annotations

from datetime import datetime, time

import pytest
from textual.app import App
from textual.widgets import Input, Static
from tui_fakes import ScreenApp
from tui_pilot import run, screen_text, settle, type_text, until
from tui_sandbox import PASSWORD, sandbox_request, sandbox_workspace

from sbtui.tui.app import import_screens
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay import PayScreen
from sbtui.tui.screens.pay_dialogs import MethodDialog, PasswordDialog
from sbtui.tui.screens.pay_vouchers import VouchersScreen
from sbtui.tui.strings import payments as S

import_screens()


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 200})
    yield ws, facts
    await ws.aclose()


async def noticed(pilot) -> NoticeDialog:
    """Wait for a NoticeDialog to be up, its 确定 focused (mounted: a key or the test's end
    does not race its mount)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, NoticeDialog) and app.screen.focused is not None, timeout=30)
    return app.screen


async def declared(ws, facts) -> dict:
    """One tax tick declared and settled 申报成功, and the pay list downloaded."""
    emp = ws.employer(facts["uscc"])
    lines = emp.declarations.open_lines("daily")
    tick = next(ln["tick"] for ln in lines if ln["source"] == "tax")
    [ident] = emp.declarations.queue("daily", [ln for ln in lines if ln["tick"] == tick])
    await emp.declarations.declaration_feedback(wait=True, timeout=20)
    record = emp.declarations.declaration(ident)
    assert record["status"] == "申报成功"
    await emp.payments.refresh()
    await emp.agreements.refresh()
    return record


async def opened(pilot, record: dict) -> PayScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PayScreen) and app.screen.lines)
    await settle(pilot)
    screen = app.screen
    row = next(i for i, (ln, late) in enumerate(screen.rows) if ln.declaration_id == record["id"])
    screen.query_one("#pay-table").move_cursor(row=row)
    return screen


async def through_password(pilot, *, wrong_first: bool = False, tick: bool = True) -> None:
    """(Space) 立即缴费 → 扣款前请确认… → 安全认证 (optionally a wrong password first) →
    选择缴费方式."""
    app = pilot.app
    if tick:
        await pilot.press("space")
    await pilot.press("p")
    await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
    assert app.screen.message.startswith(S.PAY_CONFIRM)
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, PasswordDialog))
    if wrong_first:
        await type_text(pilot, "Wrong000!")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PasswordDialog) and app.screen.error)
        assert "20101" in str(app.screen.query_one("#auth-error", Static).render())
    await type_text(pilot, PASSWORD)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, MethodDialog), timeout=20)


async def set_balance(ws, facts, balance: str) -> dict:
    account = next(a for a in facts["bank_accounts"] if a["bank"] == "中国工商银行")
    await sandbox_request(ws, "POST", "/sandbox/bank/accounts",
                          json={**{k: account[k] for k in ("bank", "branch", "account", "name")},
                                "balance": balance})
    return account


@pytest.mark.slow
async def test_pay_by_agreement_refused_for_funds_then_paid_after_a_top_up(sandbox):
    ws, facts = sandbox
    record = await declared(ws, facts)
    account = await set_balance(ws, facts, "1.00")
    app = ScreenApp(PayScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot, record)
        keys = {ln.key for ln in screen.lines if ln.declaration_id == record["id"]}
        await through_password(pilot, wrong_first=True)
        assert account["account"] in screen_text(app)  # the verified agreement on that account
        await pilot.press("enter")  # ① 三方协议缴费, the verified agreement
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and S.CONFIRM_OK in screen_text(app))
        assert account["account"] in app.screen.message
        await pilot.press("y")  # 确认缴费
        await noticed(pilot)
        assert app.screen.title_text == S.PAY_FAILED_TITLE and "余额不足" in app.screen.message
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PayScreen))
        await settle(pilot)
        assert keys <= {ln.key for ln in screen.lines}  # nothing paid: the lines stay

        await set_balance(ws, facts, "10000000.00")  # the top-up; try again (still ticked)
        assert screen.ticked == {record["id"]}
        await through_password(pilot, tick=False)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and S.CONFIRM_OK in screen_text(app))
        await pilot.press("y")
        await noticed(pilot)
        assert app.screen.title_text == S.PAY_OK_TITLE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PayScreen))
        await settle(pilot)
        assert not keys & {ln.key for ln in screen.lines}  # paid: out of the pay list
    [payment, failed] = ws.employer(facts["uscc"]).payments.payments()
    assert (payment.status, failed.status, failed.reason) == ("缴费成功", "缴费失败", "余额不足")


@pytest.mark.slow
async def test_voucher_issued_then_void_refused_once_collected(sandbox, tmp_path):
    ws, facts = sandbox
    record = await declared(ws, facts)
    pdf = tmp_path / "凭证.pdf"
    app = ScreenApp(PayScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await opened(pilot, record)
        await through_password(pilot)
        menu = app.screen.query_one("OptionList")
        menu.highlighted = menu.get_option_index("voucher-none")  # ② 银行端凭证缴费, no account
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and S.CONFIRM_OK in screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog), timeout=30)  # where to save
        app.screen.query_one(Input).value = str(pdf)
        await pilot.press("enter")
        await noticed(pilot)
        assert app.screen.title_text == S.VOUCHER_DONE
        assert app.screen.message.startswith(S.VOUCHER_DONE) and str(pdf) in app.screen.message
    assert pdf.read_bytes().startswith(b"%PDF")
    [voucher] = ws.employer(facts["uscc"]).payments.vouchers()
    await sandbox_request(ws, "POST", f"/sandbox/vouchers/{voucher.number}/paid", json={"uscc": facts["uscc"]})

    app = ScreenApp(VouchersScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, VouchersScreen) and app.screen.items)
        await settle(pilot)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.VOID_CONFIRM)
        await pilot.press("y")
        await noticed(pilot)
        assert app.screen.message == f"作废失败，税票号码{voucher.ticket_number}已经入库，不能进行此操作"


def test_a_pay_only_user_sees_payment_only():
    """P5: 费款缴纳 (and the shell: 首页, 单位管理) — no declaration, no agreements, no settings."""
    ids = {s.id for s in REGISTRY.menu_for("pay")}
    assert {"pay", "pay.vouchers", "pay.records"} <= ids
    assert ids - {"pay", "pay.vouchers", "pay.records"} == {"home", "switch_unit", "employers", "outbox"}
    assert "agreements" in {s.id for s in REGISTRY.menu_for("all")}
    groups = {s.menu[0] for s in REGISTRY.menu_for("pay")}
    assert groups == {"首页", "单位管理", "费款缴纳"}


async def test_a_pay_only_user_syncs_the_pay_list_and_its_home_counts_it(sandbox):
    """P5: the sync of a 缴费 user pulls the pay family only (the registry is refused to it);
    its home to-do is what there is to pay (issue 12)."""
    ws, facts = sandbox
    record = await declared(ws, facts)
    await ws.users.add("CaiWu01", "pay")
    await ws.login(facts["uscc"], "CaiWu01", username="CaiWu01")
    await ws.change_password("CaiWu01", "Pay12345")
    result = await ws.sync(facts["uscc"])
    assert not result.offline and not result.error
    lines = ws.employer(facts["uscc"]).payments.due_lines()
    assert record["id"] in {ln.declaration_id for ln in lines}
    summary = await ws.employer(facts["uscc"]).home.summary()
    assert summary.role == "pay" and [t.kind for t in summary.todo] == ["unpaid"]
    assert summary.todo[0].text.startswith("存在1条申报成功且未缴费的记录")


async def test_offline_the_refusal_is_shown_and_nothing_is_paid(sandbox, monkeypatch):
    """P1: payment needs the service; offline the service layer refuses in plain words and the
    screen shows them (nothing queued, the lines stay)."""
    from sbtui.remote.errors import OfflineError
    from sbtui.sync.push import OFFLINE_PAY

    ws, facts = sandbox
    record = await declared(ws, facts)
    emp = ws.employer(facts["uscc"])

    async def unreachable(*args, **kwargs):
        raise OfflineError("无法连接服务")

    monkeypatch.setattr(ws.service(), "authorize_payment", unreachable)
    app = ScreenApp(PayScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot, record)
        before = [ln.key for ln in screen.lines]
        await pilot.press("space", "p", "y")
        await until(pilot, lambda: isinstance(app.screen, PasswordDialog))
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await noticed(pilot)
        assert app.screen.message == OFFLINE_PAY
        await pilot.press("enter")
        await settle(pilot)
        assert [ln.key for ln in screen.lines] == before
    assert not [i for i in emp.outbox_items() if i.kind == "payment.pay"]


@pytest.mark.slow
async def test_late_fee_rows_beside_their_dues_and_in_the_totals(sandbox):
    """D12: paid late, each line has its 滞纳金 as a row of its own under it, and the totals
    count it (as of the service's day: here 30 days after the deadline)."""
    from datetime import timedelta

    from sbtui import clock

    ws, facts = sandbox
    record = await declared(ws, facts)
    deadline = ws.employer(facts["uscc"]).payments.due_lines()[0].deadline
    started = clock.now()
    clock.set_clock(datetime.combine(deadline + timedelta(days=30), time(9), tzinfo=clock.CST))
    try:
        await ws.login(facts["uscc"], PASSWORD)
        await ws.employer(facts["uscc"]).payments.refresh()
        lines = [ln for ln in ws.employer(facts["uscc"]).payments.due_lines() if ln.declaration_id == record["id"]]
        assert all(ln.days_late == 30 and ln.late_fee > 0 for ln in lines)
        app = ScreenApp(PayScreen, ws, uscc=facts["uscc"], name=facts["name"])
        async with run(app) as pilot:
            screen = await opened(pilot, record)
            rows = [(ln.key, late) for ln, late in screen.rows if ln.declaration_id == record["id"]]
            assert rows == [(k, late) for ln in lines for k, late in ((ln.key, False), (ln.key, True))]
            assert S.LATE_ROW.format(days=30) in screen_text(app)
            await pilot.press("space")
            late = sum(ln.late_fee for ln in lines)
            assert f"滞纳金 {late:,.2f}" in str(screen.query_one("#pay-selected", Static).render())
    finally:
        clock.set_clock(started)


async def test_a_lost_reply_is_never_called_unpaid_and_f5_settles_it(sandbox, monkeypatch):
    """§1, P2: the debit is applied but its reply is lost and the key cannot be asked either:
    the screen says the result is not known yet (never "未缴费"), the lines are held, and 刷新
    settles it by the key — paid once."""
    from sbtui.remote.errors import OfflineError

    ws, facts = sandbox
    record = await declared(ws, facts)
    service = ws.service()
    real_perform, real_outcome = service.perform, service.key_outcome
    lost = {"reply": True, "outcome": True}

    async def perform(kind, payload, *, key):
        answer = await real_perform(kind, payload, key=key)
        if kind == "payment.pay" and lost["reply"]:
            lost["reply"] = False
            raise OfflineError("连接服务超时", code="timeout")
        return answer

    async def key_outcome(key):
        if lost["outcome"]:
            raise OfflineError("无法连接服务")
        return await real_outcome(key)

    monkeypatch.setattr(service, "perform", perform)
    monkeypatch.setattr(service, "key_outcome", key_outcome)
    app = ScreenApp(PayScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot, record)
        keys = {ln.key for ln in screen.lines if ln.declaration_id == record["id"]}
        await through_password(pilot)
        await pilot.press("enter")  # ① 三方协议缴费
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and S.CONFIRM_OK in screen_text(app))
        await pilot.press("y")
        await noticed(pilot)
        assert app.screen.title_text == S.PAY_UNKNOWN_TITLE
        assert app.screen.message == S.PAY_UNKNOWN and "未缴费" not in app.screen.message
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PayScreen))
        await settle(pilot)
        assert not keys & {ln.key for ln in screen.lines}  # held while unknown
        lost["outcome"] = False
        await pilot.press("f5")
        await until(pilot, lambda: not ws.employer(facts["uscc"]).payments.pending())
        await settle(pilot)
        assert not keys & {ln.key for ln in screen.lines}
    payments = ws.employer(facts["uscc"]).payments.payments()
    assert [p.status for p in payments] == ["缴费成功"]
    assert len(await ws.service().payments()) == 1


@pytest.mark.parametrize("typed, shown", [("12ab", None), ("٥٥٥٥٥٥٥", None),
                                          ("6222 0202 0000 1234", "6222020200001234")])
async def test_a_typed_voucher_account_is_checked_by_the_service_rule_before_issue(typed, shown):
    """人工录入账户账号信息 (P3): "12ab" or non-ASCII digits are refused in the dialog with the
    rule's words and the dialog stays; spaces are dropped from a good number (the same rule the
    service applies, domain.pay.is_account)."""
    from sbtui.domain.pay import BAD_ACCOUNT
    from sbtui.tui.screens.pay_dialogs import ManualAccountDialog

    results: list = []

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ManualAccountDialog(), results.append)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ManualAccountDialog) and app.screen.focused)
        app.screen.query_one("#manual-bank", Input).value = "中国工商银行"
        app.screen.query_one("#manual-name", Input).value = "内蒙古倚天科技有限公司"
        app.screen.query_one("#manual-account", Input).focus()
        await settle(pilot)
        if typed.isascii():
            await type_text(pilot, typed)
        else:
            app.screen.query_one("#manual-account", Input).value = typed
        await pilot.press("enter")
        await settle(pilot)
        if shown is None:
            assert isinstance(app.screen, ManualAccountDialog) and not results
            assert str(app.screen.query_one("#manual-error", Static).render()) == BAD_ACCOUNT
        else:
            await until(pilot, lambda: bool(results))
            assert results[0].account == shown


def test_the_service_refuses_what_the_dialog_refuses():
    """One account rule (P3/A1): ``\\d`` would take ٥; the rule is ASCII digits, 6–32."""
    from sbtui.domain.pay import is_account

    assert is_account("123456") and is_account("1" * 32)
    assert not any(is_account(t) for t in ("12345", "1" * 33, "٥٥٥٥٥٥٥", "１２３４５６", "12ab56", ""))
