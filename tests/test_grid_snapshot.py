"""SVG snapshot of the grid at 80×24 (refresh with ``--snapshot-update``): frozen name and ID
number, CJK cells, a ticked range, the cursor on a scrolled column, the status line."""
from __future__ import annotations

from tests.grid_helpers import SIZE, GridApp, make_db
from tui_pilot import settle


def test_grid_80x24(snap_compare, tmp_path):
    app = GridApp(make_db(tmp_path, 60))

    async def ready(pilot):
        await pilot.press("down", "shift+down", "shift+down", "right", "right", "right", "right", "right")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_grid_editing_80x24(snap_compare, tmp_path):
    """Sorted by name (▲ in the header), a refused entry in the editor over its cell, the
    refusal in the status line."""

    def refuse_short(row_id, column, value):
        return "姓名至少两个字" if column == "name" and len(value) < 2 else None

    app = GridApp(make_db(tmp_path, 60), validator=refuse_short)

    async def ready(pilot):
        await pilot.press("s", "down", "down", "欧", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
