"""费款缴纳 › 缴费 (SPEC P1, D12; manual 000 §4.1, 001 §2.3.1): every declared unpaid line
(the pay list of the service layer), grouped by declaration with each late fee as its own row
under its line; Space ticks a whole declaration, ``a`` all; above the list the ticked count and
totals (应缴费款, 滞纳金, 合计); ``p`` 立即缴费 (:mod:`sbtui.tui.screens.pay_flow`); F5 / ``u``
downloads the list again (it is also downloaded on opening). Offline the last list is shown.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Static

from sbtui.domain.vocab import EVERYONE
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import LinesDialog, call, decimal, money, period_text, service_message
from sbtui.tui.screens.pay_flow import PayFlowMixin
from sbtui.tui.strings import payments as S
from sbtui.tui.widgets.column_table import ColumnTable


class PayScreen(PayFlowMixin, BaseScreen):
    """缴费: the pay list, its ticks and totals, and 立即缴费."""
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data

    SCREEN_ID = "pay"
    CSS_PATH = "pay.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("pay", "tick", "space", "tick", S.KEY_TICK),
        keyed("pay", "tick_all", "a", "tick_all", S.KEY_TICK_ALL),
        keyed("pay", "pay", "p", "pay", S.KEY_PAY),
        keyed("pay", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("pay", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[Any] = []  # PayLine, grouped by declaration
        self.ticked: set[str] = set()  # declaration ids
        self.rows: list[tuple[Any, bool]] = []  # per table row: (line, is its late fee)
        self.numbers: dict[str, str] = {}  # line key -> 序号 “申报记录-行”
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pay-body") as body:
            body.border_title = f" {S.TITLE_PAY} "
            yield Static(S.LOADING, id="pay-selected")
            table: DataTable = ColumnTable(id="pay-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 2
            table.add_columns(*S.PAY_COLUMNS)
            yield table
            yield Static("", id="pay-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()
        self.download(quiet=True)

    # -- the list -------------------------------------------------------------------------------
    @work(exclusive=True, group="pay-load")
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        pay = self.employer.payments
        lines = await call(self.host, pay.due_lines)
        groups = pay.by_declaration(lines)
        self.lines = [ln for group in groups.values() for ln in group]
        self.ticked &= set(groups)
        self.loaded = True
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        at = self.current()
        table.clear()
        self.rows = []
        self.numbers = {}
        group, within, last = 0, 0, None
        for ln in self.lines:
            if ln.declaration_id != last:
                group, within, last = group + 1, 0, ln.declaration_id
            within += 1
            self.numbers[ln.key] = f"{group}-{within}"
        for ln in self.lines:
            table.add_row(self.mark(ln), ln.unit_number, period_text(ln), ln.item_name, money(ln.amount),
                          ln.deadline.isoformat(), ln.agency or "")
            self.rows.append((ln, False))
            if decimal(ln.late_fee) > 0:
                table.add_row("", "", "", S.LATE_ROW.format(days=ln.days_late), money(ln.late_fee), "", "")
                self.rows.append((ln, True))
        if at is not None:
            row = next((i for i, (ln, late) in enumerate(self.rows) if ln.key == at.key and not late), None)
            if row is not None:
                table.move_cursor(row=row)
        self.show_totals()
        self.show_note()

    def mark(self, line: Any) -> str:
        """✓ and 序号 “申报记录-行” (the tick unit is the declaration)."""
        return f"{S.TICK if line.declaration_id in self.ticked else ' '}{self.numbers.get(line.key, ''):>5}"

    def ticked_lines(self) -> list[Any]:
        return [ln for ln in self.lines if ln.declaration_id in self.ticked]

    def show_totals(self) -> None:
        pay = self.employer.payments
        if not self.lines:
            self.query_one("#pay-selected", Static).update(S.EMPTY if self.loaded else S.LOADING)
            return
        t = pay.totals(self.ticked_lines())
        every = pay.totals(self.lines)
        text = S.SELECTED.format(n=t.count, amount=money(t.amount), late=money(t.late_fee), total=money(t.total))
        text += "\n" + S.ALL_DUE.format(n=every.count, decls=len({ln.declaration_id for ln in self.lines}),
                                        amount=money(every.amount), late=money(every.late_fee),
                                        total=money(every.total))
        self.query_one("#pay-selected", Static).update(text)

    def current(self) -> Any | None:
        row = self.query_one(DataTable).cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row][0]

    def show_note(self) -> None:
        ln = self.current()
        if ln is None:
            self.query_one("#pay-note", Static).update("")
            return
        text = S.NOTE_LINE.format(item=ln.item_name, type=ln.type_name or ln.item, decl=ln.declaration_id,
                                  deadline=ln.deadline.isoformat())
        if decimal(ln.late_fee) > 0:
            text += S.NOTE_LATE.format(days=ln.days_late, late=money(ln.late_fee))
        self.query_one("#pay-note", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self.show_note()

    # -- ticking --------------------------------------------------------------------------------
    def action_tick(self) -> None:
        """Space: tick or untick every line of the cursor's declaration."""
        ln = self.current()
        if ln is None:
            return
        self.ticked ^= {ln.declaration_id}
        self._repaint_marks()

    def action_tick_all(self) -> None:
        every = {ln.declaration_id for ln in self.lines}
        self.ticked = set() if every and every <= self.ticked else every
        self._repaint_marks()

    def _repaint_marks(self) -> None:
        table = self.query_one(DataTable)
        for row, (ln, late) in enumerate(self.rows):
            if not late:
                table.update_cell_at(Coordinate(row, 0), self.mark(ln))
        self.show_totals()

    # -- view -----------------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        """Enter: the lines of the cursor's declaration."""
        ln = self.current()
        if ln is None:
            return
        group = [m for m in self.lines if m.declaration_id == ln.declaration_id]
        t = self.employer.payments.totals(group)
        head = S.NOTE_LINE.format(item=ln.item_name, type=ln.type_name or ln.item, decl=ln.declaration_id,
                                  deadline=ln.deadline.isoformat())
        head += "\n" + S.SELECTED.format(n=t.count, amount=money(t.amount), late=money(t.late_fee),
                                         total=money(t.total))
        self.app.push_screen(LinesDialog(S.TITLE_PAY, head, group))

    # -- refresh --------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.download(quiet=False)

    @work(exclusive=True, group="pay-refresh")
    async def download(self, quiet: bool = False) -> None:
        """Download the pay list from the service (on opening: quietly; F5: says how many)."""
        try:
            await self.host.service_ready()
            await self.employer.payments.refresh()
        except OfflineError:
            self.notify(S.OFFLINE_LIST, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.REFRESH_FAILED.format(error=service_message(exc)), severity="error")
            return
        await self.reload()
        if not quiet:
            self.notify(S.REFRESHED.format(n=len(self.lines)))

    def totals_of(self, lines: list[Any]) -> tuple[int, Decimal, Decimal, Decimal]:
        t = self.employer.payments.totals(lines)
        return t.count, decimal(t.amount), decimal(t.late_fee), decimal(t.total)


register_screen(ScreenSpec(id="pay", title=S.TITLE_PAY, menu=(S.MENU_GROUP, S.TITLE_PAY), roles=EVERYONE,
                           order=10, help=S.HELP_PAY, factory=lambda app: PayScreen()))
