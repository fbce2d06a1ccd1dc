"""SPEC L1–L6 through the keyboard, on the embedded sandbox: first start to the home screen
with bad input at every step, the lock after three wrong passwords, deleting employers."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from sbtui.domain.passwords import initial_password
from sbtui.remote.sandbox import info
from sbtui.tui.strings import login as S
from tui_pilot import (make_app, message_of, notes, notified, on_screen, run, screen_text, settle, type_text,
                       until)

NEW = "Abc12345"


async def _set_field(pilot, selector: str, value: str) -> None:
    field = pilot.app.screen.query_one(selector)
    field.value = ""
    field.focus()
    await type_text(pilot, value)


@pytest.mark.slow
async def test_first_start_to_home_with_bad_input_at_every_step(tmp_path):
    app = make_app(tmp_path / "home")
    async with run(app) as pilot:
        # L1: region, confirmed
        await on_screen(pilot, "RegionScreen")
        await until(pilot, lambda: app.screen.query_one("OptionList").option_count > 0)
        await pilot.press("enter")
        await on_screen(pilot, "ConfirmDialog")
        assert "您确定选择【内蒙古自治区】进入系统吗？" in screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, "AddEmployerScreen")
        assert app.ws.config.region == "nm"

        facts = info(app.ws.config.sandbox_dir)
        uscc = facts["uscc"]
        # the password rule is shown before it can be broken (issue 15 item 15)
        assert "修改为6至20位的新密码" in screen_text(app).replace("\n", "").replace("│", "").replace(" ", "")
        # L2: a wrong check digit is said as you type, and blocks 下一步
        wrong = uscc[:-1] + ("A" if uscc[-1] != "A" else "B")
        await type_text(pilot, wrong)
        assert f"校验位错误，应为{uscc[-1]}" in message_of(app, "#uscc-msg")
        await pilot.press("enter")
        await type_text(pilot, wrong)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "AddEmployerScreen"
        # the two differ
        await _set_field(pilot, "#uscc", uscc)
        assert "✓" in message_of(app, "#uscc-msg")
        await _set_field(pilot, "#uscc-again", uscc[:-2] + "00")
        assert S.ADD_MISMATCH in message_of(app, "#again-msg")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "AddEmployerScreen"
        await _set_field(pilot, "#uscc-again", uscc)
        await pilot.press("enter")

        # 确认单位
        await on_screen(pilot, "ConfirmEmployerScreen")
        assert facts["name"] in screen_text(app)
        await pilot.press("enter")

        # 安全认证 with a wrong initial password: the official 20101 text and attempts left
        await on_screen(pilot, "SecurityScreen")
        assert "初始化申报密码为任一单位编号后6位" in screen_text(app)
        await type_text(pilot, "000000")
        await pilot.press("enter")
        await until(pilot, lambda: "20101" in message_of(app, "#security-msg"))
        assert ("申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。（还可尝试2次）"
                in message_of(app, "#security-msg"))
        first = initial_password(facts["unit_numbers"][0])
        await type_text(pilot, first)
        await pilot.press("enter")

        # forced change: the two differ, then equal to the initial one, then good
        await on_screen(pilot, "ForcedChangeScreen")
        assert S.CHANGE_RULE in screen_text(app) and "6至20位" in screen_text(app)  # before typing (item 15)
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await type_text(pilot, NEW + "x")
        await pilot.press("enter")
        assert "两次输入的新密码不一致" in message_of(app, "#change-msg")
        await _set_field(pilot, "#new", first)
        await _set_field(pilot, "#again", first)
        await pilot.press("enter")
        assert S.CHANGE_SAME_AS_INITIAL in message_of(app, "#change-msg")
        assert type(app.screen).__name__ == "ForcedChangeScreen"
        await _set_field(pilot, "#new", NEW)
        await _set_field(pilot, "#again", NEW)
        await pilot.press("enter")

        # 确认参保登记信息: 确定 is refused until 我已确认无误 is ticked; unticking blocks again
        await on_screen(pilot, "RegistrationInfoScreen")
        await until(pilot, lambda: app.screen.query_one("#reginfo-table").row_count == 4)
        assert "我已确认无误" in screen_text(app)
        app.screen.action_submit()
        await settle(pilot)
        assert S.REGINFO_MUST_TICK in message_of(app, "#reginfo-msg")
        tick = app.screen.query_one("#tick")
        tick.focus()
        await pilot.press("space")
        assert tick.value and "✓" in screen_text(app)  # visible without colour
        await pilot.press("space")
        assert not tick.value
        app.screen.query_one("#reginfo-msg").update("")
        await pilot.press("enter")  # Enter on the box is 确定: refused while unticked
        await settle(pilot)
        assert S.REGINFO_MUST_TICK in message_of(app, "#reginfo-msg")
        assert type(app.screen).__name__ == "RegistrationInfoScreen"
        assert app.ws.config.employer(uscc) is None
        await pilot.press("space")
        await pilot.press("enter")  # 确定

        # L5 initialization (full download), then L6: four registrations to choose from
        await on_screen(pilot, "ChooseUnitScreen", timeout=30)
        # the fail keyring: said once, plainly
        assert sum(S.TOKEN_NOT_KEPT in note for note in notes(app)) == 1
        assert app.ws.config.employer(uscc) is not None
        # issue 15 item 9: the cursor starts on the enterprise insurance unit, and says so
        choose = app.screen
        await until(pilot, lambda: choose.units and "企业险" in screen_text(app))
        start = choose.units[choose.query_one("DataTable").cursor_row]
        assert start["agency_system"] == "enterprise", start
        assert S.CHOOSE_START_ENTERPRISE.format(unit=start["unit_number"])[:12] in screen_text(app)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.session.logged_in)
        assert app.session.uscc == uscc and app.session.role == "admin"
        assert app.session.unit_number in facts["unit_numbers"]
        assert type(app.screen).__name__ == "HomeScreen"
        text = screen_text(app)
        assert uscc in text and "在线" in text
        assert app.ws.store(uscc).registry.employee_count() == 200


async def _logged_in_home(tmp_path):
    """A home with the demo employer added (password NEW) and synced; returns (home, facts)."""
    from tui_sandbox import sandbox_workspace

    home = tmp_path / "home"
    ws, facts = await sandbox_workspace(home)
    ws.config.region = "nm"
    ws.config.save()
    await ws.aclose()
    return home, facts


@pytest.mark.slow
async def test_three_wrong_passwords_lock_and_say_until_when(tmp_path):
    home, facts = await _logged_in_home(tmp_path)
    app = make_app(home)
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await settle(pilot)
        # no sub-users known here: only 单位密码登录, no mode choice (SPEC L4)
        assert S.MODE_USER not in screen_text(app)
        for left in (2, 1):
            await type_text(pilot, "wrong1")
            await pilot.press("enter")
            await until(pilot, lambda: f"还可尝试{left}次" in message_of(app, "#security-msg"))
        await type_text(pilot, "wrong1")
        await pilot.press("enter")
        await until(pilot, lambda: "锁定" in message_of(app, "#security-msg"))
        text = message_of(app, "#security-msg")
        when = re.search(r"请于(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)后重试", text)
        assert when, text
        # the right password is refused while locked, with the same time
        from tui_sandbox import PASSWORD

        app.screen.query_one("#security-msg").update("")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert when.group(1) in message_of(app, "#security-msg")
        assert datetime.strptime(when.group(1), "%Y-%m-%d %H:%M:%S")
        assert not app.session.logged_in


@pytest.mark.slow
async def test_login_then_delete_refuses_the_current_employer(tmp_path):
    from sbtui.config import EmployerEntry
    from tui_sandbox import PASSWORD

    home, facts = await _logged_in_home(tmp_path)
    app = make_app(home)
    other = EmployerEntry(uscc="91150691MA0P9D3L62", name="鄂尔多斯市康巴什区草原味道餐饮有限公司")
    app.ws.config.add_employer(other)
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 2)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await on_screen(pilot, "ChooseUnitScreen", timeout=30)
        await pilot.press("enter")
        await until(pilot, lambda: app.session.logged_in)

        # 单位管理 (F6): the employer list over the home screen
        await pilot.press("f6")
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 2)
        assert S.STATE_CURRENT in screen_text(app)
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.press("d")
        await settle(pilot)
        assert notified(app, S.DELETE_CURRENT)
        assert type(app.screen).__name__ == "EmployerListScreen"
        assert app.ws.config.employer(facts["uscc"]) is not None

        # another employer: asked first (确认删除？), 取消 keeps it, 确定 deletes it
        app.screen.query_one("DataTable").move_cursor(row=1)
        await pilot.press("d")
        await on_screen(pilot, "ConfirmDialog")
        assert "确认删除？" in screen_text(app)
        await pilot.press("enter")  # the focus is on 取消 for a deletion
        await on_screen(pilot, "EmployerListScreen")
        assert app.ws.config.employer(other.uscc) is not None
        await pilot.press("d")
        await on_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await until(pilot, lambda: app.ws.config.employer(other.uscc) is None)
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)

        # Esc: back to the home of the employer still logged in
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        assert app.session.uscc == facts["uscc"]


@pytest.mark.slow
async def test_switch_unit_without_logging_out(tmp_path):
    from tui_sandbox import PASSWORD

    home, facts = await _logged_in_home(tmp_path)
    app = make_app(home)
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await on_screen(pilot, "ChooseUnitScreen", timeout=30)
        await pilot.press("enter")
        await until(pilot, lambda: app.session.logged_in)
        before = app.session.unit_number
        await pilot.press("f4")  # 切换单位
        await on_screen(pilot, "ChooseUnitScreen")
        await until(pilot, lambda: before in screen_text(app) and "当前单位" in screen_text(app))
        # the unit in use is marked ●, the cursor ▶ (the table's rule): the two never read as one
        assert f"▶● {before}" in screen_text(app) and "▶▶" not in screen_text(app)
        await pilot.press("up", "enter")  # the cursor starts on the unit in use (企业险, the last row)
        await until(pilot, lambda: app.session.unit_number != before)
        assert app.session.logged_in and app.session.uscc == facts["uscc"]
        assert app.ws.config.employer(facts["uscc"]).unit_number == app.session.unit_number
        assert app.session.unit_number in screen_text(app)


async def test_user_mode_login_shows_the_services_reason(tmp_path):
    home, facts = await _logged_in_home(tmp_path)
    app = make_app(home)
    app.ws.users.note_users(facts["uscc"], True)  # sub-users were seen here (SPEC L4: both modes now)
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await until(pilot, lambda: S.MODE_USER in screen_text(app))
        assert S.MODE_EMPLOYER in screen_text(app)
        await pilot.press("f8")  # 用户名密码登录
        await until(pilot, lambda: app.screen.query_one("#username").display)
        await type_text(pilot, "nobody1")
        await pilot.press("enter")
        await type_text(pilot, "nobody1")
        await pilot.press("enter")
        await until(pilot, lambda: message_of(app, "#security-msg").strip() not in ("", S.CHECKING))
        assert not app.session.logged_in
        assert type(app.screen).__name__ == "SecurityScreen"


@pytest.mark.slow
async def test_login_password_gates_opening_the_employer(tmp_path):
    """登录密码 (manual 001 §2.6.1, SPEC U2): when set, it is asked before the security check;
    a wrong one is refused and cleared, the right one goes on."""
    home, facts = await _logged_in_home(tmp_path)
    app = make_app(home)
    app.ws.users.set_login_password(facts["uscc"], "local-42", "local-42")
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await pilot.press("enter")
        await on_screen(pilot, "LoginPasswordScreen")
        await type_text(pilot, "nope")
        await pilot.press("enter")
        await until(pilot, lambda: S.GATE_WRONG in message_of(app, "#gate-msg"))
        assert app.screen.query_one("#gate").value == ""
        await type_text(pilot, "local-42")
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
