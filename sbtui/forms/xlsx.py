"""The two declaration forms as xlsx (openpyxl, write-only, saved atomically).

Laid out like the PDF: title, (unit form) the employer line, the table with its 合计 row, then
the declarations and the 受理 fields. Money goes in as numbers formatted ``#,##0.00``; unit
numbers, ID numbers and periods as text. Printing is set up as the PDF: A4 landscape, one page
wide, the header row repeated on every page, "第 n 页 共 m 页" in the footer. The employee
form streams its rows (:class:`~sbtui.xlsx.rowsink.RowSink`): 100,000 rows, constant memory.
The workbook lands atomically (:func:`~sbtui.xlsx.common.atomic_workbook` inside
:func:`~sbtui.forms.common.atomic_file`, which also gives the file its usual mode).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence, Sized
from datetime import date
from typing import Any

from sbtui.domain.models import Declaration, DeclarationEmployee, EmployerRecord
from sbtui.forms import rows as R
from sbtui.forms import strings as S
from sbtui.forms.common import PROGRESS_EVERY, Progress, atomic_file
from sbtui.xlsx.common import atomic_workbook, column_letter
from sbtui.xlsx.rowsink import RowSink

MONEY_FORMAT = "#,##0.00"
FORMATS = {"seq": "0", "int": "0", "money": MONEY_FORMAT}


class _Styles:
    """The cell styles of a form sheet (openpyxl objects made once)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=16)
        self.fill = PatternFill("solid", fgColor="EBEBEB")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.top = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.label = Alignment(horizontal="right", vertical="center")

    def align(self, col: R.Column) -> Any:
        return {"L": self.left, "C": self.center, "R": self.right}[col.align]


def _setup(ws: Any, columns: Sequence[R.Column], header_row: int) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    for i, c in enumerate(columns):
        dim = ws.column_dimensions[column_letter(i)]
        dim.width = c.chars
    ws.freeze_panes = f"A{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = S.PAGE.format(page="&P", pages="&N")
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _cell(ws: Any, value: Any, *, font: Any = None, align: Any = None, border: Any = None,
          fill: Any = None, fmt: str | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value=value)
    if font is not None:
        c.font = font
    if align is not None:
        c.alignment = align
    if border is not None:
        c.border = border
    if fill is not None:
        c.fill = fill
    if fmt is not None:
        c.number_format = fmt
    return c


def _title(ws: Any, st: _Styles, title: str, ncols: int, row: int) -> None:
    ws.row_dimensions[row].height = 30
    ws.append([_cell(ws, title, font=st.title_font, align=st.center)])
    ws.merged_cells.add(f"A{row}:{column_letter(ncols - 1)}{row}")


def _header(ws: Any, st: _Styles, columns: Sequence[R.Column], row: int) -> None:
    ws.row_dimensions[row].height = 30
    ws.append([_cell(ws, c.header, font=st.bold, align=st.center, border=st.border, fill=st.fill)
               for c in columns])


def _data_row(ws: Any, st: _Styles, columns: Sequence[R.Column], values: Sequence[Any], *,
              bold: bool = False) -> None:
    ws.append([_cell(ws, v, font=st.bold if bold else None, border=st.border,
                     align=st.right if isinstance(v, str) and c.kind == "money" else st.align(c),
                     fmt=FORMATS.get(c.kind, "@")) for c, v in zip(columns, values, strict=True)])


def _fields(ws: Any, st: _Styles, row: int, spans: Sequence[tuple[str, Any, int, int]],
            ncols: int, *, border: bool = True) -> None:
    """One row of ``label value`` pairs: ``(label, value, label_cols, value_cols)`` each; the
    label and the value cells merged over their columns."""
    cells: list[Any] = []
    b = st.border if border else None
    col = 0
    for label, value, lcols, vcols in spans:
        for k in range(lcols):
            cells.append(_cell(ws, label if k == 0 else None, font=st.bold, align=st.label,
                               border=b))
        for k in range(vcols):
            cells.append(_cell(ws, value if k == 0 else None, align=st.left, border=b, fmt="@"))
        for start, n in ((col, lcols), (col + lcols, vcols)):
            if n > 1:
                ws.merged_cells.add(f"{column_letter(start)}{row}:"
                                    f"{column_letter(start + n - 1)}{row}")
        col += lcols + vcols
    assert col == ncols, (col, ncols)
    ws.row_dimensions[row].height = 22
    ws.append(cells)


# -- 《社会保险费缴费申报表（适用单位缴费人）》 --------------------------------------------------

