"""Exports of the registry: 职工参保信息 (SPEC E1, E5, E7) and 单位参保信息 (SPEC E8).

Columns as the official client shows them (manual 000 §2.2): unit numbers joined with "，",
one column per insurance type with "√" where insured.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sbtui.domain.catalogue import catalogue
from sbtui.domain.vocab import EmployeeStatus, labels
from sbtui.xlsx import strings as S
from sbtui.xlsx.common import Progress, write_table


def _type_name(code: str) -> str:
    t = catalogue().types.get(code)
    return t.name if t else code


def employee_headers(type_codes: Sequence[str],
                     extra: Sequence[tuple[str, str]] = ()) -> list[str]:
    """序号, 姓名, 身份证件类型, 身份证件号码, 单位编号, one column per type (its catalogue
    name), 缴费状态, 分组, 最后变更日期, then the ``extra`` headers."""
    return ([S.H_SEQ, S.H_NAME_PLAIN, S.H_ID_TYPE, S.H_ID_NUMBER_PLAIN, S.H_UNIT_NUMBERS]
            + [_type_name(c) for c in type_codes]
            + [S.H_STATUS, S.H_GROUP_PLAIN, S.H_CHANGED_ON] + [h for h, _k in extra])


def employee_cells(rows: Iterable[dict[str, Any]], type_codes: Sequence[str],
                   extra: Sequence[tuple[str, str]] = ()) -> Iterator[list[Any]]:
    """The data rows of :func:`write_employees` (numbered from 1)."""
    cat = catalogue()
    id_types = cat.id_types
    statuses = labels(EmployeeStatus)
    mark = S.INSURED_MARK
    sep = S.UNIT_SEP
    id_labels: dict[str, str] = {}
    for seq, e in enumerate(rows, start=1):
        code = e.get("id_type") or ""
        label = id_labels.get(code)
        if label is None:
            name = id_types.get(code)
            label = id_labels[code] = f"{code} {name}" if name else code
        insured = e.get("insured_types") or ()
        status = e.get("status")
        row = [seq, e.get("name"), label, _text(e.get("id_number")),
               sep.join(e.get("unit_numbers") or ())]
        row += [mark if c in insured else None for c in type_codes]
        row += [statuses.get(status, status) if status else None, e.get("group") or None,
                _text(e.get("changed_on"))]
        for _h, key in extra:
            row.append(e.get(key))
        yield row


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def write_employees(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]], *,
                    total: int = 0, progress: Progress | None = None,
                    type_codes: list[str], title: str | None = S.EMPLOYEES_TITLE,
                    extra: Sequence[tuple[str, str]] = ()) -> int:
    """Export employees. Each row dict has ``name, id_type, id_number, unit_numbers (list),
    insured_types (list of codes), status ('normal'/'stopped'), group (path or None),
    changed_on (date text)``; ``extra`` appends (header, dict key) columns (e.g. 变动类型 for
    本月更新数据). Returns the number of rows."""
    headers = employee_headers(type_codes, extra)
    widths = [8, 12, 18, 22, 28] + [10] * len(type_codes) + [10, 24, 14] + [14] * len(extra)
    return write_table(path, title=title, headers=headers,
                       rows=employee_cells(rows, type_codes, extra), total=total,
                       progress=progress, widths=widths, sheet=S.EMPLOYEES_SHEET,
                       text_columns=(3, 4))


UNIT_HEADERS = [S.H_SEQ, S.H_UNIT_NUMBER, S.H_AGENCY, S.H_AGENCY_SYSTEM, S.H_TAX_AUTHORITY,
                S.H_PAYER_TYPE, S.H_INSURANCE_TYPES, S.H_UNIT_STATUS]


def unit_cells(regs: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """The data rows of :func:`write_units` (numbered from 1)."""
    systems = catalogue().agency_systems
    for seq, u in enumerate(regs, start=1):
        system = u.get("agency_system")
        yield [seq, _text(u.get("unit_number")), u.get("agency"),
               systems.get(system, system) if system else None, u.get("tax_authority"),
               u.get("payer_type"),
               S.TYPE_SEP.join(_type_name(c) for c in u.get("insurance_types") or ()),
               u.get("status")]


def write_units(path: str | os.PathLike[str], regs: list[dict[str, Any]], *,
                title: str | None = S.UNITS_TITLE) -> int:
    """Export 单位参保信息 (SPEC E8): one row per unit registration (the
    :class:`~sbtui.domain.models.UnitRegistration` fields); the agency system by the
    catalogue's label (企业险 / 机关保 / 医保, the manual's words), the types by name joined
    with "、". Returns the number of rows."""
    return write_table(path, title=title, headers=UNIT_HEADERS, rows=unit_cells(regs),
                       total=len(regs), widths=[6, 22, 30, 10, 30, 14, 50, 10],
                       sheet=S.UNITS_SHEET, text_columns=(1,))
