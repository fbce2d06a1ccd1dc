"""月度缴费工资申报 — 按险种申报 (SPEC W1–W11; manual 000 §5.1): the 职工工资编辑区 as one virtual
grid of any size (no 10,000-row pages, W11). Typing a digit, Enter or F2 edits a cell; every
commit is saved to the local store at once with the W4 binding applied in the same
transaction (the grid's ``writer`` is :meth:`WagesService.set_cell`; the grid reads a
:class:`~sbtui.services.grid.DraftGrid` of its own). Adding rows, fill down, copy
to another type, undo/redo, xlsx, and submit with feedback live in the mixins beside this.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from sbtui.domain.vocab import STAFF, WageResult
from sbtui.domain.wages import not_insured
from sbtui.services import wages as svc
from sbtui.services.grid import DraftGrid
from sbtui.services.wages import WagesService
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.grid_conn import GridConnection
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.screens.wages_add import AddMixin
from sbtui.tui.screens.wages_columns import FROZEN, column_type, wage_columns
from sbtui.tui.screens.wages_edit import EditMixin
from sbtui.tui.screens.wages_submit import SubmitMixin
from sbtui.tui.strings import wages as S
from sbtui.widgets.grid import Grid
from sbtui.widgets.grid_source import GridSource

FILTER_ORDER = ("all", WageResult.REFUSED, "draft", WageResult.QUEUED, WageResult.ACCEPTED)


class WagesScreen(AddMixin, EditMixin, SubmitMixin, ExportMixin, GridConnection[DraftGrid], BaseScreen):
    SCREEN_ID = "wages.declare"
    CSS_PATH = "wages.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("wages", "add", "a", "add", S.KEY_ADD),
        keyed("wages", "submit", "ctrl+s", "submit", S.KEY_SUBMIT),
        keyed("wages", "fill", "ctrl+d", "fill", S.KEY_FILL),
        keyed("wages", "copy", "c", "copy_type", S.KEY_COPY, show=False),
        keyed("wages", "undo", "ctrl+z", "undo", S.KEY_UNDO),
        keyed("wages", "redo", "ctrl+y", "redo", S.KEY_REDO, show=False),
        keyed("wages", "remove", "delete", "remove", S.KEY_REMOVE, show=False),
        keyed("wages", "filter", "f", "cycle_filter", S.KEY_FILTER, show=False),
        keyed("wages", "export", "x", "export", S.KEY_EXPORT),
        keyed("wages", "import", "i", "import_file", S.KEY_IMPORT, show=False),
        keyed("wages", "template", "t", "template", S.KEY_TEMPLATE, show=False),
        keyed("wages", "records", "r", "app.open_screen('wages.records')", S.KEY_RECORDS, show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grid: Grid | None = None
        self.view = "all"
        self.type_codes: list[str] = []
        self.group_paths: dict[str, str] = {}
        self._asked_empty = False

    def compose(self) -> ComposeResult:
        with Vertical(id="wages-body") as body:
            body.border_title = f" {S.TITLE} "
            yield Static("", id="wages-counts")
            yield Static("", id="wages-empty")
            yield Static("", id="wages-note")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading ----------------------------------------------------------------------------
    @work(exclusive=True, group="wages-load")
    async def load(self) -> None:
        wages, registry = self.employer.wages, self.employer.registry
        types, paths, total = await self.host.run_in_thread(
            lambda: (registry.registered_types(), registry.group_paths(), wages.draft_count()))
        self.group_paths.clear()
        self.group_paths.update(paths)
        where = svc.draft_filter(self.view)
        if self.grid is None:
            self.type_codes = types
            reader = self.keep_grid_connection(wages.draft_grid)
            source = GridSource(reader.conn, reader.table, wage_columns(types, self.group_paths), key="rowid",
                                where=where[0], params=where[1], eager=False)
            self.grid = Grid(source, frozen=FROZEN, background=True, id="wages-grid",
                             writer=lambda rid, column, value: self._write(wages, rid, column, value),
                             lock=self._lock)
            await self.query_one("#wages-body").mount(self.grid, before="#wages-empty")
            self.grid.focus()
        else:
            self.grid.clear_cache()
            self.grid.set_filter(*where)
        self._show_counts(total)
        self.host.screen_ready(self)
        if total == 0 and not self._asked_empty:
            self._asked_empty = True  # manual 000 §5.1: 存在缴费工资为空的职工 … 立即申报？
            self.offer_empty_wages()

    def _show_counts(self, total: int) -> None:
        line = S.COUNTS.format(total=total) + " · " + S.FILTER_LINE.format(name=S.FILTERS[self.view])
        self.query_one("#wages-counts", Static).update(line)
        empty = self.query_one("#wages-empty", Static)
        empty.update(S.EMPTY if total == 0 else "")
        empty.display = total == 0

    def reload(self) -> None:
        self.load()

    def repaint(self) -> None:
        """After a store change of many rows (fill, copy, undo): drop every rendering."""
        if self.grid is not None:
            self.grid.clear_cache()
            self.grid.refresh()
        self._note_cursor()

    # -- editing (the grid's writer) ----------------------------------------------------------
    def _write(self, wages: WagesService, rowid: int, column: str, value: Any) -> None:
        """Save one cell with the W4 binding (ValueError = the refusal, kept in the editor)."""
        wages.set_cell(rowid, column, "" if value is None else str(value))

    def _lock(self, rowid: int, column: str) -> str | None:
        """A type the row's employee is not insured for can never take a wage (W1)."""
        kind = column_type(column)
        reader = self._conn
        if kind is None or reader is None:
            return None
        insured = reader.insured(rowid)
        if insured is None or kind[1] in insured:
            return None
        return not_insured(kind[1])

    @on(Grid.CellEdited)
    def _edited(self, event: Grid.CellEdited) -> None:
        """W6 warning; the row's bound cells need nothing here (the grid dropped that row's
        rendering), but its refusal reason is cleared by the edit."""
        kind = column_type(event.column)
        if kind and kind[0] in "ft" and event.value and svc.is_back_payment(str(event.value)):
            self.notify(S.BACK_PAYMENT, severity="warning", timeout=6)  # W6
        self._note_cursor()

    @on(Grid.CursorMoved)
    def _moved(self, event: Grid.CursorMoved) -> None:
        self._note_cursor()

    def _note_cursor(self) -> None:
        """The refusal reason of the cursor's row (W8: refused rows flagged, reason here)."""
        grid, reader = self.grid, self._conn
        note = self.query_one("#wages-note", Static)
        if grid is None or grid.cursor_row_id is None or reader is None:
            note.update("")
            return
        reason = reader.refusal(grid.cursor_row_id)
        note.update(S.REASON.format(reason=reason) if reason else "")

    # -- views --------------------------------------------------------------------------------
    def action_cycle_filter(self) -> None:
        self.view = FILTER_ORDER[(FILTER_ORDER.index(self.view) + 1) % len(FILTER_ORDER)]
        self.load()

    # -- the empty-wage alert (W2) ------------------------------------------------------------
    @work(exclusive=True, group="wages-empty")
    async def offer_empty_wages(self) -> None:
        """Asked once, on an empty area: the registry scan runs only then, not on every load."""
        wages = self.employer.wages
        if not await self.host.run_in_thread(wages.has_empty_wages):
            return
        if await self.app.push_screen_wait(ConfirmDialog(S.EMPTY_ALERT, title=S.TITLE, cancelled="")):
            n = await self.host.run_in_thread(wages.add_empty, svc.this_month())
            self.notify(S.ADDED.format(n=n))
            self.load()


register_screen(ScreenSpec(id="wages.declare", title=S.TITLE, menu=(S.MENU_GROUP, S.TITLE),
                           roles=STAFF, order=10, help=S.HELP,
                           factory=lambda app: WagesScreen()))
