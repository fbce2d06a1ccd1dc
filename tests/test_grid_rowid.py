"""A grid keyed on the table's integer rowid: ids in an ``array('q')``, positions without a map,
and tick, filter, search and edit working with integer keys."""
from __future__ import annotations

import sqlite3
from array import array

import pytest

import sbtui.widgets.grid_source as grid_source
from sbtui.bench.grid_data import employee_source
from sbtui.widgets.grid_source import GridSource, parse_ids
from tests.grid_helpers import SIZE, GridApp, lines, make_db
from tui_pilot import settle


@pytest.fixture
def source(tmp_path):
    return employee_source(sqlite3.connect(make_db(tmp_path, 300)), key="rowid")


def _rowids(conn, sql="SELECT rowid FROM employees ORDER BY rowid", params=()):
    return [r[0] for r in conn.execute(sql, params)]


def test_rowid_ids_are_a_compact_array_in_rowid_order(source):
    assert source.integer_keys and isinstance(source.ids, array) and source.ids.typecode == "q"
    assert list(source.ids) == _rowids(source.conn) and len(source) == 300
    row = source.fetch([source.ids[4]])[source.ids[4]]
    assert row[2] == source.conn.execute("SELECT id FROM employees WHERE rowid = ?", [source.ids[4]]).fetchone()[0]


def test_positions_are_found_in_key_order_and_in_any_other_order(source):
    ids = list(source.ids)
    assert [source.index_of(r) for r in ids[::37]] == list(range(0, 300, 37))
    assert source.index_of(10_000) is None and source.index_of("E000000001") is None
    source.set_order("name", descending=True)
    ordered = _rowids(source.conn, "SELECT rowid FROM employees ORDER BY name DESC, rowid DESC")
    assert list(source.ids) == ordered and not source.by_key
    assert all(source.index_of(r) == i for i, r in enumerate(ordered))
    source.set_order(None)
    assert source.by_key and list(source.ids) == ids


def test_filter_find_and_update_with_integer_keys(source, tmp_path):
    source.set_filter("status = ?", ["stopped"])
    stopped = _rowids(source.conn, "SELECT rowid FROM employees WHERE status = 'stopped' ORDER BY rowid")
    assert list(source.ids) == stopped
    assert source.count_in_filter([stopped[0], stopped[1], 1_000_000]) == 2
    source.set_filter()
    target = source.ids[120]
    idn = source.fetch([target])[target][1]
    assert source.find(idn, after=-1) == 120 and source.find(idn, after=120) == 120  # wraps round
    source.set_order("name")
    assert source.find(idn, after=0) == source.index_of(target)
    source.update(target, "name", "欧阳修")
    other = sqlite3.connect(tmp_path / "grid.db")
    assert other.execute("SELECT name FROM employees WHERE rowid = ?", [target]).fetchone()[0] == "欧阳修"


def test_an_integer_primary_key_is_a_rowid_key(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(5, "a"), (-3, "b"), (2**40, "c")])
    from sbtui.widgets.grid_source import Column

    src = GridSource(conn, "t", [Column("name", "名", 4)], key="n")
    assert src.integer_keys and list(src.ids) == [-3, 5, 2**40]
    assert not GridSource(conn, "t", [Column("n", "号", 4)], key="name").integer_keys


def test_the_id_list_is_parsed_in_slices(monkeypatch):
    monkeypatch.setattr(grid_source, "PARSE_SLICE", 7)
    values = [1, -22, 333, 4444, 55555, 2**62, 7, 8]
    text = "[" + ",".join(map(str, values)) + "]"
    assert list(parse_ids(text, integer=True)) == values
    assert list(parse_ids("[]", integer=True)) == [] and list(parse_ids(None, integer=True)) == []
    assert parse_ids('["a","b\\u001fc"]', integer=False) == ["a", "b\x1fc"]


async def test_tick_filter_search_and_edit_on_a_rowid_grid(tmp_path):
    db = make_db(tmp_path)
    app = GridApp(db, key="rowid")
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = list(grid.source.ids)
        assert ids == list(range(1, 201))
        await pilot.press("space", "down", "shift+down", "shift+down")
        assert grid.ticked == {1, 2, 3, 4}
        stopped = _rowids(app.conn, "SELECT rowid FROM employees WHERE status = 'stopped' ORDER BY rowid")
        grid.set_filter("status = ?", ("stopped",))
        await pilot.pause()
        in_filter = [r for r in (1, 2, 3, 4) if r in stopped]
        assert grid.ticked == {1, 2, 3, 4} and grid.ticked_visible() == in_filter
        assert grid.ticks_hidden == 4 - len(in_filter)
        grid.set_filter()
        target = ids[150]
        idn = grid.source.fetch([target])[target][1]
        await pilot.press("slash", *idn, "enter")
        await pilot.pause()
        assert grid.cursor_row_id == target
        await pilot.press("f2", "ctrl+u", "周", "enter")
        await pilot.pause()
        assert app.conn.execute("SELECT name FROM employees WHERE rowid = ?", [target]).fetchone()[0] == "周"
        assert app.edits[-1].row_id == target and grid.cursor_row_id == ids[151]
        assert lines(grid)[-1].strip() == "第 152 行，共 200 行 · 已勾选 4"


async def test_background_read_and_sort_on_a_rowid_grid(tmp_path):
    from sbtui.widgets.grid import Grid

    db = make_db(tmp_path, 500)
    app = GridApp(db)
    app.grid = Grid(employee_source(sqlite3.connect(db), key="rowid", eager=False), frozen=2, background=True)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid

        async def complete():  # the ids read in a thread worker, then handed to the grid
            await settle(pilot)
            assert grid.source.complete

        await complete()
        assert isinstance(grid.source.ids, array) and len(grid.source) == 500
        by_name = _rowids(app.conn, "SELECT rowid FROM employees ORDER BY name, rowid")
        target = by_name[450]  # past the first page (200) read before the rest
        grid.move_to(target - 1)
        await pilot.press("s")
        await complete()
        assert grid.sort_column == "name" and list(grid.source.ids) == by_name
        assert (grid.cursor_row, grid.cursor_row_id) == (450, target)  # found in the full list
        assert lines(grid)[-1].strip() == f"第 {grid.cursor_row + 1} 行，共 500 行 · 已勾选 0"
