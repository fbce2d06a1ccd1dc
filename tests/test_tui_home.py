"""首页 (SPEC H1–H5) at 80×24: to-do, alerts (the sandbox's empty wages), deadline, quick
buttons (unbuilt ones say so), notices and messages, offline parts, the 缴费 user's page."""
from __future__ import annotations

import pytest
from textual.widgets import Footer, OptionList, SelectionList

from sbtui.tui.app import import_screens
from sbtui.tui.screens.home import HomeScreen
from sbtui.tui.screens.home_notices import ExplainScreen, NoticesScreen
from sbtui.tui.screens.home_quick import QuickSettings
from sbtui.tui.strings import home as S
from tui_fakes import FakeWorkspace, ScreenApp
from tui_pilot import SIZE, notes, run, screen_text, settle, until
from tui_sandbox import sandbox_workspace

import_screens()  # the quick buttons show what is built: every screen registered, as in the app


def options(app, selector: str) -> list[str]:
    widget = app.screen.query_one(selector, OptionList)
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


async def test_home_shows_todo_alerts_deadline_and_quick_buttons(sandbox):
    ws, facts = sandbox
    expected = await ws.employer(facts["uscc"]).home.summary()
    empty = next(a for a in expected.alerts if a.kind == "empty_wage")
    assert empty.count > 0  # the sandbox seeds new hires without wages
    app = ScreenApp(HomeScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        # a list line drops its closing 。 (the explanation shows the whole text)
        assert options(app, "#todo") == [t.text.removesuffix("。") for t in expected.todo]
        assert empty.text.removesuffix("。") in options(app, "#alerts")
        assert f"存在{empty.count}名缴费工资为空的职工" in options(app, "#alerts")[0]
        assert options(app, "#notices")[0].startswith(str(expected.notices[0].date))
        text = screen_text(app)
        deadline = expected.deadline
        assert f"{S.DEADLINE}：{deadline.isoformat()} {S.WEEKDAYS[deadline.weekday()]}" in text
        assert "1 日常申报" in text and "4 完税证明开具" in text
        assert f"（{expected.unread}{S.UNREAD}）" in text
        await pilot.press("4")  # 完税证明开具 opens 税收完税证明（非印刷）开具 (SPEC C1, H5)
        assert app.opened == ["certificate"]
        await pilot.press("1")  # 日常申报
        assert app.opened == ["certificate", "declare.daily"]


async def test_a_built_quick_button_opens_its_screen():
    app = ScreenApp(HomeScreen, FakeWorkspace())
    async with run(app) as pilot:
        await settle(pilot)
        assert "unbuilt" not in app.screen.query_one("#quick-3").classes  # 缴费
        assert "unbuilt" not in app.screen.query_one("#quick-1").classes  # 日常申报
        assert "unbuilt" not in app.screen.query_one("#quick-4").classes  # 完税证明开具 (C1)
        await pilot.press("3")
        assert app.opened == ["pay"]


async def test_enter_on_the_empty_wage_alert_explains_it():
    app = ScreenApp(HomeScreen, FakeWorkspace())
    async with run(app) as pilot:
        await settle(pilot)
        assert app.focused.id == "todo"
        await pilot.press("tab")
        assert app.focused.id == "alerts"
        await pilot.press("enter")
        assert isinstance(app.screen, ExplainScreen)
        assert "缴费工资为空" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_messages_open_and_are_marked_read_through_the_service(sandbox):
    ws, facts = sandbox
    app = ScreenApp(HomeScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, NoticesScreen)
        first = app.screen.items[0]
        assert options(app, "#notice-list")[0].startswith("●")
        await pilot.press("enter")
        await settle(pilot)
        assert first.body in screen_text(app)
        assert not options(app, "#notice-list")[0].startswith("●")
        assert {m.id: m.read for m in await ws.service().messages()}[first.id] is True
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        assert S.NOTICES in app.screen.query_one("#notice-list").border_title


async def test_offline_parts_say_so_and_local_alerts_stay():
    app = ScreenApp(HomeScreen, FakeWorkspace(online=False))
    async with run(app) as pilot:
        await settle(pilot)
        assert options(app, "#todo") == [S.OFFLINE_PART]
        assert options(app, "#notices") == [S.OFFLINE_PART]
        assert "缴费工资为空" in options(app, "#alerts")[0]  # from the local store
        await pilot.press("m")
        assert isinstance(app.screen, HomeScreen)
        assert S.OFFLINE_PART in notes(app)


async def test_a_pay_user_sees_the_payment_part_only():
    app = ScreenApp(HomeScreen, FakeWorkspace(), role="pay")
    async with run(app) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert S.ALERTS not in text and "缴费工资为空" not in text
        assert options(app, "#todo") == [S.NONE_TODO]  # only what there is to pay (none here)
        assert "1 缴费" in text and "日常申报" not in text and "税务生成" not in text
        assert S.NOTICES in text and S.DEADLINE in text


async def test_quick_button_settings_keep_four_at_most_and_save(sandbox):
    ws, facts = sandbox
    app = ScreenApp(HomeScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, QuickSettings)
        choices = app.screen.query_one(SelectionList)
        assert len(choices.selected) == 4
        await pilot.press("down", "down", "down", "down", "space")  # a fifth one
        await pilot.pause()
        assert len(choices.selected) == 4 and S.QUICK_TOO_MANY in notes(app)
        await pilot.press("up", "up", "up", "up", "space")  # drop 日常申报
        await pilot.press("down", "down", "down", "down", "space")  # take 缴费工资申报
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert ws.config.quick_buttons == ["declare.special", "pay", "certificate", "wages.declare"]
        assert "4 缴费工资申报" in screen_text(app)
        assert S.QUICK_SAVED in notes(app)


async def test_refresh_reloads(sandbox):
    ws, facts = sandbox
    app = ScreenApp(HomeScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        app.screen.view = None
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen.view is not None


def test_home_snapshot_80x24(snap_compare):
    async def loaded(pilot):
        await settle(pilot)
        footer = pilot.app.screen.query_one(Footer)
        await until(pilot, lambda: footer.children)  # the footer fills itself in after the first frames

    assert snap_compare(ScreenApp(HomeScreen, FakeWorkspace()), terminal_size=SIZE,
                        run_before=loaded)
