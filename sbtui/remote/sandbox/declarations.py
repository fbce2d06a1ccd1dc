"""Fee declaration (SPEC D3–D10): submit, records, employees, void, credits.

``POST /declarations`` (keyed) checks the request against the dues lines as the service has
them now, holds the lines (申报中) and answers 202 with the declaration, ``feedback_at`` = now +
the sandbox setting ``feedback_delay_ms``; the feedback is processed lazily (:mod:`.settle`).
``POST /declarations/{id}/void`` (keyed) moves a 申报成功, unpaid declaration to 作废中, answered
the same way. Refusals, in the order they are checked (each names the line in
``detail.key``):

- 400 ``bad_request``: no lines, a key twice, a remark over 100 characters, an offset that is
  not a number;
- 400 ``due_not_open``: an unknown key, or a line not 初始;
- 400 ``several_units``: a line of another unit number than ``unit_number`` (D3);
- 400 ``wrong_kind``: a line whose source the kind does not declare;
- 400 ``due_expired``: a special or project line past its 征集有效日期 (D9, D10);
- 400 ``tick_incomplete``: a D3 tick unit with a 初始 line left out;
- 422 ``offset_over_max``: an offset below 0, above the line's payable, or above what the unit
  number + item credit has left after the request's earlier lines of that item (D5).
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sbtui.domain import declare as rules
from sbtui.domain.catalogue import catalogue
from sbtui.domain.dues import employee_dues
from sbtui.domain.models import Credit, Declaration, DeclarationEmployee
from sbtui.domain.money import ZERO, AmountError, format_money, format_rate, parse_amount
from sbtui.domain.period import month_of
from sbtui.domain.vocab import DeclarationStatus, PaymentStatus

from . import dues, ledger, settle
from .auth import Who
from .db import dumps
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .seed import local_today
from .wages import stamp

router = APIRouter(responses=ERRORS)
JSON = "application/json"

NOT_OPEN = "该应缴信息已申报或不存在"
SEVERAL_UNITS = "多个单位编号需分别提交申报"
WRONG_KIND = "该应缴信息不能在{kind}中申报"
TICK_INCOMPLETE = "相同勾选项的应缴信息必须一起提交申报"
EXPIRED = "已超过征集有效日期，不能申报"
OVER_MAX = "抵缴金额超出可抵缴金额上限（最大可抵缴金额{max}元）"
PAID_NOT_VOIDABLE = "已缴费的申报不能作废"
NOT_VOIDABLE = "只有申报成功且未缴费的申报可以作废"
ON_VOUCHER = "该申报已开具缴费凭证，请先作废缴费凭证"
MAX_REMARK = 100
STATUSES = tuple(s for s in DeclarationStatus if s is not DeclarationStatus.QUEUED)  # QUEUED is the client's

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LineIn(BaseModel):
    key: str
    offset: str = "0.00"  # 抵缴金额, money as text
    remark: str = ""  # 备注 (special dues: printed on the certificate, D9)


class SubmitIn(BaseModel):
    kind: Literal["daily", "special", "project"]
    unit_number: str
    lines: list[LineIn]


# -- submit ------------------------------------------------------------------------------------

def _refuse(code: str, message: str, key: str, **detail) -> ApiError:
    return ApiError(400, code, message, {"key": key, **detail})


def check(lines_in: list[dict], kind: str, unit_number: str, current: list[dict],
          left: dict[tuple[str, str], Decimal], today: date) -> list[tuple[dict, dict, Decimal]]:
    """The request's lines as ``(request line, dues line, offset)`` in service order, or the
    first refusal (see the module doc)."""
    if not lines_in:
        raise ApiError(400, "bad_request", "请选择需要申报的应缴信息。", {"min": 1})
    seen: set[str] = set()
    for li in lines_in:
        if li["key"] in seen:
            raise _refuse("bad_request", f"同一应缴信息不能重复提交：{li['key']}", li["key"])
        seen.add(li["key"])
        if len(li["remark"]) > MAX_REMARK:
            raise _refuse("bad_request", f"备注不能超过{MAX_REMARK}个字符", li["key"], max=MAX_REMARK)
        try:  # the one amount rule (issue 14); a negative offset is the 422 below
            parse_amount(li["offset"].removeprefix("-"), "抵缴金额", shown=li["offset"])
        except AmountError as exc:
            raise _refuse("bad_request", str(exc), li["key"], field="offset") from None
    by_key = {d["key"]: d for d in current}
    order = {d["key"]: n for n, d in enumerate(current)}
    for li in lines_in:
        d = by_key.get(li["key"])
        if d is None or d["status"] != ledger.INITIAL:
            raise _refuse("due_not_open", NOT_OPEN, li["key"])
    for li in lines_in:
        if by_key[li["key"]]["unit_number"] != unit_number:
            units = sorted({by_key[x["key"]]["unit_number"] for x in lines_in} | {unit_number})
            raise _refuse("several_units", SEVERAL_UNITS, li["key"], unit_numbers=units)
    for li in lines_in:
        if by_key[li["key"]]["source"] not in ledger.KIND_SOURCES[kind]:
            raise _refuse("wrong_kind", WRONG_KIND.format(kind=ledger.KIND_NAMES[kind]), li["key"],
                          source=by_key[li["key"]]["source"])
    for li in lines_in:
        valid = by_key[li["key"]].get("valid_until")
        if valid and valid < today.isoformat():
            raise _refuse("due_expired", EXPIRED, li["key"], valid_until=valid)
    ticks = {by_key[li["key"]]["tick"]: li["key"] for li in lines_in}
    for tick, first in ticks.items():
        missing = [d["key"] for d in current
                   if d["tick"] == tick and d["status"] == ledger.INITIAL and d["key"] not in seen]
        if missing:
            raise _refuse("tick_incomplete", TICK_INCOMPLETE, first, tick=tick, missing=missing)
    chosen = sorted(lines_in, key=lambda li: order[li["key"]])
    used: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    out = []
    for li in chosen:
        d = by_key[li["key"]]
        offset = Decimal(li["offset"]).quantize(Decimal("0.01"))
        payable = Decimal(d["due"]) - Decimal(d["reduction"])
        item = (d["unit_number"], d["item"])
        limit = max(ZERO, min(payable, left.get(item, ZERO) - used[item]))
        if offset < ZERO or offset > limit:
            raise ApiError(422, "offset_over_max", OVER_MAX.format(max=format_money(limit)),
                           {"key": li["key"], "max": ledger.money(limit)})
        used[item] += offset
        out.append((li, d, offset))
    return out


def _line(n: int, li: dict, d: dict, offset: Decimal) -> dict:
    """A ``DeclarationLine``: the dues line as submitted, with its offset."""
    kind = catalogue().types.get(d["type_code"])
    payable = Decimal(d["due"]) - Decimal(d["reduction"])
    return {"n": n, "key": d["key"], "source": d["source"], "serial": d["serial"],
            "unit_number": d["unit_number"], "agency": d["agency"], "period_from": d["period_from"],
            "period_to": d["period_to"], "item": d["item"], "item_name": d["item_name"],
            "type_code": d["type_code"], "type_name": kind.project if kind else "",
            "headcount": d["headcount"], "wage_total": d["wage_total"], "base_total": d["base_total"],
            "rate": d["rate"], "fixed": d["fixed"], "due": d["due"], "reduction": d["reduction"],
            "payable": ledger.money(payable), "offset": ledger.money(offset),
            "actual": ledger.money(payable - offset), "remark": li["remark"] or d.get("remark") or "",
            "project_id": d.get("project_id")}


def submit(conn: sqlite3.Connection, uscc: str, key: str, body: dict, now: datetime,
           delay_ms: int):
    """The keyed mutation behind ``POST /declarations``."""
    today = local_today(now)
    current = dues.lines(conn, uscc, None, None, None, today=today)
    chosen = check(body["lines"], body["kind"], body["unit_number"], current,
                   ledger.credit_left(conn, uscc), today)
    lines = [_line(n, li, d, offset) for n, (li, d, offset) in enumerate(chosen, start=1)]
    number = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM declarations WHERE uscc = ?",
                          (uscc,)).fetchone()[0]
    ident = f"FD{number:07d}"

    def total(field: str, sources: tuple[str, ...] | None = None) -> Decimal:
        return sum((Decimal(ln[field]) for ln in lines
                    if ln[field] is not None and (sources is None or ln["source"] in sources)), ZERO)

    row = {"id": ident, "kind": body["kind"], "unit_number": body["unit_number"],
           "agency": lines[0]["agency"], "status": DeclarationStatus.PROCESSING, "submitted_at": stamp(now),
           "feedback_at": stamp(now + timedelta(milliseconds=delay_ms)), "decided_at": None,
           "message": None, "voided_at": None, "line_count": len(lines),
           "headcount": rules.headcount(lines),
           "base_total": ledger.money(total("base_total")), "due_total": ledger.money(total("due")),
           "offset_total": ledger.money(total("offset")),
           "actual_total": ledger.money(total("actual")), "paid": "0.00",
           "payment_status": PaymentStatus.UNPAID}
    conn.execute(
        "INSERT INTO declarations (uscc, id, number, key, kind, unit_number, agency, status,"
        " submitted_at, submitted_on, feedback_at, line_count, headcount, base_total, due_total,"
        " offset_total, actual_total, paid, payment_status, lines)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uscc, ident, number, key, row["kind"], row["unit_number"], row["agency"], row["status"],
         row["submitted_at"], today.isoformat(), row["feedback_at"], row["line_count"],
         row["headcount"], row["base_total"], row["due_total"], row["offset_total"],
         row["actual_total"], row["paid"], row["payment_status"], dumps(lines)))
    conn.executemany("INSERT INTO due_holds VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(uscc, ln["key"], ident, ln["source"], ln["unit_number"], ln["item"],
                       ln["offset"], ledger.DECLARING) for ln in lines])
    settle.mark_sources(conn, uscc, lines, ledger.DECLARING)
    return 202, {**row, "lines": lines}, [("declaration.submit", ident)]


# -- records -----------------------------------------------------------------------------------

_FIELDS = ("id", "kind", "unit_number", "agency", "status", "submitted_at", "feedback_at",
           "decided_at", "message", "line_count", "headcount", "base_total", "due_total",
           "offset_total", "actual_total", "paid", "payment_status", "voided_at")


def record(row: sqlite3.Row, *, with_lines: bool) -> dict:
    out = {k: row[k] for k in _FIELDS}
    out["lines"] = json.loads(row["lines"]) if with_lines else []
    return out


def _row(conn: sqlite3.Connection, uscc: str, declaration_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM declarations WHERE uscc = ? AND id = ?",
                       (uscc, declaration_id)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", settle.NOT_FOUND, {"id": declaration_id})
    return row


def void(conn: sqlite3.Connection, uscc: str, declaration_id: str, now: datetime, delay_ms: int):
    """The keyed mutation behind ``POST /declarations/{id}/void`` (SPEC D8)."""
    row = _row(conn, uscc, declaration_id)
    if Decimal(row["paid"]) > ZERO or row["payment_status"] != PaymentStatus.UNPAID:
        raise ApiError(400, "declaration_paid", PAID_NOT_VOIDABLE,
                       {"id": declaration_id, "paid": row["paid"]})
    if row["status"] != ledger.DECLARED:
        raise ApiError(400, "declaration_not_voidable", NOT_VOIDABLE,
                       {"id": declaration_id, "status": row["status"]})
    voucher = conn.execute("SELECT ref FROM line_payments WHERE uscc = ? AND declaration_id = ?"
                           " AND state = 'voucher'", (uscc, declaration_id)).fetchone()
    if voucher is not None:  # SPEC P3: its lines are on an open 银行端查询缴税凭证
        raise ApiError(400, "declaration_on_voucher", ON_VOUCHER,
                       {"id": declaration_id, "voucher": voucher[0]})
    conn.execute("UPDATE declarations SET status = ?, feedback_at = ? WHERE uscc = ? AND id = ?",
                 (settle.VOIDING, stamp(now + timedelta(milliseconds=delay_ms)), uscc,
                  declaration_id))
    return 202, record(_row(conn, uscc, declaration_id), with_lines=True), [
        ("declaration.void", declaration_id)]


def listing(conn: sqlite3.Connection, uscc: str, status: str | None, date_from: str | None,
            date_to: str | None, kind: str | None) -> list[dict]:
    """申报记录, newest first, without lines; 申报日期 is the service's (China) day."""
    where, params = ["uscc = ?"], [uscc]
    for cond, value in (("status = ?", status), ("submitted_on >= ?", date_from),
                        ("submitted_on <= ?", date_to), ("kind = ?", kind)):
        if value:
            where.append(cond)
            params.append(value)
    rows = conn.execute(f"SELECT * FROM declarations WHERE {' AND '.join(where)}"
                        " ORDER BY number DESC", params)
    return [record(r, with_lines=False) for r in rows]


