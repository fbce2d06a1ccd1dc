"""The 职工工资编辑区 (SPEC W2–W6) in the local store: table ``wage_draft``, one row per
employee, keyed by its INTEGER rowid (the grid's key).

Per insurance type code ``c`` a row has ``w{c}`` (新缴费工资, canonical text ``"8888.00"``),
``f{c}`` and ``t{c}`` (生效年月起 / 止, ``"YYYY-MM"``); ``NULL`` is an empty cell. ``insured`` holds
the employee's insured types (``"110,210,410"``); ``result`` / ``reason`` the outcome of the
last submission (``queued`` / ``accepted`` / ``refused``), cleared when the row changes;
``warn`` the back-payment note of SPEC W6 as of the last write.

The part of the store that reads and edits it is :class:`sbtui.store.wage_draft.WageDraft`
(``store.wages``); adding rows in bulk is prepared in :mod:`sbtui.store.wage_add`.
Submitting and feedback are in :mod:`sbtui.store.wage_submit`, the wage query (W13) in :mod:`sbtui.store.wage_query`.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sbtui.store.migrations import M003_TYPES

CODES = M003_TYPES
FIELD_OF = {"w": "wage", "f": "from", "t": "to"}
PREFIX_OF = {v: k for k, v in FIELD_OF.items()}
CELLS = tuple(f"{p}{c}" for c in CODES for p in "wft")
HEAD = ("employee_id", "name", "id_type", "id_number", "group_id", "unit_numbers", "insured")
MAX_ACTIONS = 200  # undo depth
MAX_ENTRIES = 1_000_000  # cells kept in the undo log (a fill of 100,000 rows logs ~400,000)
Row = dict[str, Any]


def column_of(column: str) -> tuple[str, str]:
    """``"w110"`` → ``("wage", "110")``; ``ValueError`` for a column that is not a wage cell."""
    if len(column) == 4 and column[0] in FIELD_OF and column[1:] in CODES:
        return FIELD_OF[column[0]], column[1:]
    raise ValueError(f"不可编辑的列：{column}")


def cell(code: str, field: str) -> str:
    return PREFIX_OF[field] + code


def items_of(row: Mapping[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    """A draft row's items: type code → (wage, from, to)."""
    return {c: (row[f"w{c}"], row[f"f{c}"], row[f"t{c}"]) for c in CODES}


def filled_items(row: Mapping[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    """The items of a draft row with any cell filled."""
    out = {}
    for c in CODES:
        item = (row[f"w{c}"], row[f"f{c}"], row[f"t{c}"])
        if item != (None, None, None):
            out[c] = item
    return out


def insured_of(row: Mapping[str, Any]) -> list[str]:
    return row["insured"].split(",") if row["insured"] else []


def _ids_json(ids: Iterable[Any]) -> str:
    return json.dumps([int(i) for i in ids])
