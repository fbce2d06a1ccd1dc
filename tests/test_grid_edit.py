"""Cell editing on the grid: the validation hook, the durable save, CellEdited, and a cache
from which an edit drops only its own row."""
from __future__ import annotations

import sqlite3

import pytest

from tests.grid_helpers import SIZE, GridApp, lines, make_db


def _no_empty_names(row_id, column, value):
    return "姓名不能为空" if column == "name" and not value.strip() else None


async def test_refused_edit_leaves_the_value(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db, validator=_no_empty_names)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        rid = grid.source.ids[0]
        before = grid.source.value(rid, "name")
        assert grid.edit_cell(rid, "name", "  ") == "姓名不能为空"
        await pilot.pause()
        assert sqlite3.connect(db).execute("SELECT name FROM employees WHERE id = ?", [rid]).fetchone()[0] == before
        assert app.edits == []
        assert grid.row_strip(rid) is not None  # still cached: nothing changed


def cached_rows(grid) -> set:
    return {rid for rid in grid.source.ids if grid.row_strip(rid) is not None}


async def test_good_edit_is_saved_posted_and_drops_only_its_row(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db, validator=_no_empty_names)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        await pilot.press("down", "down")
        rid = grid.cursor_row_id
        old = grid.source.value(rid, "name")
        cached = cached_rows(grid)
        assert rid in cached and len(cached) >= 22
        kept = {k: grid.row_strip(k) for k in cached}
        assert grid.edit_cell(rid, "name", "欧阳修") is None
        assert cached_rows(grid) == cached - {rid}
        assert all(grid.row_strip(k) is kept[k] for k in cached - {rid})  # the very same strips
        await pilot.pause()
        assert sqlite3.connect(db).execute("SELECT name FROM employees WHERE id = ?", [rid]).fetchone()[0] == "欧阳修"
        assert [(e.row_id, e.column, e.old, e.value) for e in app.edits] == [(rid, "name", old, "欧阳修")]
        assert lines(grid)[3].startswith("▶ 欧阳修")  # the cursor row


async def test_only_editable_columns_can_be_edited(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE):
        with pytest.raises(ValueError):
            app.grid.edit_cell(app.grid.source.ids[0], "id_number", "x")
