"""税收完税证明（非印刷） as a PDF (SPEC C1, C2; issue 13).

Drawn with the forms kit (:mod:`sbtui.forms.pdfkit`, the declaration forms' CJK font), A4
landscape like the voucher: the title; No. and 填发日期; 税务机关, 纳税人识别号, 纳税人名称; the
rows 原凭证号 | 税种 | 品目名称 | 税款所属时期 | 入(退)库日期 | 实缴(退)金额; 金额合计 in capitals
(:func:`~sbtui.domain.money.money_in_words`, the rules for bills) and in figures (¥); the
税务机关（盖章） box, 填票人, 备注 (a special due's remark, D9), "第 N 次打印" and the
verification code (查验, C3). A long list goes on over further pages headed by the number.

Not the agency's security-printed paper: the layout follows the public samples of the
electronic certificate as far as they go; there is no seal image (the box says where it goes).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sbtui.domain.certify import period_text
from sbtui.domain.models import Certificate, CertificateRow
from sbtui.domain.money import format_money, money_in_words
from sbtui.forms import strings as S

if TYPE_CHECKING:
    from sbtui.forms.pdfkit import FormPDF

TABLE_SIZE = 9
SEAL_H = 30.0
C_WIDTHS = (48, 44, 60, 44, 32, 34)
C_ALIGN = ("C", "L", "L", "C", "C", "R")


def write_certificate_pdf(cert: Certificate, path: str | os.PathLike[str]) -> Path:
    """Write ``cert`` to ``path`` (.pdf) and return ``path``. ValueError (Chinese) for another
    suffix; :class:`~sbtui.forms.common.FormError` when the file cannot be written."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise ValueError(S.C_BAD_SUFFIX.format(suffix=target.suffix or target.name))
    from sbtui.forms.common import atomic_file
    from sbtui.forms.pdfkit import FormPDF

    pdf = FormPDF(S.CERT_TITLE)
    pdf.set_subject(f"{S.C_NUMBER}{cert.number}")
    pdf.continued = lambda: _continued(pdf, cert)
    pdf.add_page()
    _draw(pdf, cert)
    with atomic_file(target) as tmp:
        pdf.output(tmp)
    return target


def row_cells(row: CertificateRow) -> list[str]:
    return [row.ticket_number, row.tax_type, row.item_name,
            period_text(row.period_from, row.period_to), row.booked_on.isoformat(),
            format_money(row.amount)]


def _draw(pdf: FormPDF, cert: Certificate) -> None:
    from sbtui.forms.pdf import BODY_SIZE, FIELD_H, _ensure_room, _fields, _title
    from sbtui.forms.pdfkit import Col, Table, fit_widths

    _title(pdf, S.CERT_TITLE)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font_size(BODY_SIZE)
    pdf.lines_at(pdf.l_margin, pdf.y, width, 6, [S.CERT_SUBTITLE], BODY_SIZE, "C")
    pdf.set_y(pdf.y + 7)
    third = width / 3
    _fields(pdf, [(S.C_ISSUED_ON, S.DATE.format(d=cert.issued_on), third),
                  (S.C_TAX_AUTHORITY, cert.tax_authority, third),
                  (S.C_NUMBER, cert.number, 0)], ruled=False)
    pdf.set_y(pdf.y + 1)
    _fields(pdf, [(S.C_TAXPAYER_ID, cert.uscc, width * 0.4),
                  (S.C_TAXPAYER_NAME, cert.taxpayer_name, 0)])
    pdf.set_y(pdf.y + 3)
    widths = fit_widths(C_WIDTHS, width)
    cols = [Col(h, w, a) for h, w, a in zip(S.C_HEADERS, widths, C_ALIGN, strict=True)]
    table = Table(pdf, cols, size=TABLE_SIZE, min_height=7.0)
    table.header()
    for row in cert.rows:
        table.row(row_cells(row))
    _ensure_room(pdf, 4 * FIELD_H + SEAL_H + 12)
    _fields(pdf, [(S.C_TOTAL_WORDS, S.V_RMB + money_in_words(cert.total), width * 0.68),
                  (S.V_TOTAL_FIGURES, S.V_YUAN_SIGN + format_money(cert.total), 0)],
            size=BODY_SIZE + 1)
    pdf.set_y(pdf.y + 2)
    _foot(pdf, cert, width)


def _foot(pdf: FormPDF, cert: Certificate, width: float) -> None:
    """税务机关（盖章） | 填票人 | 备注, then 第 N 次打印 and the verification code."""
    from sbtui.forms.pdf import BODY_SIZE
    from sbtui.forms.pdfkit import LEADING, PT

    size = BODY_SIZE
    lh = size * PT * LEADING
    y, x = pdf.y, pdf.l_margin
    widths = (width * 0.3, width * 0.2, width * 0.5)
    boxes = ([S.C_TAX_SEAL, cert.tax_authority], [S.C_ISSUER, cert.issuer],
             [S.C_REMARK, *pdf_wrap(pdf, cert.remark, widths[2] - 4, size)])
    pdf.set_font_size(size)
    for w, lines in zip(widths, boxes, strict=True):
        pdf.rect(x, y, w, SEAL_H)
        with pdf.bold():
            pdf.lines_at(x + 1, y + 1, w - 2, lh, lines[:1], size, "L", "T")
        pdf.lines_at(x + 1, y + 2 + lh, w - 2, lh, lines[1:], size, "L", "T")
        x += w
    pdf.set_y(y + SEAL_H + 2)
    half = width / 2
    pdf.lines_at(pdf.l_margin, pdf.y, half, lh, [S.C_PRINT_COUNT.format(n=cert.print_count)],
                 size, "L", "T")
    pdf.lines_at(pdf.l_margin + half, pdf.y, half, lh, [S.C_CODE + cert.code], size, "R", "T")
    pdf.set_y(pdf.y + lh + 1)
    pdf.lines_at(pdf.l_margin, pdf.y, width, lh, [S.C_NOTE], size, "L", "T")


def pdf_wrap(pdf: FormPDF, text: str, width: float, size: float) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (character by character: CJK)."""
    out, line = [], ""
    for ch in text:
        if pdf.width(line + ch, size) > width and line:
            out.append(line)
            line = ""
        line += ch
    if line:
        out.append(line)
    return out


def _continued(pdf: FormPDF, cert: Certificate) -> None:
    from sbtui.forms.pdf import BODY_SIZE, _fields

    pdf.set_y(pdf.t_margin)
    _fields(pdf, [(S.C_CONTINUED, "", 70), (S.C_NUMBER, cert.number, 0)], ruled=False)
    pdf.set_y(pdf.y + 2)
    pdf.set_font_size(BODY_SIZE)
