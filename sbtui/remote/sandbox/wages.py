"""Wage declaration (SPEC W7–W9, W12): 月度缴费工资申报 and its asynchronous feedback.

``POST /wages/declarations`` (keyed) only stores the request and answers ``processing``, with
``feedback_at`` = now + the sandbox setting ``feedback_delay_ms``. Nothing runs in the
background: the first read after ``feedback_at`` (the declaration, the list, or a registry
read) processes every due declaration of the employer, oldest first, each in **one**
transaction that also flips it to ``done`` — so it is applied exactly once.

Processing checks each row (a row is accepted only if all its items are; every item gets its
own verdict): the employee (id + ID number), each type (catalogue code, insured), the wage
(> 0, at most 2 decimals), the months, the binding groups (W4) and no lowering of a declared
month (W7). Accepted rows are applied (W9: the new span replaces what it overlaps), the
employees get new ``seq`` values (the change feed delivers them) and ``dues_regen`` keeps, per
unit number and type, the earliest month whose dues must be regenerated.
"""
from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sbtui.domain.catalogue import catalogue
from sbtui.domain.models import OPEN_END, WageDeclaration
from sbtui.domain.money import AmountError, parse_amount
from sbtui.domain.period import Period, PeriodError, add_months
from sbtui.domain.vocab import DueStatus, WageSummary

from .auth import Who
from .db import Db, dumps, iso, save_employees
from .errors import ERRORS, ApiError
from .idempotency import IdemKey

router = APIRouter(responses=ERRORS)
JSON = "application/json"

MAX_ROWS = 5000
DEFAULT_FEEDBACK_DELAY_MS = 3000

NO_EMPLOYEE = "本单位无此职工"
NO_ITEMS = "未填写任何险种的缴费工资"
BAD_TYPE = "险种代码无效：{code}"
NOT_INSURED = "该职工未参保{name}"
DUPLICATE_TYPE = "同一险种重复申报：{label}"
WAGE_NOT_POSITIVE = "缴费工资必须大于0"
WAGE_FORMAT = "缴费工资格式有误"
FROM_FORMAT = "生效年月起格式有误，应为YYYY-MM"
TO_FORMAT = "生效年月止格式有误，应为YYYY-MM"
TO_BEFORE_FROM = "生效年月止不能早于生效年月起"
BINDING = "未按险种分组绑定的规则录入缴费工资：{a}与{b}不一致"
LOWERING = "{month}已申报，不能调低该月缴费工资（请先作废申报后再调低）"

ALL_OK, SOME_OK, NONE_OK = WageSummary.ALL_OK, WageSummary.SOME_OK, WageSummary.NONE_OK

_CENT = Decimal("0.01")
_ORDER = itemgetter("type", "period_from")  # how an employee's wage periods are kept


# -- request -----------------------------------------------------------------------------------

class WageItemIn(BaseModel):
    type: str
    wage: str  # money as text, "8888.00"
    period_from: str  # YYYY-MM
    period_to: str | None = None  # None: open end 2099-12


class WageRowIn(BaseModel):
    employee_id: str
    name: str
    id_number: str
    items: list[WageItemIn]


class DeclarationIn(BaseModel):
    rows: list[WageRowIn]  # 1..5000, else 400 bad_request


# -- time ---------------------------------------------------------------------------------------

def stamp(dt: datetime) -> str:
    """A UTC ISO datetime with milliseconds (one fixed width: compares as text)."""
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt.isoformat(timespec="milliseconds")


# -- submit ------------------------------------------------------------------------------------

def submit(conn: sqlite3.Connection, uscc: str, key: str, rows: list[dict], now: datetime,
           delay_ms: int):
    """The keyed mutation behind ``POST /wages/declarations``: stores the request only."""
    if not rows:
        raise ApiError(400, "bad_request", "请选择需要申报缴费工资的职工。", {"min": 1, "count": 0})
    if len(rows) > MAX_ROWS:
        raise ApiError(400, "bad_request", f"每次最多申报{MAX_ROWS}名职工的缴费工资。",
                       {"max": MAX_ROWS, "count": len(rows)})
    number = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM wage_declarations"
                          " WHERE uscc = ?", (uscc,)).fetchone()[0]
    record = {"id": f"WD{number:07d}", "status": "processing", "rows": len(rows),
              "submitted_at": stamp(now),
              "feedback_at": stamp(now + timedelta(milliseconds=delay_ms))}
    conn.execute("INSERT INTO wage_declarations (uscc, id, number, key, status, submitted_at,"
                 " feedback_at, rows, request) VALUES (?, ?, ?, ?, 'processing', ?, ?, ?, ?)",
                 (uscc, record["id"], number, key, record["submitted_at"],
                  record["feedback_at"], len(rows), dumps(rows)))
    return 200, record, []


