"""系统设置 (SPEC U2) at 80×24: 申报密码设置 (mismatch, wrong old password in the service's
words, success), 登录密码设置 (enable, wrong current password, change, disable) and 单位信息."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from sbtui.domain.passwords import initial_password
from sbtui.tui.screens.settings import DeclarationPasswordScreen, LoginPasswordScreen
from sbtui.tui.screens.settings_employer import EmployerInfoScreen
from sbtui.tui.strings import settings as S
from sbtui.workspace import Workspace
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, settle
from tui_sandbox import PASSWORD, sandbox_workspace

NEW = "Neu3Passw0rd"


def message(app) -> Static:
    return app.screen.query_one("#form-message", Static)


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


async def type_fields(pilot, *values: str) -> None:
    """Fill the focused field, Enter to the next one (Enter on the last one saves). The first
    value is typed key by key, the others pasted (typing is slow in a pilot)."""
    for n, value in enumerate(values):
        if n == 0:
            await pilot.press(*value)
        else:
            pilot.app.focused.insert_text_at_cursor(value)
        await pilot.press("enter")


async def test_declaration_password_mismatch_and_wrong_old(sandbox):
    ws, facts = sandbox
    app = ScreenApp(DeclarationPasswordScreen, ws, uscc=facts["uscc"])
    async with run(app) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert str(message(app).render()) == S.OLD_EMPTY
        await type_fields(pilot, PASSWORD, NEW, NEW + "x")
        await settle(pilot)
        assert str(message(app).render()) == "两次输入的新密码不一致，请重新输入。"
        assert "error" in message(app).classes
        for field in app.screen.query("Input"):
            field.value = ""
        app.screen.query_one("#old").focus()
        await type_fields(pilot, "WrongOld1", NEW, NEW)
        await settle(pilot)
        assert str(message(app).render()) == "原密码输入有误，请重新输入。"  # the service's words


async def test_declaration_password_change_succeeds(sandbox):
    ws, facts = sandbox
    app = ScreenApp(DeclarationPasswordScreen, ws, uscc=facts["uscc"])
    async with run(app) as pilot:
        await pilot.pause()
        await type_fields(pilot, PASSWORD, initial_password(facts["unit_numbers"][0]))
        await pilot.press(*initial_password(facts["unit_numbers"][0]), "enter")
        await settle(pilot)
        assert "初始密码" in str(message(app).render())  # the service refuses the initial one
        for field in app.screen.query("Input"):
            field.value = ""
        app.screen.query_one("#old").focus()
        await type_fields(pilot, PASSWORD, NEW, NEW)
        await settle(pilot)
        assert str(message(app).render()) == S.PASSWORD_DONE
        assert S.PASSWORD_DONE in notes(app)
        assert all(f.value == "" for f in app.screen.query("Input"))
    session = await ws.login(facts["uscc"], NEW)
    assert session.role == "admin"


@pytest.mark.slow
async def test_login_password_enable_change_and_disable(tmp_path, monkeypatch):
    monkeypatch.setattr("sbtui.services.users.LOCAL_ROUNDS", 1000)  # the rule, not the cost
    ws = Workspace(tmp_path / "home")
    uscc = "91150691MA0N4RXW7E"
    app = ScreenApp(LoginPasswordScreen, ws, uscc=uscc)
    async with run(app) as pilot:
        await settle(pilot)
        assert S.LOGIN_STATE_OFF in screen_text(app)
        assert not app.screen.query_one("#row-current").display
        await type_fields(pilot, "abc123", "abc124")
        await settle(pilot)
        assert str(message(app).render()) == "两次输入的新密码不一致，请重新输入。"
        assert not ws.users.has_login_password(uscc)
        for field in app.screen.query("Input"):
            field.value = ""
        app.screen.query_one("#new").focus()
        await type_fields(pilot, "abc123", "abc123")
        await settle(pilot)
        assert ws.users.has_login_password(uscc) and ws.users.check_login_password(uscc, "abc123")
        assert not ws.users.check_login_password(uscc, "abc124")
        assert S.LOGIN_STATE_ON in screen_text(app)
        assert app.screen.query_one("#row-current").display
        assert app.focused.id == "current"
        # change: the current one first
        await type_fields(pilot, "nope12", "xyz789", "xyz789")
        await settle(pilot)
        assert str(message(app).render()) == "原登录密码输入有误，请重新输入。"
        for field in app.screen.query("Input"):
            field.value = ""
        app.screen.query_one("#current").focus()
        await type_fields(pilot, "abc123", "xyz789", "xyz789")
        await settle(pilot)
        assert str(message(app).render()) == S.LOGIN_CHANGED
        assert ws.users.check_login_password(uscc, "xyz789")
        # disable: Ctrl+D with the current one
        await pilot.press("ctrl+d")
        assert str(message(app).render()) == S.OLD_EMPTY
        await pilot.press(*"xyz789", "ctrl+d")
        await settle(pilot)
        assert str(message(app).render()) == S.LOGIN_CLEARED
        assert not ws.users.has_login_password(uscc)
        assert S.LOGIN_STATE_OFF in screen_text(app)
    await ws.aclose()


async def test_employer_info_shows_the_registration(sandbox):
    ws, facts = sandbox
    app = ScreenApp(EmployerInfoScreen, ws, uscc=facts["uscc"])
    async with run(app) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert f"纳税人识别号：{facts['uscc']}" in text
        assert f"纳税人名称：{facts['name']}" in text
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == facts["unit_numbers"]
        assert "参保险种：" in text
        await pilot.press("down")
        second = facts["registrations"][1]
        assert second["agency"] in screen_text(app)
