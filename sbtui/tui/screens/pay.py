"""费款缴纳 › 缴费 (SPEC P1, D12; manual 000 §4.1, 001 §2.3.1): every declared unpaid line
(the pay list of the service layer), grouped by declaration with each late fee as its own row
under its line; Space ticks a whole declaration, ``a`` all; above the list the ticked count and
totals (应缴费款, 滞纳金, 合计); ``p`` 立即缴费 (:mod:`sbtui.tui.screens.pay_flow`); F5 / ``u``
downloads the list again (it is also downloaded on opening). Offline the last list is shown.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import EVERYONE
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import LinesDialog, call, decimal, money, period_text
from sbtui.tui.screens.pay_flow import PayFlowMixin
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Row, RowListScreen
from sbtui.tui.strings import payments as S


class PayScreen(PayFlowMixin, RowListScreen):
    """缴费: the pay list, its ticks and totals, and 立即缴费."""

    SCREEN_ID = "pay"
    CSS_PATH = [ROW_LIST_CSS, "pay.tcss"]
    PREFIX = "pay"
    HEADING = S.TITLE_PAY
    COLUMNS = S.PAY_COLUMNS
    FIXED_COLUMNS = 2
    COUNT = ""  # the totals above the list say how many
    EMPTY = ""  # said above the list, where the totals stand
    REFRESHED = S.REFRESHED
    OFFLINE = S.OFFLINE_LIST
    OFFLINE_ON_OPEN = True  # paying needs the service: say so at once
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("pay", "tick", "space", "tick", S.KEY_TICK),
        keyed("pay", "tick_all", "a", "tick_all", S.KEY_TICK_ALL),
        keyed("pay", "pay", "p", "pay", S.KEY_PAY),
        keyed("pay", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("pay", "export", "x", "export", S.KEY_EXPORT, show=False),
        keyed("pay", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ticked: set[str] = set()  # declaration ids
        self.numbers: dict[str, str] = {}  # line key -> 序号 “申报记录-行”

    @property
    def lines(self) -> list[Any]:
        """The PayLines, grouped by declaration (a row each, and one more under a late fee)."""
        return self.items

    def compose_top(self) -> ComposeResult:
        yield Static(S.LOADING, id="pay-selected")

    # -- the list -------------------------------------------------------------------------------
    async def fetch(self, **query: Any) -> list[Any]:
        pay = self.employer.payments
        groups = pay.by_declaration(await call(self.host, pay.due_lines))
        self.ticked &= set(groups)
        return [ln for group in groups.values() for ln in group]

    async def refresh_from_service(self) -> None:
        await self.employer.payments.refresh()

    def key_of(self, line: Any) -> Any:
        return line.key

    def cells(self, ln: Any) -> tuple[str, ...]:
        return (self.mark(ln), ln.unit_number, period_text(ln), ln.item_name, money(ln.amount),
                ln.deadline.isoformat(), ln.agency or "")

    def table_rows(self) -> Iterator[tuple[Row, tuple[str, ...]]]:
        """Each line, and its late fee as a row of its own under it (D12)."""
        self.numbers = {}
        group, within, last = 0, 0, None
        for ln in self.lines:
            if ln.declaration_id != last:
                group, within, last = group + 1, 0, ln.declaration_id
            within += 1
            self.numbers[ln.key] = f"{group}-{within}"
        for ln in self.lines:
            yield Row(ln), self.cells(ln)
            if decimal(ln.late_fee) > 0:
                yield Row(ln, extra=True), ("", "", "", S.LATE_ROW.format(days=ln.days_late), money(ln.late_fee),
                                            "", "")

    def after_show(self) -> None:
        self.show_totals()

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

    def note(self, ln: Any) -> str:
        text = S.NOTE_LINE.format(item=ln.item_name, type=ln.type_name or ln.item, decl=ln.declaration_id,
                                  deadline=ln.deadline.isoformat())
        if decimal(ln.late_fee) > 0:
            text += S.NOTE_LATE.format(days=ln.days_late, late=money(ln.late_fee))
        return text

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

    def totals_of(self, lines: list[Any]) -> tuple[int, Decimal, Decimal, Decimal]:
        t = self.employer.payments.totals(lines)
        return t.count, decimal(t.amount), decimal(t.late_fee), decimal(t.total)


register_screen(ScreenSpec(id="pay", title=S.TITLE_PAY, menu=(S.MENU_GROUP, S.TITLE_PAY), roles=EVERYONE,
                           order=10, help=S.HELP_PAY, factory=lambda app: PayScreen()))
