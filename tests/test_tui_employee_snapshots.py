"""SVG snapshots at 80×24 of 职工参保信息管理 (E1) and 职工分组管理 (E4), on a hand-built local store
(fixed names, dates and groups: nothing depends on today or on the sandbox's seed)."""
from __future__ import annotations

from sbtui.domain.models import UnitRegistration
from sbtui.tui.screens.employees import EmployeesScreen
from sbtui.tui.screens.groups import GroupsScreen
from sbtui.workspace import Workspace
from store_helpers import GROUPS, emp
from tui_fakes import ScreenApp
from tui_pilot import settle, until

SIZE = (80, 24)
USCC = "91150691MA0N4RXW7E"
NAMES = "韩璐格 孟秀春 郭珍 孙其国 苏怡亮 廖红丽 史秀 梁兰强 张婷 武生丽 付其 高图 丁然斌 任林浩 崔玉浩 王芳 李娜".split()


def workspace(tmp_path) -> Workspace:
    ws = Workspace(tmp_path / "home")
    store = ws.store(USCC)
    store.registry.replace_registrations([
        UnitRegistration(unit_number="110000123456", agency="市社保中心", agency_system="enterprise",
                         tax_authority="国家税务总局某区税务局", insurance_types=["110", "210", "410"]),
        UnitRegistration(unit_number="110000654321", agency="市医保中心", agency_system="medical",
                         tax_authority="国家税务总局某区税务局", insurance_types=["310", "330"]),
    ])
    store.groups.replace(GROUPS)
    groups = [None, "G1", "G2", "G3", "G4"]
    store.registry.upsert_employees([
        emp(n, name=name, status="stopped" if n % 7 == 3 else "normal", group_id=groups[n % 5],
            units=("110000123456", "110000654321") if n % 2 else ("110000123456",),
            types=("110", "210", "310", "330", "410") if n % 2 else ("110", "210", "410"))
        for n, name in enumerate(NAMES, start=1)])
    return ws


def test_employee_list_80x24(snap_compare, tmp_path):
    app = ScreenApp(EmployeesScreen, workspace(tmp_path), uscc=USCC, name="测试单位")

    async def ready(pilot):
        await until(pilot, lambda: getattr(app.screen, "grid", None) is not None and app.screen.grid.source.complete)
        await pilot.press("down", "space", "down", "space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_groups_80x24(snap_compare, tmp_path):
    app = ScreenApp(GroupsScreen, workspace(tmp_path), uscc=USCC, name="测试单位")

    async def ready(pilot):
        await until(pilot, lambda: isinstance(app.screen, GroupsScreen) and app.screen.groups)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
