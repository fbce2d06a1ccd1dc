"""A screen's virtual grid (:class:`sbtui.widgets.grid_source.GridSource`) reads one employer's
store file on a SQLite connection of its own: pages of visible rows on the UI thread while
workers write through the store's connection (WAL lets both go on). The area services hand
these readers out, so the screens import neither ``sqlite3`` nor ``sbtui.store``:
:class:`GridReader` for any table of the store, :class:`DraftGrid` (the 职工工资编辑区) and
:class:`WageQueryGrid` (职工缴费工资查询) from :class:`sbtui.services.wages.WagesService`.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sbtui.domain.vocab import WageResult
from sbtui.store import wage_query


class GridReader:
    """A read connection on a store's file (``conn``, for the grid's source), opened here and
    closed by :meth:`close` when the screen goes. ``threads``: also used by the screen's
    worker threads (then one at a time)."""

    def __init__(self, path: str | Path, *, threads: bool = False) -> None:
        self.conn = sqlite3.connect(str(path), check_same_thread=not threads)

    def close(self) -> None:
        self.conn.close()


class DraftGrid(GridReader):
    """The 职工工资编辑区 (SPEC W1–W8) as the wage grid reads it: its table, and the row
    lookups the screen makes on the UI thread as the cursor moves."""

    table = "wage_draft"

    def insured(self, rowid: int) -> list[str] | None:
        """The types the row's employee is insured for (None: no such row)."""
        row = self.conn.execute("SELECT insured FROM wage_draft WHERE rowid = ?", (rowid,)).fetchone()
        return None if row is None else (row[0] or "").split(",")

    def refusal(self, rowid: int) -> str | None:
        """Why the service refused the row (W8), when it did."""
        row = self.conn.execute("SELECT result, reason FROM wage_draft WHERE rowid = ?", (rowid,)).fetchone()
        return row[1] if row and row[0] == WageResult.REFUSED and row[1] else None


class WageQueryGrid(GridReader):
    """职工缴费工资查询 (SPEC W13) as the TEMP table :attr:`table` (columns :attr:`columns`) of
    the reader's own connection, filled from the local registry by :meth:`build`: nothing is
    added to the store's file."""

    table = wage_query.TABLE
    columns = wage_query.COLUMNS

    def build(self) -> int:
        """(Re)build the table; returns its row count (~4 s for 870,000 rows)."""
        return wage_query.build(self.conn)

    def rows(self, where: str = "", params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The built rows matching ``where`` (as :meth:`WagesService.query_where` gives it),
        in order, as dicts of :attr:`columns`."""
        sql = (f"SELECT {', '.join(self.columns)} FROM temp.{self.table}"
               + (f" WHERE {where}" if where else "") + " ORDER BY rowid")
        return (dict(zip(self.columns, r)) for r in self.conn.execute(sql, tuple(params)))
