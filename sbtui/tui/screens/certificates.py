"""证明打印 › 税收完税证明（非印刷）开具 (SPEC C1; manual 000 §6.1, 003 §7.3.1): the booked paid
lines of a 税款所属期 range (two ``YYYY-MM`` fields above the list; Enter 查询), each marked with
the certificate that covers it or 未开具; Space ticks, ``a`` ticks every open line, ``o`` 开具 —
票样打印方式选择 (①分开方式 / ②合并方式), then the PDF saved where the user says and No. + 验证码
shown. F5 / ``u`` downloads payments and certificates again (also on opening).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import ServiceError
from sbtui.services.certificates import CertificateError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.certificates_dialogs import CertificateDialog, ModeDialog, certificate_head, issued_text
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay_common import ask_path, call, decimal, money, period_text, service_message
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Row, RowListScreen, month_fields
from sbtui.tui.strings import certificates as S
from sbtui.tui.strings import lists as L

REFUSALS: tuple[type[Exception], ...] = (ServiceError, CertificateError)


async def save_certificates(screen: BaseScreen, certs: list[Any]) -> list[str]:
    """Ask where to save (the first one's file; the others beside it, by number) and write the
    PDFs; returns the lines that say what happened, one per certificate."""
    app: Any = screen.app
    svc = screen.employer.certificates
    first = certs[0]
    prompt = (S.SAVE_PROMPT.format(number=first.number) if len(certs) == 1
              else S.SAVE_PROMPT_MANY.format(n=len(certs), number=first.number))
    path = await ask_path(app, title=S.SAVE_TITLE, prompt=prompt, name=S.FILE_NAME.format(number=first.number))
    out = []
    for n, cert in enumerate(certs):
        text = issued_text(cert)
        if path is None:
            out.append(f"{text}\n{S.ISSUED_NOT_SAVED}")
            continue
        target = path if n == 0 else Path(path).parent / S.FILE_NAME.format(number=cert.number)
        try:
            written = await call(screen.host, svc.write_pdf, cert.number, target)
        except (OSError, *REFUSALS) as exc:
            out.append(f"{text}\n{S.ISSUED_SAVE_FAILED.format(error=service_message(exc))}")
            continue
        out.append(f"{text}\n{S.ISSUED_SAVED.format(path=written or target)}")
    return out


class IssueScreen(RowListScreen):
    """税收完税证明（非印刷）开具."""

    SCREEN_ID = "certificate"
    CSS_PATH = [ROW_LIST_CSS, "certificates.tcss"]
    PREFIX = "issue"
    HEADING = S.TITLE_ISSUE
    COLUMNS = S.ISSUE_COLUMNS
    COUNT = ""  # the summary above the list says it
    EMPTY = S.ISSUE_EMPTY
    FIELDS = month_fields(S.F_PERIOD_FROM, S.F_PERIOD_TO)
    OFFLINE = S.OFFLINE_LIST
    REFRESHED = S.REFRESHED
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("certificate", "tick", "space", "tick", S.KEY_TICK),
        keyed("certificate", "tick_all", "a", "tick_all", S.KEY_TICK_ALL),
        keyed("certificate", "issue", "o", "issue", S.KEY_ISSUE),
        keyed("certificate", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("certificate", "export", "x", "export", L.KEY_EXPORT),
        keyed("certificate", "filter", "f", "filter", S.KEY_FILTER),
        keyed("certificate", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.issued: dict[str, str] = {}  # line key -> certificate number
        self.ticked: set[str] = set()

    def compose_top(self) -> ComposeResult:
        yield from super().compose_top()
        yield Static("", id="issue-summary")

    # -- the list: booked PaymentLines of the range ----------------------------------------------
    async def fetch(self, period_from: str | None, period_to: str | None) -> list[Any]:
        if period_from and period_to and period_to < period_from:
            raise ValueError(S.PERIOD_ORDER)
        svc = self.employer.certificates
        lines = list(await call(self.host, svc.lines_in, period_from, period_to))
        self.issued = dict(await call(self.host, svc.issued_keys))
        self.ticked &= {ln.key for ln in lines if ln.key not in self.issued}
        return lines

    async def refresh_from_service(self) -> None:
        await self.employer.certificates.refresh()

    def key_of(self, ln: Any) -> Any:
        return ln.key

    def cells(self, ln: Any) -> tuple[str, ...]:
        return (S.TICK if ln.key in self.ticked else " ", ln.item_name, period_text(ln), money(ln.amount),
                self.issued.get(ln.key, S.NOT_ISSUED), ln.booked_on.isoformat(), ln.ticket_number,
                ln.type_name or ln.item)

    def table_rows(self) -> Iterator[tuple[Row, Sequence[str]]]:
        for ln in self.items:
            yield Row(ln), self.cells(ln)
            if decimal(ln.late_fee) > 0:
                yield Row(ln, extra=True), (" ", f"└ {S.LATE_FEE}", "", money(ln.late_fee), "", "", "", "")

    def note(self, ln: Any) -> str:
        text = S.ISSUE_NOTE.format(item=ln.item_name, type=ln.type_name or ln.item, unit=ln.unit_number,
                                   decl=ln.declaration_id)
        if decimal(ln.late_fee) > 0:
            text += S.ISSUE_NOTE_LATE.format(late=money(ln.late_fee))
        if ln.key in self.issued:
            text += S.ISSUE_NOTE_DONE.format(number=self.issued[ln.key])
        return text

    def after_show(self) -> None:
        if self.loaded and not self.items:
            self.query_one("#issue-summary", Static).update(S.ISSUE_EMPTY)
            return
        ticked = [ln for ln in self.items if ln.key in self.ticked]
        total = sum((decimal(ln.amount) + decimal(ln.late_fee) for ln in ticked), Decimal("0"))
        self.query_one("#issue-summary", Static).update(S.ISSUE_COUNT.format(
            n=len(self.items), open=len(self.open_lines()), ticked=len(ticked), total=money(total)))

    def open_lines(self) -> list[Any]:
        return [ln for ln in self.items if ln.key not in self.issued]

    def chosen_lines(self) -> list[Any]:
        """What 开具 covers: the ticked lines, else every open line of the list."""
        ticked = [ln for ln in self.items if ln.key in self.ticked]
        return ticked or self.open_lines()

    # -- ticks ----------------------------------------------------------------------------------
    def action_tick(self) -> None:
        ln = self.current()
        if ln is None:
            return
        if ln.key in self.issued:
            self.notify(S.TICKED_DONE, severity="warning")
            return
        self.ticked ^= {ln.key}
        self.show()

    def action_tick_all(self) -> None:
        keys = {ln.key for ln in self.open_lines()}
        self.ticked = set() if keys and keys <= self.ticked else keys
        self.show()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_view()

    @work(exclusive=True, group="cert-view")
    async def action_view(self) -> None:
        ln = self.current()
        if ln is None or ln.key not in self.issued:
            return
        cert = await call(self.host, self.employer.certificates.certificate, self.issued[ln.key])
        if cert is not None:
            self.app.push_screen(CertificateDialog(S.CERT_DETAIL_TITLE.format(number=cert.number),
                                                   certificate_head(cert), cert.rows))

    # -- 开具 -----------------------------------------------------------------------------------
    @work(exclusive=True, group="cert-issue")
    async def action_issue(self) -> None:
        app: Any = self.app
        lines = self.chosen_lines()
        if not lines:
            self.notify(S.NOTHING_OPEN, severity="warning")
            return
        total = sum((decimal(ln.amount) + decimal(ln.late_fee) for ln in lines), Decimal("0"))
        mode = await app.push_screen_wait(ModeDialog(S.MODE_HEAD.format(n=len(lines), total=money(total))))
        if mode is None:
            return
        self.notify(S.ISSUING)
        try:
            certs = await self.employer.certificates.issue(keys=[ln.key for ln in lines], mode=mode)
        except REFUSALS as exc:
            await app.push_screen_wait(NoticeDialog(service_message(exc), title=S.ISSUE_FAILED_TITLE))
            await self.reload()
            return
        self.ticked.clear()
        await self.reload()
        self.host.data_changed()
        said = await save_certificates(self, certs)
        await app.push_screen_wait(NoticeDialog("\n".join(said), title=S.ISSUED_TITLE))


register_screen(ScreenSpec(id="certificate", title=S.TITLE_ISSUE, menu=(S.MENU_GROUP, S.TITLE_ISSUE),
                           roles=STAFF, order=10, help=S.HELP_ISSUE, factory=lambda app: IssueScreen()))
