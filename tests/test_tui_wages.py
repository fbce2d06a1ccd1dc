"""月度缴费工资申报 at 80×24 against the embedded sandbox (SPEC W2–W8, W11): the empty-wage offer,
添加全部正常缴费职工, typing a wage with the W4 binding, 0 refused and clear = not declared, the
back-payment warning, undo, submit of the ticked rows with the feedback countdown and the
per-row results (a refused row's reason under the grid), and 申报记录."""
from __future__ import annotations

import pytest

from sbtui import clock
from sbtui.domain.catalogue import catalogue
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.group_pick import GroupPick
from sbtui.tui.screens.wages import WagesScreen
from sbtui.tui.screens.wages_records import SubmissionRows, WageRecordsScreen
from sbtui.tui.screens.wages_submit import FeedbackDialog
from sbtui.tui.strings import wages as S
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_request, sandbox_workspace

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 300})
    yield ws, facts
    await ws.aclose()


def app_for(ws, facts) -> ScreenApp:
    return ScreenApp(WagesScreen, ws, uscc=facts["uscc"], name=facts["name"])


async def grid_ready(pilot):
    await until(pilot, lambda: getattr(pilot.app.screen, "grid", None) is not None
                and pilot.app.screen.grid.source.complete)
    await pilot.pause()
    return pilot.app.screen.grid


def row_of(store, employee_id):
    return store.db.execute("SELECT * FROM wage_draft WHERE employee_id = ?", [employee_id]).fetchone()


async def test_empty_wages_offer_then_add_all(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    wages = ws.employer(facts["uscc"]).wages
    app = app_for(ws, facts)
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert S.EMPTY_ALERT in app.screen.message
        await pilot.press("y")
        await until(pilot, lambda: any("已添加" in n for n in notes(app)))
        empty = wages.draft_count()
        assert empty > 0
        await grid_ready(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, GroupPick))
        keys = [k for k, _ in S.ADD_CHOICES]
        for _ in range(keys.index("all")):
            await pilot.press("down")
        await pilot.press("enter")
        normal = len(store.registry.employees(status="normal", detail=False))
        await until(pilot, lambda: wages.draft_count() == normal)
        await until(pilot, lambda: len(app.screen.grid.source) == normal)
        assert S.COUNTS.format(total=normal) in screen_text(app)


async def _one_row_with(ws, uscc: str, types: set[str]) -> tuple[str, int]:
    ws.employer(uscc).wages.add_all_normal("2026-01")
    for rowid, employee_id, insured in ws.store(uscc).db.execute("SELECT rowid, employee_id, insured FROM wage_draft"):
        if types <= set(insured.split(",")):
            return employee_id, rowid
    raise AssertionError("no such employee")


async def test_typing_a_wage_binds_its_group_and_refuses_zero(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    employee_id, rowid = await _one_row_with(ws, facts["uscc"], {"110", "410", "210"})
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await grid_ready(pilot)
        row = grid.source.index_of(rowid)
        grid.move_to(row, [c.key for c in grid.source.columns].index("w410"))
        await pilot.press(*"9123.5", "enter")  # typing a digit starts the editor
        await pilot.pause()
        saved = row_of(store, employee_id)
        names = [d[0] for d in store.db.execute("SELECT * FROM wage_draft LIMIT 0").description]
        values = dict(zip(names, saved))
        assert values["w410"] == values["w110"] == values["w210"] == "9123.50"  # W4: 110+410, 110+210
        assert grid.cursor_row == row + 1  # Enter commits and moves down
        grid.move_to(row, [c.key for c in grid.source.columns].index("w110"))
        await pilot.press("0", "enter")
        assert grid.editor is not None and "缴费工资必须大于0" in grid.editor.error
        await pilot.press("escape")
        await pilot.press("enter", "ctrl+u", "enter")  # clear: not declared (W5)
        await pilot.pause()
        values = dict(zip(names, row_of(store, employee_id)))
        assert values["w110"] is None and values["w410"] is None
        await pilot.press("ctrl+z")
        await until(pilot, lambda: dict(zip(names, row_of(store, employee_id)))["w110"] == "9123.50")
        grid.move_to(row, [c.key for c in grid.source.columns].index("f110"))
        await pilot.press(*"2020-01", "enter")
        await until(pilot, lambda: S.BACK_PAYMENT in notes(app))


async def test_submit_ticked_rows_feedback_and_records(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    wages = ws.employer(facts["uscc"]).wages
    wages.add_all_normal(clock.this_month())  # the suite's day: an earlier month may be declared
    rowids = [r for (r,) in store.db.execute(
        "SELECT rowid FROM wage_draft WHERE ',' || insured || ',' LIKE '%,110,%' ORDER BY rowid LIMIT 3")]
    # the third row lowers its pension wage from a month already declared (paid): the service
    # refuses it (W7) and the others are accepted
    paid = (await sandbox_request(ws, "GET", "/paid-periods")).json()
    unit = next(r["unit_number"] for r in store.registry.registrations() if "110" in r["insurance_types"])
    month = max(p["period"] for p in paid if p["unit_number"] == unit)
    wages.set_cell(rowids[2], "f110", month)
    wages.set_cell(rowids[2], "w110", "1.00")
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await grid_ready(pilot)
        await pilot.press("ctrl+s")
        assert S.SUBMIT_NONE in notes(app)
        for rowid in rowids:
            grid.move_to(grid.source.index_of(rowid))
            await pilot.press("space")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert S.SUBMIT_CONFIRM.format(n=3).split("\n")[0] in app.screen.message
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, FeedbackDialog), timeout=20)
        await until(pilot, lambda: "全部获取反馈成功" in str(app.screen.query_one("#feedback-text").render()),
                    timeout=30)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WagesScreen))
        results = [r for (r,) in store.db.execute(
            "SELECT result FROM wage_draft WHERE rowid IN (?, ?, ?) ORDER BY rowid", rowids)]
        assert results == ["accepted", "accepted", "refused"]
        grid.move_to(grid.source.index_of(rowids[2]))
        await pilot.pause()
        assert f"{month}已申报，不能调低" in screen_text(app)  # the reason under the grid
        await pilot.press("f")  # 申报失败 only
        await until(pilot, lambda: list(app.screen.grid.source.ids) == [rowids[2]])
    records = wages.records()
    assert records[0]["state"] == "done" and records[0]["summary"] == "部分成功"
    app = ScreenApp(WageRecordsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: app.screen.records)
        assert "部分成功" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SubmissionRows))
        assert "申报成功" in screen_text(app) and "不能调低" in screen_text(app)


