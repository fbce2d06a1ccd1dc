"""社保费申报 › 申报记录 and 工程项目社保费申报记录 (SPEC D7, D8; manual 000 §3.4, 001 §2.2.3): the
declarations from the local store, filtered by 状态 and 申报日期; Enter 申报明细 (Enter again:
the employees of a tax line); e / E export the two forms (xlsx or PDF); v 作废 (申报成功 and
unpaid: “是否作废本条记录”, then the feedback countdown and “作废成功”; a paid one is refused
with the reason); u / F5 refresh from the service. Opening it with unpaid successful
declarations offers to pay (D7).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Select, Static

from sbtui.domain.vocab import STAFF, DeclarationStatus
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.declarations import DeclareError
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_detail import DeclarationDetail, FormsMixin
from sbtui.tui.screens.declare_dialogs import NoticeDialog, money
from sbtui.tui.screens.declare_submit import DeclFeedback, offer_payment
from sbtui.tui.strings import declare as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.filter_select import FilterSelect



def _keys(scope: str) -> list:
    return [
        *BaseScreen.BINDINGS,
        keyed(scope, "view", "enter", "view", S.KEY_VIEW),
        keyed(scope, "unit_form", "e", "form('unit')", S.KEY_UNIT_FORM),
        keyed(scope, "employee_form", "E", "form('employees')", S.KEY_EMPLOYEE_FORM, show=False),
        keyed(scope, "void", "v", "void", S.KEY_VOID),
        keyed(scope, "refresh", "u,f5", "refresh", S.KEY_REFRESH),
        keyed(scope, "filter", "f", "filter", S.KEY_FILTER, show=False),
    ]


class RecordsScreen(FormsMixin, BaseScreen):
    """申报记录 of 日常申报 and 特殊缴费申报."""
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data

    SCREEN_ID = "declare.records"
    KINDS: tuple[str, ...] = ("daily", "special")
    HEADING = S.TITLE_RECORDS
    CSS_PATH = "declare_records.tcss"
    LIST = "#rec-table"
    BINDINGS = _keys("declare.records")

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="rec-body") as body:
            body.border_title = f" {self.HEADING} "
            with Horizontal(id="rec-filters"):
                yield FilterSelect([(s, s) for s in S.STATUSES], label=S.F_STATUS, everything=S.F_ALL, id="rec-status",
                             compact=True)
                yield TextInput("", placeholder=S.F_DATE_FROM, id="rec-from", max_length=10, compact=True)
                yield TextInput("", placeholder=S.F_DATE_TO, id="rec-to", max_length=10, compact=True)
            table: DataTable = ColumnTable(id="rec-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 1
            table.add_columns(*S.RECORD_COLUMNS)
            yield table
            yield Static("", id="rec-note")
        yield Footer()

    offering = True  # the D7 offer is being decided: the list and the screen's keys wait

    def on_mount(self) -> None:
        self.load()
        self.offer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a key typed while the offer is being decided is not taken by the list behind it
        # (issue 15 item 6): the offer comes first, then the list takes keys
        return not self.offering or action == "app.back"

    def on_screen_resume(self) -> None:
        if not self.offering and self.focused is None:
            self.query_one(DataTable).focus()

    @work(exclusive=True, group="rec-offer")
    async def offer(self) -> None:
        """D7 (manual 001 §2.2.3 step 1): unpaid successful declarations → offer to pay —
        before the list takes keys (issue 15 item 6: a late pop-up must not swallow a key
        meant for the list)."""
        try:
            await offer_payment(self.app, self.employer.declarations, self.KINDS)
        finally:
            self.offering = False
            self.refresh_bindings()
            if self.is_attached and self.app.screen is self:
                self.query_one(DataTable).focus()

    # -- the list -------------------------------------------------------------------------------
    def _filters(self) -> tuple[str | None, str | None, str | None] | None:
        status = self.query_one("#rec-status", Select).value
        days = []
        for selector in ("#rec-from", "#rec-to"):
            text = self.query_one(selector, Input).value.strip()
            try:
                days.append(date.fromisoformat(text).isoformat() if text else None)
            except ValueError:
                self.notify(S.BAD_DATE, severity="warning")
                return None
        return (None if status is Select.NULL else str(status), days[0], days[1])

    @work(exclusive=True, group="rec-load")
    async def load(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        status, start, end = filters
        rows = await self.host.run_in_thread(
            lambda: self.employer.declarations.declarations(status=status, date_from=start, date_to=end))
        self.records = [r for r in rows if r.get("kind", "daily") in self.KINDS]
        table = self.query_one(DataTable)
        keep = self.current()
        table.clear()
        for r in self.records:
            table.add_row(str(r.get("submitted_at") or "")[:16].replace("T", " "), r["unit_number"],
                          S.KINDS.get(r.get("kind", "daily"), r.get("kind", "")), r["status"],
                          str(r.get("headcount") or 0), money(r.get("due_total") or "0"),
                          money(r.get("actual_total") or "0"), r.get("payment_status") or "")
        if keep is not None:
            row = next((i for i, r in enumerate(self.records) if r["id"] == keep["id"]), None)
            if row is not None:
                table.move_cursor(row=row)
        body = self.query_one("#rec-body")
        body.border_subtitle = S.RECORDS_COUNT.format(n=len(self.records))
        self._note()

    def current(self) -> dict[str, Any] | None:
        row = self.query_one(DataTable).cursor_row
        if not self.records or row is None or not 0 <= row < len(self.records):
            return None
        return self.records[row]

    def _note(self) -> None:
        r = self.current()
        text = S.RECORDS_EMPTY if not self.records else (r.get("message") or "" if r else "")
        self.query_one("#rec-note", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._note()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        self.load()

    @on(Input.Submitted)
    def _dates(self, event: Input.Submitted) -> None:
        event.stop()
        self.load()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#rec-status", Select))

    # -- view, forms ------------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        r = self.current()
        if r is None:
            self.notify(S.NONE_SELECTED, severity="warning")
            return
        self.app.push_screen(DeclarationDetail(r))

    def action_form(self, form: str) -> None:
        r = self.current()
        if r is None:
            self.notify(S.NONE_SELECTED, severity="warning")
            return
        self.export_form(r, form)

    # -- void ---------------------------------------------------------------------------------------
    @work(exclusive=True, group="rec-void")
    async def action_void(self) -> None:
        app: Any = self.app
        r = self.current()
        if r is None:
            self.notify(S.NONE_SELECTED, severity="warning")
            return
        if not await app.push_screen_wait(ConfirmDialog(S.VOID_CONFIRM, title=S.VOID_TITLE, danger=True)):
            return
        try:
            await app.run_in_thread(self.employer.declarations.queue_void, r["id"])
        except DeclareError as exc:
            self.notify(exc.message, severity="error", timeout=10)
            return
        self.load()
        if not app.online or self.session.offline:
            app.refresh_outbox()
            self.notify(S.VOID_QUEUED_OFFLINE, severity="warning", timeout=10)
            return
        records = await app.push_screen_wait(DeclFeedback([r["id"]], void=True))
        self.host.data_changed()  # this list, 首页's to-do, the declaration lists (issue 15 item 1)
        if not records:
            return
        done = records[0]
        text = S.VOID_DONE if done.get("status") == DeclarationStatus.VOIDED else S.VOID_FAILED.format(
            reason=done.get("message") or done.get("status") or "")
        await app.push_screen_wait(NoticeDialog(text, title=S.VOID_TITLE))

    # -- refresh ------------------------------------------------------------------------------------
    @work(exclusive=True, group="rec-refresh")
    async def action_refresh(self) -> None:
        try:
            await self.host.service_ready()
            n = await self.employer.declarations.refresh_declarations()
        except OfflineError:
            self.notify(S.OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.REFRESH_FAILED.format(error=exc), severity="error")
            return
        self.notify(S.REFRESHED.format(n=n))
        self.load()


class ProjectRecordsScreen(RecordsScreen):
    """工程项目社保费申报记录 (D10: not shown in 社保费申报 › 申报记录)."""

    SCREEN_ID = "project.records"
    KINDS = ("project",)
    HEADING = S.TITLE_PROJECT_RECORDS
    BINDINGS = _keys("project.records")


register_screen(ScreenSpec(id="declare.records", title=S.TITLE_RECORDS, menu=(S.MENU_GROUP, S.TITLE_RECORDS),
                           roles=STAFF, order=30, help=S.HELP_RECORDS, factory=lambda app: RecordsScreen()))
register_screen(ScreenSpec(id="project.records", title=S.TITLE_PROJECT_RECORDS,
                           menu=(S.MENU_PROJECT, S.TITLE_PROJECT_RECORDS), roles=STAFF, order=30,
                           help=S.HELP_PROJECT_RECORDS, factory=lambda app: ProjectRecordsScreen()))
