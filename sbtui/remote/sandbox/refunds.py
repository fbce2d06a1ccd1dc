"""单位退费申请管理 (SPEC R1–R3; manual 000 §4.3; issue 13). Permission class ``any`` (U1: the
缴费 role is payment only).

Paid lines: when a line is booked (a TIPS debit, a voucher collected) its employees are taken
from the declaration's employee detail (:func:`.declarations.employees`) and kept in
``paid_employees`` — what was paid does not move with later registry changes. A booked line
whose employees do not sum to what it paid (an offset, a reduction, a registry changed since
the declaration) keeps no employees: it can be refunded by ticket only (R1). Each employee's
late fee is D12's on the employee's due with the payment's day count; the rounding cent
against the line's late fee goes to its last employee.

``refund_takes`` holds what every application not refused takes: per-employee keys (R2,
``scope`` ``employee``) or whole declaration lines of a ticket (R1, ``scope`` ``line``). A key,
a line or a ticket already taken is refused (``line_not_refundable``). A refused application
(核验不通过) gives its takes back.

Decisions are lazy, like agreement verification: the first read after ``decide_at`` takes them
(受理中 → 核验通过 / 核验不通过; 核验通过 → 已退库 a ``feedback_delay_ms`` later, crediting the
sandbox bank account).
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sbtui.domain import refund as rules
from sbtui.domain.deadline import days_late, late_fee
from sbtui.domain.models import PaidLine, PaidRecord, Refund
from sbtui.domain.money import CENT, ZERO
from sbtui.domain.period import PeriodError, check_span, month_of
from sbtui.domain.reference import fold
from sbtui.domain.vocab import PaidLineKind, RefundKind, RefundStatus

from . import bank, dues
from .auth import Who
from .certificates import paid_lines as booked_lines
from .db import Db, dumps, iso
from .declarations import _check_day, employees
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .seed import local_today
from .wages import stamp

router = APIRouter(responses=ERRORS)
JSON = "application/json"

NOT_FOUND = "未找到该退费申请。"
NO_PERIOD = "请选择费款所属期起止。"
NO_TICKET = "请勾选需要退费的缴款记录。"
NO_ACCOUNT = "退费银行账户不存在"
HOLDER_MISMATCH = "退费银行账户名称与开户名称不一致"
PAYER_MISMATCH = "退费银行账户名称与缴费单位名称不一致"
VOUCHER_KIND = "单位社保费日常申报"


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


# -- paid lines (kept at booking) --------------------------------------------------------------

def _employee_id(conn: sqlite3.Connection, uscc: str, id_number: str) -> str:
    row = conn.execute("SELECT id FROM employees WHERE uscc = ? AND id_number = ?",
                       (uscc, id_number)).fetchone()
    return row[0] if row else id_number


def _employees_of(conn: sqlite3.Connection, uscc: str, booked: dict, declaration: sqlite3.Row,
                  today: date) -> list[dict]:
    """The PaidLine dicts (without ``refunded``) of one booked PaymentLine."""
    lines = {ln["n"]: ln for ln in json.loads(declaration["lines"])}
    line = lines.get(booked["n"])
    if line is None or line["source"] != "tax":
        return []
    rows = employees(conn, uscc, declaration, booked["n"], month_of(today))
    paid = Decimal(booked["amount"])
    if not rows or sum((Decimal(r["due"]) for r in rows), ZERO) != paid:
        return []
    profile = dues._region(conn, uscc)
    booked_on = date.fromisoformat(booked["booked_on"])
    days = days_late(line["period_to"], booked_on, profile)
    fees = [late_fee(Decimal(r["due"]), days) for r in rows]
    line_fee = Decimal(booked.get("late_fee") or "0")
    if line_fee > ZERO and fees:
        fees[-1] += line_fee - sum(fees, ZERO)  # the rounding cent(s) on the last employee
    elif line_fee == ZERO:
        fees = [ZERO for _ in rows]
    out: list[dict] = []
    for r, fee in zip(rows, fees, strict=True):
        key = f"{booked['declaration_id']}:{booked['n']}:{_employee_id(conn, uscc, r['id_number'])}"
        common = {"declaration_id": booked["declaration_id"], "n": booked["n"],
                  "unit_number": r["unit_number"], "agency": r.get("agency", ""),
                  "employee_id": key.rsplit(":", 1)[1], "person_number": r.get("person_number"),
                  "name": r["name"], "id_type": r["id_type"], "id_number": r["id_number"],
                  "type_code": line.get("type_code", ""), "type_name": r["type_name"],
                  "item": line["item"], "item_name": r["item_name"], "voucher_kind": VOUCHER_KIND,
                  "period_from": r["period_from"], "period_to": r["period_to"],
                  "ticket_number": booked["ticket_number"], "booked_on": booked["booked_on"]}
        out.append({"key": key, "kind": PaidLineKind.FEE.value, "fee_key": None, **common,
                    "wage": r["wage"], "base": r["base"], "rate": r["rate"], "paid": r["due"]})
        if fee > ZERO:
            out.append({"key": f"{key}:L", "kind": PaidLineKind.LATE_FEE.value, "fee_key": key,
                        **common, "wage": None, "base": r["due"], "rate": None,
                        "paid": money(fee)})
    return out


def keep_employees(conn: sqlite3.Connection, uscc: str, today: date) -> int:
    """Keep the employees of every booked line that has none kept yet (called where lines are
    booked, and before the refund reads); returns how many lines were kept now."""
    kept = {(r[0], r[1]) for r in conn.execute(
        "SELECT declaration_id, n FROM paid_employees WHERE uscc = ?", (uscc,))}
    declarations: dict[str, sqlite3.Row] = {}
    count = 0
    for booked in booked_lines(conn, uscc):
        if (booked["declaration_id"], booked["n"]) in kept:
            continue
        ident = booked["declaration_id"]
        if ident not in declarations:
            declarations[ident] = conn.execute("SELECT * FROM declarations WHERE uscc = ? AND id = ?",
                                               (uscc, ident)).fetchone()
        rows = _employees_of(conn, uscc, booked, declarations[ident], today) if declarations[ident] else []
        conn.execute("INSERT INTO paid_employees VALUES (?, ?, ?, ?)",
                     (uscc, ident, booked["n"], dumps(rows)))
        kept.add((ident, booked["n"]))
        count += 1
    return count


def _takes(conn: sqlite3.Connection, uscc: str) -> tuple[dict[str, Decimal], set[tuple[str, int]],
                                                          set[str]]:
    """(amount taken per key, declaration lines taken whole, tickets touched)."""
    per_key: dict[str, Decimal] = {}
    whole: set[tuple[str, int]] = set()
    tickets: set[str] = set()
    for r in conn.execute("SELECT * FROM refund_takes WHERE uscc = ?", (uscc,)):
        per_key[r["key"]] = per_key.get(r["key"], ZERO) + Decimal(r["amount"])
        if r["scope"] == "line":
            whole.add((r["declaration_id"], r["n"]))
        tickets.add(r["ticket_number"])
    return per_key, whole, tickets


def all_paid_lines(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """Every kept employee line with ``refunded`` / ``refundable``, by declaration, line."""
    per_key, whole, _tickets = _takes(conn, uscc)
    out: list[dict] = []
    for r in conn.execute("SELECT * FROM paid_employees WHERE uscc = ? ORDER BY declaration_id, n",
                          (uscc,)):
        for ln in json.loads(r["lines"]):
            taken = per_key.get(ln["key"], ZERO)
            if (ln["declaration_id"], ln["n"]) in whole:
                taken = Decimal(ln["paid"])
            out.append({**ln, "refunded": money(taken), "refundable": taken == ZERO})
    return out


def _span(period_from: str | None, period_to: str | None) -> tuple[str, str]:
    if not period_from:
        raise ApiError(400, "bad_request", NO_PERIOD, {"field": "period_from"})
    try:
        start, end = check_span(period_from, period_to or period_from)
    except (PeriodError, ValueError) as exc:
        raise ApiError(400, "bad_request", str(exc), {"field": "period_from"}) from None
    return str(start), str(end)


def select_lines(conn: sqlite3.Connection, uscc: str, period_from: str | None,
                 period_to: str | None, id_number: str | None, name: str | None) -> list[dict]:
    start, end = _span(period_from, period_to)
    wanted_id = (id_number or "").strip().upper()
    wanted_name = (name or "").strip()
    return [ln for ln in all_paid_lines(conn, uscc)
            if start <= ln["period_from"] and ln["period_to"] <= end
            and (not wanted_id or ln["id_number"].upper() == wanted_id)
            and (not wanted_name or wanted_name in ln["name"])]


# -- paid records (R1) -------------------------------------------------------------------------

def all_records(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """The PaidRecord dicts, one per 电子税票号码, in booking order."""
    _per_key, _whole, touched = _takes(conn, uscc)
    sources: dict[str, dict[int, dict]] = {}
    records: dict[str, dict] = {}
    for ln in booked_lines(conn, uscc):
        ident = ln["declaration_id"]
        if ident not in sources:
            row = conn.execute("SELECT lines FROM declarations WHERE uscc = ? AND id = ?",
                               (uscc, ident)).fetchone()
            sources[ident] = {d["n"]: d for d in (json.loads(row["lines"]) if row else [])}
        d = sources[ident].get(ln["n"], {})
        rec = records.setdefault(ln["ticket_number"], {
            "ticket_number": ln["ticket_number"], "units": [], "agency": d.get("agency", ""),
            "booked_on": ln["booked_on"], "sources": [], "serials": [], "names": [],
            "period_from": ln["period_from"], "period_to": ln["period_to"],
            "amount": ZERO, "late_fee": ZERO, "lines": []})
        for field, value in (("units", ln["unit_number"]), ("sources", d.get("source")),
                             ("serials", d.get("serial")), ("names", ln["item_name"])):
            if value and value not in rec[field]:
                rec[field].append(value)
        rec["period_from"] = min(rec["period_from"], ln["period_from"])
        rec["period_to"] = max(rec["period_to"], ln["period_to"])
        rec["amount"] += Decimal(ln["amount"])
        rec["late_fee"] += Decimal(ln.get("late_fee") or "0")
        rec["lines"].append({k: v for k, v in ln.items() if k != "remark"})
    out = []
    for number, rec in records.items():
        refunded = ZERO
        if number in touched:  # Decimal sums of the text amounts, never SQL's float sum
            refunded = sum((Decimal(r[0]) for r in conn.execute(
                "SELECT amount FROM refund_takes WHERE uscc = ? AND ticket_number = ?",
                (uscc, number))), ZERO)
        out.append({"ticket_number": number, "unit_number": "、".join(rec["units"]),
                    "agency": rec["agency"], "booked_on": rec["booked_on"],
                    "sources": rec["sources"], "serials": rec["serials"],
                    "items": "、".join(rec["names"]), "period_from": rec["period_from"],
                    "period_to": rec["period_to"], "amount": money(rec["amount"]),
                    "late_fee": money(rec["late_fee"]),
                    "total": money(rec["amount"] + rec["late_fee"]), "refunded": money(refunded),
                    "refundable": number not in touched, "lines": rec["lines"]})
    return out


def select_records(conn: sqlite3.Connection, uscc: str, period_from: str | None,
                   period_to: str | None, ticket_number: str | None) -> list[dict]:
    start, end = _span(period_from, period_to)
    wanted = (ticket_number or "").strip()
    return [r for r in all_records(conn, uscc)
            if any(ln["period_from"] <= end and ln["period_to"] >= start for ln in r["lines"])
            and (not wanted or r["ticket_number"] == wanted)]


# -- applications ------------------------------------------------------------------------------

_FIELDS = ("id", "kind", "status", "reason", "cause", "explanation", "total", "submitted_at",
           "decide_at", "decided_at", "refunded_on")


def _refund(row: sqlite3.Row) -> dict:
    out = {k: row[k] for k in _FIELDS}
    for k in ("account", "handler", "unit_numbers", "tickets", "lines"):
        out[k] = json.loads(row[k])
    return out


def _row(conn: sqlite3.Connection, uscc: str, refund_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM refunds WHERE uscc = ? AND id = ?", (uscc, refund_id)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND, {"id": refund_id})
    return row


def _refused(exc: rules.RefundError, code: str = "bad_request") -> ApiError:
    return ApiError(400, code, exc.message, {"field": exc.field} if exc.field else {})


def _not_refundable(key: str) -> ApiError:
    return ApiError(400, "line_not_refundable", rules.NOT_REFUNDABLE.format(key=key), {"key": key})


def _ticket_lines(conn: sqlite3.Connection, uscc: str, tickets: list[str]) -> list[dict]:
    """R1: every line of the named tickets, whole (a RefundLine dict per fee and late fee)."""
    if not tickets:
        raise _refused(rules.RefundError(NO_TICKET))
    if len(set(tickets)) != len(tickets):
        twice = next(t for t in tickets if tickets.count(t) > 1)
        raise _not_refundable(twice)
    records = {r["ticket_number"]: r for r in all_records(conn, uscc)}
    out: list[dict] = []
    for number in tickets:
        rec = records.get(number)
        if rec is None or not rec["refundable"]:
            raise _not_refundable(number)
        for ln in rec["lines"]:
            common = {"declaration_id": ln["declaration_id"], "n": ln["n"],
                      "unit_number": ln["unit_number"], "ticket_number": number,
                      "booked_on": ln["booked_on"], "item": ln["item"],
                      "item_name": ln["item_name"], "type_name": ln.get("type_name", ""),
                      "period_from": ln["period_from"], "period_to": ln["period_to"],
                      "base": None, "adjusted_base": None}
            out.append({"key": ln["key"], "kind": PaidLineKind.FEE.value, **common,
                        "paid": ln["amount"], "amount": ln["amount"]})
            if Decimal(ln.get("late_fee") or "0") > ZERO:
                out.append({"key": f"{ln['key']}:L", "kind": PaidLineKind.LATE_FEE.value, **common,
                            "paid": ln["late_fee"], "amount": ln["late_fee"]})
    return out


def _employee_lines(conn: sqlite3.Connection, uscc: str, wanted: list[dict]) -> list[dict]:
    """R2: the ticked paid lines with their refunds (refused as the module doc says)."""
    if not wanted:
        raise _refused(rules.RefundError(rules.NOTHING_TICKED))
    keys = [w["key"] for w in wanted]
    if len(set(keys)) != len(keys):
        raise _not_refundable(next(k for k in keys if keys.count(k) > 1))
    current = {ln["key"]: ln for ln in all_paid_lines(conn, uscc)}
    chosen = []
    for k in keys:
        if k not in current or not current[k]["refundable"]:
            raise _not_refundable(k)
        chosen.append(current[k])
    bases = {w["key"]: w.get("adjusted_base") for w in wanted}
    try:
        amounts = rules.employee_refund(chosen, bases, dues._region(conn, uscc), typed=False)
    except rules.RefundError as exc:
        raise _refused(exc) from None
    out = []
    for ln, a in zip(chosen, amounts, strict=True):
        left = Decimal(ln["paid"]) - Decimal(ln["refunded"])
        if a.amount > left:
            raise ApiError(400, "refund_exceeds_paid", rules.EXCEEDS_PAID.format(
                key=ln["key"], paid=ln["paid"], refunded=ln["refunded"]), {"key": ln["key"]})
        out.append({"key": ln["key"], "kind": ln["kind"], "declaration_id": ln["declaration_id"],
                    "n": ln["n"], "unit_number": ln["unit_number"],
                    "ticket_number": ln["ticket_number"], "booked_on": ln["booked_on"],
                    "name": ln["name"], "id_number": ln["id_number"], "item": ln["item"],
                    "item_name": ln["item_name"], "type_name": ln["type_name"],
                    "period_from": ln["period_from"], "period_to": ln["period_to"],
                    "paid": ln["paid"], "base": ln["base"],
                    "adjusted_base": None if a.adjusted_base is None else money(a.adjusted_base),
                    "amount": money(a.amount)})
    return out


def submit(conn: sqlite3.Connection, uscc: str, key: str, body: dict, now: datetime,
           delay_ms: int):
    """The keyed mutation behind ``POST /refunds``: a ``Refund`` 受理中."""
    today = local_today(now)
    try:
        form = rules.check_application(body)
    except rules.RefundError as exc:
        raise _refused(exc) from None
    keep_employees(conn, uscc, today)
    kind = body.get("kind")
    if kind == RefundKind.TICKET:
        lines = _ticket_lines(conn, uscc, [t.strip() for t in body.get("tickets") or []])
        scope = "line"
    elif kind == RefundKind.EMPLOYEE:
        lines = _employee_lines(conn, uscc, body.get("lines") or [])
        scope = "employee"
    else:
        raise ApiError(400, "bad_request", "退费方式应为 ticket（税票退费）或 employee（职工明细退费）",
                       {"field": "kind"})
    total = sum((Decimal(ln["amount"]) for ln in lines), ZERO)
    try:
        rules.check_total(total, body.get("total"))
    except rules.RefundError as exc:
        code = "total_changed" if exc.message.startswith("退费金额合计已变化") else "bad_request"
        raise ApiError(400, code, exc.message, {"total": money(total), "field": "total"}) from None
    number = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM refunds WHERE uscc = ?",
                          (uscc,)).fetchone()[0]
    ident = f"TF{number:07d}"
    units = sorted({ln["unit_number"] for ln in lines})
    tickets = list(dict.fromkeys(ln["ticket_number"] for ln in lines))
    conn.execute(
        "INSERT INTO refunds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uscc, ident, number, key, kind, RefundStatus.ACCEPTED.value, None, form["cause"],
         form["explanation"], dumps(form["account"]), dumps(form["handler"]), money(total),
         stamp(now), today.isoformat(), stamp(now + timedelta(milliseconds=delay_ms)), None, None,
         dumps(units), dumps(tickets), dumps(lines)))
    conn.executemany("INSERT INTO refund_takes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(uscc, ln["key"], ident, scope, ln["declaration_id"], ln["n"],
                       ln["ticket_number"], ln["amount"]) for ln in lines])
    return 200, _refund(_row(conn, uscc, ident)), [("refund.submit", ident)]


def mismatches(conn: sqlite3.Connection, uscc: str, account: dict) -> list[str]:
    """Why the agency refuses the refund account (empty: 核验通过)."""
    held = bank.account(conn, account["bank"], account["account"])
    if held is None:
        return [NO_ACCOUNT]
    reasons = []
    if fold(held["name"]) != fold(account["name"]):
        reasons.append(HOLDER_MISMATCH)
    employer = conn.execute("SELECT name FROM employers WHERE uscc = ?", (uscc,)).fetchone()
    if employer is None or fold(employer[0]) != fold(account["name"]):
        reasons.append(PAYER_MISMATCH)
    return reasons


def _effect(conn: sqlite3.Connection, uscc: str, key: str, kind: str, target: str, at: str) -> None:
    conn.execute("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                 (uscc, key, kind, target, at))


def process_due(db: Db, uscc: str, now: datetime, delay_ms: int) -> int:
    """Take every decision (and 退库) of ``uscc`` that is due, each in its own transaction;
    returns how many steps were taken."""
    steps = 0
    while True:
        due = db.one("SELECT id FROM refunds WHERE uscc = ? AND status IN (?, ?) AND decide_at <= ?"
                     " ORDER BY decide_at, id LIMIT 1",
                     (uscc, RefundStatus.ACCEPTED.value, RefundStatus.VERIFIED.value, stamp(now)))
        if due is None:
            return steps
        with db.tx() as conn:
            r = conn.execute("SELECT * FROM refunds WHERE uscc = ? AND id = ?",
                             (uscc, due["id"])).fetchone()
            at = r["decide_at"]
            if r["status"] == RefundStatus.ACCEPTED:
                reasons = mismatches(conn, uscc, json.loads(r["account"]))
                if reasons:
                    conn.execute("UPDATE refunds SET status = ?, reason = ?, decided_at = ?,"
                                 " decide_at = NULL WHERE uscc = ? AND id = ?",
                                 (RefundStatus.REFUSED.value, "；".join(reasons), at, uscc, r["id"]))
                    conn.execute("DELETE FROM refund_takes WHERE uscc = ? AND refund_id = ?",
                                 (uscc, r["id"]))
                    _effect(conn, uscc, r["key"], "refund.refused", r["id"], iso(now))
                else:
                    later = datetime.fromisoformat(at) + timedelta(milliseconds=delay_ms)
                    conn.execute("UPDATE refunds SET status = ?, decided_at = ?, decide_at = ?"
                                 " WHERE uscc = ? AND id = ?",
                                 (RefundStatus.VERIFIED.value, at, stamp(later), uscc, r["id"]))
                    _effect(conn, uscc, r["key"], "refund.verified", r["id"], iso(now))
            else:
                account = json.loads(r["account"])
                held = bank.account(conn, account["bank"], account["account"])
                if held is not None:
                    bank.credit(conn, held, Decimal(r["total"]))
                day = local_today(datetime.fromisoformat(at)).isoformat()
                conn.execute("UPDATE refunds SET status = ?, refunded_on = ?, decide_at = NULL"
                             " WHERE uscc = ? AND id = ?",
                             (RefundStatus.REFUNDED.value, day, uscc, r["id"]))
                _effect(conn, uscc, r["key"], "refund.refunded", r["id"], iso(now))
        steps += 1


# -- routes ------------------------------------------------------------------------------------

class LineIn(BaseModel):
    key: str
    adjusted_base: str | None = None  # text, by the one amount rule (issue 14)


class AccountIn(BaseModel):
    name: str = ""
    bank: str = ""
    account: str = ""


class HandlerIn(BaseModel):
    name: str = ""
    id_type: str = "201"
    id_number: str = ""
    phone: str = ""


class RefundIn(BaseModel):
    kind: str
    tickets: list[str] = []
    lines: list[LineIn] = []
    total: str
    cause: str = ""
    explanation: str = ""
    account: AccountIn
    handler: HandlerIn


def _sandbox(request: Request):
    return request.app.state.sandbox


def _catch_up(sb, uscc: str) -> None:
    process_due(sb.db, uscc, sb.now(), sb.feedback_delay_ms)
    with sb.db.tx() as conn:
        keep_employees(conn, uscc, sb.today())


@router.get("/refunds/paid-lines", response_model=list[PaidLine])
async def paid_lines(request: Request, who: Who,
                     period_from: Annotated[str | None, Query()] = None,
                     period_to: Annotated[str | None, Query()] = None,
                     id_number: Annotated[str | None, Query()] = None,
                     name: Annotated[str | None, Query()] = None):
    """职工明细退费 query (R2) and 单位/职工缴费证明 (C4): the employees' booked lines."""
    sb = _sandbox(request)
    _catch_up(sb, who.uscc)
    with sb.db.read() as conn:
        data = select_lines(conn, who.uscc, period_from, period_to, id_number, name)
    return Response(dumps(data), media_type=JSON)


