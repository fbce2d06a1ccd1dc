"""Monthly preprocessing (税务生成, SPEC D1, D2, D11) and the dues list.

``dues_lines`` holds, per employer × unit number × period × item, the summed line of
:mod:`sbtui.domain.dues` (headcount, wage total, base total, rate or fixed amount, due) and its
D11 status (初始 = not declared; 申报中 / 申报成功 while a declaration holds it, see
:mod:`.ledger`; a voided declaration's lines move to ``dues_voided`` as 销账 and are
regenerated). No per-employee rows are stored: the 明细 is computed on demand
(``GET /dues/detail``). The list adds the collection notices, special dues and linked projects'
dues, every line filled in by :func:`.ledger.finish` (key, tick, max offset, deadline, late fee).

**Window** of a unit number: every month from the one after its last paid period
(``paid_periods``) up to the current month (the sandbox clock, China time); just the current
month when nothing was paid.

**Staleness**, checked on every read (``refresh``), in one transaction:

- a unit number whose window differs from the one recorded in ``dues_state`` (a new month, a
  payment), or never generated, is regenerated whole;
- otherwise each ``dues_regen`` point (written by wage processing, W9: the earliest changed month
  per unit number and type, or a voided declaration's tax line) regenerates that unit number's
  items of that type from that month on; the points are cleared after.

Regeneration replaces only lines still 初始 (a declared line is never rewritten). All the stale
unit numbers of the employer are computed in **one** pass over its employees.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic_core import from_json

from sbtui.domain.catalogue import catalogue
from sbtui.domain.dues import DueTotal, Preprocessor, employee_dues
from sbtui.domain.models import DueDetailLine, DueLine
from sbtui.domain.money import format_rate
from sbtui.domain.period import Period, PeriodError, add_months, month_index, month_of
from sbtui.domain.region import load_region
from sbtui.domain.vocab import DueStatus

from . import ledger
from .auth import Who
from .db import Db, dumps, iso, registrations
from .errors import ERRORS, ApiError
from .settle import process_due
from .wages import catch_up

router = APIRouter(responses=ERRORS)
JSON = "application/json"
INITIAL = DueStatus.INITIAL  # D11: 初始 / 申报中 / 申报成功 / 销账 / 批扣清册生成
MAX_MONTHS = 12  # D11: a period range of at most 12 months

SCHEMA = """
CREATE TABLE IF NOT EXISTS dues_lines (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, period TEXT NOT NULL, item TEXT NOT NULL,
    headcount INTEGER NOT NULL, wage_total TEXT NOT NULL, base_total TEXT NOT NULL,
    rate TEXT, fixed TEXT, due TEXT NOT NULL, status TEXT NOT NULL, generated_at TEXT NOT NULL,
    PRIMARY KEY (uscc, unit_number, period, item));
CREATE TABLE IF NOT EXISTS dues_state (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL,
    PRIMARY KEY (uscc, unit_number));
"""



def install(db: Db) -> None:
    with db.lock:
        db.conn.executescript(SCHEMA)


# -- preprocessing ---------------------------------------------------------------------------

def window(conn: sqlite3.Connection, uscc: str, unit: str, current: str) -> tuple[str, str]:
    last = conn.execute("SELECT max(period) FROM paid_periods WHERE uscc = ? AND unit_number = ?",
                        (uscc, unit)).fetchone()[0]
    first = add_months(last, 1) if last else current
    return first, current


def _region(conn: sqlite3.Connection, uscc: str):
    row = conn.execute("SELECT region FROM employers WHERE uscc = ?", (uscc,)).fetchone()
    return load_region(row[0] if row else "nm")


def stale_scope(conn: sqlite3.Connection, uscc: str, current: str, *,
                force: bool = False) -> tuple[dict[str, dict[str, str]], set[str], dict[str, tuple[str, str]]]:
    """``(scope, whole, windows)``: unit number → {type: first month to regenerate}; the unit
    numbers regenerated whole; every unit number's window."""
    state = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT unit_number, first, last FROM dues_state WHERE uscc = ?", (uscc,))}
    regen: dict[str, dict[str, str]] = {}
    for unit, code, start in conn.execute(
            "SELECT unit_number, type, from_period FROM dues_regen WHERE uscc = ?", (uscc,)):
        regen.setdefault(unit, {})[code] = start
    scope: dict[str, dict[str, str]] = {}
    whole: set[str] = set()
    windows: dict[str, tuple[str, str]] = {}
    for reg in registrations(conn, uscc):
        unit = reg["unit_number"]
        first, last = windows[unit] = window(conn, uscc, unit, current)
        if force or state.get(unit) != (first, last):
            whole.add(unit)
            scope[unit] = {code: first for code in reg["insurance_types"]}
        elif unit in regen:
            points = {code: max(start, first) for code, start in regen[unit].items()
                      if code in reg["insurance_types"] and start <= last}
            if points:
                scope[unit] = points
    return scope, whole, windows


