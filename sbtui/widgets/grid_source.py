"""The data behind :class:`sbtui.widgets.grid.Grid`: a table of the local SQLite seen as a list
of row ids (the only thing held in memory), with sort, filter and search in SQL, rows fetched a
page at a time with ``key IN (…)``, and single-cell edits written with UPDATE + commit.

Keys: any column (``key="id"``), or the table's integer ``rowid`` (``key="rowid"``, also an
``INTEGER PRIMARY KEY``). Integer keys are held in an ``array('q')`` (8 bytes a row: 8 MB at
1,000,000 rows, where a list of ints took 36 MB); other keys in a list.

The id list is read in one statement, ``json_group_array`` of the ordered keys, so a thread
reading it lets go of the GIL once rather than once per row (per-row hand-offs with a busy UI
loop took 12 s for 1M ids), and it is parsed in slices (few objects alive at a time). Measured at
1,000,000 rows: this 0.21 s, +22 MB peak; ``printf('%016x')`` + ``bytes.fromhex`` 0.26 s, +48 MB;
``group_concat`` + ``split`` + ``map(int)`` 0.27 s; rows one by one 0.28 s, +41 MB (a list);
``fetchmany`` into an array 0.34 s.

Positions: when the order is the key's (the default) the ids are sorted and :meth:`index_of`
is a bisection; in any other order it is one scan in C (an array's ``index``: ~20 ms at 1M),
so no id → position map is ever built. :meth:`find` scans the ids against the set of matching
keys in C, stopping at the first hit.

No Textual here: the source is plain Python over a ``sqlite3.Connection`` and is usable (and
tested) without a UI. Column widths come from the schema (:class:`Column`), never from the data.
"""
from __future__ import annotations

import json
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count
from typing import Any

CHUNK = 500  # ids per ``IN (…)`` query (SQLite's default limit of host parameters is 32766)
PARSE_SLICE = 1 << 18  # characters of the JSON id list parsed at a time
ROWID = ("rowid", "oid", "_rowid_")


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
    parse: Callable[[str], Any] | None = None  # typed text -> value; ValueError("原因") refuses

    @property
    def expr(self) -> str:
        return self.sql or f'"{self.key}"'

    def text(self, value: Any) -> str:
        if self.format is not None:
            return self.format(value)
        return "" if value is None else str(value)

    def edit_text(self, value: Any) -> str:
        """The text a cell editor starts from (the value itself, not its display format)."""
        return "" if value is None else str(value)

    def value_of(self, text: str) -> Any:
        """The value typed as ``text`` (``parse`` raises ValueError with the reason to refuse)."""
        return self.parse(text) if self.parse is not None else text


def parse_ids(text: str | None, *, integer: bool) -> Any:
    """The ids of a ``json_group_array`` (an ``array('q')`` for integer keys), parsed a slice at a
    time so that only a slice's worth of int objects is ever alive."""
    if not integer:
        return json.loads(text) if text else []
    out = array("q")
    if not text:
        return out
    start, end = 1, len(text) - 1  # inside the brackets
    while start < end:
        stop = text.find(",", start + PARSE_SLICE)
        if stop < 0 or stop > end:
            stop = end
        out.extend(json.loads(f"[{text[start:stop]}]"))
        start = stop + 1
    return out


def _integer_key(conn: sqlite3.Connection, table: str, key: str) -> bool:
    """``key`` is the rowid or an alias of it (the one ``INTEGER PRIMARY KEY``)."""
    if key.lower() in ROWID:
        return True
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    pks = [row for row in info if row[5]]
    return len(pks) == 1 and pks[0][1] == key and pks[0][2].upper() == "INTEGER"