@router.get("/refunds/paid-records", response_model=list[PaidRecord])
async def paid_records(request: Request, who: Who,
                       period_from: Annotated[str | None, Query()] = None,
                       period_to: Annotated[str | None, Query()] = None,
                       ticket_number: Annotated[str | None, Query()] = None):
    """税票退费 query (R1): booked records per 电子税票号码."""
    sb = _sandbox(request)
    _catch_up(sb, who.uscc)
    with sb.db.read() as conn:
        data = select_records(conn, who.uscc, period_from, period_to, ticket_number)
    return Response(dumps(data), media_type=JSON)


@router.post("/refunds", response_model=Refund)
async def submit_refund(body: RefundIn, request: Request, who: Who, key: IdemKey = None):
    """提交申请 (R1–R3): 受理中, decided at the first read after ``decide_at``."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    _catch_up(sb, who.uscc)
    return await sb.keyed.run(request, who, key, data, lambda conn: submit(
        conn, who.uscc, key or "", data, sb.now(), sb.feedback_delay_ms))


@router.get("/refunds", response_model=list[Refund])
async def list_refunds(request: Request, who: Who,
                       date_from: Annotated[str | None, Query()] = None,
                       date_to: Annotated[str | None, Query()] = None):
    """单位退费申请管理: applications by 申请日期, newest first."""
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now(), sb.feedback_delay_ms)
    where, params = "", []
    for cond, value, name in (("submitted_on >= ?", date_from, "申请日期起"),
                              ("submitted_on <= ?", date_to, "申请日期止")):
        value = _check_day(name, value)
        if value:
            where += f" AND {cond}"
            params.append(value)
    with sb.db.read() as conn:
        rows = conn.execute(f"SELECT * FROM refunds WHERE uscc = ?{where} ORDER BY number DESC",
                            (who.uscc, *params)).fetchall()
        data = [_refund(r) for r in rows]
    return Response(dumps(data), media_type=JSON)


@router.get("/refunds/{refund_id}", response_model=Refund)
async def one_refund(refund_id: str, request: Request, who: Who):
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now(), sb.feedback_delay_ms)
    with sb.db.read() as conn:
        data = _refund(_row(conn, who.uscc, refund_id))
    return Response(dumps(data), media_type=JSON)

