"""新增退费申请's query screens (SPEC R1, R2; manual 000 §4.3): 税票退费 — the paid records of a
费款所属期 range (or one 电子税票号码), ticked whole; 职工明细退费 — the employees' paid fee and
late-fee lines of a range (one employee by 证件号码 or 姓名), ticked, with the 调整后缴费基数 typed
per fee line (``b``) and each line's 退费金额 shown as the seed's table shows it. Space ticks,
``a`` ticks every open row, ``n`` 下一步 → 选择退费账户 (:class:`.refunds_form.RefundForm`);
Esc from the list goes back (nothing sent). The queries ask the service (online only).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from sbtui import clock
from sbtui.domain.money import ZERO
from sbtui.domain.refund import RefundError, late_fee_refund
from sbtui.domain.vocab import PaidLineKind
from sbtui.remote.errors import OfflineError
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import money, period_text
from sbtui.tui.screens.refunds_form import RefundForm
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Field, Row, RowListScreen, month_fields, optional_text
from sbtui.tui.strings import lists as L
from sbtui.tui.strings import refunds as S


class PickScreen(RowListScreen):
    """What both query screens share: ticks, the summary above the list, 下一步, Esc back."""

    CSS_PATH = [ROW_LIST_CSS, "refunds.tcss"]
    COUNT = ""  # the summary says it
    OFFLINE = S.QUERY_OFFLINE

    def __init__(self) -> None:
        super().__init__()
        self.ticked: set[str] = set()

    def compose_top(self) -> ComposeResult:
        yield from super().compose_top()
        yield Static("", id=f"{self.PREFIX}-summary", classes="refund-summary")

    def on_mount(self) -> None:
        today = clock.today()
        self.query_one(self.ident("period_from"), Input).value = f"{today.year}-01"
        self.query_one(self.ident("period_to"), Input).value = f"{today:%Y-%m}"
        super().on_mount()

    async def refresh_from_service(self) -> None:
        """The query itself asks the service: nothing to download first."""

    async def reload(self) -> None:
        try:
            await self.host.service_ready()
        except OfflineError:
            self.notify(S.QUERY_OFFLINE, severity="warning")
            return
        await super().reload()

    def summary(self, text: str) -> None:
        self.query_one(self.ident("summary"), Static).update(text)

    def go_back(self) -> None:
        table = self.query_one(self.ident("table"))
        if self.focused is not table:
            table.focus()
            return
        self.dismiss(False)

    def open_items(self) -> list[Any]:
        return [x for x in self.items if x.refundable]

    def action_tick(self) -> None:
        item = self.current()
        if item is None:
            return
        if not item.refundable:
            self.notify(S.TICKED_TAKEN, severity="warning")
            return
        self.ticked ^= {self.key_of(item)}
        self.show()

    def action_tick_all(self) -> None:
        keys = {self.key_of(x) for x in self.open_items()}
        self.ticked = set() if keys and keys <= self.ticked else keys
        self.show()

    def ticked_items(self) -> list[Any]:
        return [x for x in self.items if self.key_of(x) in self.ticked]

    @work(exclusive=True, group="refund-next")
    async def action_next(self) -> None:
        app: Any = self.app
        try:
            total = self.total()
        except RefundError as exc:
            self.notify(exc.message, severity="warning")
            return
        svc = self.employer.refunds
        submitted = await app.push_screen_wait(RefundForm(svc, self.submit, total, svc.defaults()))
        if submitted:
            self.dismiss(True)

    def total(self) -> Decimal:
        raise NotImplementedError

    async def submit(self, form: dict[str, Any]) -> Any:
        raise NotImplementedError


def _bindings(scope: str) -> list[Any]:
    return [*BaseScreen.BINDINGS,
            keyed(scope, "tick", "space", "tick", S.KEY_TICK),
            keyed(scope, "tick_all", "a", "tick_all", S.KEY_TICK_ALL),
            keyed(scope, "next", "n", "next", S.KEY_NEXT),
            keyed(scope, "export", "x", "export", L.KEY_EXPORT),
            keyed(scope, "filter", "f", "filter", L.KEY_FILTER)]


class TicketRecordsScreen(PickScreen):
    """税票退费 (R1): whole records."""

    SCREEN_ID = "refunds.ticket"
    PREFIX = "rticket"
    HEADING = S.TICKET_TITLE
    COLUMNS = S.TICKET_COLUMNS
    EMPTY = S.TICKET_EMPTY
    FIELDS = (*month_fields(), Field("ticket_number", S.F_TICKET, optional_text, width=24))
    BINDINGS = _bindings("refunds.ticket")

    async def fetch(self, period_from: str | None, period_to: str | None,
                    ticket_number: str | None) -> list[Any]:
        if not period_from:
            return []
        if period_to and period_to < period_from:
            raise ValueError(S.PERIOD_ORDER)
        records = await self.employer.refunds.paid_records(period_from, period_to,
                                                           ticket_number=ticket_number)
        self.ticked &= {r.ticket_number for r in records if r.refundable}
        return records

    def key_of(self, r: Any) -> Any:
        return r.ticket_number

    def cells(self, r: Any) -> tuple[str, ...]:
        return ("✓" if r.ticket_number in self.ticked else " ", r.ticket_number, r.unit_number,
                r.booked_on.isoformat(), period_text(r), r.items, money(r.total),
                S.TICKET_OPEN if r.refundable else S.TICKET_TAKEN)

    def note(self, r: Any) -> str:
        return S.TICKET_NOTE.format(items=r.items, amount=money(r.amount), late=money(r.late_fee),
                                    n=len(r.lines))

    def after_show(self) -> None:
        ticked = self.ticked_items()
        self.summary(S.TICKET_SUMMARY.format(n=len(ticked), total=money(sum((r.total for r in ticked), ZERO))))

    def total(self) -> Decimal:
        return self.employer.refunds.ticket_total(self.ticked_items())

    async def submit(self, form: dict[str, Any]) -> Any:
        return await self.employer.refunds.submit_tickets(self.ticked_items(), form)


class EmployeeLinesScreen(PickScreen):
    """职工明细退费 (R2): per employee, item and period, with the adjusted base."""

    SCREEN_ID = "refunds.employee"
    PREFIX = "remployee"
    HEADING = S.EMPLOYEE_TITLE
    COLUMNS = S.EMPLOYEE_COLUMNS
    FIXED_COLUMNS = 2
    EMPTY = S.EMPLOYEE_EMPTY
    FIELDS = (*month_fields(), Field("id_number", S.F_ID_NUMBER, optional_text, width=18),
              Field("name", S.F_NAME, optional_text, width=10))
    BINDINGS = [*_bindings("refunds.employee"),
                keyed("refunds.employee", "base", "b", "base", S.KEY_BASE)]

    def __init__(self) -> None:
        super().__init__()
        self.bases: dict[str, str] = {}  # fee key -> 调整后缴费基数 as typed

    async def fetch(self, period_from: str | None, period_to: str | None, id_number: str | None,
                    name: str | None) -> list[Any]:
        if not period_from:
            return []
        if period_to and period_to < period_from:
            raise ValueError(S.PERIOD_ORDER)
        lines = await self.employer.refunds.paid_lines(period_from, period_to, id_number=id_number,
                                                       name=name)
        self.ticked &= {ln.key for ln in lines if ln.refundable}
        return lines

    def key_of(self, ln: Any) -> Any:
        return ln.key

    def amounts(self) -> dict[str, Decimal]:
        """Each line's 退费金额 on what is typed so far (late fees: when their fee is ticked)."""
        svc = self.employer.refunds
        out: dict[str, Decimal] = {}
        fees = {ln.key: ln for ln in self.items if ln.kind == PaidLineKind.FEE}
        for ln in self.items:
            if ln.kind == PaidLineKind.FEE and ln.key in self.bases:
                out[ln.key] = svc.line_amount(ln, self.bases[ln.key]) or ZERO
        for ln in self.items:
            fee = fees.get(ln.fee_key or "")
            if ln.kind == PaidLineKind.LATE_FEE and fee is not None and fee.key in self.ticked and out.get(fee.key):
                out[ln.key] = late_fee_refund(ln.paid, out[fee.key], fee.paid)
        return out

    def table_rows(self) -> Iterator[tuple[Row, Sequence[str]]]:
        self._amounts = self.amounts()
        for ln in self.items:
            yield Row(ln), self.cells(ln)

    def cells(self, ln: Any) -> tuple[str, ...]:
        amounts = getattr(self, "_amounts", {})
        late = ln.kind == PaidLineKind.LATE_FEE
        adjusted = "" if late else self.bases.get(ln.key, "")
        if late:
            adjusted = money(ln.base)  # the seed's table: the fee it accrued on, unchanged
        return ("✓" if ln.key in self.ticked else " ", ln.name, ln.id_number,
                f"{ln.item_name}{S.LATE_FEE if late else ''}", ln.voucher_kind, period_text(ln),
                money(ln.paid), money(amounts.get(ln.key, ZERO)), money(ln.base), adjusted)

    def note(self, ln: Any) -> str:
        text = S.EMPLOYEE_NOTE.format(name=ln.name, id_type=ln.id_type, id_number=ln.id_number,
                                      type=ln.type_name, item=ln.item_name, ticket=ln.ticket_number,
                                      booked=ln.booked_on.isoformat())
        if ln.kind == PaidLineKind.LATE_FEE:
            text += S.EMPLOYEE_NOTE_LATE
        if not ln.refundable:
            text += S.EMPLOYEE_NOTE_TAKEN.format(amount=money(ln.refunded))
        return text

    def after_show(self) -> None:
        amounts = getattr(self, "_amounts", {})
        ticked = self.ticked_items()
        total = sum((amounts.get(ln.key, ZERO) for ln in ticked), ZERO)
        self.summary(S.EMPLOYEE_SUMMARY.format(n=len(ticked), total=money(total)))

    @work(exclusive=True, group="refund-base")
    async def action_base(self) -> None:
        app: Any = self.app
        ln = self.chosen()
        if ln is None:
            return
        if ln.kind != PaidLineKind.FEE:
            self.notify(S.BASE_NOT_FEE, severity="warning")
            return
        if not ln.refundable:
            self.notify(S.TICKED_TAKEN, severity="warning")
            return
        svc = self.employer.refunds

        def check(text: str) -> str | None:
            try:
                svc.employee_amounts([ln], {ln.key: text})
            except RefundError as exc:  # about this line: its key is not worth showing here
                return exc.message.removesuffix(f"：{ln.key}")
            return None

        typed = await app.push_screen_wait(PromptDialog(
            S.BASE_PROMPT.format(name=ln.name, item=ln.item_name, period=period_text(ln), base=money(ln.base)),
            title=S.BASE_TITLE, value=self.bases.get(ln.key, ""), check=check, max_length=16))
        if typed is None:
            return
        self.bases[ln.key] = typed
        self.ticked.add(ln.key)
        self.show()

    def total(self) -> Decimal:
        ticked = self.ticked_items()
        amounts = self.employer.refunds.employee_amounts(ticked, self.bases)
        return sum((a.amount for a in amounts), ZERO)

    async def submit(self, form: dict[str, Any]) -> Any:
        return await self.employer.refunds.submit_employee(self.ticked_items(), self.bases, form)
