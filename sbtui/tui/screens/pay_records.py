"""费款缴纳 › 缴费记录 (SPEC P4; manual 001 §2.3.3): the TIPS debits made through three-party
agreements (缴费成功, or 缴费失败 with the bank's reason), filtered by 缴费日期; Enter 查看 (the
lines with 电子税票号码 and 入库日期), ``x`` 导出 (xlsx, to a path the user may edit).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import on, work
from textual.widgets import DataTable

from sbtui import clock
from sbtui.domain.vocab import EVERYONE, PayMethod, label
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import REFUSALS, LinesDialog, ask_path, call, money, service_message
from sbtui.tui.screens.row_list import RowListScreen, day_fields
from sbtui.tui.strings import payments as S


def local_time(moment: datetime) -> str:
    """A moment as the user reads it: China time, to the minute."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.CST)
    return moment.strftime("%Y-%m-%d %H:%M")


def method_text(method: Any) -> str:
    return label(method, PayMethod)


class PaymentRecordsScreen(RowListScreen):
    """缴费记录."""

    SCREEN_ID = "pay.records"
    HEADING = S.TITLE_RECORDS
    COLUMNS = S.RECORD_COLUMNS
    PREFIX = "records"
    FIELDS = day_fields(S.F_PAY_FROM, S.F_PAY_TO)
    COUNT = S.RECORDS_COUNT
    EMPTY = S.RECORDS_EMPTY
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("pay.records", "view", "enter", "view", S.KEY_VIEW),
        keyed("pay.records", "export", "x", "export", S.KEY_EXPORT),
        keyed("pay.records", "filter", "f", "filter", S.KEY_FILTER),
        keyed("pay.records", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    async def fetch(self, date_from: str | None, date_to: str | None) -> list[Any]:
        return await call(self.host, self.employer.payments.payments, date_from, date_to)

    async def refresh_from_service(self) -> None:
        await self.employer.payments.refresh()

    def cells(self, p: Any) -> tuple[str, ...]:
        return (local_time(p.paid_at), str(p.status), money(p.total), money(p.amount), money(p.late_fee),
                p.account or "", method_text(p.method), p.reason or "")

    def note(self, p: Any) -> str:
        text = f"{p.bank} {p.account} {p.account_name}".strip()
        if p.agreement_id:
            text += f"（协议书号 {p.agreement_id}）"
        if p.reason:
            text += f" · {p.reason}"
        return text

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        p = self.chosen()
        if p is None:
            return
        head = S.RECORD_DETAIL_HEAD.format(
            status=p.status, reason=f"：{p.reason}" if p.reason else "", paid_at=local_time(p.paid_at),
            method=method_text(p.method), bank=p.bank, account=p.account, name=p.account_name,
            agreement=p.agreement_id or "", amount=money(p.amount), late=money(p.late_fee), total=money(p.total))
        self.app.push_screen(LinesDialog(S.RECORD_DETAIL_TITLE, head, p.lines))

    @work(exclusive=True, group="pay-records-export")
    async def action_export(self) -> None:
        path = await ask_path(self.app, title=S.EXPORT_TITLE, prompt=S.EXPORT_PROMPT,
                              name=S.FILE_NAME_RECORDS.format(today=clock.today().isoformat()))
        if path is None:
            return
        try:
            written = await call(self.host, self.employer.payments.export_payments, path)
        except (OSError, *REFUSALS) as exc:
            self.notify(S.EXPORT_FAILED.format(error=service_message(exc)), severity="error", timeout=10)
            return
        self.notify(S.EXPORTED.format(path=written or path), timeout=10)


register_screen(ScreenSpec(id="pay.records", title=S.TITLE_RECORDS, menu=(S.MENU_GROUP, S.TITLE_RECORDS),
                           roles=EVERYONE, order=30, help=S.HELP_RECORDS,
                           factory=lambda app: PaymentRecordsScreen()))
