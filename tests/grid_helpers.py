"""A tiny app around one :class:`sbtui.widgets.grid.Grid` over a temporary employees table."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult

from sbtui.bench.grid_data import build_employees, employee_source
from sbtui.widgets.grid import Grid

SIZE = (80, 24)


def make_db(tmp_path: Path, rows: int = 200) -> Path:
    db = tmp_path / "grid.db"
    build_employees(db, rows, seed=3)
    return db


class GridApp(App):
    """The grid alone, full screen; it records the grid's messages."""

    def __init__(self, db: Path, *, validator=None, frozen: int = 2) -> None:
        super().__init__()
        self.conn = sqlite3.connect(db)
        self.grid = Grid(employee_source(self.conn), frozen=frozen, validator=validator)
        self.edits: list[Grid.CellEdited] = []
        self.ticks: list[int] = []

    def compose(self) -> ComposeResult:
        yield self.grid

    def on_mount(self) -> None:
        self.grid.focus()

    @on(Grid.CellEdited)
    def _edited(self, event: Grid.CellEdited) -> None:
        self.edits.append(event)

    @on(Grid.TicksChanged)
    def _ticked(self, event: Grid.TicksChanged) -> None:
        self.ticks.append(event.count)


def lines(grid: Grid) -> list[str]:
    """The grid's lines as text, as painted now."""
    return [grid.render_line(y).text for y in range(grid.scrollable_content_region.height)]
