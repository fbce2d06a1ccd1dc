"""The base of 缴费凭证打印记录 and 缴费记录 (SPEC P3, P4): a list filtered by a date range (two
``YYYY-MM-DD`` fields above it; ``f`` goes there, Enter applies, Esc back to the list), a note
under it for the cursor's row, and F5 / ``u`` downloading from the service. A subclass gives
the columns, the rows (:meth:`DatedListScreen.fetch`, :meth:`DatedListScreen.cells`) and the note.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.abstract import AbstractScreenMeta
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import parse_day, service_message
from sbtui.tui.strings import payments as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput


class DatedListScreen(BaseScreen, metaclass=AbstractScreenMeta):
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data
    CSS_PATH = "pay_lists.tcss"
    LIST = "#paylist-table"
    HEADING = ""
    COLUMNS: tuple[str, ...] = ()
    FROM = S.F_DATE_FROM
    TO = S.F_DATE_TO
    COUNT = S.VOUCHERS_COUNT
    EMPTY = S.VOUCHERS_EMPTY

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="paylist-body") as body:
            body.border_title = f" {self.HEADING} "
            with Horizontal(id="paylist-filters"):
                yield TextInput("", placeholder=self.FROM, id="paylist-from", max_length=10, compact=True)
                yield TextInput("", placeholder=self.TO, id="paylist-to", max_length=10, compact=True)
            table: DataTable = ColumnTable(id="paylist-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 1
            table.add_columns(*self.COLUMNS)
            yield table
            yield Static("", id="paylist-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()
        self.download(quiet=True)

    @abstractmethod
    async def fetch(self, date_from: str | None, date_to: str | None) -> list[Any]:
        """The rows in the range (the service layer, off the UI loop)."""

    @abstractmethod
    def cells(self, item: Any) -> tuple[str, ...]:
        """One row, in :attr:`COLUMNS` order."""

    @abstractmethod
    def note(self, item: Any) -> str:
        """What the line under the list says of the cursor's row."""

    @abstractmethod
    async def refresh_from_service(self) -> None:
        """Download the rows from the service into the local store."""

    # -- the list -------------------------------------------------------------------------------
    def _range(self) -> tuple[str | None, str | None] | None:
        try:
            return (parse_day(self.query_one("#paylist-from", Input).value),
                    parse_day(self.query_one("#paylist-to", Input).value))
        except ValueError:
            self.notify(S.BAD_DATE, severity="warning")
            return None

    @work(exclusive=True, group="paylist-load")
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        days = self._range()
        if days is None:
            return
        try:
            self.items = list(await self.fetch(*days))
        except (ServiceError, ValueError) as exc:
            self.notify(S.LOAD_FAILED.format(error=service_message(exc)), severity="error")
            return
        self.loaded = True
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for item in self.items:
            table.add_row(*self.cells(item))
        if self.items and keep is not None:
            table.move_cursor(row=min(keep, len(self.items) - 1))
        self.query_one("#paylist-body").border_subtitle = self.COUNT.format(n=len(self.items))
        self._note()

    def current(self) -> Any | None:
        row = self.query_one(DataTable).cursor_row
        if not self.items or row is None or not 0 <= row < len(self.items):
            return None
        return self.items[row]

    def chosen(self) -> Any | None:
        """The cursor's row, or None with a warning."""
        item = self.current()
        if item is None:
            self.notify(S.NONE_SELECTED, severity="warning")
        return item

    def _note(self) -> None:
        item = self.current()
        text = self.EMPTY if self.loaded and not self.items else (self.note(item) if item is not None else "")
        self.query_one("#paylist-note", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._note()

    @on(Input.Submitted)
    def _dates(self, event: Input.Submitted) -> None:
        event.stop()
        self.load()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#paylist-from", Input))

    # -- refresh --------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.download(quiet=False)

    @work(exclusive=True, group="paylist-refresh")
    async def download(self, quiet: bool = False) -> None:
        try:
            await self.host.service_ready()
            await self.refresh_from_service()
        except OfflineError:
            if not quiet:
                self.notify(S.OFFLINE_LIST, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.REFRESH_FAILED.format(error=service_message(exc)), severity="error")
            return
        await self.reload()
        if not quiet:
            self.notify(S.REFRESHED.format(n=len(self.items)))
