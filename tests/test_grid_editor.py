"""The cell editor at 80×24: Enter/F2/typing open it, Enter commits and moves down, Tab right,
Esc cancels, a refusal keeps it open with the reason in the status line, and Enter on a column
that is not editable goes on to the screen."""
from __future__ import annotations

import sqlite3

from textual import events

from sbtui.bench.grid_data import employee_columns
from sbtui.widgets.grid_source import Column
from tests.grid_helpers import SIZE, DetailApp, GridApp, lines, make_db


def _name(db, rid, key="id"):
    return sqlite3.connect(db).execute(f"SELECT name FROM employees WHERE {key} = ?", [rid]).fetchone()[0]


def _no_empty_names(row_id, column, value):
    return "姓名不能为空" if column == "name" and not value.strip() else None


async def test_enter_opens_with_the_value_and_enter_commits_and_moves_down(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.cursor_row_id
        old = _name(db, rid)
        await pilot.press("enter")
        assert grid.editor is not None and grid.editor.text == old and grid.editor.caret == len(old)
        assert lines(grid)[-1].strip().startswith("编辑“姓名”")
        await pilot.press("ctrl+u", *"欧阳修")
        await pilot.pause()
        assert grid.editor.text == "欧阳修"
        assert lines(grid)[1].startswith("▶ 欧阳修")  # painted over the cell
        await pilot.press("enter")
        await pilot.pause()
        assert grid.editor is None
        assert _name(db, rid) == "欧阳修"
        assert grid.cursor_row == 1 and grid.cursor_column == "name"
        assert [(e.row_id, e.old, e.value) for e in app.edits] == [(rid, old, "欧阳修")]
        assert lines(grid)[1].startswith("  欧阳修")
        assert lines(grid)[-1].strip() == "第 2 行，共 200 行 · 已勾选 0"


async def test_typing_starts_the_editor_with_that_character_down_a_column(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = list(grid.source.ids[:3])
        await pilot.press("张", "三", "enter", "李", "四", "enter", "王", "enter")
        await pilot.pause()
        assert [_name(db, rid) for rid in ids] == ["张三", "李四", "王"]
        assert grid.cursor_row == 3 and grid.editor is None


async def test_a_burst_of_keys_keeps_its_order(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = list(grid.source.ids[:4])
        burst = [("down", None), ("甲", "甲"), ("enter", "\r"), ("乙", "乙"), ("tab", "\t"),
                 ("down", None), ("f2", None)]
        for key, char in burst:  # all queued before any is handled, as one read over SSH
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        assert [_name(db, ids[1]), _name(db, ids[2])] == ["甲", "乙"]
        assert (grid.cursor_row, grid.cursor_column) == (3, "id_number")
        assert grid.editor is None  # F2 on a column that is not editable opens nothing


async def test_f2_opens_and_escape_cancels(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        before = lines(grid)
        rid = grid.cursor_row_id
        old = _name(db, rid)
        await pilot.press("f2", "backspace", "x", "y")
        assert grid.editor.text == old[:-1] + "xy"
        await pilot.press("escape")
        await pilot.pause()
        assert grid.editor is None and _name(db, rid) == old and app.edits == []
        assert grid.cursor_row == 0 and lines(grid) == before


async def test_tab_commits_and_moves_right(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.cursor_row_id
        await pilot.press("f2", "ctrl+u", "赵", "tab")
        await pilot.pause()
        assert _name(db, rid) == "赵"
        assert (grid.cursor_row, grid.cursor_column) == (0, "id_number") and grid.editor is None


async def test_a_refused_value_keeps_the_editor_and_shows_why(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db, validator=_no_empty_names)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.cursor_row_id
        old = _name(db, rid)
        await pilot.press("enter", "ctrl+u", "space", "enter")
        await pilot.pause()
        assert grid.editor is not None and grid.editor.text == " "
        assert grid.editor.error == "姓名不能为空"
        assert "姓名不能为空" in lines(grid)[-1]
        assert _name(db, rid) == old and app.edits == [] and grid.cursor_row == 0
        await pilot.press("孙", "enter")
        await pilot.pause()
        assert _name(db, rid) == " 孙" and grid.editor is None and grid.cursor_row == 1


def _whole_number(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError("版本须为整数")
    return int(text)


async def test_a_column_parse_turns_text_into_a_value_or_refuses_it(tmp_path):
    db = make_db(tmp_path)
    cols = [Column("seq", "版本", 6, editable=True, align="right", parse=_whole_number),
            *employee_columns()[:2]]
    app = GridApp(db, columns=cols, frozen=0)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.cursor_row_id
        await pilot.press("1", "x", "enter")
        await pilot.pause()
        assert grid.editor.error == "版本须为整数" and "版本须为整数" in lines(grid)[-1]
        await pilot.press("backspace")
        assert grid.editor.error is None  # typing clears the refusal
        await pilot.press("2", "enter")
        await pilot.pause()
        value = sqlite3.connect(db).execute("SELECT seq, typeof(seq) FROM employees WHERE id = ?", [rid]).fetchone()
        assert value == (12, "integer")
        assert app.edits[-1].value == 12


async def test_enter_on_a_column_that_is_not_editable_goes_on_to_the_screen(tmp_path):
    app = DetailApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid, screen = app.grid, app.detail
        await pilot.pause()
        await pilot.press("down", "right")  # the ID number: not editable
        await pilot.press("enter")
        await pilot.pause()
        assert grid.editor is None
        assert screen.details == [grid.source.ids[1]]
        assert [(e.row_id, e.row) for e in screen.activated] == [(grid.source.ids[1], 1)]
        await pilot.press("left", "enter")  # the name: editable, so Enter edits
        await pilot.pause()
        assert grid.editor is not None and screen.details == [grid.source.ids[1]]
        assert len(screen.activated) == 1


async def test_the_footer_offers_edit_only_on_editable_columns(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid

        def offered() -> bool:
            return any(b.binding.action == "edit" for b in app.screen.active_bindings.values())

        assert offered()
        await pilot.press("right")
        assert not offered()
        await pilot.press("left", "enter")
        assert not offered() and grid.editor is not None  # nor while editing


async def test_paste_opens_the_editor_with_the_first_line(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.cursor_row_id
        grid.post_message(events.Paste("钱多多\n第二行"))
        await pilot.pause()
        assert grid.editor is not None and grid.editor.text == "钱多多"
        await pilot.press("enter")
        await pilot.pause()
        assert _name(db, rid) == "钱多多"


def test_the_editor_shows_the_part_of_a_long_text_around_the_caret():
    from rich.cells import cell_len

    from sbtui.widgets.grid_editor import CellEditor

    editor = CellEditor(1, 0, "name", "欧阳修abc")
    assert editor.window(8) == ("阳修abc", " ", "")  # the caret at the end, the start cut off
    editor.move(0)
    assert editor.window(8) == ("", "欧", "阳修ab")
    editor.move(2)
    before, at, after = editor.window(5)
    assert (before, at, after) == ("阳", "修", "a") and cell_len(before + at + after) == 5
    assert editor.key("backspace", None) and editor.text == "欧修abc" and editor.caret == 1
    assert editor.key("ctrl+k", None) and editor.text == "欧"
    assert editor.key("x", "x") and editor.text == "欧x"
    assert editor.key("f5", None) is None  # not an editing key: left to the screen


async def test_a_writer_saves_the_edit_and_may_refuse_it(tmp_path):
    """``writer`` replaces the one-cell UPDATE (a store method that also sets bound cells);
    its ValueError keeps the editor open with the reason."""
    import sqlite3

    from tests.grid_helpers import SIZE, GridApp, make_db

    path = make_db(tmp_path)
    saved: list = []

    def writer(row_id, column, value):
        if value == "0":
            raise ValueError("缴费工资必须大于0")
        conn = sqlite3.connect(path)
        with conn:
            conn.execute(f'UPDATE employees SET "{column}" = ?, status = ? WHERE id = ?', (value, "bound", row_id))
        conn.close()
        saved.append((row_id, column, value))

    app = GridApp(path)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        grid.writer = writer
        column = next(c for c in grid.source.columns if c.editable)
        grid.move_to(0, grid.source.columns.index(column))
        rid = grid.cursor_row_id
        assert grid.open_editor("0")
        assert grid.commit_edit(down=1) is False
        assert grid.editor is not None and grid.editor.error == "缴费工资必须大于0"
        grid.editor.text = "12"
        assert grid.commit_edit(down=1) is True
        assert saved == [(rid, column.key, "12")]
        assert grid.source.value(rid, "status") == "bound"  # the writer's other cell is seen


async def test_a_locked_cell_refuses_typing_and_enter_moves_on(tmp_path):
    """``lock`` names cells an editable column can never take in that row: a typed key is
    refused at once (no editor to trap what follows) and Enter moves down."""
    from tests.grid_helpers import SIZE, GridApp, make_db

    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        column = next(c for c in grid.source.columns if c.editable)
        locked = grid.source.ids[0]
        grid.lock = lambda rid, col: "该职工未参保工伤保险" if rid == locked else None
        grid.move_to(0, grid.source.columns.index(column))
        await pilot.press("1", "2")
        assert grid.editor is None and "该职工未参保工伤保险" in grid.status_text()
        await pilot.press("enter")
        assert grid.cursor_row == 1 and grid.editor is None
        await pilot.press("3")
        assert grid.editor is not None and grid.editor.text == "3"
        await pilot.press("escape", "down")
        assert grid.flash is None
