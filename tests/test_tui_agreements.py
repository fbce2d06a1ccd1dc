"""单位三方协议管理 at 80×24 against the embedded sandbox (SPEC A1; issue 12): the demo employer's
agreements with their statuses; a new agreement typed in the form (行政区划 by default, 开户网点
found by type-ahead) whose holder name is not the bank's is refused by the verification with the
reason; a second 费批扣 agreement is refused on the form with the official rule; revoking a
verified agreement ends it."""
from __future__ import annotations

import pytest
from textual.widgets import Input, RadioButton, Select, Static
from tui_fakes import ScreenApp
from tui_pilot import run, screen_text, settle, until
from tui_sandbox import sandbox_request, sandbox_workspace

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.agreements import AgreementsScreen
from sbtui.tui.screens.agreements_form import AgreementForm
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.strings import payments as S

BANK = "中国建设银行"


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 200})
    await ws.employer(facts["uscc"]).agreements.refresh()
    yield ws, facts
    await ws.aclose()


async def noticed(pilot) -> NoticeDialog:
    """Wait for a NoticeDialog to be up, its 确定 focused (mounted: a key or the test's end
    does not race its mount)."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, NoticeDialog) and app.screen.focused is not None, timeout=30)
    return app.screen


async def opened(pilot) -> AgreementsScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, AgreementsScreen) and app.screen.items)
    await settle(pilot)
    return app.screen


async def form_filled(pilot, facts, *, name: str, batch: bool = False) -> AgreementForm:
    """a → the form with the bank, the branch found by type-ahead, ``name`` and the account."""
    app = pilot.app
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, AgreementForm))
    form = app.screen
    await settle(pilot)  # the 银行行别 choices are read
    tips = str(form.query_one("#ag-tips", Static).render())
    assert S.TIPS_TITLE in tips and "单位允许银行代扣的协议只有一个" in tips and "可模糊搜索" in tips
    account = next(a for a in facts["bank_accounts"] if a["bank"] == BANK)
    if batch:
        form.query_one("#ag-batch-yes", RadioButton).value = True
    form.query_one("#ag-bank", Select).value = BANK
    branch = form.query_one("#ag-branch", Input)
    branch.focus()
    await pilot.pause()
    branch.value = "康巴什"  # typed: the type-ahead lists the matching 开户网点
    await until(pilot, lambda: form.results)
    await pilot.press("enter")  # takes the highlighted one
    assert form.branch_name == account["branch"]
    form.query_one("#ag-account-name", Input).value = name
    form.query_one("#ag-account", Input).value = account["account"]
    return form


@pytest.mark.slow
async def test_new_agreement_with_a_wrong_holder_name_is_refused_with_the_reason(sandbox):
    ws, facts = sandbox
    app = ScreenApp(AgreementsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot)
        before = len(screen.items)
        assert "验证通过" in screen_text(app) and "未验证" in screen_text(app)
        await form_filled(pilot, facts, name="某某贸易有限公司")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), timeout=30)
        assert app.screen.message == S.SAVED_VERIFY
        await pilot.press("y")  # 验证 → 反馈提示
        await noticed(pilot)
        assert app.screen.message.startswith("验证失败：") and "缴款单位名称不一致" in app.screen.message
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AgreementsScreen) and len(screen.items) == before + 1)
    rows = ws.employer(facts["uscc"]).agreements.agreements()
    assert any(r["status"] == "验证失败" and "缴款单位名称不一致" in (r["reason"] or "") for r in rows)


async def test_a_second_batch_agreement_is_refused_on_the_form(sandbox):
    ws, facts = sandbox
    emp = ws.employer(facts["uscc"])
    account = next(a for a in facts["bank_accounts"] if a["bank"] == BANK)
    emp.agreements.add({"batch": True, "bank": BANK, "branch": account["branch"],
                        "account_name": facts["name"], "account": account["account"]})
    await emp.agreements.feedback()
    app = ScreenApp(AgreementsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await opened(pilot)
        form = await form_filled(pilot, facts, name=facts["name"], batch=True)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: str(form.query_one("#ag-error", Static).render()))
        assert "单位允许银行代扣的协议只有一个" in str(form.query_one("#ag-error", Static).render())
        assert isinstance(app.screen, AgreementForm)  # the form stays


async def test_revoke_ends_a_verified_agreement(sandbox):
    ws, facts = sandbox
    app = ScreenApp(AgreementsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot)
        row = next(i for i, a in enumerate(screen.items) if a["status"] == "验证通过")
        ident = screen.items[row]["id"]
        screen.query_one("#ag-table").move_cursor(row=row)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.REVOKE_CONFIRM)
        await pilot.press("y")
        await noticed(pilot)
        assert app.screen.message == S.REVOKE_DONE
    assert ws.employer(facts["uscc"]).agreements.agreement(ident)["status"] == "协议终止"
