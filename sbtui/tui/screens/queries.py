"""查询统计 › 社保费到账信息查询, 社保费批扣情况查询 and 对账 (SPEC Q1; issue 13), on
:class:`~sbtui.tui.screens.row_list.RowListScreen`; the data is the local store's
(:class:`sbtui.services.queries.QueriesService`), F5 / ``u`` refreshes it from the service, ``x``
exports the list (the service's typed table).

- 社保费到账信息查询: every booked line — 电子税票号码, 入库日期, 单位编号, 费款所属期, 征收品目, amounts,
  缴费方式; query 费款所属期起止 and 电子税票号码; Enter shows all lines of the cursor's ticket.
- 社保费批扣情况查询: above the list the 费批扣 agreement (or that there is none) and the dues on a
  batch list; the list: the debits made through it, with their results; Enter their lines.
- 对账: per 单位编号 × 费款所属期, 应缴 → 已申报 → 已缴费 → 已开具证明 (→ 已退费), the gaps flagged;
  ``g`` only the rows with a gap.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sbtui.domain.money import ZERO
from sbtui.domain.vocab import STAFF, AgreementStatus, PayMethod, label
from sbtui.services.queries import gaps_text
from sbtui.services.tables import Table
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import LinesDialog, call, money
from sbtui.tui.screens.pay_records import local_time
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Field, RowListScreen, month_fields
from sbtui.tui.strings import queries as S


def _period(a: str, b: str) -> str:
    return a if a == b else f"{a}至{b}"


class QueryScreen(RowListScreen):
    """What the three share: the data from QueriesService, refreshed from the service."""

    async def refresh_from_service(self) -> None:
        await self.employer.queries.refresh()


class ReceivedScreen(QueryScreen):
    """社保费到账信息查询."""

    SCREEN_ID = "query.received"
    PREFIX = "received"
    HEADING = S.TITLE_RECEIVED
    COLUMNS = S.RECEIVED_COLUMNS
    EMPTY = S.RECEIVED_EMPTY
    COUNT = ""  # with the total, in after_show
    FIELDS = (*month_fields(), Field("ticket", S.F_TICKET, width=24))
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("query.received", "view", "enter", "view", S.KEY_VIEW),
        keyed("query.received", "export", "x", "export", S.KEY_EXPORT),
        keyed("query.received", "filter", "f", "filter", S.KEY_FILTER),
        keyed("query.received", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    async def fetch(self, period_from: str | None, period_to: str | None, ticket: str | None) -> list[Any]:
        return await call(self.host, self.employer.queries.received, period_from, period_to, ticket)

    def cells(self, r: Any) -> tuple[str, ...]:
        return (r.ticket_number, r.booked_on.isoformat(), r.unit_number, _period(r.period_from, r.period_to),
                r.item_name, money(r.amount), money(r.late_fee), label(r.method, PayMethod))

    def note(self, r: Any) -> str:
        kind = S.SOURCE_VOUCHER if r.method == PayMethod.VOUCHER else S.SOURCE_PAYMENT
        return S.RECEIVED_NOTE.format(type=r.type_name or r.item_name, paid_on=r.paid_on.isoformat(),
                                      source_kind=kind, source=r.source)

    def after_show(self) -> None:
        total = sum((r.total for r in self.items), ZERO)
        self.query_one(self.ident("body")).border_subtitle = S.RECEIVED_COUNT.format(n=len(self.items),
                                                                                     total=money(total))

    def export_table(self) -> Table:
        return self.employer.queries.received_table(self.items)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        """Enter: every line of the cursor's 电子税票号码."""
        r = self.chosen()
        if r is None:
            return
        same = [x for x in self.items if x.ticket_number == r.ticket_number]
        amount = sum((x.amount for x in same), ZERO)
        late = sum((x.late_fee for x in same), ZERO)
        head = S.TICKET_HEAD.format(booked=r.booked_on.isoformat(), n=len(same), amount=money(amount),
                                    late=money(late), total=money(amount + late))
        self.app.push_screen(LinesDialog(S.TICKET_TITLE.format(ticket=r.ticket_number), head, same))


