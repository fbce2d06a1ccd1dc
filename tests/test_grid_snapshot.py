"""SVG snapshot of the grid at 80×24 (refresh with ``--snapshot-update``): frozen name and ID
number, CJK cells, a ticked range, the cursor on a scrolled column, the status line."""
from __future__ import annotations

from tests.grid_helpers import SIZE, GridApp, make_db


def test_grid_80x24(snap_compare, tmp_path):
    app = GridApp(make_db(tmp_path, 60))

    async def ready(pilot):
        await pilot.press("down", "shift+down", "shift+down", "right", "right", "right", "right", "right")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
