"""《银行端查询缴税凭证》 as a PDF (SPEC P3, issue 12; seed 001 §2.3: "加盖付款人签章后，持凭证到
银行缴费即可").

A4 landscape, drawn with the declaration forms' kit (:mod:`sbtui.forms.pdfkit`, the same CJK
font): the title; 凭证序号 and 填开日期; the taxpayer (纳税人识别号, 名称), 税务机关, 付款人名称,
开户银行 and 账号; one row per line (征收项目, 征收品目, 单位编号, 所属时期, 金额, 滞纳金, 小计)
and the 合计 row; 金额合计 in capitals (SPEC §0, :func:`~sbtui.domain.money.money_in_words`) and
in figures (¥); 限缴日期 and 税票号码; the seal boxes 付款人（章）, 银行（章）, 税务机关（章）. A
long list goes on over further pages, each headed by the voucher's number and the table's header
row; "第 n 页 共 m 页" at every foot. A voided voucher is marked 已作废.

The file lands atomically with the mode every export gets (:func:`~sbtui.forms.common.atomic_file`:
the mode of the file it replaces, else 0666 less the umask). fpdf2 is imported only when a
voucher is written.
"""
from __future__ import annotations

import calendar
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sbtui.domain.models import EmployerRecord, PaymentLine, Voucher
from sbtui.domain.money import format_money, money_in_words
from sbtui.domain.vocab import VoucherStatus
from sbtui.forms import strings as S

if TYPE_CHECKING:
    from sbtui.forms.pdfkit import FormPDF

TABLE_SIZE = 9
SEAL_H = 30.0  # mm, the seal boxes
V_WIDTHS = (10, 38, 52, 30, 44, 28, 24, 28)  # mm before fitting, as S.V_HEADERS
V_ALIGN = ("C", "L", "L", "C", "C", "R", "R", "R")


def write_voucher_pdf(voucher: Voucher, employer: EmployerRecord,
                      path: str | os.PathLike[str]) -> Path:
    """Write ``voucher`` of ``employer`` as 《银行端查询缴税凭证》 to ``path`` (.pdf) and return
    ``path``. The payer, the tax authority and the lines come from the voucher; where the
    voucher leaves the payer name or the tax authority empty, the employer's are printed.

    Raises :class:`ValueError` (Chinese) for a suffix other than .pdf, and
    :class:`~sbtui.forms.common.FormError` when the file cannot be written."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise ValueError(S.V_BAD_SUFFIX.format(suffix=target.suffix or target.name))
    from sbtui.forms.common import atomic_file
    from sbtui.forms.pdfkit import FormPDF

    pdf = FormPDF(S.VOUCHER_TITLE)
    pdf.set_subject(f"{S.V_NUMBER}{voucher.number}")
    pdf.continued = lambda: _continued(pdf, voucher)
    pdf.add_page()
    _draw(pdf, voucher, employer)
    with atomic_file(target) as tmp:
        pdf.output(tmp)
    return target


def period_text(line: PaymentLine) -> str:
    """所属时期 as dates: ``2024-01`` → 2024-01-01至2024-01-31 (a span: its first day to the
    last day of its last month)."""
    y, m = (int(x) for x in line.period_to.split("-"))
    last = calendar.monthrange(y, m)[1]
    return S.V_PERIOD.format(start=f"{line.period_from}-01", end=f"{line.period_to}-{last:02d}")


def line_cells(i: int, line: PaymentLine) -> list[str]:
    """One row of the voucher's table (:data:`S.V_HEADERS`)."""
    return [str(i), line.type_name, line.item_name, line.unit_number, period_text(line),
            format_money(line.amount), format_money(line.late_fee),
            format_money(line.amount + line.late_fee)]


def _date(d) -> str:
    return S.DATE.format(d=d) if d is not None else ""