class BatchScreen(QueryScreen):
    """社保费批扣情况查询."""

    SCREEN_ID = "query.batch"
    CSS_PATH = [ROW_LIST_CSS, "queries.tcss"]
    PREFIX = "batch"
    HEADING = S.TITLE_BATCH
    COLUMNS = S.BATCH_COLUMNS
    COUNT = S.BATCH_COUNT
    EMPTY = S.BATCH_EMPTY
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("query.batch", "view", "enter", "view", S.KEY_VIEW),
        keyed("query.batch", "export", "x", "export", S.KEY_EXPORT),
        keyed("query.batch", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state: Any = None

    def compose_top(self) -> ComposeResult:
        yield Static("", id="batch-agreement")

    async def fetch(self) -> list[Any]:
        self.state = await call(self.host, self.employer.queries.batch)
        return self.state.debits

    def cells(self, d: Any) -> tuple[str, ...]:
        return (local_time(d.paid_at), d.agreement_id, str(d.status), money(d.total), money(d.amount),
                money(d.late_fee), str(d.lines), d.period, d.reason)

    def note(self, d: Any) -> str:
        return S.BATCH_NOTE.format(bank=d.bank, account=d.account, name=d.account_name).strip()

    def after_show(self) -> None:
        state = self.state
        a = state.agreement
        lines = [S.BATCH_AGREEMENT.format(id=a["id"], status=a.get("status", ""), bank=a.get("bank", ""),
                                          account=a.get("account", ""), name=a.get("account_name", ""))
                 if a is not None else S.BATCH_NONE]
        ended = [x["id"] for x in state.agreements if x.get("status") == AgreementStatus.ENDED]
        if ended:
            lines[0] += " · " + S.BATCH_ENDED.format(ids="、".join(ended))
        lines.append(S.BATCH_LISTED.format(n=state.listed, amount=money(state.listed_amount)))
        self.query_one("#batch-agreement", Static).update("\n".join(lines))

    def export_table(self) -> Table:
        return self.employer.queries.batch_table(self.items)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        """Enter: the lines of the cursor's debit."""
        d = self.chosen()
        if d is None:
            return
        p = self.employer.payments.payment(d.id)
        head = S.DEBIT_HEAD.format(status=d.status, reason=f"：{d.reason}" if d.reason else "",
                                   paid_at=local_time(d.paid_at), agreement=d.agreement_id, amount=money(d.amount),
                                   late=money(d.late_fee), total=money(d.total))
        self.app.push_screen(LinesDialog(S.DEBIT_TITLE, head, p.lines if p is not None else []))


class ReconcileScreen(QueryScreen):
    """对账."""

    SCREEN_ID = "query.reconcile"
    PREFIX = "reconcile"
    HEADING = S.TITLE_RECONCILE
    COLUMNS = S.RECONCILE_COLUMNS
    FIXED_COLUMNS = 2
    COUNT = ""  # with the gap count, in after_show
    EMPTY = S.RECONCILE_EMPTY
    FIELDS = month_fields()
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("query.reconcile", "gaps", "g", "gaps", S.KEY_GAPS),
        keyed("query.reconcile", "export", "x", "export", S.KEY_EXPORT),
        keyed("query.reconcile", "filter", "f", "filter", S.KEY_FILTER),
        keyed("query.reconcile", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.only_gaps = False

    async def fetch(self, period_from: str | None, period_to: str | None) -> list[Any]:
        rows = await call(self.host, self.employer.queries.reconcile, period_from, period_to)
        return [r for r in rows if r.gaps] if self.only_gaps else rows

    def key_of(self, r: Any) -> Any:
        return (r.unit_number, r.period_from, r.period_to)

    def cells(self, r: Any) -> tuple[str, ...]:
        return (r.unit_number, r.period, money(r.due), money(r.declared), money(r.paid), money(r.certified),
                money(r.refunded), gaps_text(r) or S.RECONCILE_OK)

    def note(self, r: Any) -> str:
        if not r.gaps:
            return S.RECONCILE_NOTE_OK.format(lines=r.lines, late=money(r.late_fee))
        back = S.RECONCILE_LATE_BACK.format(amount=money(r.refunded_late)) if r.refunded_late else ""
        return S.RECONCILE_NOTE.format(lines=r.lines, late=money(r.late_fee), late_back=back, gaps=gaps_text(r))

    def after_show(self) -> None:
        text = S.RECONCILE_COUNT.format(n=len(self.items), gaps=sum(1 for r in self.items if r.gaps))
        if self.only_gaps:
            text += f" · {S.RECONCILE_ONLY_GAPS}"
        self.query_one(self.ident("body")).border_subtitle = text

    def export_table(self) -> Table:
        return self.employer.queries.reconcile_table(self.items)

    def action_gaps(self) -> None:
        """``g``: only the rows with a gap, or all again."""
        self.only_gaps = not self.only_gaps
        self.load()


for _spec in (
    ScreenSpec(id="query.received", title=S.TITLE_RECEIVED, menu=(S.MENU_QUERY, S.TITLE_RECEIVED), roles=STAFF,
               order=40, help=S.HELP_RECEIVED, factory=lambda app: ReceivedScreen()),
    ScreenSpec(id="query.batch", title=S.TITLE_BATCH, menu=(S.MENU_QUERY, S.TITLE_BATCH), roles=STAFF,
               order=50, help=S.HELP_BATCH, factory=lambda app: BatchScreen()),
    ScreenSpec(id="query.reconcile", title=S.TITLE_RECONCILE, menu=(S.MENU_QUERY, S.TITLE_RECONCILE), roles=STAFF,
               order=60, help=S.HELP_RECONCILE, factory=lambda app: ReconcileScreen()),
):
    register_screen(_spec)
