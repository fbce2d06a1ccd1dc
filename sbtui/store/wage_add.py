"""Adding rows to the wage grid (SPEC W2, W3, W10): all normal-paying employees, by unit number,
by group, the employees with empty wages, chosen employees, one typed row, imported rows.

A row already in the grid is rewritten (its result cleared), never duplicated.

The bulk adds read each employee's wage history (the ``employees.wages`` JSON) once in Python
— pydantic-core's parser, which at 100,000 employees beat every SQLite ``json_each``
formulation tried (SQLite 3.40 re-renders and re-parses an element for every ``->>``) — pick
each type's current wage, and hand SQLite one JSON array of fixed-width strings (insured flags,
nine wage slots, the employee id); an ``INSERT … SELECT`` joins it to ``employees`` for the
other columns. That runs per 10,000 employees, the next batch parsed in a worker thread while
SQLite (which lets go of the GIL) writes the current one: 2.5 s → 1.6 s at 100,000.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic_core import from_json, to_json

from sbtui.domain import wages as rules
from sbtui.domain.money import MAX_DIGITS
from sbtui.domain.vocab import EmployeeStatus
from sbtui.store.outbox import now_iso
from sbtui.store.wages import CELLS, CODES, HEAD

if TYPE_CHECKING:
    from sqlite_utils import Database

NO_EMPLOYEE = "本单位无此职工"
UPSERT = (
    f"INSERT INTO wage_draft ({', '.join(HEAD + CELLS)}, result, reason, warn, updated_at) "
    "{source} ON CONFLICT(employee_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in HEAD[1:] + CELLS + ("warn", "updated_at"))
    + ", result = NULL, reason = NULL"
)
SLOT = 20  # characters per wage slot of the bulk payload
_BATCH = 10_000  # employees per bulk statement
_INDEX = {c: i for i, c in enumerate(CODES)}
_HEAD_SQL = "SELECT id, name, id_type, id_number, group_id, unit_numbers, insured_types FROM employees"
Items = dict[str, tuple[Any, Any, Any]]


def _canon(text: Any) -> str | None:
    """A stored wage ("8888", "8888.5", "8888.00") as "8888.00"; ``None`` if unusable."""
    s = str(text)
    if len(s) > 3 and s[-3] == ".":
        return s if len(s) <= SLOT else None
    dot = s.find(".")
    s = s + ".00" if dot < 0 else s + "0" if len(s) - dot == 2 else s
    return s if len(s) <= SLOT else None


def current_slots(wages_json: str, month: str, latest: bool) -> list[str | None]:
    """Per type code (in :data:`CODES` order) the wage text in force in ``month`` (the
    latest-starting period covering it; with ``latest``, else the latest-starting period)."""
    slots: list[str | None] = [None] * len(CODES)
    keys: list[tuple[bool, str] | None] = [None] * len(CODES)
    index, open_to = _INDEX, rules.OPEN_TO
    for w in from_json(wages_json):
        i = index.get(w.get("type"))
        if i is None:
            continue
        start = w["period_from"]
        covers = start <= month <= (w.get("period_to") or open_to)
        if not (covers or latest):
            continue
        key = (covers, start)
        old = keys[i]
        if old is None or key > old:
            keys[i], slots[i] = key, w["wage"]
    return [None if s is None else _canon(s) for s in slots]


# The bulk payload: per employee one string — nine insured flags ("1"/"0"), nine wage slots of
# SLOT characters (blank: none), then the employee id.
_FLAGS = len(CODES)
_ID_AT = _FLAGS + len(CODES) * SLOT + 1
_FORMAT = "%s" * _FLAGS + f"%-{SLOT}s" * len(CODES) + "%s"


def _packed(insured: list[str], slots: list[str | None], ident: str) -> str:
    flags = ["1" if c in insured else "0" for c in CODES]
    return _FORMAT % (*flags, *(s if s is not None and f == "1" else "" for s, f in zip(slots, flags)),
                      ident)


def _bulk_sql() -> str:
    cells = []
    for c in CODES:
        insured = f"substr(x.value, {_INDEX[c] + 1}, 1) = '1'"
        cells += [_slot(c), f"CASE WHEN {insured} THEN :start END", f"CASE WHEN {insured} THEN :end END"]
    types = " || ".join(f"CASE WHEN {_slot(c)} IS NOT NULL THEN '、{c}' ELSE '' END" for c in CODES)
    warn = f"CASE WHEN :back THEN nullif(substr({types}, 2), '') || '的生效年月起早于当前月份，将产生补缴信息' END"
    return UPSERT.format(source=(
        "SELECT e.id, e.name, e.id_type, e.id_number, e.group_id, e.unit_numbers, e.insured_types,"
        f" {', '.join(cells)}, NULL, NULL, {warn}, :now FROM json_each(:rows) x"
        f" JOIN employees e ON e.id = substr(x.value, {_ID_AT}) WHERE true"))


def _slot(code: str) -> str:
    return f"nullif(rtrim(substr(x.value, {_FLAGS + _INDEX[code] * SLOT + 1}, {SLOT})), '')"


_BULK = _bulk_sql()


class WageAddMixin:
    """The wage grid's add methods of :class:`sbtui.store.Store`."""

    db: Database
    employee_where: Callable[..., tuple[str, list[Any]]]  # FiltersMixin
    _group_exists: Callable[[str], bool]  # GroupsMixin
    wage_today: Callable[[], date]  # WagesMixin

    def wage_add_all_normal(self, month: str) -> int:
        """添加全部正常缴费职工: every normal-paying employee with each insured type's current
        wage (the period covering ``month``, else the latest), 生效年月起 = ``month``, 止
        empty. Returns how many rows were added or rewritten."""
        return self._add_bulk("status = 'normal'", [], month, None, latest=True)

    def wage_add_employees(self, employee_ids: Iterable[str], month: str) -> int:
        """As :meth:`wage_add_all_normal` for the given employees (any status). ``KeyError``
        naming unknown ids (nothing saved)."""
        ids = sorted(set(employee_ids))
        known = self._heads(ids)
        if missing := [i for i in ids if i not in known]:
            raise KeyError(f"{NO_EMPLOYEE}：{'、'.join(missing[:5])}")
        return self._add_bulk("id IN (SELECT value FROM json_each(?))", [json.dumps(ids)], month,
                              None, latest=True)

    def wage_add_empty(self, month: str) -> int:
        """存在缴费工资为空的职工 (SPEC W2, H3): exactly the normal-paying employees with an
        insured type that has no wage covering ``month``; those types' wages stay empty, the
        others get the wage in force; 生效年月起 = ``month`` for every insured type."""
        return self._add_bulk("status = 'normal'", [], month, None, latest=False, only_empty=True)

    def wage_add_by_unit(self, unit_number: str, rule: rules.Rule, period_from: str,
                         period_to: str | None = None) -> int:
        """按单位编号添加缴费职工 (SPEC W3): the normal-paying employees with that unit number;
        per insured type ``rule`` (``("ratio", pct)`` / ``("fixed", amount)``) applied to the
        current wage (covering ``period_from``, else the latest); 生效年月起/止 as given."""
        if not unit_number:
            raise ValueError("请选择单位编号")
        where, params = self.employee_where(unit_number=unit_number, status=EmployeeStatus.NORMAL)
        return self._add_bulk(where, params, period_from, period_to, latest=True, rule=rule)

    def wage_add_by_group(self, group_id: str, rule: rules.Rule, period_from: str,
                          period_to: str | None = None, subgroups: bool = True) -> int:
        """按分组添加缴费职工 (SPEC W3): as :meth:`wage_add_by_unit` for a group (with
        ``subgroups``, also its descendants). ``ValueError`` for an unknown group."""
        if not group_id or not self._group_exists(group_id):
            raise ValueError(f"分组不存在：{group_id}")
        where, params = self.employee_where(group_id=group_id, subgroups=subgroups, status=EmployeeStatus.NORMAL)
        return self._add_bulk(where, params, period_from, period_to, latest=True, rule=rule)

    def _add_bulk(self, where: str, params: list[Any], period_from: Any, period_to: Any, *,
                  latest: bool, rule: rules.Rule | None = None, only_empty: bool = False) -> int:
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

        args = {"start": start, "end": end, "back": int(rules.back_payment(start, self.wage_today())),
                "now": now_iso()}
        sql = "SELECT id, insured_types, wages FROM employees" + (f" WHERE {where}" if where else "")
        count = 0
        # Python reads the wage JSON of the next batch while SQLite (GIL released) writes this one.
        with self.db.atomic(), ThreadPoolExecutor(1) as pool:
            cursor = self.db.conn.cursor()
            cursor.execute(sql, params)
            pending: Future[str] | None = None
            while True:
                batch = cursor.fetchmany(_BATCH)
                ready = pool.submit(pack, batch) if batch else None
                if pending is not None:
                    count += self.db.execute(_BULK, {**args, "rows": pending.result()}).rowcount
                if ready is None:
                    break
                pending = ready
        return count

    # -- one row, imported rows ------------------------------------------------------------

    def wage_add_single(self, employee_id: str, items: Mapping[str, tuple[Any, Any, Any]]) -> int:
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

    def wage_check_rows(self, rows: list[Mapping[str, Any]]) -> list[tuple[int, str]]:
        """Problems of import rows (see :meth:`wage_load_rows`) as ``(index, reason)``."""
        return self._prepare_rows(rows)[1]

    def wage_load_rows(self, rows: list[Mapping[str, Any]]) -> int:
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
        today, stamp = self.wage_today(), now_iso()
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
        data = _upsert_data(prepared, self.wage_today(), now_iso())
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


