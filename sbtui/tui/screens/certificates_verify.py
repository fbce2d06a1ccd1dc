"""证明打印 › 完税证明查验 (SPEC C3; manual 000 §6.3): 证明号码 (No.) and 验证码 → 查验结果 真实
(with the taxpayer, 填发日期, 金额合计, print count and the rows it covers) or 不是真实的 — a
forged number or a wrong code is an answer, never an error. Needs the service.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Label, Static

from sbtui.domain.certify import period_text
from sbtui.domain.money import money_in_words
from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import money, service_message
from sbtui.tui.strings import certificates as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.text_input import TextInput


def verdict(check: Any, number: str) -> str:
    """What 查验 says of ``check`` (a CertificateCheck)."""
    if not check.genuine:
        return S.VERIFY_FORGED.format(number=number)
    return S.VERIFY_GENUINE.format(number=check.number, issued=check.issued_on.isoformat() if check.issued_on else "",
                                   count=check.print_count, uscc=check.uscc, name=check.taxpayer_name,
                                   words=money_in_words(check.total or 0), total=money(check.total or 0))


class VerifyScreen(BaseScreen):
    """完税证明查验."""

    SCREEN_ID = "certificate.verify"
    CSS_PATH = "certificates.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("certificate.verify", "verify", "ctrl+s", "verify", S.KEY_VERIFY, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.check: Any = None

    def compose(self) -> ComposeResult:
        with Vertical(id="verify-box") as box:
            box.border_title = f" {S.TITLE_VERIFY} "
            with Horizontal(classes="verify-row"):
                yield Label(S.F_VERIFY_NUMBER, classes="verify-field")
                yield TextInput("", id="verify-number", max_length=30, compact=True)
            with Horizontal(classes="verify-row"):
                yield Label(S.F_VERIFY_CODE, classes="verify-field")
                yield TextInput("", id="verify-code", max_length=20, compact=True)
            yield Static(S.VERIFY_HINT, id="verify-result")
            table: DataTable = ColumnTable(id="verify-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.CERT_ROW_COLUMNS)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#verify-number", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "verify-number" and not self.query_one("#verify-code", Input).value.strip():
            self.query_one("#verify-code", Input).focus()
            return
        self.action_verify()

    @work(exclusive=True, group="cert-verify")
    async def action_verify(self) -> None:
        number = self.query_one("#verify-number", Input).value.strip()
        code = self.query_one("#verify-code", Input).value.strip()
        result = self.query_one("#verify-result", Static)
        table = self.query_one(DataTable)
        if not number or not code:
            result.update(S.VERIFY_NEED)
            return
        result.update(S.VERIFYING)
        table.clear()
        try:
            await self.host.service_ready()
            self.check = await self.employer.certificates.verify(number, code)
        except OfflineError:
            result.update(S.VERIFY_OFFLINE)
            return
        except ServiceError as exc:
            result.update(S.VERIFY_FAILED.format(error=service_message(exc)))
            return
        result.update(verdict(self.check, number))
        for r in self.check.rows:
            table.add_row(r.ticket_number, r.tax_type, r.item_name, period_text(r.period_from, r.period_to),
                          r.booked_on.isoformat(), money(r.amount))


register_screen(ScreenSpec(id="certificate.verify", title=S.TITLE_VERIFY, menu=(S.MENU_GROUP, S.TITLE_VERIFY),
                           roles=STAFF, order=30, help=S.HELP_VERIFY, factory=lambda app: VerifyScreen()))
