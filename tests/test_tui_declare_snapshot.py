"""SVG snapshot at 80×24 of 日常申报 (SPEC D1, D3, D4, D12) on a hand-built local store: the
manual's example lines (000 §3.1: 8,888.00 × 16 % = 1,422.08 …), one tick unit ticked, a late
fee row; nothing depends on today or on the sandbox's seed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tui_fakes import ScreenApp
from tui_pilot import settle, until

from sbtui.domain.models import DueLine
from sbtui.tui.screens.declare_daily import DailyScreen
from sbtui.workspace import Workspace

SIZE = (80, 24)
USCC = "91150691MA0N4RXW7E"
UNIT = "66259112241843"
AGENCY = "社会保险事业服务中心(五险)"
ITEMS = [("110-u", "110", "职工基本养老保险(单位缴纳)", "16%", "1422.08"),
         ("110-p", "110", "职工基本养老保险(个人缴纳)", "8%", "711.04"),
         ("210-u", "210", "失业保险(单位缴纳)", "0.5%", "44.44"),
         ("210-p", "210", "失业保险(个人缴纳)", "0.5%", "44.44"),
         ("410-u", "410", "工伤保险", "0.2%", "17.78")]


def workspace(tmp_path) -> Workspace:
    ws = Workspace(tmp_path / "home")
    lines = []
    for period in ("2024-01", "2024-02"):
        for item, code, name, rate, due in ITEMS:
            late = Decimal("12.80") if period == "2024-01" and item == "110-u" else Decimal("0.00")
            lines.append(DueLine(source="tax", unit_number=UNIT, agency=AGENCY, period_from=period,
                                 period_to=period, item=item, item_name=name, type_code=code, headcount=1,
                                 wage_total=Decimal("8888.00"), base_total=Decimal("8888.00"), rate=rate,
                                 due=Decimal(due), max_offset=Decimal("100.00") if item == "110-u" else Decimal(0),
                                 deadline=date(2024, int(period[-2:]), 20), late_fee=late))
    ws.store(USCC).dues.replace(lines)
    return ws


def test_daily_80x24(snap_compare, tmp_path):
    app = ScreenApp(DailyScreen, workspace(tmp_path), uscc=USCC, name="测试单位")

    async def ready(pilot):
        await until(pilot, lambda: getattr(app.screen, "loaded", False) and app.screen.rows)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