def _number(r: Mapping[str, Any]) -> str:
    return str(r.get("id_number") or "").strip().upper()


def _upsert_sql() -> str:
    marks = ", ".join("?" for _ in range(len(HEAD) + len(CELLS) + 4))
    return UPSERT.format(source=f"VALUES ({marks})")


def _upsert_data(prepared: Iterable[tuple[tuple, Items]], today: date, stamp: str) -> list[tuple]:
    """The parameters of :func:`_upsert_sql` for checked rows."""
    data = []
    empty = (None, None, None)
    for head, values in prepared:
        cells: list[Any] = []
        for c in CODES:
            cells += values.get(c, empty)
        note = rules.back_payment_note(rules.back_payment_types(values, today))
        data.append((*head, *cells, None, None, note, stamp))
    return data


def _prepare_batches(rows: list[Mapping[str, Any]], heads: dict[str, tuple], by_number: dict[str, tuple],
                     current: dict[str, Items], out: dict[str, tuple[tuple, Items]],
                     problems: list[tuple[int, str]], size: int) -> Iterator[list[tuple[tuple, Items]]]:
    """Check import rows ``size`` at a time (pure: no IO). ``out`` collects every good row's
    employee → ``(head, merged items)``, ``problems`` every bad row's ``(index, reason)``; each
    batch yields the ``(head, merged items)`` its rows changed, in ``out``'s order."""
    insured_of: dict[str, frozenset[str]] = {}
    for at in range(0, len(rows), size):
        touched: dict[str, tuple[tuple, Items]] = {}
        for i in range(at, min(at + size, len(rows))):
            r = rows[i]
            head = heads.get(r["employee_id"]) if r.get("employee_id") else by_number.get(_number(r))
            if head is None:
                problems.append((i, NO_EMPLOYEE))
                continue
            try:
                given = _parse_items(r.get("items") or {})
            except ValueError as exc:
                problems.append((i, str(exc)))
                continue
            if all(v[0] is None for v in given.values()):
                continue  # W10: a row whose wages are all empty is skipped
            merged = {**(out[head[0]][1] if head[0] in out else current.get(head[0], {})), **given}
            insured = insured_of.get(head[-1])
            if insured is None:
                insured = insured_of[head[-1]] = frozenset(head[-1].split(",") if head[-1] else ())
            if not rules.row_clean(merged, insured):  # the full check only when it may matter
                found = [p for p in rules.row_problems(merged, insured) if p != rules.NO_WAGE]
                if found:
                    problems.append((i, "；".join(found)))
                    continue
            out[head[0]] = touched[head[0]] = (head, merged)
        yield list(touched.values())


