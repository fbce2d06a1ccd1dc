"""The columns of the 职工工资编辑区 (SPEC W1, W4): name and ID number frozen, the declaration
result, the group, then per insurance type the employer is registered for 新缴费工资 / 生效年月起
/ 生效年月止 (editable; the store's ``wage_set`` applies the W4 binding when one is saved).
"""
from __future__ import annotations

from sbtui.domain.vocab import WageResult, label
from sbtui.tui.strings import wages as S
from sbtui.widgets.grid_source import Column

FROZEN = 2
RESULT_SQL = "result"


def _result(value: object) -> str:
    return label(None if value is None else str(value), WageResult)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def wage_columns(type_codes: list[str], group_paths: dict[str, str]) -> list[Column]:
    columns = [
        Column("name", S.COL_NAME, 8),
        Column("id_number", S.COL_ID_NUMBER, 18),
        Column("result", S.COL_RESULT, 8, sql=RESULT_SQL, format=_result),
        Column("group_id", S.COL_GROUP, 12, format=lambda gid: group_paths.get(gid, "") if gid else ""),
    ]
    for code in type_codes:
        label = S.TYPE_SHORT.get(code, code)
        columns += [
            Column(f"w{code}", label, 10, editable=True, align="right", format=_text),
            Column(f"f{code}", S.COL_FROM, 7, editable=True, format=_text),
            Column(f"t{code}", S.COL_TO, 7, editable=True, format=_text),
        ]
    return columns


def column_type(column: str) -> tuple[str, str] | None:
    """``("w"|"f"|"t", type code)`` of an editable wage column, else None."""
    if len(column) == 4 and column[0] in "wft" and column[1:].isdigit():
        return column[0], column[1:]
    return None