def write_unit_xlsx(path: str | os.PathLike[str], declaration: Declaration,
                    employer: EmployerRecord, accepted_on: date) -> None:
    cols = R.UNIT_COLUMNS
    n = len(cols)
    st = _Styles()
    lines = sorted(declaration.lines, key=lambda x: x.n)
    with atomic_file(path) as tmp, atomic_workbook(tmp) as wb:
        ws = wb.create_sheet(title=S.UNIT_SHEET)
        _setup(ws, cols, header_row=3)
        _title(ws, st, S.UNIT_TITLE, n, 1)
        _fields(ws, st, 2, [(S.EMPLOYER_NAME, employer.name, 2, 4),
                            (S.EMPLOYER_ID, employer.uscc, 2, 2),
                            (S.DECLARATION_NATURE, None, 1, 2)], n, border=False)
        _header(ws, st, cols, 3)
        for line in lines:
            _data_row(ws, st, cols, R.unit_row(line, declaration.agency))
        _data_row(ws, st, cols, R.unit_total(lines), bold=True)
        r = 4 + len(lines) + 1
        _declarations(ws, st, r)
        _fields(ws, st, r + 1, [(S.ACCEPT_AUTHORITY, None, 2, 2), (S.ACCEPT_PERSON, None, 1, 2),
                                (S.ACCEPT_DATE, S.DATE.format(d=accepted_on), 2, 1),
                                (S.REMARK, None, 1, 2)], n)


def _declarations(ws: Any, st: _Styles, row: int) -> None:
    """缴费人申明 A:B + C:E, 授权人申明 F + G:I, 代理人申明 J + K:M: a label and a text cell
    each, the text holding the declaration, the signature lines and the date."""
    boxes = [(S.PAYER_LABEL, S.PAYER_TEXT, S.PAYER_SIGN, 2, 3),
             (S.AUTHORIZER_LABEL, S.AUTHORIZER_TEXT, S.AUTHORIZER_SIGN, 1, 3),
             (S.AGENT_LABEL, S.AGENT_TEXT, S.AGENT_SIGN, 1, 3)]
    cells: list[Any] = []
    col = 0
    for label, text, sign, lcols, tcols in boxes:
        body = "\n".join([text, "", *sign, "", f"{'　' * 10}{S.SIGN_DATE}"])
        for k in range(lcols):
            cells.append(_cell(ws, label if k == 0 else None, font=st.bold, align=st.center,
                               border=st.border))
        for k in range(tcols):
            cells.append(_cell(ws, body if k == 0 else None, align=st.top, border=st.border))
        for start, n in ((col, lcols), (col + lcols, tcols)):
            if n > 1:
                ws.merged_cells.add(f"{column_letter(start)}{row}:"
                                    f"{column_letter(start + n - 1)}{row}")
        col += lcols + tcols
    ws.row_dimensions[row].height = 135
    ws.append(cells)


# -- 《社会保险费缴费明细申报表（适用职工个人）》 -----------------------------------------------

class _BorderedSink(RowSink):
    """:class:`RowSink` whose cells also carry the form's border and alignment."""

    def __init__(self, ws: Any, st: _Styles, columns: Sequence[R.Column]) -> None:
        super().__init__(ws, [FORMATS.get(c.kind, "@") for c in columns])
        for cell, col in zip(self._cells, columns, strict=True):
            cell.border = st.border
            cell.alignment = st.align(col)
        self._styles = [c.style_id for c in self._cells]


def write_employee_xlsx(path: str | os.PathLike[str], declaration: Declaration,
                        employees: Iterable[DeclarationEmployee], employer: EmployerRecord,
                        accepted_on: date, *, progress: Progress | None = None) -> int:
    """Write the employee form; return the number of employee rows."""
    cols = R.EMPLOYEE_COLUMNS
    n = len(cols)
    st = _Styles()
    total = len(employees) if isinstance(employees, Sized) else 0
    totals = R.EmployeeTotals()
    with atomic_file(path) as tmp, atomic_workbook(tmp) as wb:
        ws = wb.create_sheet(title=S.EMPLOYEE_SHEET)
        _setup(ws, cols, header_row=2)
        _title(ws, st, S.EMPLOYEE_TITLE, n, 1)
        _header(ws, st, cols, 2)
        sink = _BorderedSink(ws, st, cols)
        for row in R.employee_rows(employees, totals):
            sink.append(row)
            if progress is not None and totals.rows % PROGRESS_EVERY == 0:
                progress(totals.rows, total)
        _data_row(ws, st, cols, totals.row(), bold=True)
        r = 3 + totals.rows + 1
        _fields(ws, st, r, [(S.E_EMPLOYER_ID, employer.uscc, 2, 3),
                            (S.E_EMPLOYER_NAME, employer.name, 2, 9)], n)
        _fields(ws, st, r + 1, [(S.E_ACCEPT_AUTHORITY, None, 2, 3), (S.E_ACCEPT_PERSON, None, 2, 3),
                                (S.E_ACCEPT_DATE, S.DATE.format(d=accepted_on), 2, 4)], n)
    if progress is not None:
        progress(totals.rows, max(total, totals.rows) if total else 0)
    return totals.rows
