"""The base of every list screen (缴费, 缴费记录, 缴费凭证打印记录, 单位三方协议管理, the 查询统计
screens, and those still to come): a bordered list with its count, optional query fields above
it, a note under it for the cursor's row, and F5 / ``u`` downloading from the service.

How to write one (a subclass gives only what differs)::

    class ThingsScreen(RowListScreen):
        SCREEN_ID = "things"
        PREFIX = "things"              # widget ids: #things-body, #things-table, #things-note,
                                       # and #things-<field name> for each query field
        HEADING = S.TITLE_THINGS       # the border title
        COLUMNS = S.THING_COLUMNS
        COUNT = S.THINGS_COUNT         # the border subtitle, "共 {n} 条" ("" = none)
        EMPTY = S.THINGS_EMPTY         # the note when the list is loaded and empty
        FIELDS = (DATE_FROM, DATE_TO)  # optional: query fields; their values go to fetch()
        BINDINGS = [*BaseScreen.BINDINGS, keyed("things", "refresh", "f5,u", "refresh", …)]

        async def fetch(self, date_from, date_to):    # the rows, from the service layer
            return await call(self.host, self.employer.things.list, date_from, date_to)
        def cells(self, thing):                       # one row, in COLUMNS order
            return (thing.number, money(thing.total))
        def note(self, thing):                        # optional: the line under the list
            return thing.reason or ""
        async def refresh_from_service(self):         # optional: download (else F5 re-reads)
            await self.employer.things.refresh()

What the base does: ``load()`` (a worker) / ``reload()`` (awaitable, from a worker) read
:meth:`fetch` into ``self.items`` and fill the table, keeping the cursor (on the same item when
:meth:`key_of` says which, else on the same row); :meth:`current` is the cursor's item,
:meth:`chosen` the same or a warning “请先选择一条记录”; the list is downloaded quietly on
opening and with F5 / ``u`` (``action_refresh``), then re-read; a query field's Enter re-reads,
``f`` (``action_filter``) goes to the first field and Esc back to the list. A field that does not
parse (its ``parse`` raises ValueError) warns with its ``bad`` text and leaves the list as it is.

One item may take more than one table row (a late fee under its line): override
:meth:`table_rows`; ``self.rows`` holds the :class:`Row` behind each table row and
:meth:`after_show` runs once the table is filled (totals above the list). A screen with more
above the list than query fields overrides :meth:`compose_top`.

Every list exports to xlsx (SPEC Q1): bind ``x`` to ``export`` (``keyed(SCOPE, "export", "x",
"export", L.KEY_EXPORT)``); :meth:`action_export` asks where (the exports folder, else the folder
last used) and writes :meth:`export_table` — by default the columns and cells shown, for every
item; override it to hand the service's typed table (amounts as numbers) instead.
"""
from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from sbtui.domain.period import Period
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.abstract import AbstractScreenMeta
from sbtui.tui.screens.base import BaseScreen
from sbtui import clock
from sbtui.services.tables import Table, write_xlsx
from sbtui.tui.screens.pay_common import ask_path, call, service_message
from sbtui.tui.strings import lists as L
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput

ROW_LIST_CSS = Path(__file__).with_name("row_list.tcss")
"""The base's styles; a subclass with a ``.tcss`` of its own lists both:
``CSS_PATH = [ROW_LIST_CSS, "mine.tcss"]``."""


def optional_text(text: str) -> str | None:
    """A free-text query field: stripped, empty → None."""
    return text.strip() or None


@dataclass(frozen=True)
class Field:
    """A query field above the list: its value, parsed, is :meth:`RowListScreen.fetch`'s
    keyword ``name``; the input's id is ``<PREFIX>-<name>`` (``-`` for ``_``)."""

    name: str
    placeholder: str
    parse: Callable[[str], Any] = optional_text  # raises ValueError for a bad value
    bad: str = ""  # the warning when parse raises (else the error's own text)
    width: int = 10  # the most characters typed


def parse_day(text: str) -> str | None:
    """``YYYY-MM-DD`` → itself; empty → None; anything else raises ValueError."""
    text = text.strip()
    return date.fromisoformat(text).isoformat() if text else None


def parse_month(text: str) -> str | None:
    """A 费款所属期 as people type it (``2026-03``, ``202603``) → ``YYYY-MM``; empty → None;
    anything else raises ValueError (its text says why, in Chinese)."""
    text = text.strip()
    return str(Period.parse(text)) if text else None


