"""费款缴纳 › 缴费凭证打印记录 (SPEC P3; manual 001 §2.3.2): the 银行端查询缴费凭证 issued, filtered
by 凭证开具日期; Enter 查看 (its lines), ``p`` 重新打印 (PDF, to a path the user may edit),
``v`` 作废 (“是否作废本条记录” → “作废成功”, its dues back in the pay list; once the bank has
collected it the service refuses: “作废失败，税票号码X已经入库，不能进行此操作”).
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.widgets import DataTable

from sbtui.domain.vocab import EVERYONE, VoucherStatus
from sbtui.services.list_tables import vouchers_table
from sbtui.services.tables import Table
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay_common import REFUSALS, LinesDialog, ask_path, call, money, service_message
from sbtui.tui.screens.row_list import RowListScreen, day_fields
from sbtui.tui.strings import payments as S



class VouchersScreen(RowListScreen):
    """缴费凭证打印记录."""

    SCREEN_ID = "pay.vouchers"
    HEADING = S.TITLE_VOUCHERS
    COLUMNS = S.VOUCHER_COLUMNS
    PREFIX = "vouchers"
    FIELDS = day_fields(S.F_DATE_FROM, S.F_DATE_TO)
    COUNT = S.VOUCHERS_COUNT
    EMPTY = S.VOUCHERS_EMPTY
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("pay.vouchers", "view", "enter", "view", S.KEY_VIEW),
        keyed("pay.vouchers", "reprint", "p", "reprint", S.KEY_REPRINT),
        keyed("pay.vouchers", "void", "v", "void", S.KEY_VOID),
        keyed("pay.vouchers", "export", "x", "export", S.KEY_EXPORT),
        keyed("pay.vouchers", "filter", "f", "filter", S.KEY_FILTER),
        keyed("pay.vouchers", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    async def fetch(self, date_from: str | None, date_to: str | None) -> list[Any]:
        return await call(self.host, self.employer.payments.vouchers, date_from, date_to)

    async def refresh_from_service(self) -> None:
        await self.employer.payments.refresh()

    def export_table(self) -> Table:
        return vouchers_table(self.items)

    def cells(self, v: Any) -> tuple[str, ...]:
        return (v.number, str(v.status), money(v.total), v.issued_on.isoformat(), v.deadline.isoformat(),
                v.ticket_number, v.bank or "", v.account or "")

    def note(self, v: Any) -> str:
        parts = [S.VOUCHER_NOTE_PAYER.format(payer=v.payer_name)] if v.payer_name else []
        parts += [S.VOUCHER_NOTE_AUTHORITY.format(authority=v.tax_authority)] if v.tax_authority else []
        parts += [S.VOUCHER_NOTE_BOOKED.format(date=v.booked_on.isoformat())] if v.booked_on else []
        return " · ".join(parts)

    # -- view, reprint, void ----------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        v = self.chosen()
        if v is None:
            return
        head = S.VOUCHER_DETAIL_HEAD.format(
            number=v.number, ticket=v.ticket_number, status=v.status, issued=v.issued_on.isoformat(),
            deadline=v.deadline.isoformat(), total=money(v.total), late=money(v.late_fee),
            bank=v.bank or S.METHOD_NO_ACCOUNT, account=v.account or "")
        self.app.push_screen(LinesDialog(S.VOUCHER_DETAIL_TITLE, head, v.lines))

    @work(exclusive=True, group="vouchers-reprint")
    async def action_reprint(self) -> None:
        v = self.chosen()
        if v is None:
            return
        path = await ask_path(self.app, title=S.KEY_REPRINT, prompt=S.VOUCHER_SAVE_PROMPT,
                              name=S.FILE_NAME_VOUCHER.format(number=v.number))
        if path is None:
            return
        try:
            written = await call(self.host, self.employer.payments.write_voucher_pdf, v.number, path)
        except (OSError, *REFUSALS) as exc:
            self.notify(S.EXPORT_FAILED.format(error=service_message(exc)), severity="error", timeout=10)
            return
        self.notify(S.REPRINT_DONE.format(path=written or path), timeout=10)

    @work(exclusive=True, group="vouchers-void")
    async def action_void(self) -> None:
        app: Any = self.app
        v = self.chosen()
        if v is None:
            return
        if v.status == VoucherStatus.VOIDED:
            self.notify(S.VOID_NOT_OPEN.format(status=v.status), severity="warning")
            return
        if not await app.push_screen_wait(ConfirmDialog(S.VOID_CONFIRM, title=S.VOID_TITLE, danger=True)):
            return
        try:
            await self.employer.payments.void_voucher(v.number)
        except REFUSALS as exc:
            await app.push_screen_wait(NoticeDialog(service_message(exc), title=S.VOID_TITLE))
            await self.reload()
            return
        await self.reload()
        self.host.data_changed()  # 缴费 gets the voided voucher's lines back (issue 15 item 1)
        await app.push_screen_wait(NoticeDialog(S.VOID_DONE, title=S.VOID_TITLE))


register_screen(ScreenSpec(id="pay.vouchers", title=S.TITLE_VOUCHERS, menu=(S.MENU_GROUP, S.TITLE_VOUCHERS),
                           roles=EVERYONE, order=20, help=S.HELP_VOUCHERS, factory=lambda app: VouchersScreen()))