def employees(conn: sqlite3.Connection, uscc: str, row: sqlite3.Row, line: int | None,
              current: str) -> list[dict]:
    """The ``DeclarationEmployee`` rows of a declaration's tax lines (one line or all), computed
    from the registry like ``/dues/detail``; by line, then employee id."""
    lines = json.loads(row["lines"])
    if line is not None:
        lines = [ln for ln in lines if ln["n"] == line]
        if not lines:
            raise ApiError(404, "not_found", f"该申报记录没有序号为{line}的明细。", {"line": line})
    region = dues._region(conn, uscc)
    id_types = catalogue().id_types
    per_line: dict[int, list[dict]] = defaultdict(list)
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for ln in lines:
        if ln["source"] == "tax":
            by_unit[ln["unit_number"]].append(ln)
    for unit, unit_lines in by_unit.items():
        wanted = {(ln["period_from"], ln["item"]): ln for ln in unit_lines}
        periods = sorted({p for p, _ in wanted})
        types = sorted({ln["type_code"] for ln in unit_lines})
        pattern = f'%"unit_number":"{unit}"%'
        for (text,) in conn.execute("SELECT doc FROM employees WHERE uscc = ? AND doc LIKE ?"
                                    " ORDER BY id", (uscc, pattern)):
            doc = json.loads(text)
            person = next((r.get("person_number") for r in doc["registrations"]
                           if r["unit_number"] == unit), None)
            for e in employee_dues(doc, region, periods, current=current, unit_number=unit,
                                   types=types):
                ln = wanted.get((e.period, e.item))
                if ln is None:
                    continue
                per_line[ln["n"]].append({
                    "line": ln["n"], "name": doc["name"],
                    "id_type": id_types.get(doc.get("id_type", "201"), "居民身份证"),
                    "id_number": doc["id_number"], "agency": ln["agency"], "unit_number": unit,
                    "person_number": person, "type_name": ln["type_name"],
                    "item_name": ln["item_name"], "period_from": e.period, "period_to": e.period,
                    "wage": str(e.wage), "base": str(e.base),
                    "rate": None if e.rate is None else format_rate(e.rate),
                    "fixed": None if e.fixed is None else str(e.fixed), "due": str(e.due)})
    return [r for n in sorted(per_line) for r in per_line[n]]


