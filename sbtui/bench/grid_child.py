"""One widget of ``sbtui bench grid``, in a process of its own::

    python -m sbtui.bench.grid_child sbtui|datatable DB N

prints one JSON object: open_s, move_ms, pagedown_ms, scroll_ms, edit_ms (sbtui only), rss_mb,
and for sbtui all_ids_s: when the full id list (read in a thread after the first paint) was in.
Our grid is keyed on the table's integer rowid (ids in an ``array('q')``).

move_ms is ↓ from the top (most of the 60 moves stay within the view); scroll_ms is ↓ after the
page-downs, where the cursor is on the view's last line and every move scrolls the whole view.
edit_ms is the editor's path: with the editor open on a name and the new text typed, from
posting Enter to the end of the paint that shows the saved value (validate, UPDATE + commit
with ``synchronous=FULL`` in WAL mode as the local store, the row re-rendered, the cursor one row
down, within the view: the edits start on its first line).

A paint is timed at the compositor: ``App._display`` is wrapped so that each screen update is
also turned into the terminal's text (what a real driver writes), and a measurement runs from
posting the key (or calling the edit) to the end of the next such update.
"""
from __future__ import annotations

import asyncio
import json
import resource
import sqlite3
import statistics
import sys
import time

from textual import events
from textual.app import App, ComposeResult

SIZE = (120, 40)
MOVES = 60
PAGES = 30
EDITS = 30
GAP = 0.035  # between keys: keyboard auto-repeat is ~33 ms


class _Bench(App):
    def __init__(self, kind: str, db: str, t0: float) -> None:
        super().__init__()
        self.kind, self.db, self.t0 = kind, db, t0
        self.painted = asyncio.Event()
        self.paint_at = 0.0
        self.opened_at: float | None = None
        self.mounted = False
        self.widget = None

    def compose(self) -> ComposeResult:
        conn = sqlite3.connect(self.db)
        conn.execute("PRAGMA synchronous=FULL")  # durable commits, as the local store's
        if self.kind == "sbtui":
            from sbtui.bench.grid_data import employee_source
            from sbtui.widgets.grid import Grid

            self.widget = Grid(employee_source(conn, key="rowid", eager=False), frozen=2, background=True)
        else:
            from textual.widgets import DataTable

            from sbtui.bench.grid_data import employee_columns

            cols = employee_columns()
            table = DataTable()
            table.add_columns(*(c.label for c in cols))
            sql = f"SELECT {', '.join(c.expr for c in cols)} FROM employees ORDER BY id"
            table.add_rows([tuple("" if v is None else str(v) for v in r) for r in conn.execute(sql)])
            self.widget = table
        yield self.widget

    def on_mount(self) -> None:
        self.widget.focus()
        self.mounted = True

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        if renderable is None:
            return
        renderable.render_segments(self.console)
        now = time.perf_counter()
        if self.mounted and self.opened_at is None:
            self.opened_at = now
        self.paint_at = now
        self.painted.set()


async def _timed(app: _Bench, act) -> float:
    app.painted.clear()
    t0 = time.perf_counter()
    act()
    await asyncio.wait_for(app.painted.wait(), 5)
    ms = (app.paint_at - t0) * 1000
    await asyncio.sleep(GAP)
    return ms


async def _run(kind: str, db: str, t0: float) -> dict:
    app = _Bench(kind, db, t0)
    async with app.run_test(size=SIZE) as pilot:
        while app.opened_at is None:
            await asyncio.sleep(0.001)
        result = {"open_s": app.opened_at - t0}
        if kind == "sbtui":  # the first page is painted; the full id list is read in a thread
            while not app.widget.source.complete:
                if time.perf_counter() - t0 > 120:
                    raise TimeoutError("the id list was never read")
                await asyncio.sleep(0.001)
            result["all_ids_s"] = time.perf_counter() - t0
        await pilot.pause(0.2)

        def key(name):
            return lambda: app.post_message(events.Key(name, None))

        result["move_ms"] = statistics.median([await _timed(app, key("down")) for _ in range(MOVES)])
        result["pagedown_ms"] = statistics.median([await _timed(app, key("pagedown")) for _ in range(PAGES)])
        result["scroll_ms"] = statistics.median([await _timed(app, key("down")) for _ in range(MOVES // 2)])
        if kind == "sbtui":
            grid = app.widget
            grid.move_to(grid.scroll_offset.y, 0)  # the name, on the view's first line
            await asyncio.sleep(GAP)
            edits = []
            for i in range(EDITS):
                await _timed(app, lambda: grid.open_editor(f"改名{i}"))
                rid = grid.cursor_row_id
                edits.append(await _timed(app, key("enter")))
                if grid.source.value(rid, "name") != f"改名{i}" or grid.editor is not None:
                    raise RuntimeError("the edit was not saved")
            result["edit_ms"] = statistics.median(edits)
        else:
            result["edit_ms"] = None
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main(argv: list[str]) -> None:
    t0 = time.perf_counter()
    kind, db, rows = argv[0], argv[1], int(argv[2])
    result = asyncio.run(_run(kind, db, t0))
    result["rows"] = rows
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