def _draw(pdf: FormPDF, voucher: Voucher, employer: EmployerRecord) -> None:
    from sbtui.forms.pdf import BODY_SIZE, FIELD_H, _ensure_room, _fields, _title
    from sbtui.forms.pdfkit import Col, Table, fit_widths

    _title(pdf, S.VOUCHER_TITLE)
    if voucher.status == VoucherStatus.VOIDED:
        _void_mark(pdf)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    _fields(pdf, [(S.V_NUMBER, voucher.number, width / 2),
                  (S.V_ISSUED_ON, _date(voucher.issued_on), 0)], ruled=False)
    pdf.set_y(pdf.y + 1)
    half = width / 2
    _fields(pdf, [(S.V_TAXPAYER_ID, employer.uscc, half),
                  (S.V_TAXPAYER_NAME, employer.name, 0)])
    _fields(pdf, [(S.V_TAX_AUTHORITY, voucher.tax_authority or employer.tax_authority, half),
                  (S.V_PAYER_NAME, voucher.payer_name or employer.name, 0)])
    _fields(pdf, [(S.V_BANK, voucher.bank, half), (S.V_ACCOUNT, voucher.account, 0)])
    pdf.set_y(pdf.y + 3)

    widths = fit_widths(V_WIDTHS, width)
    cols = [Col(h, w, a) for h, w, a in zip(S.V_HEADERS, widths, V_ALIGN, strict=True)]
    table = Table(pdf, cols, size=TABLE_SIZE, min_height=7.0)
    table.header()
    for i, line in enumerate(voucher.lines, 1):
        table.row(line_cells(i, line))
    table.row([S.TOTAL, "", "", "", "", format_money(voucher.amount),
               format_money(voucher.late_fee), format_money(voucher.total)], total=True)

    # the totals, the dates and the seals stay together (on a new page if need be)
    _ensure_room(pdf, 3 * FIELD_H + 3 + SEAL_H + 10)
    _fields(pdf, [(S.V_TOTAL_WORDS, S.V_RMB + money_in_words(voucher.total), width * 0.68),
                  (S.V_TOTAL_FIGURES, S.V_YUAN_SIGN + format_money(voucher.total), 0)],
            size=BODY_SIZE + 1)
    _fields(pdf, [(S.V_DEADLINE, _date(voucher.deadline), half),
                  (S.V_TICKET, voucher.ticket_number, 0)])
    pdf.set_y(pdf.y + 3)
    _seals(pdf, width)
    pdf.set_y(pdf.y + 2)
    pdf.set_font_size(BODY_SIZE)
    pdf.lines_at(pdf.l_margin, pdf.y, width, 6, [S.V_NOTE], BODY_SIZE, "L")


def _seals(pdf: FormPDF, width: float) -> None:
    """Three boxes side by side: 付款人（章）, 银行（章）, 税务机关（章）, each with the date line
    (and 经办人 for the payer and the bank)."""
    from sbtui.forms.pdf import BODY_SIZE
    from sbtui.forms.pdfkit import LEADING, PT

    size = BODY_SIZE
    w = width / 3
    y = pdf.y
    x = pdf.l_margin
    pdf.set_font_size(size)
    lh = size * PT * LEADING
    for label, handler in ((S.V_PAYER_SEAL, True), (S.V_BANK_SEAL, True),
                           (S.V_TAX_SEAL, False)):
        pdf.rect(x, y, w, SEAL_H)
        with pdf.bold():
            pdf.lines_at(x, y, w, lh, [label], size, "L", "T")
        if handler:
            pdf.lines_at(x, y + SEAL_H - 2 * lh - 2, w, lh, [S.V_HANDLER], size, "L", "T")
        pdf.lines_at(x, y + SEAL_H - lh - 2, w - 4, lh, [S.SIGN_DATE], size, "R", "T")
        x += w
    pdf.set_y(y + SEAL_H)


def _void_mark(pdf: FormPDF) -> None:
    """已作废, in red beside the title."""
    from sbtui.forms.pdf import BODY_SIZE, TITLE_SIZE
    from sbtui.forms.pdfkit import PT

    size = TITLE_SIZE
    x = (pdf.w + pdf.width(S.VOUCHER_TITLE, TITLE_SIZE)) / 2 + 8
    with pdf.local_context(text_color=(200, 0, 0), draw_color=(200, 0, 0), line_width=0.5):
        pdf.set_font_size(size)
        w = pdf.width(S.VOUCHER_VOID_MARK, size) + 4
        top = pdf.t_margin
        pdf.rect(x, top, w, size * PT + 3)
        pdf.text(x + 2, top + size * PT * 0.88 + 1.5, S.VOUCHER_VOID_MARK)
    pdf.set_font_size(BODY_SIZE)


def _continued(pdf: FormPDF, voucher: Voucher) -> None:
    """The head of a page after the first: whose voucher this goes on with."""
    from sbtui.forms.pdf import BODY_SIZE, _fields

    pdf.set_y(pdf.t_margin)
    head = S.VOUCHER_CONTINUED
    if voucher.status == VoucherStatus.VOIDED:
        head += S.VOUCHER_VOID_SUFFIX
    _fields(pdf, [(head, "", 70), (S.V_NUMBER, voucher.number, 90),
                  (S.V_TICKET, voucher.ticket_number, 0)], ruled=False)
    pdf.set_y(pdf.y + 2)
    pdf.set_font_size(BODY_SIZE)
