"""证明打印 › 税收完税证明（非印刷）补开 (SPEC C2; manual 000 §6.2, 001 §2.4.2, 003 §7.3.2): the
certificates issued, by 开具日期 (填发日期) range and/or 证明号码; Enter 查看, ``p`` 补开 — the same
certificate with its print count one higher, saved as PDF where the user says.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.widgets import DataTable

from sbtui.domain.vocab import STAFF
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.certificates import REFUSALS, save_certificates
from sbtui.tui.screens.certificates_dialogs import CertificateDialog, certificate_head
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay_common import call, money, service_message
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Field, RowListScreen, day_fields, optional_text
from sbtui.tui.strings import certificates as S
from sbtui.tui.strings import lists as L


class ReissueScreen(RowListScreen):
    """税收完税证明（非印刷）补开."""

    SCREEN_ID = "certificate.reissue"
    CSS_PATH = [ROW_LIST_CSS, "certificates.tcss"]
    PREFIX = "reissue"
    HEADING = S.TITLE_REISSUE
    COLUMNS = S.REISSUE_COLUMNS
    FIELDS = (*day_fields(S.F_DATE_FROM, S.F_DATE_TO), Field("number", S.F_NUMBER, optional_text, width=30))
    COUNT = S.REISSUE_COUNT
    EMPTY = S.REISSUE_EMPTY
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("certificate.reissue", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("certificate.reissue", "reissue", "p", "reissue", S.KEY_REISSUE),
        keyed("certificate.reissue", "export", "x", "export", L.KEY_EXPORT),
        keyed("certificate.reissue", "filter", "f", "filter", S.KEY_FILTER),
        keyed("certificate.reissue", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    async def fetch(self, date_from: str | None, date_to: str | None, number: str | None) -> list[Any]:
        certs = await call(self.host, self.employer.certificates.certificates, date_from, date_to)
        return [c for c in certs if number in c.number] if number else list(certs)

    def key_of(self, c: Any) -> Any:
        return c.number

    async def refresh_from_service(self) -> None:
        await self.employer.certificates.refresh()

    def cells(self, c: Any) -> tuple[str, ...]:
        return (c.number, c.issued_on.isoformat(), S.MODE_LABELS.get(str(c.mode), str(c.mode)), money(c.total),
                str(c.print_count), c.code, str(len(c.rows)))

    def note(self, c: Any) -> str:
        rows = "；".join(f"{r.item_name} {r.period_from}" + (f"至{r.period_to}" if r.period_to != r.period_from else "")
                        for r in c.rows[:3]) + ("…" if len(c.rows) > 3 else "")
        return S.REISSUE_NOTE.format(rows=rows, authority=c.tax_authority,
                                     remark=f" · 备注 {c.remark}" if c.remark else "")

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    def action_view(self) -> None:
        c = self.chosen()
        if c is not None:
            self.app.push_screen(CertificateDialog(S.CERT_DETAIL_TITLE.format(number=c.number),
                                                   certificate_head(c), c.rows))

    @work(exclusive=True, group="cert-reissue")
    async def action_reissue(self) -> None:
        app: Any = self.app
        c = self.chosen()
        if c is None:
            return
        if not await app.push_screen_wait(ConfirmDialog(
                S.REISSUE_CONFIRM.format(number=c.number, count=c.print_count + 1), title=S.KEY_REISSUE)):
            return
        try:
            cert = await self.employer.certificates.reprint(c.number)
        except REFUSALS as exc:
            await app.push_screen_wait(NoticeDialog(service_message(exc), title=S.REISSUE_FAILED_TITLE))
            return
        await self.reload()
        said = await save_certificates(self, [cert])
        await app.push_screen_wait(NoticeDialog("\n".join(said), title=S.REISSUED_TITLE))


register_screen(ScreenSpec(id="certificate.reissue", title=S.TITLE_REISSUE, menu=(S.MENU_GROUP, S.TITLE_REISSUE),
                           roles=STAFF, order=20, help=S.HELP_REISSUE, factory=lambda app: ReissueScreen()))
