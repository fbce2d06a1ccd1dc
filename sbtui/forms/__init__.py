"""The printed declaration forms of manual 000 §3.4, as xlsx or PDF (SPEC D8: 申报记录 → 打印/导出).

- :func:`write_unit_form`: 《社会保险费缴费申报表（适用单位缴费人）》, one row per declared line;
- :func:`write_employee_form`: 《社会保险费缴费明细申报表（适用职工个人）》, one row per employee
  and item, streamed (100,000 rows in constant memory for xlsx, drawn as read for PDF).

The format follows the suffix of ``path`` (``.xlsx`` / ``.pdf``); files land atomically.
No Textual and no store: plain domain models in, a file out. openpyxl and fpdf2 are imported
only when a form is written. Every Chinese text lives in :mod:`sbtui.forms.strings`.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sbtui.domain.models import Declaration, DeclarationEmployee, EmployerRecord
from sbtui.forms.common import FormError, Progress, form_format

__all__ = ["FormError", "Progress", "form_format", "write_employee_form", "write_unit_form"]


def write_unit_form(path: str | os.PathLike[str], declaration: Declaration,
                    employer: EmployerRecord, accepted_on: date) -> Path:
    """Write 《社会保险费缴费申报表（适用单位缴费人）》 of ``declaration`` (with its lines) to
    ``path``; ``accepted_on`` is printed as *受理日期. Returns ``path``.

    Raises :class:`ValueError` (Chinese message) for a suffix other than .xlsx/.pdf, and
    :class:`FormError` or :class:`~sbtui.xlsx.XlsxError` when the file cannot be written."""
    target = Path(path)
    if form_format(target) == "xlsx":
        from sbtui.forms.xlsx import write_unit_xlsx

        write_unit_xlsx(target, declaration, employer, accepted_on)
    else:
        from sbtui.forms.pdf import write_unit_pdf

        write_unit_pdf(target, declaration, employer, accepted_on)
    return target


def write_employee_form(path: str | os.PathLike[str], declaration: Declaration,
                        employees: Iterable[DeclarationEmployee], employer: EmployerRecord,
                        accepted_on: date, *, progress: Progress | None = None) -> Path:
    """Write 《社会保险费缴费明细申报表（适用职工个人）》: one row per item of ``employees`` (read
    once, in order; a generator is fine), the 合计 row, the employer and the 受理 fields.
    ``progress(done, total)`` is called every 1,000 rows and at the end (``total`` 0 when
    ``employees`` has no length). Returns ``path``; errors as :func:`write_unit_form`."""
    target = Path(path)
    if form_format(target) == "xlsx":
        from sbtui.forms.xlsx import write_employee_xlsx

        write_employee_xlsx(target, declaration, employees, employer, accepted_on,
                            progress=progress)
    else:
        from sbtui.forms.pdf import write_employee_pdf

        write_employee_pdf(target, declaration, employees, employer, accepted_on,
                           progress=progress)
    return target
