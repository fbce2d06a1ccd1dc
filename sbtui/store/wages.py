"""The 职工工资编辑区 (SPEC W2–W6) in the local store: table ``wage_draft``, one row per
employee, keyed by its INTEGER rowid (the grid's key).

Per insurance type code ``c`` a row has ``w{c}`` (新缴费工资, canonical text ``"8888.00"``),
``f{c}`` and ``t{c}`` (生效年月起 / 止, ``"YYYY-MM"``); ``NULL`` is an empty cell. ``insured`` holds
the employee's insured types (``"110,210,410"``); ``result`` / ``reason`` the outcome of the
last submission (``queued`` / ``accepted`` / ``refused``), cleared when the row changes;
``warn`` the back-payment note of SPEC W6 as of the last write.

Adding rows is in :mod:`sbtui.store.wage_add`. Every method is one transaction, committed
before it returns. Cell edits (:meth:`wage_set`,
:meth:`wage_fill`, :meth:`wage_copy_type`) are logged in ``wage_undo``, one action per call;
undo and redo put a cell back only where it still holds the value the action left (a later
add or import that rewrote the cell wins). Submitting and feedback are in
:mod:`sbtui.store.wage_submit`, the wage query (W13) in :mod:`sbtui.store.wage_query`.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain import wages as rules
from sbtui.store.migrations import M003_TYPES
from sbtui.store.outbox import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

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


class WagesMixin:
    """The wage edit grid's methods of :class:`sbtui.store.Store`."""

    db: Database
    wage_today: Callable[[], date] = staticmethod(clock.today)  # type: ignore[assignment]

    # -- reading ---------------------------------------------------------------------------

    def wage_draft_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM wage_draft").fetchone()[0]

    def wage_draft_rows(self, rowids: Iterable[int] | None = None) -> list[Row]:
        """Draft rows (all, or ``rowids``) in rowid order, as dicts of their columns."""
        if rowids is None:
            cursor = self.db.execute("SELECT * FROM wage_draft ORDER BY id")
        else:
            cursor = self.db.execute("SELECT * FROM wage_draft WHERE id IN (SELECT value FROM"
                                     " json_each(?)) ORDER BY id", [_ids_json(rowids)])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor]

    # -- editing (SPEC W4, W5) -------------------------------------------------------------

    def wage_set(self, rowid: int, column: str, text: Any) -> dict[str, str | None]:
        """Save one typed cell (``column`` such as ``"w110"``, ``"f410"``, ``"t310"``) and its
        W4 binding: the types bound with it (among the employee's insured ones) take the same
        wage and months. The row's result is cleared (it changed). One undo action. Returns
        every changed column → new value (``{}`` when nothing changed).

        ``KeyError`` for an unknown row; ``ValueError`` (Chinese) for a bad value
        (``缴费工资必须大于0``, ``缴费工资格式有误``, ``生效年月格式应为YYYY-MM``), a column that is not a
        wage cell, or a type the employee is not insured for (``该职工未参保工伤保险``)."""
        field, code = column_of(column)
        value = rules.parse_cell(field, text)  # type: ignore[arg-type]
        with self.db.atomic():
            rows = self.wage_draft_rows([rowid])
            if not rows:
                raise KeyError(rowid)
            if code not in insured_of(rows[0]):
                raise ValueError(rules.not_insured(code))
            changed = self._edit(rows, lambda row: {(code, field): value})
            return changed.get(int(rowid), {})

    def wage_fill(self, rowids: Iterable[int], column: str, text: Any) -> list[int]:
        """Fill down: ``text`` into ``column`` of every row of ``rowids`` insured for that type
        (others are left alone), with the binding per row; one undo action. Returns the rowids
        that changed."""
        field, code = column_of(column)
        value = rules.parse_cell(field, text)  # type: ignore[arg-type]
        with self.db.atomic():
            rows = [r for r in self.wage_draft_rows(rowids) if code in insured_of(r)]
            return sorted(self._edit(rows, lambda row: {(code, field): value}))

    def wage_copy_type(self, src: str, dst: str, rowids: Iterable[int]) -> list[int]:
        """Copy the wage and months of type ``src`` to type ``dst`` (and, by the binding, to
        the types bound with ``dst``) in the rows insured for both; one undo action. Returns
        the rowids that changed."""
        for code in (src, dst):
            if code not in CODES:
                raise ValueError(f"险种代码无效：{code}")
        with self.db.atomic():
            rows = [r for r in self.wage_draft_rows(rowids)
                    if src in insured_of(r) and dst in insured_of(r)]

            def cells(row: Row) -> dict[tuple[str, str], Any]:
                return {(dst, f): row[cell(src, f)] for f in rules.FIELDS}
            return sorted(self._edit(rows, cells))

    def _edit(self, rows: list[Row],
              cells: Callable[[Row], dict[tuple[str, str], Any]]) -> dict[int, dict[str, Any]]:
        """Apply typed cells (plus their binding) to ``rows`` and log them as one action."""
        today = self.wage_today()
        changes: dict[int, dict[str, Any]] = {}
        for row in rows:
            insured = insured_of(row)
            items = items_of(row)
            wanted: dict[tuple[str, str], Any] = {}
            for (code, field), value in cells(row).items():
                items[code] = tuple(value if f == field else items[code][i]  # type: ignore[assignment]
                                    for i, f in enumerate(rules.FIELDS))
                wanted[(code, field)] = value
            for code in {c for c, _ in wanted}:
                wanted.update(rules.propagate(items, code, "wage", items[code][0], insured))
            change = {cell(c, f): v for (c, f), v in wanted.items() if row[cell(c, f)] != v}
            if not change:
                continue
            for col in ("result", "reason"):
                if row[col] is not None:
                    change[col] = None
            for (c, f), v in wanted.items():
                i = rules.FIELDS.index(f)
                items[c] = items[c][:i] + (v,) + items[c][i + 1:]  # type: ignore[assignment]
            note = rules.back_payment_note(rules.back_payment_types(items, today))
            if note != row["warn"]:
                change["warn"] = note
            changes[row["id"]] = change
        self._write(rows, changes)
        return changes

    def _write(self, rows: list[Row], changes: dict[int, dict[str, Any]], *,
               log: bool = True) -> None:
        if not changes:
            return
        by_id = {r["id"]: r for r in rows}
        stamp = now_iso()
        grouped: dict[tuple[str, ...], list[list[Any]]] = {}
        undo: list[tuple[Any, ...]] = []
        action = self._new_action() if log else 0
        for rowid, change in changes.items():
            grouped.setdefault(tuple(change), []).append([*change.values(), stamp, rowid])
            if log:
                undo += [(action, rowid, col, by_id[rowid][col], new) for col, new in change.items()
                         if col != "warn"]
        for names, params in grouped.items():
            sets = ", ".join(f"{n} = ?" for n in names)
            self.db.conn.executemany(f"UPDATE wage_draft SET {sets}, updated_at = ? WHERE id = ?", params)
        if undo:
            self.db.conn.executemany(
                "INSERT INTO wage_undo (action, row, col, old, new) VALUES (?, ?, ?, ?, ?)", undo)
            # bound the log: drop whole old actions past MAX_ENTRIES cells
            cut = self.db.execute(
                "SELECT action FROM wage_undo WHERE seq <= (SELECT max(seq) FROM wage_undo) - ?"
                " ORDER BY seq DESC LIMIT 1", [MAX_ENTRIES]).fetchone()
            if cut is not None:
                self.db.execute("DELETE FROM wage_undo WHERE done = 1 AND action <= ? AND action < ?",
                                [cut[0], action])

    # -- undo / redo -------------------------------------------------------------------------

    def _new_action(self) -> int:
        self.db.execute("DELETE FROM wage_undo WHERE done = 0")  # a new edit ends the redo chain
        last = self.db.execute("SELECT max(action) FROM wage_undo WHERE done = 1").fetchone()[0] or 0
        if last >= MAX_ACTIONS:
            self.db.execute("DELETE FROM wage_undo WHERE done = 1 AND action <= ?", [last - MAX_ACTIONS])
        return last + 1

    def wage_undo(self) -> list[int]:
        """Undo the last cell action; returns the rowids put back (``[]``: nothing to undo)."""
        return self._replay(undo=True)

    def wage_redo(self) -> list[int]:
        """Redo the last undone action; returns the rowids changed (``[]``: nothing to redo)."""
        return self._replay(undo=False)

    def _replay(self, *, undo: bool) -> list[int]:
        pick = "max(action) FROM wage_undo WHERE done = 1" if undo else "min(action) FROM wage_undo WHERE done = 0"
        with self.db.atomic():
            action = self.db.execute(f"SELECT {pick}").fetchone()[0]
            if action is None:
                return []
            entries = self.db.execute(
                f"SELECT row, col, old, new FROM wage_undo WHERE action = ? ORDER BY seq {'DESC' if undo else ''}",
                [action]).fetchall()
            self.db.execute("UPDATE wage_undo SET done = ? WHERE action = ?", [0 if undo else 1, action])
            rows = {r["id"]: r for r in self.wage_draft_rows({e[0] for e in entries})}
            changes: dict[int, dict[str, Any]] = {}
            for rowid, col, old, new in entries:
                row = rows.get(rowid)
                before, after = (new, old) if undo else (old, new)
                if row is None or row[col] != before:
                    continue  # the row is gone or the cell was rewritten since
                changes.setdefault(rowid, {})[col] = after
            # the result goes back only with a cell of its row
            changes = {r: c for r, c in changes.items() if set(c) - {"result", "reason"}}
            today = self.wage_today()
            for rowid, change in changes.items():
                note = rules.back_payment_note(rules.back_payment_types(items_of({**rows[rowid], **change}), today))
                if note != rows[rowid]["warn"]:
                    change["warn"] = note
            self._write(list(rows.values()), changes, log=False)
            return sorted(changes)

    # -- removing ----------------------------------------------------------------------------

    def wage_remove(self, rowids: Iterable[int]) -> int:
        """Remove rows from the grid; returns how many."""
        with self.db.atomic():
            ids = _ids_json(rowids)
            self.db.execute("DELETE FROM wage_undo WHERE row IN (SELECT value FROM json_each(?))", [ids])
            return self.db.execute("DELETE FROM wage_draft WHERE id IN (SELECT value FROM json_each(?))",
                                   [ids]).rowcount

    def wage_clear(self) -> int:
        """Empty the grid (and its undo log); returns how many rows were removed."""
        with self.db.atomic():
            self.db.execute("DELETE FROM wage_undo")
            return self.db.execute("DELETE FROM wage_draft").rowcount

