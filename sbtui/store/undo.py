"""Undo of a refused outbox item: how a local change is put back.

An item's ``undo`` has one of these forms (``table`` is ``employees`` or ``groups``):

- ``{"table", "id", "set": {column: old value, …}}`` — put columns back;
- ``{"table", "id", "delete": true}`` — the change created the row: delete it;
- ``{"table", "id", "insert": {column: value, …}}`` — the change deleted the row: restore it;
- ``{"table", "rows": [{"id", "set": {…}}, …]}`` — several rows of one table (a batch).

Row by row: when a later item that is still pending touches the same row, the old value is
handed on to that item's undo instead of being written (the later local change stays, and
refusing that one too goes back to the value before both); otherwise it is written now.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

# tables and key columns an undo may touch
TABLES = {"employees": "id", "groups": "id"}
Op = dict[str, Any]  # one row's part of an undo: {"set": …} | {"delete": True} | {"insert": …}
_OP_KEYS = ("set", "delete", "insert")


def check(undo: dict[str, Any]) -> None:
    """``ValueError`` unless ``undo`` has one of the forms above."""
    if undo.get("table") not in TABLES:
        raise ValueError(f"undo of an unknown table: {undo.get('table')!r}")
    if "rows" in undo:
        if not isinstance(undo["rows"], list) or not all("id" in r for r in undo["rows"]):
            raise ValueError("undo rows need an id each")
    elif "id" not in undo or not any(k in undo for k in _OP_KEYS):
        raise ValueError("undo needs an id and one of set / delete / insert")


def row_ops(undo: dict[str, Any]) -> dict[str, Op]:
    """Row id → its op."""
    if "rows" in undo:
        return {r["id"]: _op(r) for r in undo["rows"]}
    return {undo["id"]: _op(undo)}


def _op(part: dict[str, Any]) -> Op:
    return {k: part[k] for k in _OP_KEYS if k in part}


def _with_ops(undo: dict[str, Any] | None, table: str, ops: dict[str, Op]) -> dict[str, Any]:
    """``undo`` (of a later item; may be ``None``) with ``ops`` merged in, same form."""
    if undo is None:
        if len(ops) == 1:
            [(ident, op)] = ops.items()
            return {"table": table, "id": ident, **op}
        return {"table": table, "rows": [{"id": i, **op} for i, op in ops.items()]}
    current = row_ops(undo)
    for ident, op in ops.items():
        current[ident] = merge(op, current.get(ident))
    if "rows" in undo or len(current) > 1:
        return {"table": table, "rows": [{"id": i, **op} for i, op in current.items()]}
    [(ident, op)] = current.items()
    return {"table": table, "id": ident, **op}


def merge(refused: Op, later: Op | None) -> Op:
    """The op a later item must apply if refused too: back to the value before *both*."""
    if later is None or "delete" in refused:
        return refused
    if "delete" in later:
        return later
    if "insert" in refused:
        return refused
    if "insert" in later:
        return {"insert": {**later["insert"], **refused.get("set", {})}}
    return {"set": {**later.get("set", {}), **refused.get("set", {})}}


def undo_refused(db: Database, undo: dict[str, Any],
                 touching: Callable[[str, list[str]], dict[str, int]],
                 load: Callable[[int], dict[str, Any] | None],
                 store: Callable[[int, dict[str, Any]], None]) -> None:
    """Apply or hand on ``undo`` of a refused item. ``touching(table, ids)`` gives, per row
    id, the seq of the oldest pending item that changes it; ``load``/``store`` read and write
    an item's undo by seq."""
    table = undo["table"]
    ops = row_ops(undo)
    later = touching(table, list(ops))
    handed: dict[int, dict[str, Op]] = defaultdict(dict)
    now: dict[str, Op] = {}
    for ident, op in ops.items():
        if ident in later:
            handed[later[ident]][ident] = op
        else:
            now[ident] = op
    for seq, part in handed.items():
        store(seq, _with_ops(load(seq), table, part))
    apply(db, table, now)


def apply(db: Database, table: str, ops: dict[str, Op]) -> None:
    """Write ``ops`` (row id → op) to ``table``."""
    if not ops:
        return
    pk = TABLES[table]
    columns = set(db[table].columns_dict)
    deletes = [(i,) for i, op in ops.items() if "delete" in op]
    if deletes:
        db.conn.executemany(f"DELETE FROM [{table}] WHERE [{pk}] = ?", deletes)
    for ident, op in ops.items():
        if "insert" in op:
            values = {k: v for k, v in op["insert"].items() if k in columns and k != pk}
            names = ", ".join(f"[{k}]" for k in (pk, *values))
            marks = ", ".join("?" for _ in range(len(values) + 1))
            db.execute(f"INSERT OR REPLACE INTO [{table}] ({names}) VALUES ({marks})",
                       [ident, *values.values()])
    updates: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
    for ident, op in ops.items():
        if "set" in op:
            values = {k: v for k, v in op["set"].items() if k in columns and k != pk}
            if values:
                updates[tuple(values)].append([*values.values(), ident])
    for names, rows in updates.items():
        assignments = ", ".join(f"[{k}] = ?" for k in names)
        db.conn.executemany(f"UPDATE [{table}] SET {assignments} WHERE [{pk}] = ?", rows)