def refresh(db: Db, uscc: str, today: date, at: str, *, force: bool = False) -> int:
    """Bring the employer's ``dues_lines`` up to date (see the module doc); returns how many
    lines were written (0: nothing was stale)."""
    current = month_of(today)
    with db.tx() as conn:
        scope, whole, windows = stale_scope(conn, uscc, current, force=force)
        if not scope:
            conn.execute("DELETE FROM dues_regen WHERE uscc = ?", (uscc,))
            return 0
        region = _region(conn, uscc)
        lo = min(min(points.values()) for points in scope.values())
        pre = Preprocessor(region, lo, current, current=current, scope=scope)
        for (doc,) in conn.execute("SELECT doc FROM employees WHERE uscc = ?", (uscc,)):
            pre.add(from_json(doc))  # pydantic-core's parser: about twice the stdlib's speed
        items = catalogue().types
        for unit, points in scope.items():
            if unit in whole:
                conn.execute("DELETE FROM dues_lines WHERE uscc = ? AND unit_number = ?"
                             " AND status = ?", (uscc, unit, INITIAL))
                continue
            for code, start in points.items():
                conn.executemany(
                    "DELETE FROM dues_lines WHERE uscc = ? AND unit_number = ? AND item = ?"
                    " AND period >= ? AND status = ?",
                    [(uscc, unit, item.id, start, INITIAL) for item in items[code].items])
        rows = [_row(uscc, t, at) for t in pre.totals()]
        conn.executemany("INSERT OR IGNORE INTO dues_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         rows)
        conn.executemany("INSERT INTO dues_state VALUES (?, ?, ?, ?) ON CONFLICT (uscc, unit_number)"
                         " DO UPDATE SET first = excluded.first, last = excluded.last",
                         [(uscc, u, *windows[u]) for u in windows])
        conn.execute("DELETE FROM dues_regen WHERE uscc = ?", (uscc,))
        return len(rows)


def _row(uscc: str, t: DueTotal, at: str) -> tuple:
    return (uscc, t.unit_number, t.period, t.item, t.headcount, str(t.wage_total),
            str(t.base_total), None if t.rate is None else str(t.rate),
            None if t.fixed is None else str(t.fixed), str(t.due), INITIAL, at)


# -- reading ---------------------------------------------------------------------------------

def _check_month(name: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(Period.parse(value, strict=True))
    except PeriodError:
        raise ApiError(400, "bad_request", f"{name}格式有误，应为YYYY-MM", {"field": name}) from None


def lines(conn: sqlite3.Connection, uscc: str, unit_number: str | None, period_from: str | None,
          period_to: str | None, *, today: date, source: str | None = None) -> list[dict]:
    """The ``DueLine`` dicts of every source, filled in (:func:`ledger.finish`): tax lines (with
    the 销账 lines of voided declarations beside them) by unit, period, item; then collection
    lines by serial, item; special dues by serial; linked projects' dues by project, serial."""
    agencies = {r["unit_number"]: r["agency"] for r in registrations(conn, uscc)}
    order = {item_id: n for n, item_id in enumerate(catalogue().items)}
    where, params = ["uscc = ?"], [uscc]
    if unit_number:
        where.append("unit_number = ?")
        params.append(unit_number)
    if period_from:
        where.append("period >= ?")
        params.append(period_from)
    if period_to:
        where.append("period <= ?")
        params.append(period_to)
    cond = " AND ".join(where)
    out: list[dict] = []
    if source in (None, "tax"):
        tax = [ledger.tax_line(r, agencies) for r in conn.execute(f"SELECT * FROM dues_lines WHERE {cond}", params)]
        tax += ledger.voided_lines(conn, uscc, unit_number, period_from, period_to)
        tax.sort(key=lambda d: (d["unit_number"], d["period_from"], order.get(d["item"], 999),
                                d["status"] == ledger.VOIDED, d.get("declaration_id") or ""))
        out += tax
    if source in (None, "collection"):
        for r in conn.execute(f"SELECT * FROM collection_notices WHERE {cond} ORDER BY serial, item_id",
                              params):
            out.append({
                "source": "collection", "serial": r["serial"], "unit_number": r["unit_number"],
                "agency": r["agency"], "period_from": r["period"], "period_to": r["period"],
                "item": r["item_id"], "item_name": r["item_name"], "type_code": ledger.type_code_of(r["item_id"]),
                "headcount": None, "wage_total": None, "base_total": None, "rate": None, "fixed": None,
                "due": r["amount"], "status": INITIAL if r["status"] == "未申报" else r["status"],
                "generated_at": None})
    if source in (None, "special"):
        out += ledger.special_lines(conn, uscc, unit_number, period_from, period_to, agencies)
    if source in (None, "project"):
        out += ledger.project_lines(conn, uscc, unit_number, period_from, period_to, agencies)
    return ledger.finish(out, held=ledger.holds(conn, uscc), left=ledger.credit_left(conn, uscc),
                         profile=_region(conn, uscc), today=today)


def detail(conn: sqlite3.Connection, uscc: str, unit_number: str, period: str, item_id: str,
           current: str) -> list[dict]:
    """The per-employee lines of one tax line, computed now from the registry (SPEC D1)."""
    item = catalogue().items.get(item_id)
    if item is None:
        raise ApiError(400, "bad_request", f"征收品目无效：{item_id}", {"field": "item"})
    if unit_number not in {r["unit_number"] for r in registrations(conn, uscc)}:
        raise ApiError(404, "not_found", "本单位无此单位编号。", {"unit_number": unit_number})
    region = _region(conn, uscc)
    out = []
    pattern = f'%"unit_number":"{unit_number}"%'
    for (text,) in conn.execute("SELECT doc FROM employees WHERE uscc = ? AND doc LIKE ? ORDER BY id",
                                (uscc, pattern)):
        doc = json.loads(text)
        for ln in employee_dues(doc, region, [period], current=current, unit_number=unit_number,
                                types=[item.type_code]):
            if ln.item != item_id:
                continue
            person = next((r.get("person_number") for r in doc["registrations"]
                           if r["unit_number"] == unit_number), None)
            out.append({"employee_id": doc["id"], "id_number": doc["id_number"], "name": doc["name"],
                        "person_number": person, "wage": str(ln.wage), "base": str(ln.base),
                        "rate": None if ln.rate is None else format_rate(ln.rate),
                        "fixed": None if ln.fixed is None else str(ln.fixed), "due": str(ln.due)})
    return out


# -- routes ----------------------------------------------------------------------------------

def _sandbox(request: Request):
    return request.app.state.sandbox


def ensure(sb, uscc: str) -> None:
    """What every dues read (and a declaration submit) does first: due wage feedback, due
    declaration feedback (a void leaves regeneration points), then stale preprocessing."""
    catch_up(sb, uscc)
    process_due(sb.db, uscc, sb.now())
    refresh(sb.db, uscc, sb.today(), iso(sb.now()))


@router.get("/dues", response_model=list[DueLine])
async def list_dues(request: Request, who: Who,
                    unit_number: Annotated[str | None, Query()] = None,
                    period_from: Annotated[str | None, Query()] = None,
                    period_to: Annotated[str | None, Query()] = None,
                    source: Annotated[str | None, Query()] = None):
    """日常申报 / 应缴信息: tax-generated lines (``source: "tax"``, with the 销账 lines of voided
    declarations), collection notices (``collection``), special dues (``special``) and the
    linked projects' dues (``project``), optionally for one unit number, a period range (≤ 12
    months when both ends are given, SPEC D11) and one source."""
    sb = _sandbox(request)
    if source not in (None, "", "tax", "collection", "special", "project"):
        raise ApiError(400, "bad_request", f"数据来源无效：{source}", {"field": "source"})
    start = _check_month("费款所属期起", period_from)
    end = _check_month("费款所属期止", period_to)
    if start and end:
        if end < start:
            raise ApiError(400, "bad_request", "费款所属期止不能早于费款所属期起", {"field": "period_to"})
        if month_index(end) - month_index(start) + 1 > MAX_MONTHS:
            raise ApiError(400, "bad_request", f"查询的费款所属期跨度不能超过{MAX_MONTHS}个月",
                           {"max": MAX_MONTHS})
    ensure(sb, who.uscc)
    with sb.db.read() as conn:
        data = lines(conn, who.uscc, unit_number or None, start, end, today=sb.today(),
                     source=source or None)
    return Response(dumps(data), media_type=JSON)


@router.get("/dues/detail", response_model=list[DueDetailLine])
async def due_detail(request: Request, who: Who, unit_number: str, period: str, item: str):
    """职工预处理明细 of one tax line: per employee, computed on demand."""
    sb = _sandbox(request)
    month = _check_month("费款所属期", period)
    if month is None:
        raise ApiError(400, "bad_request", "请指定费款所属期", {"field": "period"})
    catch_up(sb, who.uscc)
    with sb.db.read() as conn:
        data = detail(conn, who.uscc, unit_number, month, item, month_of(sb.today()))
    return Response(dumps(data), media_type=JSON)