def test_catalogue_has_the_types_the_grid_shows():
    assert set(S.TYPE_SHORT) == set(catalogue().types)


async def test_single_entry_picks_by_name_and_binds_partners(sandbox):
    """添加单个职工: a name part lists matches, Enter fills the ID; typing one type's wage and
    month fills its W4 partners (better than the official dialog, which then refuses the row)."""
    from sbtui.tui.screens.wages_add import SingleDialog

    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    target = next(r for r in store.registry.employees(status="normal", type_code="410", detail=False)
                  if {"110", "210"} <= set(r["insured_types"]))
    app = app_for(ws, facts)
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await grid_ready(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, GroupPick))
        await pilot.press("enter")  # 单个录入
        await until(pilot, lambda: isinstance(app.screen, SingleDialog))
        app.screen.query_one("#single-name").value = target["name"]
        await until(pilot, lambda: app.screen.query_one("#single-matches").option_count > 0)
        matches = app.screen.query_one("#single-matches")
        index = next(i for i in range(matches.option_count)
                     if matches.get_option_at_index(i).id == target["id"])
        await pilot.press("enter")  # into the list
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        assert target["id_number"] in screen_text(app)
        await pilot.press(*"9000", "enter", *"2026-12", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, WagesScreen))
    row = row_of(store, target["id"])
    names = [d[0] for d in store.db.execute("SELECT * FROM wage_draft LIMIT 0").description]
    values = dict(zip(names, row))
    assert values["w110"] == values["w210"] == values["w410"] == "9000.00"
    assert values["f110"] == values["f210"] == values["f410"] == "2026-12"


async def test_wage_query_shows_every_period_and_exports_them(sandbox, tmp_path):
    """职工缴费工资查询 (W13): the grid reads the query's TEMP table on the reader the service
    hands out (closed with the screen); x exports what it shows."""
    import openpyxl

    from sbtui.tui.dialogs.prompt import PromptDialog
    from sbtui.tui.screens.wages_query import WageQueryScreen

    ws, facts = sandbox
    total = len(ws.employer(facts["uscc"]).wages.query_rows())
    app = ScreenApp(WageQueryScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await grid_ready(pilot)
        screen = app.screen
        assert len(screen.grid.source) == total > 0
        assert S.Q_COUNT.format(n=total) in screen_text(app)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog))
        path = tmp_path / "query.xlsx"
        app.screen.query_one("#prompt-input").value = str(path)
        await pilot.press("enter")
        await until(pilot, lambda: any(str(path) in n for n in notes(app)), timeout=20)
    assert screen._conn is None  # closed when the screen went
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row - 2 == total  # title and header rows, then one row per period


async def test_the_grid_behind_the_feedback_is_re_read_when_it_is_in(sandbox):
    """issue 15 item 8: when 反馈提示 says the submission is done (全部申报成功 …), the grid
    behind it is re-read then — not left saying 待发送 until the dialog is closed."""
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    wages = ws.employer(facts["uscc"]).wages
    wages.add_all_normal(clock.this_month())
    [rowid] = [r for (r,) in store.db.execute(
        "SELECT rowid FROM wage_draft WHERE ',' || insured || ',' LIKE '%,110,%' ORDER BY rowid LIMIT 1")]
    app = app_for(ws, facts)
    async with run(app) as pilot:
        grid = await grid_ready(pilot)
        screen = app.screen
        loads: list[object] = []
        load = screen.load
        screen.load = lambda: (loads.append(app.screen), load())[1]
        grid.move_to(grid.source.index_of(rowid))
        await pilot.press("space", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, FeedbackDialog), timeout=20)
        await until(pilot, lambda: "全部获取反馈成功" in str(app.screen.query_one("#feedback-text").render()),
                    timeout=30)
        await until(pilot, lambda: any(isinstance(s, FeedbackDialog) for s in loads))
        assert isinstance(app.screen, FeedbackDialog)  # re-read while the feedback is still shown


def test_a_sync_after_a_submit_counts_what_the_submit_sent():
    """issue 15 item 8: the submit's feedback sends its item before the sync that follows; that
    sync's 同步完成 counts it (items confirmed since the last report), not 已确认0项."""
    from types import SimpleNamespace

    from sbtui.sync.progress import SyncResult
    from sbtui.tui.background import Background

    app = SimpleNamespace(session=SimpleNamespace(uscc="U"))
    bg = Background(app, health_interval=1)  # type: ignore[arg-type]
    assert bg.confirmed_since_told(SyncResult(pushed=0), confirmed=4) == 0  # the first: a baseline
    assert bg.confirmed_since_told(SyncResult(pushed=0), confirmed=5) == 1  # the submit sent one
    assert bg.confirmed_since_told(SyncResult(pushed=2), confirmed=7) == 2  # the sync's own
    assert bg.confirmed_since_told(SyncResult(pushed=0), confirmed=3) == 0  # pruned: never below
