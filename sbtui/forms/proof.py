"""单位缴费证明 and 职工缴费证明 as PDF (SPEC C4; issue 13).

No public sample of these proofs exists (the manuals only say 打印): the layout is plain and
complete, in the style of the certificate (A4 landscape, the forms kit's CJK font): the title;
缴费单位名称 and 统一社会信用代码; 费款所属期 and 开具日期 (an employee page: 姓名, 证件类型, 证件号码,
人员编号, 单位编号); the rows 费款所属期 | 险种 | (缴费人数) | 缴费基数 | 单位缴纳 | 个人缴纳 | 滞纳金 |
实缴金额 and a 合计 row; 实缴金额合计 in capitals (the rules for bills) and in figures; what refunds
took, when any; and a note saying where the data comes from and that it bears no seal.
An employee proof of several employees gives each one its own page(s).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sbtui.domain.money import format_money, money_in_words
from sbtui.domain.proofs import Proof
from sbtui.forms import strings as S

if TYPE_CHECKING:
    from sbtui.forms.pdfkit import FormPDF

TABLE_SIZE = 9
UNIT_WIDTHS = (26, 56, 22, 36, 32, 32, 28, 36)
EMPLOYEE_WIDTHS = (26, 62, 38, 34, 34, 30, 38)


def write_proof_pdf(proofs: Sequence[Proof], path: str | os.PathLike[str]) -> Path:
    """Write the proofs (one 单位缴费证明, or 职工缴费证明 — one per employee, each on a new
    page) to ``path`` (.pdf); returns ``path``. ValueError (Chinese) for another suffix;
    :class:`~sbtui.forms.common.FormError` when the file cannot be written (0600: names and ID
    numbers)."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise ValueError(S.P_BAD_SUFFIX.format(suffix=target.suffix or target.name))
    from sbtui.forms.common import atomic_file
    from sbtui.forms.pdfkit import FormPDF

    title = S.P_EMPLOYEE_TITLE if proofs and proofs[0].person is not None else S.P_UNIT_TITLE
    pdf = FormPDF(title)
    pdf.reserve_pages(max(len(proofs), 1) * 4)
    current: list[Proof] = []
    fresh = [True]  # the page being added starts a proof: no "（续）" head on it

    def continued() -> None:
        if not fresh[0]:
            _continued(pdf, title, current[0])

    pdf.continued = continued
    for proof in proofs:
        current[:] = [proof]
        fresh[0] = True
        pdf.add_page()
        fresh[0] = False
        _draw(pdf, title, proof)
    with atomic_file(target) as tmp:
        pdf.output(tmp)
    return target


def _period(proof: Proof) -> str:
    return S.P_PERIOD_VALUE.format(start=proof.period_from, end=proof.period_to)


def _draw(pdf: FormPDF, title: str, proof: Proof) -> None:
    from sbtui.forms.pdf import BODY_SIZE, FIELD_H, _ensure_room, _fields, _title
    from sbtui.forms.pdfkit import Col, Table, fit_widths

    _title(pdf, title)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.lines_at(pdf.l_margin, pdf.y - 3, width, 6, [S.P_SUBTITLE], BODY_SIZE, "C")
    pdf.set_y(pdf.y + 4)
    _fields(pdf, [(S.P_TAXPAYER_NAME, proof.taxpayer_name, width * 0.55),
                  (S.P_TAXPAYER_ID, proof.uscc, 0)])
    _fields(pdf, [(S.P_PERIOD, _period(proof), width * 0.35),
                  (S.P_ISSUED_ON, S.DATE.format(d=proof.issued_on), width * 0.25),
                  (S.P_UNITS, "、".join(proof.unit_numbers), 0)])
    person = proof.person
    if person is not None:
        _fields(pdf, [(S.P_NAME, person.name, width * 0.2), (S.P_ID_TYPE, person.id_type, width * 0.2),
                      (S.P_ID_NUMBER, person.id_number, width * 0.3),
                      (S.P_PERSON_NUMBER, person.person_number or "", 0)])
    pdf.set_y(pdf.y + 3)
    headers, widths = ((S.P_EMPLOYEE_HEADERS, EMPLOYEE_WIDTHS) if person is not None
                       else (S.P_UNIT_HEADERS, UNIT_WIDTHS))
    widths = fit_widths(widths, width)
    aligns = ["C", "L"] + ["R"] * (len(headers) - 2)
    table = Table(pdf, [Col(h, w, a) for h, w, a in zip(headers, widths, aligns, strict=True)],
                  size=TABLE_SIZE, min_height=6.5)
    table.header()
    for r in proof.rows:
        count = [] if person is not None else [str(r.headcount)]
        table.row([r.period, r.type_name, *count, format_money(r.base), format_money(r.unit_paid),
                   format_money(r.person_paid), format_money(r.late_fee), format_money(r.paid)])
    if not proof.rows:
        table.row([S.P_NONE, *[""] * (len(headers) - 1)])
    blank = [] if person is not None else [""]
    table.row([S.P_TOTAL, "", *blank, "", format_money(proof.unit_paid), format_money(proof.person_paid),
               format_money(proof.late_fee), format_money(proof.total)], total=True)
    _ensure_room(pdf, 3 * FIELD_H + 30)
    _fields(pdf, [(S.P_TOTAL_WORDS, S.V_RMB + money_in_words(proof.total), width * 0.68),
                  (S.V_TOTAL_FIGURES, S.V_YUAN_SIGN + format_money(proof.total), 0)], size=BODY_SIZE + 1)
    pdf.set_y(pdf.y + 2)
    from sbtui.forms.pdfkit import LEADING, PT

    lh = BODY_SIZE * PT * LEADING
    notes = [S.P_REFUNDED.format(amount=format_money(proof.refunded))] if proof.refunded else []
    notes.append(S.P_NOTE)
    for text in notes:
        lines = pdf.wrap(text, width, BODY_SIZE)
        pdf.lines_at(pdf.l_margin, pdf.y, width, lh * len(lines), lines, BODY_SIZE, "L", "T")
        pdf.set_y(pdf.y + lh * len(lines) + 1)


def _continued(pdf: FormPDF, title: str, proof: Proof) -> None:
    from sbtui.forms.pdf import BODY_SIZE, _fields

    pdf.set_y(pdf.t_margin)
    who = proof.person.name if proof.person is not None else proof.taxpayer_name
    _fields(pdf, [(S.P_CONTINUED.format(title=title), who, 120), (S.P_PERIOD, _period(proof), 0)], ruled=False)
    pdf.set_y(pdf.y + 2)
    pdf.set_font_size(BODY_SIZE)
