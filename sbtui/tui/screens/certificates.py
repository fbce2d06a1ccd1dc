"""证明打印 › 税收完税证明（非印刷）开具 (SPEC C1; manual 000 §6.1, 003 §7.3.1): the booked paid
lines of a 税款所属期 range (two ``YYYY-MM`` fields above the list; Enter 查询), each marked with
the certificate that covers it or 未开具; Space ticks, ``a`` ticks every open line, ``o`` 开具 —
票样打印方式选择 (①分开方式 / ②合并方式), then the PDF saved where the user says and No. + 验证码
shown. F5 / ``u`` downloads payments and certificates again (also on opening).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from sbtui.domain.period import Period, PeriodError
from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.certificates import CertificateError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.certificates_dialogs import CertificateDialog, ModeDialog, certificate_head, issued_text
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay_common import ask_path, call, decimal, money, period_text, service_message
from sbtui.tui.strings import certificates as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput

REFUSALS: tuple[type[Exception], ...] = (ServiceError, CertificateError)


def parse_month(text: str) -> str | None:
    """``YYYY-MM`` (or how people type a month) → ``YYYY-MM``; empty → None; else PeriodError."""
    text = text.strip()
    return str(Period.parse(text)) if text else None


def period_range(screen: BaseScreen, first: str, second: str) -> tuple[str | None, str | None] | None:
    """The two month fields ``first`` and ``second`` of ``screen``, or None with a warning."""
    try:
        a = parse_month(screen.query_one(first, Input).value)
        b = parse_month(screen.query_one(second, Input).value)
    except (PeriodError, ValueError):
        screen.notify(S.BAD_PERIOD, severity="warning")
        return None
    if a and b and b < a:
        screen.notify(S.PERIOD_ORDER, severity="warning")
        return None
    return a, b


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


class IssueScreen(BaseScreen):
    """税收完税证明（非印刷）开具."""

    SHOWS_SHARED_DATA = True  # a payment elsewhere adds lines
    SCREEN_ID = "certificate"
    CSS_PATH = "certificates.tcss"
    LIST = "#cert-table"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("certificate", "tick", "space", "tick", S.KEY_TICK),
        keyed("certificate", "tick_all", "a", "tick_all", S.KEY_TICK_ALL),
        keyed("certificate", "issue", "o", "issue", S.KEY_ISSUE),
        keyed("certificate", "view", "enter", "view", S.KEY_VIEW, show=False),
        keyed("certificate", "filter", "f", "filter", S.KEY_FILTER),
        keyed("certificate", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[Any] = []  # PaymentLine, booked, in the range
        self.issued: dict[str, str] = {}  # line key -> certificate number
        self.rows: list[tuple[Any, bool]] = []  # per table row: (line, is its late fee)
        self.ticked: set[str] = set()
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="cert-body") as body:
            body.border_title = f" {S.TITLE_ISSUE} "
            with Horizontal(id="cert-filters"):
                yield TextInput("", placeholder=S.F_PERIOD_FROM, id="cert-from", max_length=10, compact=True)
                yield TextInput("", placeholder=S.F_PERIOD_TO, id="cert-to", max_length=10, compact=True)
            yield Static("", id="cert-summary")
            table: DataTable = ColumnTable(id="cert-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 1
            table.add_columns(*S.ISSUE_COLUMNS)
            yield table
            yield Static("", id="cert-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()
        self.download(quiet=True)

    # -- the list -------------------------------------------------------------------------------
    @work(exclusive=True, group="cert-load")
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        span = period_range(self, "#cert-from", "#cert-to")
        if span is None:
            return
        svc = self.employer.certificates
        try:
            self.lines = list(await call(self.host, svc.lines_in, *span))
            self.issued = dict(await call(self.host, svc.issued_keys))
        except (ServiceError, ValueError) as exc:
            self.notify(S.LOAD_FAILED.format(error=service_message(exc)), severity="error")
            return
        self.ticked &= {ln.key for ln in self.lines if ln.key not in self.issued}
        self.loaded = True
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        at = self.current()
        table.clear()
        self.rows = []
        for ln in self.lines:
            number = self.issued.get(ln.key, S.NOT_ISSUED)
            table.add_row(S.TICK if ln.key in self.ticked else " ", ln.item_name, period_text(ln), money(ln.amount),
                          number, ln.booked_on.isoformat(), ln.ticket_number, ln.type_name or ln.item)
            self.rows.append((ln, False))
            if decimal(ln.late_fee) > 0:
                table.add_row(" ", f"└ {S.LATE_FEE}", "", money(ln.late_fee), "", "", "", "")
                self.rows.append((ln, True))
        if at is not None:
            row = next((i for i, (ln, late) in enumerate(self.rows) if ln.key == at.key and not late), None)
            if row is not None:
                table.move_cursor(row=row)
        self.show_summary()
        self.show_note()

    def open_lines(self) -> list[Any]:
        return [ln for ln in self.lines if ln.key not in self.issued]

    def chosen_lines(self) -> list[Any]:
        """What 开具 covers: the ticked lines, else every open line of the list."""
        ticked = [ln for ln in self.lines if ln.key in self.ticked]
        return ticked or self.open_lines()

    def show_summary(self) -> None:
        if self.loaded and not self.lines:
            self.query_one("#cert-summary", Static).update(S.ISSUE_EMPTY)
            return
        ticked = [ln for ln in self.lines if ln.key in self.ticked]
        total = sum((decimal(ln.amount) + decimal(ln.late_fee) for ln in ticked), Decimal("0"))
        self.query_one("#cert-summary", Static).update(S.ISSUE_COUNT.format(
            n=len(self.lines), open=len(self.open_lines()), ticked=len(ticked), total=money(total)))

    def current(self) -> Any | None:
        row = self.query_one(DataTable).cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row][0]

    def show_note(self) -> None:
        ln = self.current()
        if ln is None:
            self.query_one("#cert-note", Static).update("")
            return
        text = S.ISSUE_NOTE.format(item=ln.item_name, type=ln.type_name or ln.item, unit=ln.unit_number,
                                   decl=ln.declaration_id)
        if decimal(ln.late_fee) > 0:
            text += S.ISSUE_NOTE_LATE.format(late=money(ln.late_fee))
        if ln.key in self.issued:
            text += S.ISSUE_NOTE_DONE.format(number=self.issued[ln.key])
        self.query_one("#cert-note", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self.show_note()

    @on(Input.Submitted)
    def _query(self, event: Input.Submitted) -> None:
        event.stop()
        self.load()
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#cert-from", Input))

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

    # -- refresh --------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.download(quiet=False)

    @work(exclusive=True, group="cert-refresh")
    async def download(self, quiet: bool = False) -> None:
        try:
            await self.host.service_ready()
            await self.employer.certificates.refresh()
        except OfflineError:
            if not quiet:
                self.notify(S.OFFLINE_LIST, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.REFRESH_FAILED.format(error=service_message(exc)), severity="error")
            return
        await self.reload()
        if not quiet:
            self.notify(S.REFRESHED.format(n=len(self.lines)))


register_screen(ScreenSpec(id="certificate", title=S.TITLE_ISSUE, menu=(S.MENU_GROUP, S.TITLE_ISSUE),
                           roles=STAFF, order=10, help=S.HELP_ISSUE, factory=lambda app: IssueScreen()))
