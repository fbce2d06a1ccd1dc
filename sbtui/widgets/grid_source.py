"""The data behind :class:`sbtui.widgets.grid.Grid`: a table of the local SQLite seen as a list
of row ids (the only thing held in memory), with sort, filter and search in SQL, rows fetched a
page at a time with ``key IN (…)``, and single-cell edits written with UPDATE + commit.

No Textual here: the source is plain Python over a ``sqlite3.Connection`` and is usable (and
tested) without a UI. Column widths come from the schema (:class:`Column`), never from the data.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

CHUNK = 500  # ids per ``IN (…)`` query (SQLite's default limit of host parameters is 32766)


@dataclass(frozen=True)
class Column:
    """One declared column: its SQL, its label and its width in terminal cells."""

    key: str  # name used by the API (edit_cell, sort, search) and, by default, the SQL column
    label: str
    width: int  # cells; text is cut or padded to it by cell width (CJK counts 2)
    sql: str | None = None  # an expression to select instead of ``key`` (read-only then)
    editable: bool = False
    align: str = "left"  # "left" | "right" | "center"
    format: Callable[[Any], str] | None = None  # value -> text (default: str, None -> "")

    @property
    def expr(self) -> str:
        return self.sql or f'"{self.key}"'

    def text(self, value: Any) -> str:
        if self.format is not None:
            return self.format(value)
        return "" if value is None else str(value)


class GridSource:
    """Rows of ``table`` keyed by ``key``, filtered by ``where`` and ordered by ``order_by``.

    ``ids`` is the ordered list of the keys of the rows that pass the filter; it is re-queried
    (:meth:`requery`) when the filter or the sort changes, and nothing else is held in memory.
    """

    def __init__(self, conn: sqlite3.Connection, table: str, columns: Sequence[Column], *,
                 key: str = "id", where: str = "", params: Sequence[Any] = (),
                 order_by: str | None = None, eager: bool = True) -> None:
        self.conn = conn
        self.table = table
        self.columns = list(columns)
        self.key = key
        self.where = where
        self.params: tuple[Any, ...] = tuple(params)
        self.order_by = order_by or f'"{key}"'
        self.ids: list[Any] = []
        self._positions: dict[Any, int] | None = None
        self._select = ", ".join(c.expr for c in self.columns)
        self.complete = False  # ids holds every row that passes the filter
        if eager:
            self.requery()

    # -- the id list -------------------------------------------------------------------------

    def _where_sql(self, extra: str = "") -> str:
        parts = [p for p in (self.where, extra) if p]
        return (" WHERE " + " AND ".join(f"({p})" for p in parts)) if parts else ""

    def _ids_sql(self) -> str:
        return f'SELECT "{self.key}" FROM "{self.table}"{self._where_sql()} ORDER BY {self.order_by}'

    def requery(self) -> None:
        """Load the ordered ids of the rows that pass the filter."""
        self.set_ids(self.query_ids())

    def query_ids(self, conn: sqlite3.Connection | None = None, *, packed: bool = False) -> list[Any]:
        """The ordered ids, read on ``conn`` (a thread's own connection) or the source's.

        ``packed`` (for a thread): one row of all ids joined in SQL, so the GIL is let go once
        rather than once per row (per-row hand-offs with a busy UI loop took 12 s for 1M ids)."""
        conn = conn or self.conn
        if not packed:
            return [r[0] for r in conn.execute(self._ids_sql(), self.params)]
        inner = (f'SELECT "{self.key}" AS k FROM "{self.table}"{self._where_sql()} ORDER BY {self.order_by}')
        sql = f"SELECT group_concat(k, char(31)), typeof(min(k)) FROM ({inner})"
        text, kind = conn.execute(sql, self.params).fetchone()
        if not text:
            return []
        ids = text.split("\x1f")
        return list(map(int, ids)) if kind == "integer" else ids

    def set_ids(self, ids: list[Any], *, complete: bool = True) -> None:
        self.ids, self.complete, self._positions = ids, complete, None

    def first_page(self, count: int) -> None:
        """Only the first ``count`` ids, for a first paint while :meth:`query_ids` runs elsewhere."""
        rows = self.conn.execute(f"{self._ids_sql()} LIMIT ?", (*self.params, count))
        self.set_ids([r[0] for r in rows], complete=False)

    @property
    def path(self) -> str:
        """The database file (for a thread to open its own connection)."""
        return self.conn.execute("PRAGMA database_list").fetchone()[2]

    def set_filter(self, where: str = "", params: Sequence[Any] = ()) -> None:
        """Filter in SQL (``where`` is a condition with ``?`` placeholders); re-queries."""
        self.where, self.params = where, tuple(params)
        self.requery()

    def set_order(self, column: str | None, *, descending: bool = False) -> None:
        """Order by a declared column (then by key), or by key when ``column`` is None."""
        key = f'"{self.key}"'
        if column is None:
            self.order_by = key
        else:
            direction = " DESC" if descending else ""
            self.order_by = f"{self.column(column).expr}{direction}, {key}{direction}"
        self.requery()

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, row_id: Any) -> int | None:
        """The position of ``row_id`` in ``ids`` (a map built on first use after a re-query)."""
        if self._positions is None:
            self._positions = {rid: i for i, rid in enumerate(self.ids)}
        return self._positions.get(row_id)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    # -- rows --------------------------------------------------------------------------------

    def fetch(self, row_ids: Iterable[Any]) -> dict[Any, tuple[Any, ...]]:
        """The declared columns of the given rows, by id (one ``IN (…)`` query per chunk)."""
        wanted = list(row_ids)
        out: dict[Any, tuple[Any, ...]] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f'SELECT "{self.key}", {self._select} FROM "{self.table}" WHERE "{self.key}" IN ({marks})'
            for row in self.conn.execute(sql, chunk):
                out[row[0]] = row[1:]
        return out

    def value(self, row_id: Any, column: str) -> Any:
        sql = f'SELECT {self.column(column).expr} FROM "{self.table}" WHERE "{self.key}" = ?'
        row = self.conn.execute(sql, (row_id,)).fetchone()
        return None if row is None else row[0]

    def update(self, row_id: Any, column: str, value: Any) -> None:
        """Write one cell durably (UPDATE + commit)."""
        col = self.column(column)
        if col.sql is not None:
            raise ValueError(f"column {column!r} is computed and cannot be edited")
        with self.conn:
            self.conn.execute(f'UPDATE "{self.table}" SET "{col.key}" = ? WHERE "{self.key}" = ?',
                              (value, row_id))

    # -- search ------------------------------------------------------------------------------

    def find(self, text: str, *, after: int, columns: Sequence[str] | None = None) -> int | None:
        """The position of the first row after ``after`` (wrapping round) whose text in one of
        ``columns`` (default: all) contains ``text``; None when no filtered row matches."""
        if not text or not self.ids:
            return None
        cols = [self.column(c) for c in columns] if columns else self.columns
        cond = " OR ".join(f"instr(CAST({c.expr} AS TEXT), ?) > 0" for c in cols)
        sql = f'SELECT "{self.key}" FROM "{self.table}"{self._where_sql(cond)}'
        best_after: int | None = None
        best_first: int | None = None
        for (rid,) in self.conn.execute(sql, self.params + (text,) * len(cols)):
            pos = self.index_of(rid)
            if pos is None:
                continue
            if pos > after and (best_after is None or pos < best_after):
                best_after = pos
            if best_first is None or pos < best_first:
                best_first = pos
        return best_after if best_after is not None else best_first
