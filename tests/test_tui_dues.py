"""社保费应缴信息查询 (SPEC D11, D1, D2) at 80×24 against the embedded sandbox: the pulled lines
with count, base total and due total; the unit filter; a period range over 12 months refused;
Enter on a tax line shows its employees, summing to the line."""
from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable

from sbtui.tui.screens.dues_query import DueDetail, DuesQueryScreen
from sbtui.tui.strings import dues as S
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_workspace

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


async def test_lines_totals_filter_and_detail(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    lines = store.dues.lines()
    assert lines and any(ln["source"] == "tax" for ln in lines)
    app = ScreenApp(DuesQueryScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DuesQueryScreen) and app.screen.shown)
        due = sum(Decimal(ln["due"]) for ln in lines)
        base = sum(Decimal(ln["base_total"] or "0") for ln in lines)
        assert S.SUMMARY.format(n=len(lines), base=f"{base:,.2f}", due=f"{due:,.2f}") in screen_text(app)
        unit = lines[0]["unit_number"]
        app.screen.query_one("#dues-unit").value = unit
        await until(pilot, lambda: len(app.screen.shown) == sum(ln["unit_number"] == unit for ln in lines))
        table = app.screen.query_one(DataTable)
        period_from, period_to = app.screen.query_one("#dues-from"), app.screen.query_one("#dues-to")
        period_from.value, period_to.value = "2025-01", "2026-12"
        period_to.focus()
        await pilot.press("enter")  # submitted: over 12 months, refused
        await until(pilot, lambda: S.RANGE_TOO_LONG in notes(app))
        period_from.value = period_to.value = ""
        period_to.focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.focused is table)  # shown again, back on the list
        assert len(app.screen.shown) == sum(ln["unit_number"] == unit for ln in lines)
        tax = next(i for i, ln in enumerate(app.screen.shown) if ln["source"] == "tax")
        table.move_cursor(row=tax)
        line = app.screen.shown[tax]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DueDetail))
        rows = app.screen.rows
        assert len(rows) == line["headcount"]
        assert sum(r.due for r in rows) == Decimal(line["due"])


async def test_f5_syncs_and_says_how_many_lines(sandbox):
    """F5 (更新) syncs, then the list is read again and its size said; the same F5 of the
    declaration lists says how many are open (one DuesListMixin)."""
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    store.dues.replace([])  # nothing local: F5 must bring the service's lines back
    app = ScreenApp(DuesQueryScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DuesQueryScreen) and S.EMPTY in screen_text(app))
        await pilot.press("f5")
        await until(pilot, lambda: app.screen.shown)
        await until(pilot, lambda: S.UPDATED.format(n=store.dues.count()) in notes(app))
        assert len(app.screen.shown) == store.dues.count() > 0
