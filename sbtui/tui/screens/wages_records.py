"""缴费工资申报记录 (SPEC W12; manual 000 §5.2): each submission made here as one row with its
status (待发送 / 等待反馈 / 全部申报成功 / 部分成功 / 全部失败); Enter shows every employee's result
and reason; r fetches the feedback still pending.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from sbtui.domain.vocab import STAFF, WageResult, label, submission_label
from sbtui.remote.errors import ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import common as C
from sbtui.tui.strings import wages as S
from sbtui.tui.widgets.column_table import ColumnTable


def state_label(record: dict[str, Any]) -> str:
    return submission_label(record["state"], record.get("summary"))


class WageRecordsScreen(BaseScreen):
    SCREEN_ID = "wages.records"
    CSS_PATH = "wages_records.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("wages.records", "open", "enter", "open", S.KEY_DETAIL),
        keyed("wages.records", "fetch", "r", "fetch", S.R_KEY_FETCH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="records-body") as body:
            body.border_title = f" {S.TITLE_RECORDS} "
            table: DataTable = ColumnTable(id="records-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.R_COLUMNS)
            yield table
            yield Static("", id="records-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(exclusive=True, group="records-load")
    async def load(self) -> None:
        self.records = await self.host.run_in_thread(self.employer.wages.records)
        table = self.query_one(DataTable)
        table.clear()
        for n, r in enumerate(self.records, start=1):
            ids = "、".join(r.get("declarations") or []) or "—"
            table.add_row(str(n), str(r["created_at"])[:19].replace("T", " "), str(r["rows"]), state_label(r),
                          str(r.get("accepted") or 0), str(r.get("refused") or 0), ids)
        empty = self.query_one("#records-empty", Static)
        empty.update(S.R_EMPTY if not self.records else "")
        empty.display = not self.records

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.records or table.cursor_row is None or table.cursor_row >= len(self.records):
            return
        self._open(self.records[table.cursor_row]["id"])

    @work(exclusive=True, group="records-open")
    async def _open(self, submission: str) -> None:
        rows = await self.host.run_in_thread(self.employer.wages.record_rows, submission)
        self.app.push_screen(SubmissionRows(rows))

    @work(exclusive=True, group="records-fetch")
    async def action_fetch(self) -> None:
        try:
            await self.employer.wages.feedback()
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.load()


class SubmissionRows(ModalScreen[None]):
    """Every employee of one submission: 姓名, 证件号码, 结果, 原因."""

    CSS_PATH = "wages_records.tcss"
    BINDINGS = [keyed("wages.record_rows", "close", "escape", "close", C.CLOSE)]

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="rows-box") as box:
            box.border_title = S.R_ROWS_TITLE
            box.border_subtitle = "Esc " + C.CLOSE
            table: DataTable = ColumnTable(id="rows-table", cursor_type="row")
            table.add_columns(*S.R_ROW_COLUMNS)
            for r in self.rows:
                table.add_row(r["name"], r["id_number"], label(r.get("result"), WageResult),
                              r.get("reason") or "")
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)


register_screen(ScreenSpec(id="wages.records", title=S.TITLE_RECORDS, menu=(S.MENU_GROUP, S.TITLE_RECORDS),
                           roles=STAFF, order=20, help=S.HELP_RECORDS,
                           factory=lambda app: WageRecordsScreen()))
