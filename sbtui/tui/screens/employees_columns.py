"""The columns of the employee list on the grid (SPEC E1): name and ID number frozen, then the
ID type, unit numbers (joined with "，"), one ✓ column per insurance type the employer is
registered for, status, group and last change date; 本月更新数据 adds 变动类型.
"""
from __future__ import annotations

from rich.cells import cell_len

from sbtui.domain.vocab import id_type_label
from sbtui.services.registry import change_kind_sql
from sbtui.tui.strings import employees as S
from sbtui.widgets.grid_source import Column

FROZEN = 2  # name, ID number


def _status(value: object) -> str:
    return S.STATUS.get(str(value), "" if value is None else str(value))


def type_column(code: str) -> Column:
    label = S.TYPE_SHORT.get(code, code)
    return Column(f"t{code}", label, max(4, cell_len(label)), align="center",
                  sql=f"CASE WHEN instr(',' || insured_types || ',', ',{code},') > 0"
                      f" THEN '{S.TICK}' ELSE '' END")


def employee_columns(type_codes: list[str], group_paths: dict[str, str], *,
                     changed_since: str | None = None) -> list[Column]:
    """``group_paths`` is read when a row is painted (the screen refreshes it in place)."""
    columns = [
        Column("name", S.COL_NAME, 8),
        Column("id_number", S.COL_ID_NUMBER, 18),
    ]
    if changed_since:
        columns.append(Column("change", S.COL_CHANGE, 8, sql=change_kind_sql(changed_since)))
    columns += [
        Column("id_type", S.COL_ID_TYPE, 10, format=id_type_label),
        Column("unit_numbers", S.COL_UNITS, 30),
        *(type_column(code) for code in type_codes),
        Column("status", S.COL_STATUS, 8, format=_status),
        Column("group_id", S.COL_GROUP, 16,
               format=lambda gid: group_paths.get(gid, "") if gid else ""),
        Column("changed_on", S.COL_CHANGED, 12),
    ]
    return columns
