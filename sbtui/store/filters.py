"""The employee query conditions (SPEC E2, E5) as one SQL condition, shared by the list, the
grid and export: :func:`employee_where` (``store.registry.employee_where``).

The condition is over the ``employees`` table's columns without a table prefix, so a caller
can put it after ``WHERE`` in any query of that table (counts, pages, exports).
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from sbtui.domain.period import Period, PeriodError
from sbtui.store.groups import subgroup_ids

if TYPE_CHECKING:
    from sqlite_utils import Database

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
UNIT_SEP = "，"  # SPEC E1: unit numbers shown joined with a full-width comma
TYPE_SEP = ","
UNGROUPED = "(group_id IS NULL OR group_id NOT IN (SELECT id FROM groups))"


def _unit_clause(unit_number: str) -> tuple[str, str]:
    """Whole-number match within the "，"-joined ``unit_numbers``."""
    return (f"instr('{UNIT_SEP}' || unit_numbers || '{UNIT_SEP}', ?) > 0",
            f"{UNIT_SEP}{unit_number}{UNIT_SEP}")


def _day(value: str, what: str) -> str:
    if not _DAY.fullmatch(value):
        raise ValueError(f"{what}格式应为 YYYY-MM-DD：{value}")
    date.fromisoformat(value)  # a real day
    return value


def employee_where(
    db: Database,
    *,
    name: str | None = None,
    id_number: str | None = None,
    unit_number: str | None = None,
    agency: str | None = None,
    type_code: str | None = None,
    status: str | None = None,
    group_id: str | None = None,
    subgroups: bool = True,
    ungrouped: bool = False,
    changed_since: str | None = None,
) -> tuple[str, list[Any]]:
    """``(condition, parameters)`` over the ``employees`` columns; ``("", [])`` when no
    filter is set. Empty values do not filter.

    - ``name`` / ``id_number``: a part (substring; the ID number upper-cased);
    - ``unit_number``: one of the employee's unit numbers, exactly;
    - ``agency``: the employee has a unit number of that agency (the ``registrations``
      table); an agency without unit numbers matches nobody;
    - ``type_code``: insured for that type; ``status``: exactly (``normal``/``stopped``);
    - ``group_id``: that group and, with ``subgroups`` (the default), its descendants;
    - ``ungrouped``: no group, or a group that no longer exists here;
    - ``changed_since`` ("YYYY-MM-DD"): changed or added on or after that day.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if name and name.strip():
        clauses.append("instr(name, ?) > 0")
        params.append(name.strip())
    if id_number and id_number.strip():
        clauses.append("instr(id_number, ?) > 0")
        params.append(id_number.strip().upper())
    if unit_number:
        clause, param = _unit_clause(unit_number)
        clauses.append(clause)
        params.append(param)
    if agency:
        units = [r[0] for r in db.execute(
            "SELECT unit_number FROM registrations WHERE agency = ? ORDER BY unit_number",
            [agency])]
        if not units:
            clauses.append("0")
        else:
            parts = [_unit_clause(u) for u in units]
            clauses.append("(" + " OR ".join(c for c, _ in parts) + ")")
            params.extend(p for _, p in parts)
    if type_code:
        clauses.append(f"instr('{TYPE_SEP}' || insured_types || '{TYPE_SEP}', ?) > 0")
        params.append(f"{TYPE_SEP}{type_code}{TYPE_SEP}")
    if status:
        clauses.append("status = ?")
        params.append(status)
    if group_id:
        ids = [group_id]
        if subgroups:
            try:
                ids = subgroup_ids(db, group_id)
            except KeyError:
                pass  # a group that is gone: its id alone
        clauses.append(f"group_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    if ungrouped:
        clauses.append(UNGROUPED)
    if changed_since:
        day = _day(changed_since, "起始日期")
        clauses.append("(changed_on >= ? OR added_on >= ?)")
        params.extend([day, day])
    return " AND ".join(clauses), params

def month_changes_where(month: str) -> tuple[str, list[Any]]:
    """本月更新数据 (SPEC E5) of ``month`` ("YYYY-MM"): employees added or changed within
    that month (not after it)."""
    try:
        period = Period.parse(month or "", strict=True)
    except PeriodError:
        raise ValueError(f"月份格式应为 YYYY-MM：{month}") from None
    start, end = period.first_day.isoformat(), (period + 1).first_day.isoformat()
    return ("((changed_on >= ? AND changed_on < ?) OR (added_on >= ? AND added_on < ?))",
            [start, end, start, end])


def agencies(db: Database) -> list[str]:
    """The distinct agencies of the employer's unit registrations, sorted."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT agency FROM registrations ORDER BY agency")]
