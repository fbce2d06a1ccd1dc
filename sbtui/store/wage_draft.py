"""The 职工工资编辑区 (SPEC W2–W6) as one part of the store: :class:`WageDraft`.

The table and its cells are described in :mod:`sbtui.store.wages`; how rows are added in bulk
in :mod:`sbtui.store.wage_add`. Cell edits (:meth:`WageDraft.set`, :meth:`WageDraft.fill`,
:meth:`WageDraft.copy_type`) are logged in ``wage_undo``, one action per call; undo and redo put
a cell back only where it still holds the value the action left (a later add or import that
rewrote the cell wins).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic_core import to_json

from sbtui import clock
from sbtui.domain import wages as rules
from sbtui.domain.vocab import EmployeeStatus
from sbtui.store.groups import group_exists
from sbtui.store.outbox import now_iso
from sbtui.store.wage_add import (
    _BATCH,
    _BULK,
    _HEAD_SQL,
    _INDEX,
    NO_EMPLOYEE,
    Items,
    _number,
    _packed,
    _parse_items,
    _prepare_batches,
    _upsert_data,
    _upsert_sql,
    current_slots,
)
from sbtui.store.wages import (
    CELLS,
    CODES,
    MAX_ACTIONS,
    MAX_ENTRIES,
    Row,
    _ids_json,
    cell,
    column_of,
    insured_of,
    items_of,
)

Progress = Callable[[int, int], None]  # (done, total)

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.registry import Registry


class WageDraft:
    """The 职工工资编辑区 of a store (``store.wages``): reading, editing with undo and redo
    (SPEC W4, W5), and adding rows (W2, W3, W10). Every method is one transaction."""

    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry  # the employee query conditions of 按单位编号 / 按分组
        self.today: Callable[[], date] = clock.today  # W6: what counts as a back payment

    # -- reading ---------------------------------------------------------------------------

    def draft_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM wage_draft").fetchone()[0]

    def draft_rows(self, rowids: Iterable[int] | None = None) -> list[Row]:
        """Draft rows (all, or ``rowids``) in rowid order, as dicts of their columns."""
        if rowids is None:
            cursor = self.db.execute("SELECT * FROM wage_draft ORDER BY id")
        else:
            cursor = self.db.execute("SELECT * FROM wage_draft WHERE id IN (SELECT value FROM"
                                     " json_each(?)) ORDER BY id", [_ids_json(rowids)])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor]

    # -- editing (SPEC W4, W5) -------------------------------------------------------------

    def set(self, rowid: int, column: str, text: Any) -> dict[str, str | None]:
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
            rows = self.draft_rows([rowid])
            if not rows:
                raise KeyError(rowid)
            if code not in insured_of(rows[0]):
                raise ValueError(rules.not_insured(code))
            changed = self._edit(rows, lambda row: {(code, field): value})
            return changed.get(int(rowid), {})

    def fill(self, rowids: Iterable[int], column: str, text: Any) -> list[int]:
        """Fill down: ``text`` into ``column`` of every row of ``rowids`` insured for that type
        (others are left alone), with the binding per row; one undo action. Returns the rowids
        that changed."""
        field, code = column_of(column)
        value = rules.parse_cell(field, text)  # type: ignore[arg-type]
        with self.db.atomic():
            rows = [r for r in self.draft_rows(rowids) if code in insured_of(r)]
            return sorted(self._edit(rows, lambda row: {(code, field): value}))

    def copy_type(self, src: str, dst: str, rowids: Iterable[int]) -> list[int]:
        """Copy the wage and months of type ``src`` to type ``dst`` (and, by the binding, to
        the types bound with ``dst``) in the rows insured for both; one undo action. Returns
        the rowids that changed."""
        for code in (src, dst):
            if code not in CODES:
                raise ValueError(f"险种代码无效：{code}")
        with self.db.atomic():
            rows = [r for r in self.draft_rows(rowids)
                    if src in insured_of(r) and dst in insured_of(r)]

            def cells(row: Row) -> dict[tuple[str, str], Any]:
                return {(dst, f): row[cell(src, f)] for f in rules.FIELDS}
            return sorted(self._edit(rows, cells))

    def _edit(self, rows: list[Row],
              cells: Callable[[Row], dict[tuple[str, str], Any]]) -> dict[int, dict[str, Any]]:
        """Apply typed cells (plus their binding) to ``rows`` and log them as one action."""
        today = self.today()
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

    def undo(self) -> list[int]:
        """Undo the last cell action; returns the rowids put back (``[]``: nothing to undo)."""
        return self._replay(undo=True)

    def redo(self) -> list[int]:
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
            rows = {r["id"]: r for r in self.draft_rows({e[0] for e in entries})}
            changes: dict[int, dict[str, Any]] = {}
            for rowid, col, old, new in entries:
                row = rows.get(rowid)
                before, after = (new, old) if undo else (old, new)
                if row is None or row[col] != before:
                    continue  # the row is gone or the cell was rewritten since
                changes.setdefault(rowid, {})[col] = after
            # the result goes back only with a cell of its row
            changes = {r: c for r, c in changes.items() if set(c) - {"result", "reason"}}
            today = self.today()
            for rowid, change in changes.items():
                note = rules.back_payment_note(rules.back_payment_types(items_of({**rows[rowid], **change}), today))
                if note != rows[rowid]["warn"]:
                    change["warn"] = note
            self._write(list(rows.values()), changes, log=False)
            return sorted(changes)

    # -- removing ----------------------------------------------------------------------------

    def remove(self, rowids: Iterable[int]) -> int:
        """Remove rows from the grid; returns how many."""
        with self.db.atomic():
            ids = _ids_json(rowids)
            self.db.execute("DELETE FROM wage_undo WHERE row IN (SELECT value FROM json_each(?))", [ids])
            return self.db.execute("DELETE FROM wage_draft WHERE id IN (SELECT value FROM json_each(?))",
                                   [ids]).rowcount

    def clear(self) -> int:
        """Empty the grid (and its undo log); returns how many rows were removed."""
        with self.db.atomic():
            self.db.execute("DELETE FROM wage_undo")
            return self.db.execute("DELETE FROM wage_draft").rowcount

    # -- adding rows (SPEC W2, W3, W10) ------------------------------------------------------


    def add_all_normal(self, month: str, *, progress: Progress | None = None) -> int:
        """添加全部正常缴费职工: every normal-paying employee with each insured type's current
        wage (the period covering ``month``, else the latest), 生效年月起 = ``month``, 止
        empty. Returns how many rows were added or rewritten. ``progress(done, total)``: see
        :meth:`_add_bulk`."""
        return self._add_bulk("status = 'normal'", [], month, None, latest=True, progress=progress)

    def add_employees(self, employee_ids: Iterable[str], month: str) -> int:
        """As :meth:`wage_add_all_normal` for the given employees (any status). ``KeyError``
        naming unknown ids (nothing saved)."""
        ids = sorted(set(employee_ids))
        known = self._heads(ids)
        if missing := [i for i in ids if i not in known]:
            raise KeyError(f"{NO_EMPLOYEE}：{'、'.join(missing[:5])}")
        return self._add_bulk("id IN (SELECT value FROM json_each(?))", [json.dumps(ids)], month,
                              None, latest=True)

    def add_empty(self, month: str, *, progress: Progress | None = None) -> int:
        """存在缴费工资为空的职工 (SPEC W2, H3): exactly the normal-paying employees with an
        insured type that has no wage covering ``month``; those types' wages stay empty, the
        others get the wage in force; 生效年月起 = ``month`` for every insured type."""
        return self._add_bulk("status = 'normal'", [], month, None, latest=False, only_empty=True,
                              progress=progress)

    def add_by_unit(self, unit_number: str, rule: rules.Rule, period_from: str,
                         period_to: str | None = None, *, progress: Progress | None = None) -> int:
        """按单位编号添加缴费职工 (SPEC W3): the normal-paying employees with that unit number;
        per insured type ``rule`` (``("ratio", pct)`` / ``("fixed", amount)``) applied to the
        current wage (covering ``period_from``, else the latest); 生效年月起/止 as given."""
        if not unit_number:
            raise ValueError("请选择单位编号")
        where, params = self.registry.employee_where(unit_number=unit_number, status=EmployeeStatus.NORMAL)
        return self._add_bulk(where, params, period_from, period_to, latest=True, rule=rule, progress=progress)

    def add_by_group(self, group_id: str, rule: rules.Rule, period_from: str,
                          period_to: str | None = None, subgroups: bool = True, *,
                          progress: Progress | None = None) -> int:
        """按分组添加缴费职工 (SPEC W3): as :meth:`wage_add_by_unit` for a group (with
        ``subgroups``, also its descendants). ``ValueError`` for an unknown group."""
        if not group_id or not group_exists(self.db, group_id):
            raise ValueError(f"分组不存在：{group_id}")
        where, params = self.registry.employee_where(group_id=group_id, subgroups=subgroups, status=EmployeeStatus.NORMAL)
        return self._add_bulk(where, params, period_from, period_to, latest=True, rule=rule, progress=progress)

    def _add_bulk(self, where: str, params: list[Any], period_from: Any, period_to: Any, *,
                  latest: bool, rule: rules.Rule | None = None, only_empty: bool = False,
                  progress: Progress | None = None) -> int:
        """``progress(done, total)``: employees read of those the condition selects, after each
        batch is written (an exception it raises rolls the whole add back: the TUI's Esc)."""
        start, end = rules.month_span(period_from, period_to)
        ruled: Callable[[str | None], str | None] | None = None
        if rule is not None:
            checked = rules.check_rule(rule)
            if checked[0] == "fixed":
                amount = rules.wage_text(checked[1])
                ruled = lambda _: amount
            else:
                ruled = lambda s: rules.wage_text(rules.apply_rule(None if s is None else Decimal(s), checked))
        def pack(batch: list[tuple[str, str, str]]) -> str:
            payload = []
            for ident, insured_text, wages in batch:
                insured = insured_text.split(",") if insured_text else []
                slots = current_slots(wages, start, latest)
                if only_empty and all(slots[_INDEX[c]] is not None for c in insured if c in _INDEX):
                    continue
                if ruled is not None:
                    slots = [ruled(s) for s in slots]
                payload.append(_packed(insured, slots, ident))
            return to_json(payload).decode()

        args = {"start": start, "end": end, "back": int(rules.back_payment(start, self.today())),
                "now": now_iso()}
        sql = "SELECT id, insured_types, wages FROM employees" + (f" WHERE {where}" if where else "")
        count = done = 0
        total = 0
        if progress is not None:
            total = self.db.execute(f"SELECT count(*) FROM employees{f' WHERE {where}' if where else ''}",
                                    params).fetchone()[0]
            progress(0, total)
        # Python reads the wage JSON of the next batch while SQLite (GIL released) writes this one.
        with self.db.atomic(), ThreadPoolExecutor(1) as pool:
            cursor = self.db.conn.cursor()
            cursor.execute(sql, params)
            pending: Future[str] | None = None
            sizes: list[int] = []
            while True:
                batch = cursor.fetchmany(_BATCH)
                ready = pool.submit(pack, batch) if batch else None
                sizes.append(len(batch))
                if pending is not None:
                    count += self.db.execute(_BULK, {**args, "rows": pending.result()}).rowcount
                    done += sizes.pop(0)
                    if progress is not None:
                        progress(done, max(total, done))
                if ready is None:
                    break
                pending = ready
        return count

    # -- one row, imported rows ------------------------------------------------------------

    def add_single(self, employee_id: str, items: Mapping[str, tuple[Any, Any, Any]]) -> int:
        """单个录入 (SPEC W2): one employee's row exactly as typed (no binding fill, as the
        manual says), replacing the row if the employee is in the grid; returns its rowid.
        ``KeyError`` for an unknown employee; ``ValueError`` for a bad cell, a type the
        employee is not insured for, bound types that differ (W4) or 止 before 起."""
        with self.db.atomic():
            head = self._heads([employee_id]).get(employee_id)
            if head is None:
                raise KeyError(f"{NO_EMPLOYEE}：{employee_id}")
            values = _parse_items(items)
            insured = head[-1].split(",") if head[-1] else []
            problems = [p for p in rules.row_problems(values, insured) if p != rules.NO_WAGE]
            if problems:
                raise ValueError("；".join(problems))
            self._upsert_rows([(head, values)])
            return self.db.execute("SELECT id FROM wage_draft WHERE employee_id = ?",
                                   [employee_id]).fetchone()[0]

    def check_rows(self, rows: list[Mapping[str, Any]]) -> list[tuple[int, str]]:
        """Problems of import rows (see :meth:`wage_load_rows`) as ``(index, reason)``."""
        return self._prepare_rows(rows)[1]

    def load_rows(self, rows: list[Mapping[str, Any]]) -> int:
        """Import rows (SPEC W10): dicts with ``employee_id`` (or ``id_number``) and ``items``
        (type code → ``(wage, from, to)``, text or values). The types given replace those of
        the employee's row (merged into it when the employee is already in the grid); rows
        whose wages are all empty are skipped. When any row has a problem (unknown employee,
        bad cell, a type not insured, bound types that differ, …) ``ValueError`` lists them
        and nothing is saved: check with :meth:`wage_check_rows` and load the good rows.
        Returns how many rows were loaded.

        The rows are checked and written per :data:`_BATCH`, all in one transaction: a problem
        anywhere rolls every write back. An employee met again in a later batch is simply written again with
        its merged items."""
        today, stamp = self.today(), now_iso()
        out: dict[str, tuple[tuple, Items]] = {}
        problems: list[tuple[int, str]] = []
        sql = _upsert_sql()
        with self.db.atomic():
            for batch in _prepare_batches(rows, *self._lookup(rows), out, problems, _BATCH):
                if not problems:  # once one is known, nothing will be kept anyway
                    self.db.conn.executemany(sql, _upsert_data(batch, today, stamp))
            if problems:
                raise ValueError("；".join(f"第{i + 1}行：{r}" for i, r in problems[:5])
                                 + (f"；等共{len(problems)}处问题" if len(problems) > 5 else ""))
        return len(out)

    def _lookup(self, rows: list[Mapping[str, Any]]) -> tuple[dict, dict, dict[str, Items]]:
        """The employees the rows name (by id, by 证件号码) and their current draft items."""
        heads = self._heads([r["employee_id"] for r in rows if r.get("employee_id")])
        by_number = self._heads_by_number([_number(r) for r in rows if not r.get("employee_id")])
        current = self._draft_items([h[0] for h in (*heads.values(), *by_number.values())])
        return heads, by_number, current

    def _prepare_rows(self, rows: list[Mapping[str, Any]]) -> tuple[list[tuple[tuple, Items]], list[tuple[int, str]]]:
        out: dict[str, tuple[tuple, Items]] = {}
        problems: list[tuple[int, str]] = []
        for _ in _prepare_batches(rows, *self._lookup(rows), out, problems, max(len(rows), 1)):
            pass
        return list(out.values()), problems

    def _upsert_rows(self, prepared: list[tuple[tuple, Items]]) -> None:
        data = _upsert_data(prepared, self.today(), now_iso())
        self.db.conn.executemany(_upsert_sql(), data)

    def _heads(self, ids: list[str]) -> dict[str, tuple]:
        cursor = self.db.execute(f"{_HEAD_SQL} WHERE id IN (SELECT value FROM json_each(?))",
                                 [json.dumps(ids)])
        return {r[0]: tuple(r) for r in cursor}

    def _heads_by_number(self, numbers: list[str]) -> dict[str, tuple]:
        cursor = self.db.execute(
            f"{_HEAD_SQL} WHERE upper(id_number) IN (SELECT value FROM json_each(?))"
            " ORDER BY status = 'normal', id", [json.dumps(numbers)])
        return {r[3].upper(): tuple(r) for r in cursor}  # a normal-paying one wins

    def _draft_items(self, ids: list[str]) -> dict[str, Items]:
        cursor = self.db.execute(
            f"SELECT employee_id, {', '.join(CELLS)} FROM wage_draft"
            " WHERE employee_id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
        spans = [(c, 1 + 3 * i) for i, c in enumerate(CODES)]
        out = {}
        for r in cursor:
            out[r[0]] = {c: (r[i], r[i + 1], r[i + 2]) for c, i in spans
                         if r[i] is not None or r[i + 1] is not None or r[i + 2] is not None}
        return out
