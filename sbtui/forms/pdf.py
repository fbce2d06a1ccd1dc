"""The two declaration forms as PDF (fpdf2), laid out as manual 000 §3.4 prints them.

A4 landscape; the table wraps over pages with its header row repeated; "第 n 页 共 m 页" at
the foot of every page. The employee form draws each row as it reads it, so 100,000 employees
are never held as a list (only fpdf2's page buffers grow).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sized
from datetime import date

from sbtui.domain.models import Declaration, DeclarationEmployee, EmployerRecord
from sbtui.forms import rows as R
from sbtui.forms import strings as S
from sbtui.forms.common import PROGRESS_EVERY, Progress, atomic_file
from sbtui.forms.pdfkit import PAD, PT, Col, FormPDF, Table, fit_widths

TITLE_SIZE = 16
BODY_SIZE = 9
UNIT_TABLE_SIZE = 8
EMPLOYEE_TABLE_SIZE = 7
FIELD_H = 7.0  # mm, a row of label/value fields under a table


def _cols(columns: Iterable[R.Column], total: float) -> list[Col]:
    columns = list(columns)
    widths = fit_widths([c.mm for c in columns], total)
    return [Col(c.header, w, c.align, c.repeats) for c, w in zip(columns, widths, strict=True)]


def _title(pdf: FormPDF, title: str) -> None:
    pdf.set_font_size(TITLE_SIZE)
    w = pdf.width(title, TITLE_SIZE)
    with pdf.bold():
        pdf.text((pdf.w - w) / 2, pdf.t_margin + TITLE_SIZE * PT, title)
    pdf.set_y(pdf.t_margin + TITLE_SIZE * PT + 5)
    pdf.set_font_size(BODY_SIZE)


def _fields(pdf: FormPDF, fields: list[tuple[str, str, float]], *, size: float = BODY_SIZE,
            ruled: bool = True) -> None:
    """A row of ``label value`` pairs, each given a width (mm; the last takes what is left)."""
    total = pdf.w - pdf.l_margin - pdf.r_margin
    cols: list[Col] = []
    cells: list[str] = []
    used = 0.0
    for i, (label, value, width) in enumerate(fields):
        lw = pdf.width(label, size) + 2 * PAD + 0.5
        w = total - used if i == len(fields) - 1 else width
        cols += [Col(label, lw, "L"), Col("", max(w - lw, 1.0), "L")]
        cells += [label, value]
        used += w
    if not ruled:
        y = pdf.y
        h = size * PT * 1.25 + 2 * PAD
        x = pdf.l_margin
        pdf.set_font_size(size)
        for c, t in zip(cols, cells, strict=True):
            pdf.lines_at(x, y, c.width, h, pdf.wrap(t, c.width - 2 * PAD, size) if t else [],
                         size, "L")
            x += c.width
        pdf.set_y(y + h)
        return
    Table(pdf, cols, size=size, repeat_header=False, min_height=FIELD_H).row(cells)


def _ensure_room(pdf: FormPDF, h: float) -> None:
    if pdf.y + h > pdf.bottom:
        pdf.add_page()


# -- 《社会保险费缴费申报表（适用单位缴费人）》 --------------------------------------------------

def write_unit_pdf(path: str | os.PathLike[str], declaration: Declaration,
                   employer: EmployerRecord, accepted_on: date) -> None:
    pdf = FormPDF(S.UNIT_TITLE)
    pdf.add_page()
    _title(pdf, S.UNIT_TITLE)
    _fields(pdf, [(S.EMPLOYER_NAME, employer.name, 140), (S.EMPLOYER_ID, employer.uscc, 90),
                  (S.DECLARATION_NATURE, "", 0)], ruled=False)
    pdf.set_y(pdf.y + 1)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    table = Table(pdf, _cols(R.UNIT_COLUMNS, width), size=UNIT_TABLE_SIZE, min_height=6.5)
    table.header()
    lines = sorted(declaration.lines, key=lambda x: x.n)
    for line in lines:
        table.row([R.text(c) for c in R.unit_row(line, declaration.agency)])
    table.row([R.text(c) for c in R.unit_total(lines)], total=True)
    _declarations(pdf, width)
    _fields(pdf, [(S.ACCEPT_AUTHORITY, "", 85), (S.ACCEPT_PERSON, "", 55),
                  (S.ACCEPT_DATE, S.DATE.format(d=accepted_on), 62), (S.REMARK, "", 0)])
    with atomic_file(path) as tmp:
        pdf.output(tmp)


def _declarations(pdf: FormPDF, width: float) -> None:
    """The box of the three declarations (缴费人申明 / 授权人申明 / 代理人申明), side by side:
    a label cell and a text cell each, the signature lines and the date at the bottom."""
    size = BODY_SIZE - 0.5
    lh = size * PT * 1.25
    label_w = 16.0
    text_w = width / 3 - label_w
    boxes = [(S.PAYER_LABEL, S.PAYER_TEXT, S.PAYER_SIGN),
             (S.AUTHORIZER_LABEL, S.AUTHORIZER_TEXT, S.AUTHORIZER_SIGN),
             (S.AGENT_LABEL, S.AGENT_TEXT, S.AGENT_SIGN)]
    wrapped = [pdf.wrap(text, text_w - 2 * PAD, size) for _, text, _ in boxes]
    n = max(len(w) + 1 + len(sign) + 1 for w, (_, _, sign) in zip(wrapped, boxes, strict=True))
    h = n * lh + 4 * PAD
    _ensure_room(pdf, 3 + h + FIELD_H)
    pdf.set_y(pdf.y + 3)
    y = pdf.y
    x = pdf.l_margin
    pdf.set_font_size(size)
    for (label, _, sign), lines in zip(boxes, wrapped, strict=True):
        pdf.rect(x, y, label_w, h)
        pdf.rect(x + label_w, y, text_w, h)
        with pdf.bold():
            pdf.lines_at(x, y, label_w, h, [label[:-2], label[-2:]], size, "C")  # *缴费人 / 申明
        tx = x + label_w
        pdf.lines_at(tx, y + PAD, text_w, h, lines, size, "L", "T")
        sign_top = y + h - PAD - (len(sign) + 1) * lh
        pdf.lines_at(tx, sign_top, text_w, len(sign) * lh, list(sign), size, "L", "T")
        pdf.lines_at(tx, y + h - PAD - lh - 1, text_w - 4, lh, [S.SIGN_DATE], size, "R", "T")
        x += label_w + text_w
    pdf.set_y(y + h)
    pdf.set_font_size(BODY_SIZE)


# -- 《社会保险费缴费明细申报表（适用职工个人）》 -----------------------------------------------

def write_employee_pdf(path: str | os.PathLike[str], declaration: Declaration,
                       employees: Iterable[DeclarationEmployee], employer: EmployerRecord,
                       accepted_on: date, *, progress: Progress | None = None) -> int:
    """Draw the employee form; return the number of employee rows."""
    total = len(employees) if isinstance(employees, Sized) else 0
    pdf = FormPDF(S.EMPLOYEE_TITLE)
    pdf.reserve_pages(total // 15 + 2)  # at least 15 rows a page
    pdf.add_page()
    _title(pdf, S.EMPLOYEE_TITLE)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    table = Table(pdf, _cols(R.EMPLOYEE_COLUMNS, width), size=EMPLOYEE_TABLE_SIZE)
    table.header()
    totals = R.EmployeeTotals()
    text = R.text
    for row in R.employee_rows(employees, totals):
        table.row([text(c) for c in row])
        if progress is not None and totals.rows % PROGRESS_EVERY == 0:
            progress(totals.rows, total)
    table.row([text(c) for c in totals.row()], total=True)
    _ensure_room(pdf, 3 + 2 * FIELD_H)
    pdf.set_y(pdf.y + 3)
    _fields(pdf, [(S.E_EMPLOYER_ID, employer.uscc, 100), (S.E_EMPLOYER_NAME, employer.name, 0)])
    _fields(pdf, [(S.E_ACCEPT_AUTHORITY, "", 100), (S.E_ACCEPT_PERSON, "", 80),
                  (S.E_ACCEPT_DATE, S.DATE.format(d=accepted_on), 0)])
    with atomic_file(path) as tmp:
        pdf.output(tmp)
    if progress is not None:
        progress(totals.rows, max(total, totals.rows) if total else 0)
    return totals.rows
