"""SVG snapshots at 80×24 (pytest-textual-snapshot; refresh with ``--snapshot-update``): the
region choice (L1), the login's 安全认证 (L4) and the function menu (H1). Nothing volatile is on
these screens (no clock, no sandbox dates); the input cursor's blink is switched off."""
from __future__ import annotations

from sbtui.config import EmployerEntry
from sbtui.tui.screens.base import SessionState
from tui_pilot import SIZE, make_app, on_screen, settle, until

DEMO = EmployerEntry(uscc="91150691MA0N4RXW7E", name="鄂尔多斯市康巴什区鸿泰能源科技有限公司",
                     unit_number="66259112241843")


def _no_blink(app) -> None:
    from textual.widgets import Input

    for field in app.screen.query(Input):
        field.cursor_blink = False


def test_region_choice_80x24(snap_compare, tmp_path):
    app = make_app(tmp_path / "home")

    async def ready(pilot):
        await on_screen(pilot, "RegionScreen")
        await until(pilot, lambda: app.screen.query_one("OptionList").option_count > 0)
        await app.service_ready()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_login_80x24(snap_compare, tmp_path):
    app = make_app(tmp_path / "home")
    app.ws.config.region = "nm"
    app.ws.config.add_employer(DEMO)

    async def ready(pilot):
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await app.service_ready()
        await until(pilot, lambda: not app.screen.query_one("#security-msg").render().plain)
        _no_blink(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_function_menu_80x24(snap_compare, tmp_path):
    app = make_app(tmp_path / "home")
    app.ws.config.region = "nm"
    app.ws.config.add_employer(DEMO)

    async def ready(pilot):
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 1)
        await app.service_ready()
        app.session = SessionState(uscc=DEMO.uscc, employer_name=DEMO.name,
                                   unit_number=DEMO.unit_number, role="admin")
        app.session_rev += 1
        await pilot.press("f2")
        await on_screen(pilot, "MenuDialog")
        tree = app.screen.query_one("Tree")
        await until(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data == "employers")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
