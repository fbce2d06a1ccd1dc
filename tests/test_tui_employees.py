"""职工参保信息管理 and its views (SPEC E1–E7) at 80×24 against the embedded sandbox:
navigation, the query conditions, search, ticks, group assignment (one and ticked), detail,
停止缴费职工清单, incremental update with its counts then 本月更新数据, export to xlsx."""
from __future__ import annotations

import openpyxl
import pytest

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.employee_detail import EmployeeDetail
from sbtui.tui.screens.employees import EmployeesScreen
from sbtui.tui.screens.employees_filter import FilterDialog
from sbtui.tui.screens.group_pick import GroupPick
from sbtui.tui.strings import employees as S
from sbtui.widgets.grid import Grid
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_request, sandbox_workspace

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


def app_for(ws, facts, view: str = "all") -> ScreenApp:
    return ScreenApp(lambda: EmployeesScreen(view), ws, uscc=facts["uscc"], name=facts["name"])


async def ready(pilot) -> Grid:
    await until(pilot, lambda: getattr(pilot.app.screen, "grid", None) is not None
                and pilot.app.screen.grid.source.complete)
    await pilot.pause()
    return pilot.app.screen.grid


def status_line(app) -> str:
    return screen_text(app).splitlines()[-3]  # above the footer and its border


async def test_the_list_shows_every_employee_with_ticks_per_type_and_counts(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    total = store.registry.employee_count()
    stopped = len(store.registry.employees(status="stopped", detail=False))
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await ready(pilot)
        text = screen_text(app)
        assert S.COUNTS.format(total=total, normal=total - stopped, stopped=stopped) in text
        assert S.NO_FILTER in text
        header = text.splitlines()[3]
        assert "姓名" in header and "身份证件号码" in header
        assert len(grid.source) == total
        first = store.registry.employees(limit=1, detail=False)[0]
        assert first["name"] in text and first["id_number"] in text
        await pilot.press("down", "down", "pagedown")
        assert grid.cursor_row == 2 + grid.page_rows
        # the ✓ columns: scroll right to the first type column, its cell says ✓ when insured
        await pilot.press("end")
        await pilot.pause()
        assert "最后变更日期" in screen_text(app)


async def test_filter_by_name_and_status_then_clear(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    sample = store.registry.employees(status="stopped", detail=False)[0]
    part = sample["name"][0]
    expected = len(store.registry.employees(name=part, status="stopped", detail=False))
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await ready(pilot)
        total = len(grid.source)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FilterDialog))
        await pilot.press(part)
        app.screen.query_one("#f-status").value = "stopped"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EmployeesScreen) and len(grid.source) == expected)
        assert f"姓名含“{part}”" in screen_text(app) and "停止缴费" in screen_text(app)
        await pilot.press("c")
        await until(pilot, lambda: len(grid.source) == total)
        assert S.NO_FILTER in screen_text(app)


async def test_search_moves_to_the_id_number(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    target = store.registry.employees(detail=False)[57]
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await ready(pilot)
        await pilot.press("slash", *target["id_number"][-8:], "enter")
        await until(pilot, lambda: isinstance(app.screen, EmployeesScreen))
        await pilot.pause()
        assert ws.employer(facts["uscc"]).registry.employee_ids([grid.cursor_row_id]) == [target["id"]]
        assert target["id_number"] in screen_text(app)


async def test_ticked_employees_are_assigned_a_group_and_queued(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    group = store.groups.rows()[0]
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await ready(pilot)
        await pilot.press("space", "down", "space", "down", "space")
        assert len(grid.ticked) == 3
        assert "已勾选 3" in screen_text(app)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GroupPick))
        assert S.PICK_FOR_MANY.format(n=3) in screen_text(app)
        # the list: 不分组 first, then the groups in path order
        for _ in range(store.groups.rows().index(group) + 1):
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: any("已保存 3 名职工的分组" in n for n in notes(app)))
        ids = [r["id"] for r in store.registry.employees(detail=False)[:3]]
    rows = [store.registry.employee(i) for i in ids]
    assert {r["group_id"] for r in rows} == {group["id"]}
    pending = store.outbox.pending()
    assert pending and pending[-1].kind in ("group.assign", "group.assign_many")


@pytest.mark.slow
async def test_one_employee_group_and_detail(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    first = store.registry.employees(detail=False)[0]
    app = app_for(ws, facts)
    async with run(app) as pilot:
        await ready(pilot)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GroupPick))
        assert S.PICK_FOR_ONE.format(name=first["name"]) in screen_text(app)
        await pilot.press("enter")  # （不分组）
        await until(pilot, lambda: isinstance(app.screen, EmployeesScreen))
        await until(pilot, lambda: store.registry.employee(first["id"])["group_id"] is None)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EmployeeDetail))
        text = screen_text(app)
        assert S.DETAIL_TITLE in text and first["id_number"] in text
        reg = store.registry.employee(first["id"])["registrations"][0]
        assert reg["unit_number"] in text and reg["person_number"] in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, EmployeesScreen))


async def test_stopped_view_shows_only_stopped_employees(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    stopped = store.registry.employees(status="stopped", detail=False)
    app = app_for(ws, facts, "stopped")
    async with run(app) as pilot:
        grid = await ready(pilot)
        assert len(grid.source) == len(stopped) > 0
        assert S.TITLE_STOPPED in screen_text(app)


async def test_update_reports_counts_and_offers_this_months_changes(sandbox):
    ws, facts = sandbox
    # agency-side changes through the sandbox's training control
    answer = await sandbox_request(ws, "POST", "/sandbox/simulate", json={"changes": 12, "seed": 3})
    counts = answer.json()
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await ready(pilot)
        before = len(grid.source)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), timeout=30)
        expected = S.UPDATED.format(kind=S.KIND_INCREMENTAL, added=counts["added"], changed=counts["changed"],
                                    stopped=counts["stopped"], total=before + counts["added"])
        assert app.screen.message.startswith(expected)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, EmployeesScreen) and app.screen.view == "month")
        month = await ready(pilot)
        assert len(month.source) >= counts["added"] + counts["changed"] + counts["stopped"]
        assert S.COL_CHANGE in screen_text(app)


async def test_export_writes_the_filtered_list(sandbox, tmp_path):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    stopped = store.registry.employees(status="stopped", detail=False)
    target = tmp_path / "stopped.xlsx"
    app = app_for(ws, facts, "stopped")
    async with run(app) as pilot:
        await ready(pilot)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog))
        app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: any("已导出" in n for n in notes(app)), timeout=30)
    sheet = openpyxl.load_workbook(target, read_only=True).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    numbers = {v for row in values for v in row if isinstance(v, str) and v in {s["id_number"] for s in stopped}}
    assert numbers == {s["id_number"] for s in stopped}
