"""A tiny app around one :class:`sbtui.widgets.grid.Grid` over a temporary employees table."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from sbtui.bench.grid_data import build_employees, employee_columns
from sbtui.widgets.grid import Grid
from sbtui.widgets.grid_source import GridSource

SIZE = (80, 24)


def make_db(tmp_path: Path, rows: int = 200) -> Path:
    db = tmp_path / "grid.db"
    build_employees(db, rows, seed=3)
    return db


class GridApp(App):
    """The grid alone, full screen; it records the grid's messages. ``key`` is the source's
    key ("id", the text primary key, or "rowid"); ``columns`` replace the employee columns."""

    def __init__(self, db: Path, *, validator=None, frozen: int = 2, key: str = "id", columns=None) -> None:
        super().__init__()
        self.conn = sqlite3.connect(db)
        source = GridSource(self.conn, "employees", columns or employee_columns(), key=key)
        self.grid = Grid(source, frozen=frozen, validator=validator)
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


class DetailScreen(Screen):
    """A screen with its own Enter binding (详情), as the employee list has, around a grid."""

    BINDINGS = [Binding("enter", "detail", "详情")]

    def __init__(self, grid: Grid) -> None:
        super().__init__()
        self.grid = grid
        self.details: list = []
        self.activated: list[Grid.RowActivated] = []

    def compose(self) -> ComposeResult:
        yield self.grid

    def on_mount(self) -> None:
        self.grid.focus()

    def action_detail(self) -> None:
        self.details.append(self.grid.cursor_row_id)

    @on(Grid.RowActivated)
    def _activated(self, event: Grid.RowActivated) -> None:
        self.activated.append(event)


class DetailApp(GridApp):
    """The grid on a :class:`DetailScreen`."""

    def compose(self) -> ComposeResult:
        return []

    def on_mount(self) -> None:
        self.detail = DetailScreen(self.grid)
        self.push_screen(self.detail)