# Cells already in canonical form (as ``read_wage_file`` hands them over) skip the generic
# parsers: a positive ``Decimal`` with exactly two places (and fewer than MAX_DIGITS integer
# digits), canonical wage text, or ``YYYY-MM`` text within the years a Period allows. Anything
# else goes through :func:`rules.parse_cell` as before; what a month text parses to is cached.
_CANON_WAGE = re.compile(r"(?:[1-9][0-9]{0,%d}|0)\.[0-9]{2}" % (MAX_DIGITS - 1))
_CANON_MONTH = re.compile(r"(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])")
_MONTHS: dict[str, str | None] = {}


def _wage_cell(value: Any) -> str | None:
    if value is None:
        return None
    kind = type(value)
    if kind is Decimal or kind is str:
        # A Decimal prints as "ddd.dd" exactly when it has two places, no sign, no exponent.
        text = str(value) if kind is Decimal else value
        if _CANON_WAGE.fullmatch(text) and text != "0.00":
            return text
    return rules.parse_cell("wage", value)


def _month_cell(field: rules.Field, value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        return rules.parse_cell(field, value)
    got = _MONTHS.get(value, _MONTHS)
    if got is _MONTHS:
        got = value if _CANON_MONTH.fullmatch(value) else rules.parse_cell(field, value)
        if len(_MONTHS) < 4096:
            _MONTHS[value] = got
    return got  # type: ignore[return-value]


def _parse_items(items: Mapping[str, Any]) -> Items:
    """Typed or imported items → canonical ``(wage text, from, to)``; ``ValueError`` naming the
    type for a bad cell."""
    out: Items = {}
    for code, value in items.items():
        if code not in _INDEX:
            raise ValueError(f"险种代码无效：{code}")
        if type(value) is tuple and len(value) == 3:
            wage, start, end = value
        else:
            wage, start, end = (tuple(value or ()) + (None, None, None))[:3]
        try:
            out[code] = (_wage_cell(wage), _month_cell("from", start), _month_cell("to", end))
        except ValueError as exc:
            raise ValueError(f"{rules.type_label(code)}：{exc}") from None
    return out
