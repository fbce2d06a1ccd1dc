"""用户管理 (SPEC U1) at 80×24 against the embedded sandbox: add with bad names (as you type
and on save), the permission choice, a refusal in the service's words, modify, disable/enable,
reset; and the menu a 缴费 user gets."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, RadioButton, Static

from sbtui.tui.app import import_screens
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.users import UsersScreen
from sbtui.tui.screens.users_form import UserForm
from sbtui.tui.strings import users as S
from tui_fakes import ScreenApp
from tui_pilot import notes, run, settle
from tui_sandbox import sandbox_workspace

def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


def users_app(ws, facts) -> ScreenApp:
    return ScreenApp(UsersScreen, ws, uscc=facts["uscc"], name=facts["name"])


async def test_add_user_checks_the_name_as_you_type_and_sends_the_permission(sandbox):
    ws, facts = sandbox
    app = users_app(ws, facts)
    async with run(app) as pilot:
        await settle(pilot)
        assert rows(app) == [] and S.EMPTY in text_of(app, "#users-state")
        await pilot.press("a")
        assert isinstance(app.screen, UserForm)
        await pilot.press(*"ab1")
        check = app.screen.query_one("#username-check", Static)
        assert "invalid" in check.classes and S.USERNAME_RULE in str(check.render())
        await pilot.press("ctrl+s")  # too short: refused before anything is sent
        assert isinstance(app.screen, UserForm)
        assert "用户名由4-12位字母或数字组成" in text_of(app, "#user-error")
        app.screen.query_one("#username", Input).value = "张三abc"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, UserForm)
        app.screen.query_one("#username", Input).value = ""
        await pilot.press(*"CaiWuJiaoFei")
        assert "valid" in check.classes and S.USERNAME_OK in str(check.render())
        await pilot.press("tab", "right", "enter")  # 功能权限: 缴费
        assert app.screen.query_one("#perm-pay", RadioButton).value is True
        await pilot.press("tab", *"cashier")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        assert rows(app) == [["1", "CaiWuJiaoFei", "缴费", "正常", "cashier"]]
        assert any("初始密码与用户名相同" in n for n in notes(app))
    [user] = await ws.users.list()
    assert (user.username, user.permission, user.remark) == ("CaiWuJiaoFei", "pay", "cashier")


async def test_a_refusal_stays_on_the_form_with_the_services_words(sandbox):
    ws, facts = sandbox
    await ws.users.add("LaoZiRenYuan", "all", "劳资人员")
    app = users_app(ws, facts)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("a", *"LaoZiRenYuan", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, UserForm)
        assert text_of(app, "#user-error") == "用户名“LaoZiRenYuan”已存在，请重新输入。"
        await pilot.press("escape")
        assert isinstance(app.screen, UsersScreen) and len(rows(app)) == 1


async def test_modify_changes_permission_and_remark_not_the_name(sandbox):
    ws, facts = sandbox
    await ws.users.add("LaoZiRenYuan", "all", "劳资人员")
    app = users_app(ws, facts)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, UserForm)
        assert app.screen.query_one("#username", Input).disabled
        await pilot.press("right", "enter", "tab", "end", *"2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app) == [["1", "LaoZiRenYuan", "缴费", "正常", "劳资人员2"]]
    [user] = await ws.users.list()
    assert (user.permission, user.remark) == ("pay", "劳资人员2")


async def test_disable_enable_and_reset_ask_first(sandbox):
    ws, facts = sandbox
    await ws.users.add("CaiWuJiaoFei", "pay", "")
    app = users_app(ws, facts)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # 取消: nothing changes
        await settle(pilot)
        assert rows(app)[0][3] == S.STATUS_NORMAL
        await pilot.press("d", "y")
        await settle(pilot)
        assert rows(app)[0][3] == S.STATUS_DISABLED
        assert (await ws.users.list())[0].status == "disabled"
        await pilot.press("d", "enter")
        await settle(pilot)
        assert rows(app)[0][3] == S.STATUS_NORMAL
        await pilot.press("r")
        assert "初始密码与用户名相同" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert S.RESET_DONE.format(username="CaiWuJiaoFei") in notes(app)
    assert (await ws.users.list())[0].must_change_password is True


@pytest.mark.slow
async def test_service_refusal_of_an_action_is_shown(sandbox):
    ws, facts = sandbox
    await ws.users.add("CaiWuJiaoFei", "pay", "")
    app = users_app(ws, facts)
    async with run(app) as pilot:
        await settle(pilot)
        user = app.screen.users[0]
        user.username = "Nobody1"  # gone on the service side meanwhile
        await pilot.press("r", "y")
        await settle(pilot)
        assert any(n.startswith("操作失败：") for n in notes(app))


def test_menu_for_roles():
    import_screens()  # as the app does at start: every screen registers itself
    pay = {s.id for s in REGISTRY.menu_for("pay")}
    staff = {s.id for s in REGISTRY.menu_for("all")}
    admin = {s.id for s in REGISTRY.menu_for("admin")}
    settings = {"settings.password", "settings.login_password", "settings.employer_info"}
    assert "users" not in pay and not settings & pay
    assert "users" not in staff and settings <= staff
    assert {"users", *settings} <= admin
    assert REGISTRY.screens["users"].menu == ("系统设置", "用户管理")
