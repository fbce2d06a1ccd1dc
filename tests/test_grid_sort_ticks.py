"""``s`` sorts by the cursor's column (▲, ▼, then the default order) keeping the cursor's row;
ticks survive filter changes, and the status line counts those the filter hides without
scanning the ids on every key."""
from __future__ import annotations

from rich.cells import cell_len

import sbtui.widgets.grid_ticks as grid_ticks
from tests.grid_helpers import SIZE, GridApp, lines, make_db


def _names(grid, count=30):
    ids = list(grid.source.ids[:count])
    rows = grid.source.fetch(ids)
    return [rows[rid][0] for rid in ids]


async def test_s_sorts_ascending_then_descending_then_back_keeping_the_row(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        key_order = list(grid.source.ids)
        await pilot.press("down", "down", "down")
        rid = grid.cursor_row_id
        await pilot.press("s")
        await pilot.pause()
        assert lines(grid)[0].startswith("  姓名▲    证件号码")
        assert _names(grid) == sorted(_names(grid)) and list(grid.source.ids) != key_order
        assert grid.cursor_row_id == rid and lines(grid)[-1].strip().startswith(f"第 {grid.cursor_row + 1} 行")
        await pilot.press("s")
        await pilot.pause()
        assert lines(grid)[0].startswith("  姓名▼    证件号码")
        assert _names(grid) == sorted(_names(grid), reverse=True)
        assert grid.cursor_row_id == rid
        await pilot.press("s")
        await pilot.pause()
        assert lines(grid)[0].startswith("  姓名     证件号码")
        assert list(grid.source.ids) == key_order and grid.cursor_row == 3
        assert (grid.sort_column, grid.sort_descending) == (None, False)


async def test_another_column_sorts_ascending_first_and_the_arrow_fits_its_width(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        await pilot.press("s")  # name ▲
        for _ in range(7):
            await pilot.press("right")
        assert grid.cursor_column == "t110"  # label 养老 fills its 4 cells
        before = lines(grid)[0]
        await pilot.press("s")
        await pilot.pause()
        header = lines(grid)[0]
        assert (grid.sort_column, grid.sort_descending) == ("t110", False)
        assert "养 ▲" in header and "姓名▲" not in header
        assert cell_len(header) == cell_len(before) == grid.scrollable_content_region.width
        assert cell_len(header[:header.index("养")]) == cell_len(before[:before.index("养")])
        values = [grid.source.fetch([r])[r][7] for r in grid.source.ids]
        assert values == sorted(values)


async def test_ticks_hidden_by_a_filter_still_count(tmp_path):
    app = GridApp(make_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        status = dict(app.conn.execute("SELECT id, status FROM employees"))
        first = [status[rid] for rid in grid.source.ids].index("stopped")
        grid.move_to(first)
        await pilot.press("shift+down", "shift+down", "shift+down", "shift+down", "shift+down")
        ticked = list(grid.source.ids[first:first + 6])
        active = [rid for rid in ticked if status[rid] == "active"]
        assert 0 < len(active) < 6
        grid.set_filter("status = ?", ("active",))
        await pilot.pause()
        total = len(grid.source)
        hidden = 6 - len(active)
        row = grid.cursor_row + 1
        assert lines(grid)[-1].strip() == f"第 {row} 行，共 {total} 行 · 已勾选 6（{hidden} 行不在当前筛选中）"
        assert grid.ticked == set(ticked) and grid.ticks_hidden == hidden
        assert grid.ticked_visible() == active
        grid.move_to(grid.source.index_of(active[0]))
        await pilot.press("space")  # on the first ticked row in the filter: untick it
        await pilot.pause()
        assert grid.ticked_visible() == active[1:]
        assert lines(grid)[-1].strip().endswith(f"已勾选 5（{hidden} 行不在当前筛选中）")
        grid.set_filter()
        await pilot.pause()
        assert lines(grid)[-1].strip() == f"第 {grid.cursor_row + 1} 行，共 200 行 · 已勾选 5"
        assert app.ticks[-1] == 5


async def test_the_hidden_count_is_computed_once_per_filter_not_per_key(tmp_path, monkeypatch):
    app = GridApp(make_db(tmp_path, 300))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.grid
        await pilot.press("ctrl+a")  # 300 ticks
        counted: list[int] = []
        real = grid.source.count_in_filter
        monkeypatch.setattr(grid.source, "count_in_filter", lambda ids: counted.append(1) or real(ids))
        grid.set_filter("status = ?", ("stopped",))
        await pilot.pause()
        stopped = len(grid.source)
        assert counted == [1]
        assert lines(grid)[-1].strip().endswith(f"已勾选 300（{300 - stopped} 行不在当前筛选中）")
        await pilot.press("space", "down", "space", "down", "shift+down", "ctrl+u", "ctrl+a")
        await pilot.pause()
        assert counted == [1]  # ticking keeps the count itself
        assert lines(grid)[-1].strip().endswith(f"已勾选 {stopped}")
        # many ticks: counted by one pass over the ids instead of SQL, same answer
        monkeypatch.setattr(grid_ticks, "COUNT_IN_SQL", 0)
        await pilot.press("ctrl+u")
        grid.set_filter()
        await pilot.press("ctrl+home", "shift+down", "shift+down")
        grid.set_filter("status = ?", ("stopped",))
        await pilot.pause()
        first3 = list(app.conn.execute("SELECT status FROM employees ORDER BY id LIMIT 3"))
        hidden = sum(1 for (s,) in first3 if s != "stopped")
        assert counted == [1] and grid.ticks_hidden == hidden
        assert len(grid.ticked_visible()) == 3 - hidden
