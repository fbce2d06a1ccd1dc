"""Floors measured beside the wage bench's figures in the same run (issue 16): the least the
same work can cost on this machine at this moment, so that a median means something on a
shared, noisy machine. Each returns seconds; none changes what the step under test left.

* :func:`add_all_floor` -- one ``INSERT … SELECT`` of the same rows (the normal-paying
  employees' head columns) into the emptied draft, committed, then emptied again;
* :func:`import_floor` -- the same file's cells read with the reader alone (the backend
  :func:`sbtui.xlsx.backends.open_source` picks, every row iterated, nothing checked);
* :func:`export_cells` + :func:`export_floor` -- the same cells (made before the clock starts)
  written with the writer alone: openpyxl's write-only workbook through our
  :class:`~sbtui.xlsx.rowsink.RowSink`, no store read, no header, styles or validation.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sbtui.store.wages import HEAD


def add_all_floor(store) -> float:
    """Times one ``INSERT … SELECT`` of the normal-paying employees into the (emptied) draft."""
    store.wages.clear()
    cols = ", ".join(HEAD)
    t0 = time.perf_counter()
    with store.db.atomic():
        store.db.execute(
            f"INSERT INTO wage_draft ({cols}, updated_at) SELECT id, name, id_type, id_number, group_id,"
            " unit_numbers, insured_types, '' FROM employees WHERE status = 'normal'")
    seconds = time.perf_counter() - t0
    store.wages.clear()
    return seconds


def import_floor(path: str | Path) -> float:
    """Times reading every cell of the file's first sheet with the reader alone."""
    from sbtui.xlsx.backends import open_source

    t0 = time.perf_counter()
    src = open_source(path, None)
    try:
        for _row in src.rows:
            pass
    finally:
        src.close()
    return time.perf_counter() - t0


def export_cells(wages) -> tuple[list[str], list[list[Any]]]:
    """The cell formats and the data cells the draft export writes (``wages``: a
    :class:`~sbtui.services.wages.WagesService`), made before the floor's clock starts."""
    from sbtui.domain.catalogue import catalogue
    from sbtui.services.wages import registered_types
    from sbtui.xlsx.wages import FIXED_COLUMNS, _cells

    types = registered_types(wages.store)
    _total, rows = wages._draft_rows(None, types)
    id_types = catalogue().id_types
    formats = ["@"] * len(FIXED_COLUMNS) + ["0.00", "@", "@"] * len(types)
    return formats, [_cells(r, types, id_types) for r in rows]


def export_floor(formats: list[str], cells: list[list[Any]], path: str | Path) -> float:
    """Times writing ``cells`` to ``path`` with the writer alone."""
    from openpyxl import Workbook

    from sbtui.xlsx.rowsink import RowSink

    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="floor")
    ws.append([None])  # the sink hooks the row writer the first append creates
    sink = RowSink(ws, formats)
    for values in cells:
        sink.append(list(values))
    wb.save(str(path))
    return time.perf_counter() - t0
