"""Pilot tests of the virtual grid at 80×24: navigation, frozen columns, filter, search, ticks."""
from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from tests.grid_helpers import SIZE, GridApp, lines, make_db
from tui_pilot import settle


async def test_down_pagedown_and_ctrl_end_land_on_the_right_rows(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = grid.source.ids
        await pilot.press("down", "down", "down")
        assert grid.cursor_row_id == ids[3]
        assert lines(grid)[-1].strip() == "第 4 行，共 200 行 · 已勾选 0"
        await pilot.press("pagedown")
        assert grid.page_rows == 22
        assert grid.cursor_row_id == ids[3 + 22]
        assert grid.scroll_offset.y == 22
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert grid.cursor_row_id == ids[-1]
        assert lines(grid)[-1].strip() == "第 200 行，共 200 行 · 已勾选 0"
        assert lines(grid)[-2].startswith("▶ " + grid.source.fetch([ids[-1]])[ids[-1]][0])  # the cursor row
        await pilot.press("ctrl+home", "up")
        assert grid.cursor_row == 0 and grid.scroll_offset.y == 0
        await pilot.press("pageup")
        assert grid.cursor_row == 0


async def test_frozen_columns_stay_while_the_rest_scrolls(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        before = lines(grid)
        assert "人员编号" in before[0]
        await pilot.press("end")
        await pilot.pause()
        assert grid.cursor_column == "seq"
        assert grid.scroll_offset.x > 0
        after = lines(grid)
        assert after[0].startswith("  姓名     证件号码")
        assert "人员编号" not in after[0] and "版本" in after[0]
        for old, new in zip(before[1:-1], after[1:-1]):
            frozen = 2 + 9 + 19  # gutter, name, ID number (cells)
            assert set_cell_size(new, frozen) == set_cell_size(old, frozen)  # where they were
        await pilot.press("home")
        await pilot.pause()
        assert grid.scroll_offset.x == 0 and lines(grid) == before


async def test_filter_changes_the_count(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        stopped = app.conn.execute("SELECT count(*) FROM employees WHERE status = 'stopped'").fetchone()[0]
        assert 0 < stopped < 200
        grid.set_filter("status = ?", ("stopped",))
        await pilot.pause()
        assert len(grid.source) == stopped
        assert lines(grid)[-1].strip() == f"第 1 行，共 {stopped} 行 · 已勾选 0"
        assert all("stopped" in line for line in lines(grid)[1:1 + min(stopped, 22)])


async def test_slash_search_jumps_to_the_next_match(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = grid.source.ids
        target = grid.source.fetch([ids[150]])[ids[150]][1]  # an ID number: one match
        await pilot.press("slash")
        await pilot.pause()
        assert type(app.screen).__name__ == "GridSearch"
        await pilot.press(*target, "enter")
        await pilot.pause()
        assert grid.cursor_row_id == ids[150]
        assert grid.search_text == target
        assert lines(grid)[-1].strip().startswith("第 151 行")


async def test_space_shift_and_tick_all_and_clear(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        ids = grid.source.ids
        await pilot.press("space")
        assert grid.ticked == {ids[0]}
        assert lines(grid)[1].startswith("▶✓")  # the cursor's mark, then the tick: no colour needed
        await pilot.press("space")
        assert lines(grid)[1].startswith("▶ ")
        assert grid.ticked == set()
        await pilot.press("down", "shift+down", "shift+down")
        assert grid.ticked == set(ids[1:4])
        assert [line[:2] for line in lines(grid)[1:6]] == ["  ", "✓ ", "✓ ", "▶✓", "  "]
        await pilot.pause()
        assert lines(grid)[-1].strip() == "第 4 行，共 200 行 · 已勾选 3"
        grid.set_filter("status = ?", ("active",))
        await pilot.press("ctrl+u", "ctrl+a")
        await pilot.pause()
        assert grid.ticked == set(grid.source.ids) and len(grid.ticked) < 200
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert grid.ticked == set()
        assert app.ticks[-1] == 0 and len(grid.source) in app.ticks


async def test_chinese_and_ascii_rows_put_columns_at_the_same_cells(tmp_path):
    app = GridApp(make_db(tmp_path, 5))
    app.conn.execute("UPDATE employees SET name = 'Bob', group_id = 'IT' WHERE id = 'E000000001'")
    app.conn.execute("UPDATE employees SET name = '欧阳娜娜', group_id = '项目部（东胜）超长的分组名称'"
                     " WHERE id = 'E000000002'")
    app.conn.commit()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = lines(app.grid)[1:6]
        numbers = [r[1] for r in app.conn.execute("SELECT id, id_number FROM employees ORDER BY id")]
        offsets = {cell_len(row[:row.index(num)]) for row, num in zip(rows, numbers)}
        assert offsets == {11}
        ends = {cell_len(row[:row.index("active") if "active" in row else row.index("stopped")])
                for row in rows}
        assert len(ends) == 1
        assert {cell_len(row) for row in rows} == {80}


async def test_keys_are_in_f1_help_and_cursor_moves_are_posted(tmp_path):
    from textual import on

    from sbtui.tui.dialogs.help import screen_keys
    from sbtui.tui.strings import grid as S
    from sbtui.widgets.grid import Grid

    moves: list[tuple[str, int, str]] = []

    class Recording(GridApp):
        @on(Grid.CursorMoved)
        def _moved(self, event: Grid.CursorMoved) -> None:
            moves.append((event.row_id, event.row, event.column))

    app = Recording(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        described = dict((d, k) for k, d in screen_keys(app.screen))
        for text in (S.KEY_SEARCH, S.KEY_TICK, S.KEY_TICK_ALL, S.KEY_CLEAR_TICKS, S.KEY_PAGE_DOWN, S.KEY_LAST):
            assert text in described
        await pilot.press("down", "right")
        await pilot.pause()
        ids = app.grid.source.ids
        assert moves[-1] == (ids[1], 1, "id_number")


async def test_a_click_puts_the_cursor_on_the_cell(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(app.grid, offset=(13, 5))  # 4th row, the ID number column
        assert (app.grid.cursor_row, app.grid.cursor_column) == (4, "id_number")


async def test_background_ids_paint_the_first_page_then_count_all(tmp_path):
    import sqlite3

    from sbtui.bench.grid_data import employee_source
    from sbtui.widgets.grid import Grid

    app = GridApp(make_db(tmp_path, 300))
    app.grid = Grid(employee_source(sqlite3.connect(tmp_path / "grid.db"), eager=False), frozen=2,
                    background=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the ids read in a thread worker, then handed to the grid
        assert app.grid.source.complete and len(app.grid.source) == 300
        assert lines(app.grid)[-1].strip() == "第 1 行，共 300 行 · 已勾选 0"
