"""The app shell: the function menu (only registered screens, by role), F1 help, the command
palette's commands, the user keymap, the theme toggle, the outbox screen and status bar, the
optional initialization step."""
from __future__ import annotations

import pytest

from sbtui.domain.vocab import OUTBOX_PENDING_LABEL, OutboxState, label
from sbtui.remote.errors import ServiceError
from sbtui.tui.commands import commands_for
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.base import SessionState
from sbtui.tui.strings import shell as S
from tui_pilot import make_app, on_screen, run, screen_text, settle, type_text, until


async def _home(tmp_path):
    from tui_sandbox import sandbox_workspace

    home = tmp_path / "home"
    ws, facts = await sandbox_workspace(home)
    ws.config.region = "nm"
    ws.config.save()
    await ws.aclose()
    return home, facts


async def _login(pilot, app):
    from tui_sandbox import PASSWORD

    await on_screen(pilot, "EmployerListScreen")
    await until(pilot, lambda: app.screen.query_one("DataTable").row_count >= 1)
    await pilot.press("enter")
    await on_screen(pilot, "SecurityScreen")
    await type_text(pilot, PASSWORD)
    await pilot.press("enter")
    await on_screen(pilot, "ChooseUnitScreen", timeout=30)
    await pilot.press("enter")
    await until(pilot, lambda: app.session.logged_in)


