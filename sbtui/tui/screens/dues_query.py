"""社保费应缴信息查询 (SPEC D11, D1, D2; manual 001 §2.5.2): the dues lines the last sync pulled
(税务生成 per unit number × period × item, and 征集信息), filtered by unit number, a period range
of at most 12 months and 数据处理状态, with the count, base total and due total of what is shown.
Enter drills into a tax line's employees (from the service); F5 updates; x exports.
"""
from __future__ import annotations

from abc import abstractmethod
from decimal import Decimal
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Select, Static

from sbtui.domain.period import Period, months_between
from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.registry import default_path
from sbtui.tui.abstract import AbstractScreenMeta
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.strings import common as C
from sbtui.tui.strings import dues as S
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.filter_select import FilterSelect


def _months(a: str, b: str) -> int:
    return months_between(a, b) + 1


class DuesListMixin(metaclass=AbstractScreenMeta):
    """For the screens that list dues lines: Enter on a 税务生成 line shows its employees
    (职工预处理明细, SPEC D1, read from the service; a line of another source has none); F5
    syncs, then the screen's :meth:`updated` reloads and says what it shows."""

    @abstractmethod
    async def updated(self) -> str:
        """Reload after an update (F5) and return what to tell the user."""

    def period_range(self, start_id: str, end_id: str) -> tuple[str | None, str | None] | None:
        """The 所属期起/止 typed in the two inputs, as YYYY-MM (None: empty); None when one is not
        a month (said to the user)."""
        screen: Any = self
        start = screen.query_one(f"#{start_id}", Input).value.strip() or None
        end = screen.query_one(f"#{end_id}", Input).value.strip() or None
        try:
            return (str(Period.coerce(start)) if start else None, str(Period.coerce(end)) if end else None)
        except ValueError:
            screen.notify(S.BAD_MONTH, severity="warning")
            return None

    @work(exclusive=True, group="dues-update")
    async def action_update(self) -> None:
        screen: Any = self
        try:
            result = await screen.ws.sync(screen.session.uscc)
        except ServiceError as exc:
            screen.notify(S.UPDATE_FAILED.format(error=exc), severity="error")
            return
        screen.app.after_sync(result, quiet=True)
        if result.offline:
            screen.notify(S.OFFLINE, severity="warning")
            return
        screen.notify(await self.updated())

    @work(exclusive=True, group="due-detail")
    async def open_due_detail(self, line: dict[str, Any]) -> None:
        screen: Any = self
        if line["source"] != "tax":
            screen.notify(S.DETAIL_NONE)
            return
        try:
            await screen.app.service_ready()
            rows = await screen.employer.declarations.due_detail(line)
        except OfflineError:
            screen.notify(S.OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            screen.notify(S.DETAIL_FAILED.format(error=exc), severity="error")
            return
        screen.app.push_screen(DueDetail(line, rows))


class DuesQueryScreen(DuesListMixin, ExportMixin, BaseScreen):
    SCREEN_ID = "query.dues"
    CSS_PATH = "dues_query.tcss"
    LIST = "DataTable"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("query.dues", "update", "f5", "update", S.KEY_UPDATE),
        keyed("query.dues", "export", "x", "export", S.KEY_EXPORT),
        keyed("query.dues", "filter", "f", "filter", S.KEY_FILTER),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dues-body") as body:
            body.border_title = f" {S.TITLE_QUERY} "
            with Horizontal(id="dues-query"):
                yield FilterSelect([], label=S.F_UNIT, everything=S.F_ALL, id="dues-unit", compact=True)
                yield TextInput("", placeholder=S.F_FROM, id="dues-from", max_length=7, compact=True)
                yield TextInput("", placeholder=S.F_TO, id="dues-to", max_length=7, compact=True)
                yield FilterSelect([(s, s) for s in S.STATUSES], label=S.F_STATUS, everything=S.F_ALL, id="dues-status",
                             compact=True)
            yield Static("", id="dues-summary")
            table: DataTable = ColumnTable(id="dues-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.COLUMNS)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(exclusive=True, group="dues-load")
    async def load(self) -> None:
        self.lines = await self.host.run_in_thread(self.employer.declarations.dues_lines)
        units = sorted({ln["unit_number"] for ln in self.lines})
        select = self.query_one("#dues-unit", Select)
        keep = select.value
        select.set_options([(u, u) for u in units])
        if keep in units:
            select.value = keep
        self._show()

    def _filters(self) -> tuple[str | None, str | None, str | None, str | None] | None:
        unit = self.query_one("#dues-unit", Select).value
        status = self.query_one("#dues-status", Select).value
        months = self.period_range("dues-from", "dues-to")
        if months is None:
            return None
        start, end = months
        if start and end and _months(start, end) > 12:
            self.notify(S.RANGE_TOO_LONG, severity="warning")
            return None
        return (None if unit is Select.NULL else str(unit), start, end,
                None if status is Select.NULL else str(status))

    def _show(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        unit, start, end, status = filters
        self.shown = [ln for ln in self.lines
                      if (not unit or ln["unit_number"] == unit) and (not start or ln["period_to"] >= start)
                      and (not end or ln["period_from"] <= end) and (not status or ln["status"] == status)]
        table = self.query_one(DataTable)
        table.clear()
        base = due = Decimal(0)
        for ln in self.shown:
            period = ln["period_from"] if ln["period_from"] == ln["period_to"] else f"{ln['period_from']}至{ln['period_to']}"
            rate = ln.get("rate") or (f"定额{ln['fixed']}" if ln.get("fixed") else "")
            table.add_row(period, ln["unit_number"], ln["item_name"], S.SOURCES.get(ln["source"], ln["source"]),
                          "" if ln.get("headcount") is None else str(ln["headcount"]), ln.get("wage_total") or "",
                          ln.get("base_total") or "", rate, ln["due"], ln["status"])
            base += Decimal(ln.get("base_total") or "0")
            due += Decimal(ln["due"])
        summary = S.SUMMARY.format(n=len(self.shown), base=f"{base:,.2f}", due=f"{due:,.2f}")
        self.query_one("#dues-summary", Static).update(summary if self.lines else S.EMPTY)

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        self._show()

    @on(Input.Submitted)
    def _period(self, event: Input.Submitted) -> None:
        event.stop()
        self._show()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#dues-unit", Select).focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.shown):
            self.open_due_detail(self.shown[event.cursor_row])

    async def updated(self) -> str:
        self.load()
        return S.UPDATED.format(n=await self.host.run_in_thread(self.employer.declarations.dues_count))

    def action_export(self) -> None:
        shown = list(self.shown)

        def job(path: str, progress) -> int:
            from sbtui.xlsx.common import write_table

            rows = ([ln["period_from"], ln["period_to"], ln["unit_number"], ln["item_name"],
                     S.SOURCES.get(ln["source"], ln["source"]), ln.get("headcount"), ln.get("wage_total"),
                     ln.get("base_total"), ln.get("rate") or ln.get("fixed"), ln["due"], ln["status"]]
                    for ln in shown)
            headers = ["所属期起", "所属期止", *S.COLUMNS[1:]]
            return write_table(path, title=S.TITLE_QUERY, headers=headers, rows=rows, total=len(shown),
                               progress=progress, text_columns=(2,))

        self.ask_and_write(S.EXPORT_PROMPT.format(n=len(shown)), default_path(S.STEM), job)


class DueDetail(ModalScreen[None]):
    """The employees of one tax-generated line (职工预处理明细)."""

    CSS_PATH = "dues_query.tcss"
    BINDINGS = [keyed("query.dues.detail", "close", "escape", "close", C.CLOSE)]

    def __init__(self, line: dict[str, Any], rows: list[Any]) -> None:
        super().__init__()
        self.line = line
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="due-detail-box") as box:
            box.border_title = f"{S.DETAIL_TITLE} {self.line['unit_number']} {self.line['period_from']} {self.line['item_name']}"
            box.border_subtitle = "Esc " + C.CLOSE
            table: DataTable = ColumnTable(id="due-detail-table", cursor_type="row")
            table.add_columns(*S.DETAIL_COLUMNS)
            for r in self.rows:
                table.add_row(r.name, r.id_number, r.person_number or "", str(r.wage), str(r.base),
                              r.rate or (f"定额{r.fixed}" if r.fixed is not None else ""), str(r.due))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)


register_screen(ScreenSpec(id="query.dues", title=S.TITLE_QUERY, menu=(S.MENU_QUERY, S.TITLE_QUERY),
                           roles=STAFF, order=30, help=S.HELP_QUERY,
                           factory=lambda app: DuesQueryScreen()))
