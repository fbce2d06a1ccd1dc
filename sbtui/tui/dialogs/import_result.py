"""The outcome of an xlsx import: counts and every bad cell by row and column (the good rows
were loaded). Esc or Enter closes it.
"""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import employees as S
from sbtui.tui.widgets.column_table import ColumnTable


class ImportResult(ModalScreen[None]):
    CSS_PATH = "import_result.tcss"
    BINDINGS = [keyed("import_result", "close", "escape,enter", "close", C.CLOSE)]

    def __init__(self, summary: str, errors: list[Any]) -> None:
        super().__init__()
        self.summary = summary
        self.errors = errors

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box") as box:
            box.border_title = S.R_TITLE
            box.border_subtitle = "Enter/Esc " + C.CLOSE
            yield Static(self.summary, id="result-summary")
            yield Static(S.R_ERRORS if self.errors else S.R_NONE, id="result-hint")
            if self.errors:
                table: DataTable = ColumnTable(id="result-errors", cursor_type="row")
                table.add_columns(*S.R_ERROR_COLUMNS)
                for e in self.errors:
                    table.add_row(str(e.row), e.column, e.reason)
                yield table

    def on_mount(self) -> None:
        if self.errors:
            self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