# -- reading -----------------------------------------------------------------------------------

_HEAD = "id, status, submitted_at, feedback_at, rows, accepted, refused, summary"


def _head(row: sqlite3.Row) -> dict:
    return {k: row[k] for k in ("id", "status", "submitted_at", "feedback_at", "rows",
                                "accepted", "refused", "summary")}


def declaration_bytes(db: Db, uscc: str, declaration_id: str) -> bytes:
    """A ``WageDeclaration`` as JSON bytes (the stored results spliced in undecoded)."""
    row = db.one(f"SELECT {_HEAD}, results FROM wage_declarations WHERE uscc = ? AND id = ?",
                 (uscc, declaration_id))
    if row is None:
        raise ApiError(404, "not_found", "未找到该缴费工资申报记录。", {"id": declaration_id})
    head = dumps(_head(row))
    if row["results"] is None:
        return head.encode()
    return (head[:-1] + ',"results":' + row["results"] + "}").encode()


def declarations(db: Db, uscc: str, limit: int) -> list[dict]:
    """The newest ``limit`` declarations, newest first, without results."""
    rows = db.all(f"SELECT {_HEAD} FROM wage_declarations WHERE uscc = ?"
                  " ORDER BY number DESC LIMIT ?", (uscc, limit))
    return [_head(r) for r in rows]


# -- processing --------------------------------------------------------------------------------

def declared_months(conn: sqlite3.Connection, uscc: str, unit_number: str) -> set[str]:
    """The months already declared under a unit number (SPEC W7): the paid periods and the
    periods of its tax lines held by a fee declaration (申报中 / 申报成功, paid or not)."""
    rows = conn.execute("SELECT period FROM paid_periods WHERE uscc = ?1 AND unit_number = ?2"
                        " UNION SELECT period FROM dues_lines WHERE uscc = ?1 AND unit_number = ?2"
                        " AND status IN (?3, ?4)", (uscc, unit_number, DueStatus.DECLARING, DueStatus.DECLARED))
    return {r[0] for r in rows}


