"""The list of open dues lines that 日常申报, 特殊缴费申报 and 工程项目社保费申报 share (SPEC D1–D5,
D9, D10, D12; manual 000 §3.1–3.3): the lines still 初始 from the local store (works offline),
filtered by 单位编号, 社保经办机构 and 费款所属期 (D4); Space ticks a whole D3 tick unit, ``a``
all shown; the line above the list sums the ticked lines; ``o`` edits the offset of a line with
a credit (D5); a line with a late fee has it as its own row below (D12); Enter shows a tax
line's employees; F5 updates from the service. Submitting lives in
:mod:`sbtui.tui.screens.declare_submit`; the three screens in :mod:`declare_daily`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Input, Select, Static

from sbtui.services.declarations import DeclareError, totals
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_dialogs import money
from sbtui.tui.screens.dues_query import DuesListMixin
from sbtui.tui.strings import declare as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.filter_select import FilterSelect


def period_text(line: dict[str, Any]) -> str:
    a, b = line["period_from"], line["period_to"]
    return a if a == b else f"{a}至{b}"


def rate_text(line: dict[str, Any]) -> str:
    if line.get("rate"):
        return str(line["rate"])
    return S.FIXED.format(amount=line["fixed"]) if line.get("fixed") else ""


def payable(line: dict[str, Any]) -> Decimal:
    return Decimal(str(line["due"])) - Decimal(str(line.get("reduction") or "0"))


class LinesScreen(DuesListMixin, BaseScreen):
    """Base of the three declaration lists; subclasses set the kind, columns and texts."""
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data

    KIND = "daily"
    HEADING = S.TITLE_DAILY
    COLUMNS: tuple[str, ...] = S.DAILY_COLUMNS
    FIXED_COLUMNS = 3  # 序号, 单位编号, 费款所属期 stay when scrolling right
    EMPTY = S.EMPTY_DAILY
    RECORDS = "declare.records"
    CSS_PATH = "declare_lines.tcss"
    LIST = "#decl-table"

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []  # every open line of the kind
        self.shown: list[dict[str, Any]] = []  # after the filters
        self.ticked: set[str] = set()  # line keys
        self.rows: list[tuple[dict[str, Any], bool]] = []  # per table row: (line, is its late fee)
        self.loaded = False

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="decl-body") as body:
            body.border_title = f" {self.HEADING} "
            with Horizontal(id="decl-filters"):
                yield FilterSelect([], label=S.F_UNIT, everything=S.F_ALL, id="decl-unit", compact=True)
                yield FilterSelect([], label=S.F_AGENCY, everything=S.F_ALL, id="decl-agency", compact=True)
                yield TextInput("", placeholder=S.F_FROM, id="decl-from", max_length=7, compact=True)
                yield TextInput("", placeholder=S.F_TO, id="decl-to", max_length=7, compact=True)
            yield Static("", id="decl-selected")
            table: DataTable = ColumnTable(id="decl-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = self.FIXED_COLUMNS
            table.add_columns(*self.COLUMNS)
            yield table
            yield Static("", id="decl-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    # -- loading and showing --------------------------------------------------------------------
    @work(exclusive=True, group="decl-load")
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        """Read the open lines (in a thread) and show them; ticks of lines gone are dropped."""
        self.lines = await self.host.run_in_thread(self._read)
        keys = {ln["key"] for ln in self.lines}
        self.ticked &= keys
        self._options("#decl-unit", sorted({ln["unit_number"] for ln in self.lines}))
        self._options("#decl-agency", sorted({ln.get("agency") or "" for ln in self.lines} - {""}))
        first = not self.loaded
        self.loaded = True
        self.show()
        self.after_load(first)

    def _read(self) -> list[dict[str, Any]]:
        return self.employer.declarations.open_lines(self.KIND)

    def after_load(self, first: bool) -> None:
        """A subclass may say something once the lines are there (特殊缴费: none, D9)."""

    def _options(self, selector: str, values: list[str]) -> None:
        select = self.query_one(selector, Select)
        keep = select.value
        select.set_options([(v, v) for v in values])
        if keep in values:
            select.value = keep

    def _filters(self) -> tuple[str | None, str | None, str | None, str | None] | None:
        unit = self.query_one("#decl-unit", Select).value
        agency = self.query_one("#decl-agency", Select).value
        months = self.period_range("decl-from", "decl-to")
        if months is None:
            return None
        start, end = months
        return (None if unit is Select.NULL else str(unit), None if agency is Select.NULL else str(agency),
                start, end)

    def show(self) -> None:
        """Apply the filters and fill the table (ticks hidden by a filter are dropped)."""
        filters = self._filters()
        if filters is None:
            return
        unit, agency, start, end = filters
        self.shown = [ln for ln in self.lines
                      if (not unit or ln["unit_number"] == unit) and (not agency or ln.get("agency") == agency)
                      and (not start or ln["period_to"] >= start) and (not end or ln["period_from"] <= end)]
        shown_ticks = {ln["tick"] for ln in self.shown}
        self.ticked = {ln["key"] for ln in self.lines if ln["key"] in self.ticked and ln["tick"] in shown_ticks}
        table = self.query_one(DataTable)
        at = self.current()
        table.clear()
        self.rows = []
        for n, ln in enumerate(self.shown, start=1):
            table.add_row(*self.cells(n, ln))
            self.rows.append((ln, False))
            if Decimal(str(ln.get("late_fee") or "0")) > 0:
                table.add_row(*self.late_cells(ln))
                self.rows.append((ln, True))
        if at is not None:
            row = next((i for i, (ln, late) in enumerate(self.rows) if ln["key"] == at["key"] and not late), None)
            if row is not None:
                table.move_cursor(row=row)
        body = self.query_one("#decl-body")
        body.border_subtitle = S.SHOWN.format(n=len(self.shown))
        self.show_totals()
        self.show_note()

    def mark(self, line: dict[str, Any], n: int) -> str:
        if line.get("expired"):
            return f"✗{n:>3}"
        return f"{S.TICK if line['key'] in self.ticked else ' '}{n:>3}"

    def cells(self, n: int, ln: dict[str, Any]) -> tuple[str, ...]:
        """The row of one line, in :attr:`COLUMNS` order (日常申报)."""
        head = "" if ln.get("headcount") is None else str(ln["headcount"])
        return (self.mark(ln, n), ln["unit_number"], period_text(ln), ln["item_name"], head,
                money(ln.get("wage_total")), money(ln.get("base_total")), rate_text(ln), money(ln["due"]),
                money(ln.get("reduction") or "0"), money(payable(ln)), money(ln.get("offset") or "0"),
                money(ln.get("actual")), S.SOURCES.get(ln["source"], ln["source"]))

    def late_cells(self, ln: dict[str, Any]) -> tuple[str, ...]:
        """The late fee's own row under its line (D12): the amount in 应缴费额."""
        cells = [""] * len(self.COLUMNS)
        place = self.COLUMNS.index(S.COL_ITEM) if S.COL_ITEM in self.COLUMNS else self.FIXED_COLUMNS
        cells[place] = S.LATE_FEE.format(amount=money(ln["late_fee"]))
        cells[self.COLUMNS.index(S.COL_DUE)] = money(ln["late_fee"])
        if S.COL_SOURCE in self.COLUMNS:
            cells[self.COLUMNS.index(S.COL_SOURCE)] = S.LATE_SOURCE
        return tuple(cells)

    def ticked_lines(self) -> list[dict[str, Any]]:
        return [ln for ln in self.lines if ln["key"] in self.ticked]

    def show_totals(self) -> None:
        """已勾选 n 条 · 缴费基数合计 · 应缴费额合计, then the offset and actual totals (D4, D5)."""
        t = totals(self.ticked_lines())
        text = S.SELECTED.format(n=t.lines, base=money(t.base_total), due=money(t.due_total))
        more = S.SELECTED_MORE.format(offset=money(t.offset_total), actual=money(t.actual_total))
        if t.late_fee_total:
            more += S.SELECTED_LATE.format(late=money(t.late_fee_total))
        if not self.lines:
            text, more = (self.EMPTY, "") if self.loaded else ("", "")
        elif not self.shown:
            text, more = S.EMPTY_FILTER, ""
        self.query_one("#decl-selected", Static).update(f"{text}\n{more}".rstrip())

    def current(self) -> dict[str, Any] | None:
        """The line under the cursor (a late-fee row stands for its line)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row][0]

    def show_note(self) -> None:
        """Under the list: the cursor line's item and source, its offset limit, late fee, remark."""
        ln = self.current()
        note = self.query_one("#decl-note", Static)
        if ln is None:
            note.update("")
            return
        text = S.NOTE_LINE.format(item=ln["item_name"], source=S.SOURCES.get(ln["source"], ln["source"]))
        if Decimal(str(ln.get("max_offset") or "0")) > 0:
            text += S.NOTE_MAX_OFFSET.format(max=money(ln["max_offset"]))
        if Decimal(str(ln.get("late_fee") or "0")) > 0:
            text += S.NOTE_LATE.format(late=money(ln["late_fee"]), deadline=ln.get("deadline") or "")
        if ln.get("valid_until"):
            text += S.NOTE_VALID.format(date=ln["valid_until"])
        if ln.get("expired"):
            text += S.NOTE_EXPIRED
        if ln.get("remark"):
            text += S.NOTE_REMARK.format(remark=ln["remark"])
        note.update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self.show_note()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        self.show()

    @on(Input.Submitted)
    def _period(self, event: Input.Submitted) -> None:
        event.stop()
        self.show()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#decl-unit", Select))  # at once: a key typed right after goes there

    # -- ticking (D3) ---------------------------------------------------------------------------
    def action_tick(self) -> None:
        """Space: tick or untick the whole tick unit of the cursor's line."""
        ln = self.current()
        if ln is None:
            return
        if ln.get("expired"):
            self.notify(S.TICK_EXPIRED, severity="warning")
            return
        members = [m["key"] for m in self.lines if m["tick"] == ln["tick"]]
        if ln["key"] in self.ticked:
            self.ticked.difference_update(members)
        else:
            self.ticked.update(members)
        self._repaint_marks()

    def action_tick_all(self) -> None:
        """a: tick every line shown (expired ones cannot be); again: untick them."""
        can = [ln for ln in self.shown if not ln.get("expired")]
        ticks = {ln["tick"] for ln in can}
        keys = {m["key"] for m in self.lines if m["tick"] in ticks}
        if keys and keys <= self.ticked:
            self.ticked -= keys
        else:
            self.ticked |= keys
        self._repaint_marks()

    def _repaint_marks(self) -> None:
        table = self.query_one(DataTable)
        n = 0
        for row, (ln, late) in enumerate(self.rows):
            if late:
                continue
            n += 1
            table.update_cell_at(Coordinate(row, 0), self.mark(ln, n))
        self.show_totals()

    # -- offset (D5) ----------------------------------------------------------------------------
    @work(exclusive=True, group="decl-edit")
    async def action_offset(self) -> None:
        app: Any = self.app
        ln = self.current()
        if ln is None:
            return
        limit = Decimal(str(ln.get("max_offset") or "0"))
        if limit <= 0:
            self.notify(S.NO_OFFSET, severity="warning")
            return
        message = S.OFFSET_PROMPT.format(item=ln["item_name"], period=period_text(ln), payable=money(payable(ln)),
                                         max=money(limit))
        offset = Decimal(str(ln.get("offset") or "0"))
        value, error = (f"{offset:.2f}" if offset else ""), ""
        while True:
            text = await app.push_screen_wait(PromptDialog(message, title=S.OFFSET_TITLE, value=value,
                                                           error=error, empty=None, max_length=16))
            if text is None:
                return
            try:
                offset = await app.run_in_thread(self.employer.declarations.set_offset, ln["key"], text)
            except DeclareError as exc:
                value, error = text, exc.message  # asked again, the reason under the field
                continue
            self.notify(S.OFFSET_SAVED.format(offset=money(offset)))
            self.load()
            return

    # -- employees of a tax line (D1) -------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        ln = self.current()
        if ln is not None:
            self.open_due_detail(ln)

    # -- update (F5) ----------------------------------------------------------------------------
    async def updated(self) -> str:
        await self.reload()
        return S.UPDATED.format(n=len(self.lines))
