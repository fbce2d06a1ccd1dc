"""单位退费申请管理 (SPEC R1–R3; manual 000 §4.3): the applications with their status
(受理中 → 核验通过 / 核验不通过 → 已退库), newest first; the cursor's account, handler and the
agency's reason under the list; Enter 查看 its lines; ``n`` 新增退费申请 — 填写退费申请 asks the
退费方式 (税票退费 / 职工明细退费) and opens its query screen (:mod:`.refunds_pick`), whose 下一步
leads to 选择退费账户 (:mod:`.refunds_form`). F5 / ``u`` sends what waits in the outbox and
downloads the applications (the service takes the due decisions on reading); also on opening.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from sbtui import clock
from sbtui.domain.vocab import STAFF, PaidLineKind, RefundKind, id_type_label, label
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import call, money, period_text
from sbtui.tui.screens.row_list import RowListScreen
from sbtui.tui.strings import common as C
from sbtui.tui.strings import lists as L
from sbtui.tui.strings import refunds as S
from sbtui.tui.widgets.column_table import ColumnTable

DETAIL_COLUMNS = ("姓名", "证件号码", "征收品目", "费款所属期", "已缴金额", "调整后缴费基数", "退费金额")


def day_of(stamp: Any) -> str:
    return stamp.astimezone(clock.CST).date().isoformat()


class ModeDialog(ModalScreen[str | None]):
    """填写退费申请: 税票退费 or 职工明细退费 (↑↓, Enter; Esc cancels)."""

    CSS_PATH = "refunds.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("refunds.mode", "cancel", "escape", "cancel", C.CANCEL, show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="refund-mode-box", classes="refund-box") as box:
            box.border_title = S.MODE_TITLE
            box.border_subtitle = S.MODE_HINT
            yield Static(S.MODE_HEAD)
            yield OptionList(Option(S.MODE_EMPLOYEE, id=RefundKind.EMPLOYEE.value),
                             Option(S.MODE_TICKET, id=RefundKind.TICKET.value), id="refund-mode")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DetailDialog(ModalScreen[None]):
    """One application: its head and its lines. Esc / Enter closes."""

    CSS_PATH = "refunds.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("refunds.detail", "close", "escape,enter", "close", C.CLOSE),
    ]

    def __init__(self, refund: Any) -> None:
        super().__init__()
        self.refund = refund

    def compose(self) -> ComposeResult:
        r = self.refund
        with Vertical(id="refund-detail-box", classes="refund-box") as box:
            box.border_title = S.DETAIL_TITLE.format(id=r.id)
            yield Static(S.DETAIL_HEAD.format(
                kind=label(r.kind, RefundKind), day=day_of(r.submitted_at), status=r.status,
                reason=f"（{r.reason}）" if r.reason else "", total=money(r.total), cause=r.cause,
                explanation=r.explanation, name=r.account.name, bank=r.account.bank,
                account=r.account.account, handler=r.handler.name,
                id_type=id_type_label(r.handler.id_type), id_number=r.handler.id_number,
                phone=r.handler.phone,
                done=f"    退库日期 {r.refunded_on}" if r.refunded_on else ""), id="refund-detail-head")
            table: DataTable = ColumnTable(id="refund-detail-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*DETAIL_COLUMNS)
            for ln in r.lines:
                late = ln.kind == PaidLineKind.LATE_FEE
                table.add_row(ln.name or ln.ticket_number, ln.id_number or ln.unit_number,
                              f"{ln.item_name}{S.LATE_FEE if late else ''}", period_text(ln),
                              money(ln.paid), money(ln.adjusted_base) if ln.adjusted_base is not None else "",
                              money(ln.amount))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class RefundsScreen(RowListScreen):
    """单位退费申请管理."""

    SCREEN_ID = "refund"
    PREFIX = "refunds"
    HEADING = S.TITLE
    COLUMNS = S.COLUMNS
    EMPTY = S.EMPTY
    OFFLINE = S.OFFLINE
    REFRESHED = S.REFRESHED
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("refund", "new", "n", "new", S.KEY_NEW),
        keyed("refund", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("refund", "export", "x", "export", L.KEY_EXPORT),
        keyed("refund", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    async def fetch(self) -> list[Any]:
        svc = self.employer.refunds
        self.waiting = len(await call(self.host, svc.pending))
        return list(await call(self.host, svc.refunds))

    async def refresh_from_service(self) -> None:
        await self.employer.refunds.refresh()

    def key_of(self, r: Any) -> Any:
        return r.id

    def cells(self, r: Any) -> tuple[str, ...]:
        return (r.id, day_of(r.submitted_at), label(r.kind, RefundKind), money(r.total), r.status)

    def note(self, r: Any) -> str:
        text = S.NOTE.format(name=r.account.name, bank=r.account.bank, account=r.account.account,
                             handler=r.handler.name)
        if r.reason:
            text += S.NOTE_REASON.format(reason=r.reason)
        if r.refunded_on:
            text += S.NOTE_DONE.format(day=r.refunded_on)
        return text

    def after_show(self) -> None:
        if getattr(self, "waiting", 0):
            self.notify(S.PENDING.format(n=self.waiting), severity="warning")

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        r = self.chosen()
        if r is not None:
            self.app.push_screen(DetailDialog(r))

    @work(exclusive=True, group="refunds-new")
    async def action_new(self) -> None:
        from sbtui.tui.screens.refunds_pick import EmployeeLinesScreen, TicketRecordsScreen

        app: Any = self.app
        mode = await app.push_screen_wait(ModeDialog())
        if mode is None:
            return
        done = await app.push_screen_wait(EmployeeLinesScreen() if mode == RefundKind.EMPLOYEE
                                          else TicketRecordsScreen())
        if done:
            await self.reload()
            self.host.data_changed()


register_screen(ScreenSpec(id="refund", title=S.TITLE, menu=(S.MENU,), roles=STAFF, order=10,
                           help=S.HELP, factory=lambda app: RefundsScreen()))