def day_fields(first: str, last: str) -> tuple[Field, Field]:
    """A date range: ``date_from`` and ``date_to`` (``YYYY-MM-DD``), placeholders ``first``/``last``."""
    return (Field("date_from", first, parse_day, L.BAD_DATE), Field("date_to", last, parse_day, L.BAD_DATE))


def month_fields(first: str = L.F_PERIOD_FROM, last: str = L.F_PERIOD_TO) -> tuple[Field, Field]:
    """A 费款所属期 range: ``period_from`` and ``period_to`` (``YYYY-MM``)."""
    return (Field("period_from", first, parse_month, L.BAD_MONTH, 7),
            Field("period_to", last, parse_month, L.BAD_MONTH, 7))


class Row(NamedTuple):
    """What stands behind one table row: its item, and whether it is a further row of the
    item above (a late fee under its line) rather than the item's own row."""

    item: Any
    extra: bool = False


class RowListScreen(BaseScreen, metaclass=AbstractScreenMeta):
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data
    CSS_PATH: ClassVar[Any] = ROW_LIST_CSS
    PREFIX: ClassVar[str] = "rows"
    HEADING: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    FIXED_COLUMNS: ClassVar[int] = 1
    COUNT: ClassVar[str] = L.COUNT  # "" → no count under the border
    EMPTY: ClassVar[str] = L.EMPTY
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    REFRESHED: ClassVar[str] = L.REFRESHED
    OFFLINE: ClassVar[str] = L.OFFLINE
    OFFLINE_ON_OPEN: ClassVar[bool] = False  # also say "offline" when the quiet download on opening fails
    EXPORT_NAME: ClassVar[str] = ""  # the export's file name stem (default: HEADING)

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []
        self.rows: list[Row] = []
        self.loaded = False
        if self.FIELDS:
            self.LIST = self.ident("table")  # Esc from a query field goes back to the list

    def ident(self, part: str) -> str:
        """The selector of one of the screen's own widgets: ``#<PREFIX>-<part>``."""
        return f"#{self.PREFIX}-{part.replace('_', '-')}"

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        p = self.PREFIX
        with Vertical(id=f"{p}-body", classes="rows-body") as body:
            body.border_title = f" {self.HEADING} "
            yield from self.compose_top()
            table: DataTable = ColumnTable(id=f"{p}-table", classes="rows-table", cursor_type="row",
                                           zebra_stripes=True)
            table.fixed_columns = self.FIXED_COLUMNS
            table.add_columns(*self.COLUMNS)
            yield table
            yield Static("", id=f"{p}-note", classes="rows-note")
        yield Footer()

    def compose_top(self) -> ComposeResult:
        """What stands above the list: the query fields, if any."""
        if self.FIELDS:
            with Horizontal(id=f"{self.PREFIX}-filters", classes="rows-filters"):
                for f in self.FIELDS:
                    yield TextInput("", placeholder=f.placeholder, id=self.ident(f.name)[1:],
                                    max_length=f.width, compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()
        self.download(quiet=True)

    # -- what a subclass gives ------------------------------------------------------------------
    @abstractmethod
    async def fetch(self, **query: Any) -> Sequence[Any]:
        """The items (the service layer, off the UI loop), given the parsed query fields."""

    @abstractmethod
    def cells(self, item: Any) -> Sequence[str]:
        """One row, in :attr:`COLUMNS` order."""

    def note(self, item: Any) -> str:
        """What the line under the list says of the cursor's item."""
        return ""

    async def refresh_from_service(self) -> None:
        """Download the items from the service into the local store (default: nothing to
        download, F5 only re-reads)."""

    def key_of(self, item: Any) -> Any:
        """What identifies an item across a re-read (the cursor stays on it); None: the cursor
        stays on the same row number."""
        return None

    def table_rows(self) -> Iterator[tuple[Row, Sequence[str]]]:
        """Each table row: what stands behind it and its cells (default: one row per item)."""
        for item in self.items:
            yield Row(item), self.cells(item)

    def after_show(self) -> None:
        """Runs once the table is filled and the note shown."""

    # -- the list -------------------------------------------------------------------------------
    def query_values(self) -> dict[str, Any] | None:
        """The query fields parsed, by name; None (with a warning) when one does not parse."""
        values: dict[str, Any] = {}
        for f in self.FIELDS:
            try:
                values[f.name] = f.parse(self.query_one(self.ident(f.name), Input).value)
            except ValueError as exc:
                self.notify(f.bad or str(exc), severity="warning")
                return None
        return values

    @work(exclusive=True, group="rows-load")
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        query = self.query_values()
        if query is None:
            return
        try:
            self.items = list(await self.fetch(**query))
        except (ServiceError, ValueError) as exc:
            self.notify(L.LOAD_FAILED.format(error=service_message(exc)), severity="error")
            return
        self.loaded = True
        self.show()

    def show(self) -> None:
        """Fill the table from ``self.items`` (the cursor kept), the count, the note."""
        table = self.query_one(DataTable)
        at, keep = self.current(), table.cursor_row
        key = self.key_of(at) if at is not None else None
        table.clear()
        self.rows = []
        for row, cells in self.table_rows():
            table.add_row(*cells)
            self.rows.append(row)
        if self.rows:
            found = None if key is None else next(
                (i for i, r in enumerate(self.rows) if not r.extra and self.key_of(r.item) == key), None)
            if found is not None:
                table.move_cursor(row=found)
            elif keep is not None:
                table.move_cursor(row=min(keep, len(self.rows) - 1))
        if self.COUNT:
            self.query_one(self.ident("body")).border_subtitle = self.COUNT.format(n=len(self.items))
        self.show_note()
        self.after_show()

    def current(self) -> Any | None:
        """The item of the cursor's row (None: the list is empty)."""
        row = self.query_one(DataTable).cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row].item

    def chosen(self) -> Any | None:
        """The cursor's item, or None with a warning."""
        item = self.current()
        if item is None:
            self.notify(L.NONE_SELECTED, severity="warning")
        return item

    def show_note(self) -> None:
        item = self.current()
        text = self.EMPTY if self.loaded and not self.items else (self.note(item) if item is not None else "")
        self.query_one(self.ident("note"), Static).update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self.show_note()

    @on(Input.Submitted)
    def _query(self, event: Input.Submitted) -> None:
        if not self.FIELDS:
            return
        event.stop()
        self.load()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        if self.FIELDS:
            self.set_focus(self.query_one(self.ident(self.FIELDS[0].name), Input))

    # -- download -------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.download(quiet=False)

    @work(exclusive=True, group="rows-refresh")
    async def download(self, quiet: bool = False) -> None:
        """Download from the service, then re-read (on opening: quietly; F5: says how many)."""
        try:
            await self.host.service_ready()
            await self.refresh_from_service()
        except OfflineError:
            if not quiet or self.OFFLINE_ON_OPEN:
                self.notify(self.OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            self.notify(L.REFRESH_FAILED.format(error=service_message(exc)), severity="error")
            return
        await self.reload()
        if not quiet:
            self.notify(self.REFRESHED.format(n=len(self.items)))

    # -- export ---------------------------------------------------------------------------------
    def export_table(self) -> Table:
        """What ``x`` exports: by default the list as shown (every table row, its cells)."""
        return Table(self.HEADING, self.COLUMNS, [tuple(cells) for _, cells in self.table_rows()])

    @work(exclusive=True, group="rows-export")
    async def action_export(self) -> None:
        """``x`` 导出: the list to an xlsx file the user names (0600; nothing half-written)."""
        from sbtui.services.tables import TableError
        from sbtui.xlsx.errors import XlsxError

        if not self.items:
            self.notify(L.EXPORT_EMPTY, severity="warning")
            return
        name = L.EXPORT_FILE.format(name=self.EXPORT_NAME or self.HEADING, today=clock.today().isoformat())
        path = await ask_path(self.app, title=L.EXPORT_TITLE.format(name=self.HEADING), prompt=L.EXPORT_PROMPT,
                              name=name)
        if path is None:
            return
        try:
            written = await call(self.host, write_xlsx, path, self.export_table())
        except (TableError, OSError, XlsxError) as exc:
            text = getattr(exc, "strerror", None) or service_message(exc)
            self.notify(L.EXPORT_FAILED.format(error=text), severity="error", timeout=10)
            return
        self.notify(L.EXPORTED.format(path=written), timeout=10)