def process_due(db: Db, uscc: str, now: datetime, changed_on: str) -> int:
    """Process every declaration of ``uscc`` whose feedback is due at ``now``, oldest first,
    each in its own transaction; returns how many. Cheap when none is due."""
    due = db.all("SELECT id FROM wage_declarations WHERE uscc = ? AND status = 'processing'"
                 " AND feedback_at <= ? ORDER BY number", (uscc, stamp(now)))
    for row in due:
        with _gc_paused(), db.tx() as conn:
            decl = conn.execute("SELECT * FROM wage_declarations WHERE uscc = ? AND id = ?"
                                " AND status = 'processing'", (uscc, row["id"])).fetchone()
            if decl is not None:  # not taken by another reader meanwhile
                _process(conn, uscc, decl, iso(now), changed_on)
    return len(due)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large declaration is processed: its tens of
    thousands of short-lived dicts would trigger it over and over (about 15% of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _process(conn: sqlite3.Connection, uscc: str, decl: sqlite3.Row, at: str,
             changed_on: str) -> None:
    rows: list[dict] = json.loads(decl["request"])
    ids = sorted({r["employee_id"] for r in rows})
    docs = {r[0]: json.loads(r[1]) for r in conn.execute(
        "SELECT id, doc FROM employees WHERE uscc = ? AND id IN (SELECT value FROM json_each(?))",
        (uscc, json.dumps(ids)))}
    months: dict[str, list[str]] = {}

    def declared(unit: str) -> list[str]:
        if unit not in months:
            months[unit] = sorted(declared_months(conn, uscc, unit))
        return months[unit]

    changed: dict[str, dict] = {}  # in first-change order: the seq order
    regen: dict[tuple[str, str], str] = {}
    results = []
    for row in rows:
        doc = docs.get(row["employee_id"])
        result, accepted = check_row(row, doc, declared)
        results.append(result)
        if not accepted or doc is None:
            continue
        units = _units_by_type(doc)
        wages = doc["wages"]
        for code, wage, start, end in accepted:
            wages = replace_span(wages, code, wage, start, end, sort=False)
            for unit in units[code]:
                if (unit, code) not in regen or start < regen[(unit, code)]:
                    regen[(unit, code)] = start
        wages.sort(key=_ORDER)
        doc["wages"] = wages
        changed[doc["id"]] = doc
    save_employees(conn, uscc, list(changed.values()), changed_on=changed_on)
    conn.executemany(
        "INSERT INTO dues_regen VALUES (?, ?, ?, ?) ON CONFLICT (uscc, unit_number, type)"
        " DO UPDATE SET from_period = min(from_period, excluded.from_period)",
        [(uscc, unit, code, start) for (unit, code), start in sorted(regen.items())])
    ok = sum(1 for r in results if r["ok"])
    summary = ALL_OK if ok == len(results) else NONE_OK if ok == 0 else SOME_OK
    conn.execute("UPDATE wage_declarations SET status = 'done', accepted = ?, refused = ?,"
                 " summary = ?, results = ? WHERE uscc = ? AND id = ?",
                 (ok, len(results) - ok, summary, dumps(results), uscc, decl["id"]))
    conn.execute("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                 (uscc, decl["key"], "wages.declare", decl["id"], at))


def _units_by_type(doc: dict) -> dict[str, list[str]]:
    """Type code -> the unit numbers under which the employee is insured for it."""
    out: dict[str, list[str]] = {}
    for reg in doc["registrations"]:
        for code in reg["insurance_types"]:
            out.setdefault(code, []).append(reg["unit_number"])
    return out


Item = tuple[str, str, str, str]  # (type, wage "8888.00", from, to)


def check_row(row: dict, doc: dict | None,
              declared: Callable[[str], list[str]]) -> tuple[dict, list[Item]]:
    """The verdict on one row and, when it is accepted, its normalised items."""
    items = row["items"]
    result: dict[str, Any] = {"employee_id": row["employee_id"], "id_number": row["id_number"],
                              "name": row["name"], "ok": False, "reason": None, "items": []}
    if doc is None or doc["id_number"].upper() != row["id_number"].strip().upper():
        result["reason"] = NO_EMPLOYEE
        result["items"] = [{"type": i["type"], "ok": False, "reason": NO_EMPLOYEE} for i in items]
        return result, []
    if not items:
        result["reason"] = NO_ITEMS
        return result, []
    units = _units_by_type(doc)
    reasons: list[str | None] = []
    parsed: list[Item | None] = []
    seen: set[str] = set()
    for item in items:
        reason, norm = _check_item(item, units, seen)
        reasons.append(reason)
        parsed.append(norm)
    _check_binding(parsed, reasons)
    for n, norm in enumerate(parsed):
        if reasons[n] is None and norm is not None:
            reasons[n] = _check_lowering(doc["wages"], norm, units[norm[0]], declared)
    result["items"] = [{"type": i["type"], "ok": r is None, "reason": r}
                       for i, r in zip(items, reasons)]
    first = next((r for r in reasons if r is not None), None)
    result["ok"], result["reason"] = first is None, first
    return result, ([p for p in parsed if p is not None] if first is None else [])


def _check_item(item: dict, units: dict[str, list[str]],
                seen: set[str]) -> tuple[str | None, Item | None]:
    code = item["type"].strip()
    kind = catalogue().types.get(code)
    if kind is None:
        return BAD_TYPE.format(code=code), None
    if code not in units:
        return NOT_INSURED.format(name=kind.name), None
    if code in seen:
        return DUPLICATE_TYPE.format(label=kind.label), None
    seen.add(code)
    try:  # the one amount rule, the client's too (issue 14 findings 1, 7): no spaces, signs,
        wage = parse_amount(item["wage"], "缴费工资")  # exponents or other digit sets
    except AmountError as exc:
        return (WAGE_NOT_POSITIVE if exc.kind == "negative" else WAGE_FORMAT), None
    if wage <= 0:
        return WAGE_NOT_POSITIVE, None
    start = _month(item["period_from"])
    if start is None:
        return FROM_FORMAT, None
    to_text = item.get("period_to")
    end = OPEN_END if to_text is None or not to_text.strip() else _month(to_text)
    if end is None:
        return TO_FORMAT, None
    if end < start:
        return TO_BEFORE_FROM, None
    return None, (code, str(wage.quantize(_CENT)), start, end)


def _month(text: str) -> str | None:
    try:
        return str(Period.parse(text, strict=True))
    except PeriodError:
        return None


def _check_binding(parsed: list[Item | None], reasons: list[str | None]) -> None:
    """SPEC W4: within each binding group, the items present (and individually valid) must have
    the same wage and months; the differing items (and the group's first) are refused."""
    cat = catalogue()
    valid = {p[0]: n for n, p in enumerate(parsed) if p is not None and reasons[n] is None}
    for group in cat.binding_groups:
        present = [valid[c] for c in group if c in valid]
        if len(present) < 2:
            continue
        present.sort()
        first = present[0]
        differ = [n for n in present[1:] if parsed[n][1:] != parsed[first][1:]]  # type: ignore[index]
        if not differ:
            continue
        text = BINDING.format(a=cat.types[parsed[first][0]].label,  # type: ignore[index]
                              b=cat.types[parsed[differ[0]][0]].label)  # type: ignore[index]
        for n in [first, *differ]:
            if reasons[n] is None:
                reasons[n] = text


def _check_lowering(wages: list[dict], item: Item, units: list[str],
                    declared: Callable[[str], list[str]]) -> str | None:
    """SPEC W7: no declared month in the new span may get a lower wage than the one in force."""
    code, wage, start, end = item
    new = Decimal(wage)
    periods = [w for w in wages if w["type"] == code]
    if not periods:
        return None
    for unit in units:
        for month in declared(unit):
            if month < start:
                continue
            if month > end:
                break
            old = next((w["wage"] for w in periods
                        if w["period_from"] <= month <= w["period_to"]), None)
            if old is not None and new < Decimal(old):
                return LOWERING.format(month=month)
    return None


def replace_span(wages: list[dict], code: str, wage: str, start: str, end: str, *,
                 sort: bool = True) -> list[dict]:
    """SPEC W9: ``code``'s new wage for ``start``…``end`` replaces what it overlaps: periods
    inside are dropped, one reaching before is closed at ``start``−1, one reaching past
    resumes at ``end``+1 with its old wage. Sorted by type and start (unless ``sort`` is
    false: the caller sorts once after several replacements)."""
    out: list[dict] = []
    for w in wages:
        if w["type"] != code or w["period_to"] < start or w["period_from"] > end:
            out.append(w)
            continue
        if w["period_from"] < start:
            out.append({**w, "period_to": add_months(start, -1)})
        if w["period_to"] > end:
            out.append({**w, "period_from": add_months(end, 1)})
    out.append({"type": code, "wage": wage, "period_from": start, "period_to": end})
    if sort:
        out.sort(key=_ORDER)
    return out


# -- routes ------------------------------------------------------------------------------------

def _sandbox(request: Request):
    return request.app.state.sandbox


def catch_up(sb, uscc: str) -> None:
    """Process the employer's due declarations (every read that could see their effect)."""
    process_due(sb.db, uscc, sb.now(), sb.today().isoformat())


@router.post("/wages/declarations", response_model=WageDeclaration)
async def submit_declaration(body: DeclarationIn, request: Request, who: Who,
                             key: IdemKey = None):
    """Submit a wage declaration (SPEC W8): stored now, processed at ``feedback_at``."""
    sb = _sandbox(request)
    rows = body.model_dump(mode="json")["rows"]
    return await sb.keyed.run(
        request, who, key, {"rows": rows},
        lambda conn: submit(conn, who.uscc, key or "", rows, sb.now(), sb.feedback_delay_ms))


@router.get("/wages/declarations", response_model=list[WageDeclaration])
async def list_declarations(request: Request, who: Who,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 50):
    """申报记录 (SPEC W12): newest first, without per-row results."""
    sb = _sandbox(request)
    catch_up(sb, who.uscc)
    return Response(dumps(declarations(sb.db, who.uscc, limit)), media_type=JSON)


@router.get("/wages/declarations/{declaration_id}", response_model=WageDeclaration)
async def one_declaration(declaration_id: str, request: Request, who: Who):
    """One declaration; with its per-row ``results`` once done."""
    sb = _sandbox(request)
    catch_up(sb, who.uscc)
    return Response(declaration_bytes(sb.db, who.uscc, declaration_id), media_type=JSON)
