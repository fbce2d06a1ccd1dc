"""The dialogs of 证明打印 (SPEC C1–C3; manual 000 §6): 票样打印方式选择 (:class:`ModeDialog`,
①分开方式 / ②合并方式) and a certificate's rows (:class:`CertificateDialog`), and the text
of one certificate as 开具 and 补开 announce it."""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from sbtui.domain.certify import period_text
from sbtui.domain.money import money_in_words
from sbtui.tui.keys import keyed
from sbtui.tui.screens.declare_dialogs import money
from sbtui.tui.strings import certificates as S
from sbtui.tui.strings import common as C
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.wrap import Prose


def issued_text(cert: Any) -> str:
    """No. · 验证码 · 金额合计 · 第 N 次打印 of one certificate."""
    return S.ISSUED_ONE.format(number=cert.number, code=cert.code, total=money(cert.total),
                               count=cert.print_count)


class ModeDialog(ModalScreen[str | None]):
    """票样打印方式选择: ``separate`` or ``merged`` (or None, Esc)."""

    CSS_PATH = "certificates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [keyed("cert.mode", "cancel", "escape", "cancel", C.CANCEL)]

    def __init__(self, head: str) -> None:
        super().__init__()
        self.head = head

    def compose(self) -> ComposeResult:
        with Vertical(id="cert-mode-box", classes="cert-box") as box:
            box.border_title = S.MODE_TITLE
            box.border_subtitle = S.MODE_HINT
            yield Static(Prose(self.head), id="cert-mode-head")
            yield OptionList(Option(S.MODE_SEPARATE, id="separate"), Option(S.MODE_MERGED, id="merged"),
                             id="cert-mode-list")

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.highlighted = 0
        menu.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def certificate_head(cert: Any) -> str:
    return S.CERT_DETAIL_HEAD.format(
        number=cert.number, issued=cert.issued_on.isoformat(), count=cert.print_count, code=cert.code,
        authority=cert.tax_authority, uscc=cert.uscc, name=cert.taxpayer_name,
        words=money_in_words(cert.total), total=money(cert.total),
        remark=S.CERT_DETAIL_REMARK.format(remark=cert.remark) if cert.remark else "")


class CertificateDialog(ModalScreen[None]):
    """A certificate (or what 查验 says of one): its head and its rows. Esc / Enter closes."""

    CSS_PATH = "certificates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [keyed("cert.detail", "close", "escape,enter", "close", C.CLOSE)]

    def __init__(self, title: str, head: str, rows: list[Any]) -> None:
        super().__init__()
        self.title_text = title
        self.head = head
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="cert-detail-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = S.DETAIL_HINT
            yield Static(self.head, id="cert-detail-head")
            table: DataTable = ColumnTable(id="cert-detail-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.CERT_ROW_COLUMNS)
            for r in self.rows:
                table.add_row(r.ticket_number, r.tax_type, r.item_name, period_text(r.period_from, r.period_to),
                              r.booked_on.isoformat(), money(r.amount))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