def _menu_leaves(app) -> set[str]:
    tree = app.screen.query_one("Tree")
    leaves, stack = set(), [tree.root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.data:
            leaves.add(node.data)
    return leaves


async def test_menu_shows_only_registered_screens_for_the_role(tmp_path):
    app = make_app(tmp_path / "home")
    app.ws.config.region = "nm"
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await pilot.press("f2")  # not logged in: no menu
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerListScreen"

        app.session = SessionState(uscc="91150691MA0N4RXW7E", employer_name="x", role="admin")
        await pilot.press("f2")
        await on_screen(pilot, "MenuDialog")
        leaves = _menu_leaves(app)
        assert leaves == {s.id for s in REGISTRY.menu_for("admin")}
        assert {"outbox", "switch_unit", "employers"} <= leaves
        assert all(sid in REGISTRY.screens for sid in leaves)
        await pilot.press("escape")

        app.session = SessionState(uscc="91150691MA0N4RXW7E", employer_name="x", role="pay")
        await pilot.press("f2")
        await on_screen(pilot, "MenuDialog")
        assert _menu_leaves(app) == {s.id for s in REGISTRY.menu_for("pay")}
        assert all("pay" in REGISTRY.screens[sid].roles for sid in _menu_leaves(app))


@pytest.mark.slow
async def test_menu_opens_the_outbox_and_the_status_bar_counts(tmp_path):
    home, facts = await _home(tmp_path)
    app = make_app(home)
    async with run(app) as pilot:
        await _login(pilot, app)
        store = app.ws.store(facts["uscc"])
        store.outbox.enqueue("group.create", {"body": {"name": "财务部"}}, entity="group:new1")
        app.refresh_outbox()
        await until(pilot, lambda: app.outbox_counts.pending == 1)
        assert f"{OUTBOX_PENDING_LABEL} 1" in screen_text(app)

        await pilot.press("f2")
        await on_screen(pilot, "MenuDialog")
        tree = app.screen.query_one("Tree")
        node = next(n for n in _walk(tree.root) if n.data == "outbox")
        tree.move_cursor(node)
        await pilot.press("enter")
        await on_screen(pilot, "OutboxScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        text = screen_text(app)
        assert label(OutboxState.QUEUED) in text and "新建分组" in text  # as `sbtui outbox` says it
        await pilot.press("f")  # filter: 待确认
        await pilot.press("f", "f")  # 被拒绝: none
        await until(pilot, lambda: not app.screen.query_one("DataTable").display)
        assert S.OUTBOX_EMPTY in screen_text(app)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_f1_help_lists_the_screens_keys(tmp_path):
    app = make_app(tmp_path / "home")
    app.ws.config.region = "nm"
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await pilot.press("f1")
        await on_screen(pilot, "HelpDialog")
        text = screen_text(app)
        assert "帮助：用人单位" in text
        assert "添加" in text and "删除" in text and "登录" in text
        await pilot.press("escape")
        await on_screen(pilot, "EmployerListScreen")


@pytest.mark.slow
async def test_palette_offers_what_makes_sense_here(tmp_path):
    home, _ = await _home(tmp_path)
    app = make_app(home)
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        names = {c.text for c in commands_for(app.screen)}
        assert {"添加", "删除", "帮助"} <= names
        assert S.KEY_MENU not in names and S.KEY_SYNC not in names  # need a session
        await _login(pilot, app)
        names = {c.text for c in commands_for(app.screen)}
        assert {S.KEY_MENU, S.KEY_SYNC, S.KEY_SWITCH_UNIT} <= names
        assert S.KEY_OUTBOX in names  # F3 opens it: no second "打开：待发送队列"
        assert S.PALETTE_OPEN.format(title=S.OUTBOX_TITLE) not in names
        assert any(n.startswith("打开：") for n in names)  # screens without a key of their own
        assert "添加" not in names  # the employer list's keys are not the home screen's
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await type_text(pilot, "待发送")
        hits = app.screen.query_one("CommandList")  # the palette's hits, the best one first
        await until(pilot, lambda: hits.option_count > 0
                    and "待发送" in str(hits.get_option_at_index(0).prompt))
        await pilot.press("enter")
        await on_screen(pilot, "OutboxScreen")


async def test_user_keymap_and_theme_are_kept_in_config(tmp_path):
    from sbtui.config import Config

    app = make_app(tmp_path / "home")
    app.ws.config.region = "nm"
    app.ws.config.keymap = {"employers.add": "n", "app.theme": "f10"}
    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await pilot.press("a")  # no longer the key
        await settle(pilot)
        assert type(app.screen).__name__ == "EmployerListScreen"
        await pilot.press("n")
        await on_screen(pilot, "AddEmployerScreen")
        await pilot.press("escape")
        await on_screen(pilot, "EmployerListScreen")
        dark = app.theme
        await pilot.press("f10")
        await until(pilot, lambda: app.theme != dark)
        await until(pilot, lambda: Config.load(app.ws.config.home).theme == app.theme)


@pytest.mark.slow
async def test_an_optional_step_that_fails_is_a_warning_not_a_stop(tmp_path, monkeypatch):
    home, _ = await _home(tmp_path)
    app = make_app(home)

    async def broken(*args, **kwargs):
        raise ServiceError("通知公告服务暂不可用")

    async with run(app) as pilot:
        await on_screen(pilot, "EmployerListScreen")
        await app.service_ready()
        monkeypatch.setattr(app.ws.service(), "notices", broken)
        from sbtui.tui.screens.login import init

        marks = []
        mark = init.InitScreen.mark

        def spy(self, step, state, note=""):
            marks.append((step, state, note))
            mark(self, step, state, note)

        monkeypatch.setattr(init.InitScreen, "mark", spy)
        await _login(pilot, app)
        notices = [(state, note) for step, state, note in marks if step == init.NOTICES]
        assert notices == [("running", ""), ("warning", "通知公告服务暂不可用")]


async def test_status_bar_one_line_when_wide_two_at_80(tmp_path):
    from sbtui.tui.widgets.status_bar import StatusBar

    for size, lines in (((200, 50), 1), ((80, 24), 2)):
        app = make_app(tmp_path / f"home{size[0]}")
        app.ws.config.region = "nm"
        async with run(app, size) as pilot:
            await on_screen(pilot, "EmployerListScreen")
            app.session = SessionState(uscc="91150691MA0N4RXW7E", employer_name="鄂尔多斯市康巴什区鸿泰能源科技有限公司",
                                       unit_number="66259112241843", role="admin")
            app.session_rev += 1
            await until(pilot, lambda: "66259112241843" in screen_text(app))  # the bar shows the session
            await settle(pilot)  # and is laid out again
            bar = app.screen.query_one(StatusBar)
            assert bar.size.height == lines
            text = screen_text(app)
            assert "91150691MA0N4RXW7E" in text and "在线" in text


@pytest.mark.slow
def test_bench_start_reports_a_cold_start(tmp_path):
    from sbtui.bench.start import run_start_bench

    result = run_start_bench(runs=1, scenario="fresh", log=False)
    assert result["scenario"] == "fresh" and len(result["runs"]) == 1
    assert 0 < result["start_s"] < 10
    assert result["floor_s"] > 0 and result["ratio"] == result["start_s"] / result["floor_s"]  # issue 16


def test_the_first_add_does_not_flash_incremental():
    """issue 15 item 9: before the store says whether the employee download is the first (全量)
    or not (增量), the 初始化 step names neither — a first add flashed （增量）."""
    from sbtui.tui.screens.login import init
    from sbtui.tui.strings import login as SL

    screen = init.InitScreen("91150691MA0N4RXW7E", "演示单位")
    label = screen.labels[init.REGISTRY]
    assert label == SL.STEP_REGISTRY and "增量" not in label and "全量" not in label
