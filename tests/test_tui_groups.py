"""职工分组管理 (SPEC E4) and 单位参保信息查询 (E8) at 80×24 against the embedded sandbox: create
(top level and below), rename, delete (refused with subgroups; confirm), the batch template
and its import with bad cells shown by row and column; the unit list, its detail and 更新."""
from __future__ import annotations

import openpyxl
import pytest
from textual.widgets import DataTable, Tree

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.import_result import ImportResult
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.groups import GroupsScreen
from sbtui.tui.screens.units import UnitsScreen
from sbtui.tui.strings import employees as S
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_workspace

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


async def answer(pilot, text: str) -> None:
    """Fill the open PromptDialog and press Enter."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PromptDialog))
    app.screen.query_one("#prompt-input").value = text
    await pilot.press("enter")


async def loaded(pilot) -> Tree:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, GroupsScreen) and app.screen.groups)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(Tree)


def cursor_on(tree: Tree, group_id: str) -> None:
    node = next(n for n in _nodes(tree.root) if n.data == group_id)
    _ = tree.last_line
    tree.move_cursor(node)


def _nodes(node):
    for child in node.children:
        yield child
        yield from _nodes(child)


@pytest.mark.slow
async def test_create_rename_and_delete_groups(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    app = ScreenApp(GroupsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        tree = await loaded(pilot)
        assert "人" in screen_text(app)
        await pilot.press("A")
        await answer(pilot, "质检部")
        await until(pilot, lambda: "质检部" in {g["path"] for g in store.groups.rows()})
        top = next(g for g in store.groups.rows() if g["path"] == "质检部")
        tree = await loaded(pilot)
        assert tree.cursor_node.data == top["id"]  # the new group is under the cursor
        await pilot.press("a")
        await answer(pilot, "一/组")  # "/" refused in the dialog
        assert "不能包含" in screen_text(app) or isinstance(app.screen, PromptDialog)
        await answer(pilot, "一组")
        await until(pilot, lambda: "质检部/一组" in {g["path"] for g in store.groups.rows()})
        await loaded(pilot)
        cursor_on(app.screen.query_one(Tree), top["id"])
        await pilot.press("delete")  # has a subgroup: refused before asking
        await until(pilot, lambda: S.G_HAS_CHILDREN in notes(app))
        assert not isinstance(app.screen, ConfirmDialog)
        child = next(g for g in store.groups.rows() if g["path"] == "质检部/一组")
        cursor_on(app.screen.query_one(Tree), child["id"])
        await pilot.press("r")
        await answer(pilot, "二组")
        await until(pilot, lambda: "质检部/二组" in {g["path"] for g in store.groups.rows()})
        await loaded(pilot)
        cursor_on(app.screen.query_one(Tree), child["id"])
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: "质检部/二组" not in {g["path"] for g in store.groups.rows()})
    kinds = [i.kind for i in store.outbox.pending()]
    assert kinds == ["group.create", "group.create", "group.rename", "group.delete"]
    result = await ws.sync(facts["uscc"])
    assert result.pushed == 4 and result.refused == 0
    assert [g["path"] for g in store.groups.rows() if g["path"].startswith("质检部")] == ["质检部"]


@pytest.mark.slow
async def test_template_then_import_shows_every_bad_cell(sandbox, tmp_path):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    path = tmp_path / "t.xlsx"
    app = ScreenApp(GroupsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await loaded(pilot)
        await pilot.press("t")
        await answer(pilot, str(path))
        await until(pilot, lambda: any(str(path) in n for n in notes(app)), timeout=30)
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        target = store.groups.rows()[-1]
        sheet.cell(3, 4).value = target["path"]
        sheet.cell(4, 4).value = "没有这个组"
        sheet.cell(5, 1).value = "不是本人"
        book.save(path)
        await pilot.press("i")
        await answer(pilot, str(path))
        await until(pilot, lambda: isinstance(app.screen, ImportResult), timeout=30)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[:2] for r in rows] == [["4", "D"], ["5", "A"]]
        assert "分组不存在" in rows[0][2] and "姓名与证件号码不符" in rows[1][2]
        assert "错误 2 处" in app.screen.summary
        first_id_number = sheet.cell(3, 3).value
    row = next(r for r in store.registry.employees(detail=False) if r["id_number"] == first_id_number)
    assert row["group_id"] == target["id"]


async def test_units_list_detail_and_update(sandbox):
    ws, facts = sandbox
    app = ScreenApp(UnitsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnitsScreen) and app.screen.shown)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(facts["unit_numbers"])
        await pilot.press("down")
        await pilot.pause()
        detail = str(app.screen.query_one("#units-detail").render())
        assert "主管税务机关" in detail and "参保险种" in detail
        await pilot.press("u")
        await until(pilot, lambda: any("已更新单位参保信息" in n for n in notes(app)))
