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

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic_core import from_json

from sbtui.domain import wages as rules
from sbtui.domain.money import MAX_DIGITS
from sbtui.store.wages import CELLS, CODES, HEAD

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