class GridSource:
    """Rows of ``table`` keyed by ``key``, filtered by ``where`` and ordered by ``order_by``.

    ``ids`` is the ordered sequence of the keys of the rows that pass the filter; it is
    re-queried (:meth:`requery`) when the filter or the sort changes, and nothing else is held
    in memory.
    """

    def __init__(self, conn: sqlite3.Connection, table: str, columns: Sequence[Column], *,
                 key: str = "id", where: str = "", params: Sequence[Any] = (),
                 order_by: str | None = None, eager: bool = True) -> None:
        self.conn = conn
        self.table = table
        self.columns = list(columns)
        self.key = key
        self.integer_keys = _integer_key(conn, table, key)
        self._key = f'"{key}"'
        self.where = where
        self.params: tuple[Any, ...] = tuple(params)
        self.order_by = order_by or self._key
        self.by_key = order_by is None  # ids ascend by key: positions by bisection
        self.ids: Any = self._empty()
        self._select = ", ".join(c.expr for c in self.columns)
        self.complete = False  # ids holds every row that passes the filter
        if eager:
            self.requery()

    def _empty(self) -> Any:
        return array("q") if self.integer_keys else []

    # -- the id list -------------------------------------------------------------------------

    def _where_sql(self, extra: str = "") -> str:
        parts = [p for p in (self.where, extra) if p]
        return (" WHERE " + " AND ".join(f"({p})" for p in parts)) if parts else ""

    def _ids_sql(self) -> str:
        return f'SELECT {self._key} AS k FROM "{self.table}"{self._where_sql()} ORDER BY {self.order_by}'

    def requery(self) -> None:
        """Load the ordered ids of the rows that pass the filter."""
        self.set_ids(self.query_ids())

    def query_ids(self, conn: sqlite3.Connection | None = None) -> Any:
        """The ordered ids, read on ``conn`` (a thread's own connection) or the source's, in one
        statement (see the module's docstring)."""
        conn = conn or self.conn
        try:
            sql = f"SELECT json_group_array(k) FROM ({self._ids_sql()})"
            text = conn.execute(sql, self.params).fetchone()[0]
        except sqlite3.OperationalError:  # an SQLite built without JSON (optional before 3.38)
            rows = [r[0] for r in conn.execute(self._ids_sql(), self.params)]
            return array("q", rows) if self.integer_keys else rows
        return parse_ids(text, integer=self.integer_keys)

    def set_ids(self, ids: Iterable[Any], *, complete: bool = True) -> None:
        if self.integer_keys and not isinstance(ids, array):
            ids = array("q", ids)
        elif not self.integer_keys and not isinstance(ids, list):
            ids = list(ids)
        self.ids, self.complete = ids, complete

    def first_page(self, count: int) -> None:
        """Only the first ``count`` ids, for a first paint while :meth:`query_ids` runs elsewhere."""
        rows = self.conn.execute(f"{self._ids_sql()} LIMIT ?", (*self.params, count))
        self.set_ids([r[0] for r in rows], complete=False)

    @property
    def path(self) -> str:
        """The database file (for a thread to open its own connection)."""
        return self.conn.execute("PRAGMA database_list").fetchone()[2]

    def set_filter(self, where: str = "", params: Sequence[Any] = (), *, requery: bool = True) -> None:
        """Filter in SQL (``where`` is a condition with ``?`` placeholders); re-queries unless
        ``requery`` is false (the caller reads the ids itself, e.g. in a thread)."""
        self.where, self.params = where, tuple(params)
        if requery:
            self.requery()

    def set_order(self, column: str | None, *, descending: bool = False, requery: bool = True) -> None:
        """Order by a declared column (then by key), or by key when ``column`` is None."""
        if column is None:
            self.order_by, self.by_key = self._key, True
        else:
            direction = " DESC" if descending else ""
            self.order_by = f"{self.column(column).expr}{direction}, {self._key}{direction}"
            self.by_key = False
        if requery:
            self.requery()

    def __len__(self) -> int:
        return len(self.ids)

    def index_of(self, row_id: Any) -> int | None:
        """The position of ``row_id`` in ``ids``: a bisection in key order, else a scan in C."""
        ids = self.ids
        if self.by_key:
            try:
                i = bisect_left(ids, row_id)
            except TypeError:
                return None
            if i < len(ids) and ids[i] == row_id:
                return i
            if self.integer_keys:
                return None
            # a text key declared with another collation than BINARY: not in Python's order
        try:
            return ids.index(row_id)
        except (ValueError, TypeError):
            return None

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def count_in_filter(self, row_ids: Iterable[Any]) -> int:
        """How many of ``row_ids`` are rows that pass the filter (in SQL, a chunk at a time)."""
        wanted = list(row_ids)
        total = 0
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            cond = f'{self._key} IN ({",".join("?" * len(chunk))})'
            sql = f'SELECT count(*) FROM "{self.table}"{self._where_sql(cond)}'
            total += self.conn.execute(sql, (*self.params, *chunk)).fetchone()[0]
        return total

    # -- rows --------------------------------------------------------------------------------

    def fetch(self, row_ids: Iterable[Any]) -> dict[Any, tuple[Any, ...]]:
        """The declared columns of the given rows, by id (one ``IN (…)`` query per chunk)."""
        wanted = list(row_ids)
        out: dict[Any, tuple[Any, ...]] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f'SELECT {self._key}, {self._select} FROM "{self.table}" WHERE {self._key} IN ({marks})'
            for row in self.conn.execute(sql, chunk):
                out[row[0]] = row[1:]
        return out

    def value(self, row_id: Any, column: str) -> Any:
        sql = f'SELECT {self.column(column).expr} FROM "{self.table}" WHERE {self._key} = ?'
        row = self.conn.execute(sql, (row_id,)).fetchone()
        return None if row is None else row[0]

    def update(self, row_id: Any, column: str, value: Any) -> None:
        """Write one cell durably (UPDATE + commit)."""
        col = self.column(column)
        if col.sql is not None:
            raise ValueError(f"column {column!r} is computed and cannot be edited")
        with self.conn:
            self.conn.execute(f'UPDATE "{self.table}" SET "{col.key}" = ? WHERE {self._key} = ?',
                              (value, row_id))

    # -- search ------------------------------------------------------------------------------

    def find(self, text: str, *, after: int, columns: Sequence[str] | None = None) -> int | None:
        """The position of the first row after ``after`` (wrapping round) whose text in one of
        ``columns`` (default: all) contains ``text``; None when no filtered row matches."""
        ids = self.ids
        if not text or not ids:
            return None
        cols = [self.column(c) for c in columns] if columns else self.columns
        cond = " OR ".join(f"instr(CAST({c.expr} AS TEXT), ?) > 0" for c in cols)
        sql = f'SELECT {self._key} FROM "{self.table}"{self._where_sql(cond)}'
        matches = {rid for (rid,) in self.conn.execute(sql, self.params + (text,) * len(cols))}
        if not matches:
            return None
        start = max(0, min(after + 1, len(ids)))
        if self.by_key and self.integer_keys and len(matches) * 64 < len(ids):
            found = sorted(p for p in map(self.index_of, matches) if p is not None)
            if not found:
                return None
            i = bisect_left(found, start)
            return found[i] if i < len(found) else found[0]
        hit = next(compress(count(start), map(matches.__contains__, ids[start:])), None)
        if hit is None:
            hit = next(compress(count(), map(matches.__contains__, ids[:start])), None)
        return hit