# -- routes ------------------------------------------------------------------------------------

def _sandbox(request: Request):
    return request.app.state.sandbox


def _check_day(name: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        if not _DAY.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name}格式有误，应为YYYY-MM-DD", {"field": name}) from None
    return value


@router.post("/declarations", response_model=Declaration, status_code=202)
async def submit_declaration(body: SubmitIn, request: Request, who: Who, key: IdemKey = None):
    """Submit a fee declaration (SPEC D6, D9, D10): 202 with the declaration 申报中."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    dues.ensure(sb, who.uscc)
    return await sb.keyed.run(
        request, who, key, data,
        lambda conn: submit(conn, who.uscc, key or "", data, sb.now(), sb.feedback_delay_ms))


@router.get("/declarations", response_model=list[Declaration])
async def list_declarations(request: Request, who: Who,
                            status: Annotated[str | None, Query()] = None,
                            date_from: Annotated[str | None, Query()] = None,
                            date_to: Annotated[str | None, Query()] = None,
                            kind: Annotated[str | None, Query()] = None):
    """申报记录 (SPEC D8): newest first, without lines."""
    sb = _sandbox(request)
    if status and status not in STATUSES:
        raise ApiError(400, "bad_request", f"申报状态无效：{status}", {"field": "status"})
    if kind and kind not in ledger.KIND_SOURCES:
        raise ApiError(400, "bad_request", f"申报类型无效：{kind}", {"field": "kind"})
    start, end = _check_day("申报日期起", date_from), _check_day("申报日期止", date_to)
    settle.process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = listing(conn, who.uscc, status or None, start, end, kind or None)
    return Response(dumps(data), media_type=JSON)


@router.get("/declarations/{declaration_id}", response_model=Declaration)
async def one_declaration(declaration_id: str, request: Request, who: Who):
    """One declaration with its lines."""
    sb = _sandbox(request)
    settle.process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = record(_row(conn, who.uscc, declaration_id), with_lines=True)
    return Response(dumps(data), media_type=JSON)


@router.get("/declarations/{declaration_id}/employees", response_model=list[DeclarationEmployee])
async def declaration_employees(declaration_id: str, request: Request, who: Who,
                                line: Annotated[int | None, Query(ge=1)] = None):
    """The employees of a declaration's tax lines (《社会保险费缴费明细申报表（适用职工个人）》)."""
    sb = _sandbox(request)
    settle.process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = employees(conn, who.uscc, _row(conn, who.uscc, declaration_id), line,
                         month_of(sb.today()))
    return Response(dumps(data), media_type=JSON)


@router.post("/declarations/{declaration_id}/void", response_model=Declaration, status_code=202)
async def void_declaration(declaration_id: str, request: Request, who: Who, key: IdemKey = None):
    """Void a 申报成功, unpaid declaration (SPEC D8): 202 with it 作废中."""
    sb = _sandbox(request)
    settle.process_due(sb.db, who.uscc, sb.now())
    return await sb.keyed.run(
        request, who, key, None,
        lambda conn: void(conn, who.uscc, declaration_id, sb.now(), sb.feedback_delay_ms))


@router.get("/credits", response_model=list[Credit])
async def list_credits(request: Request, who: Who):
    """Verified credit balances (SPEC D5): what is left to offset per unit number and item."""
    sb = _sandbox(request)
    settle.process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = ledger.credits(conn, who.uscc)
    return Response(dumps(data), media_type=JSON)
