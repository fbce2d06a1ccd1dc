"""Payment (SPEC P1–P5, D12; manual 001 §2.3), permission class ``pay``: the pay list, 安全认证,
the TIPS debit through a three-party agreement, 银行端查询缴税凭证 and their records, and the
bank collecting a voucher (a training control).

The pay list holds every line of a 申报成功 declaration that is neither paid nor on an open
(已开具) voucher — the table ``line_payments`` has one row per such line (``state`` ``voucher``
or ``paid``, ``ref`` the voucher number or the payment id); its key is
``"{declaration_id}:{n}"``. A line's late fee is D12's, per line, on its 实际缴纳 (``actual``),
from the day after the deadline the dues lists give it (:func:`.ledger.finish`) to the pay day.

A debit (``POST /payments``, keyed) checks, in this order — each a refusal stored with the key:
the ticket (400 ``ticket_invalid``), the lines (400 ``bad_request``, ``line_not_payable``), the
agreement (404 ``not_found``), the total (400 ``total_changed``). Then the bank answers: the
agreement not 验证通过 → 缴费失败 三方协议未验证或已撤销; no such account → 缴费失败 账户不存在;
balance < total → 缴费失败 余额不足 — a failed debit is a ``Payment`` too, and changes nothing
else. A success takes the total from the account, books one 电子税票号码 per unit number and the
入库日期 on every line, and moves the declarations' ``paid`` / ``payment_status`` (and the
paid periods, as :func:`.settle.mark_paid` does) — all in the transaction that stores the key.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sbtui.domain.deadline import collection_deadline, days_late, late_fee
from sbtui.domain.models import PayLine, Payment, PayTicket, Voucher
from sbtui.domain.money import CENT, ZERO, AmountError, format_money, parse_amount
from sbtui.domain.pay import is_account
from sbtui.domain.vocab import (AgreementStatus, DeclarationStatus, PaymentResult, PaymentStatus,
                                VoucherStatus)

from . import agreements, bank, dues, refunds, settle
from .auth import Caller, PayWho, check_again
from .db import dumps, iso, next_counter
from .declarations import _check_day
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .seed import DEMO_USCC, local_today
from .wages import stamp

router = APIRouter(responses=ERRORS)
JSON = "application/json"

TICKET_LIFE = timedelta(minutes=10)
TICKET_INVALID = "安全认证已过期，请重新输入申报密码"
NO_LINES = "请选择需要缴费的应缴费款。"
NOT_PAYABLE = "该应缴费款已缴费、已开具缴费凭证或不存在，请刷新后重试"
EXPIRED = "已超过征集有效日期，不能缴费"
TOTAL_CHANGED = "应缴金额已变化（现为{total}元），请刷新后重新缴费"
AGREEMENT_UNUSABLE = "三方协议未验证或已撤销"
NO_ACCOUNT = "账户不存在"
INSUFFICIENT = bank.INSUFFICIENT
PAYMENT_NOT_FOUND = "未找到该缴费记录。"
VOUCHER_NOT_FOUND = "未找到该缴费凭证。"
VOUCHER_BOOKED = "作废失败，税票号码{number}已经入库，不能进行此操作"
VOUCHER_VOIDED = "该缴费凭证已作废"
ALREADY_BOOKED = "税票号码{number}已经入库"
VOUCHER_EXPIRED = "已超过限缴日期"
PAID, VOUCHER = "paid", "voucher"  # line_payments.state
LINE_FIELDS = ("key", "declaration_id", "n", "unit_number", "period_from", "period_to", "item",
               "item_name", "type_name", "amount", "late_fee")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


# -- the pay list ------------------------------------------------------------------------------

def pay_list(conn: sqlite3.Connection, uscc: str, today: date) -> list[dict]:
    """The ``PayLine`` dicts (declaration order, then line order), each with ``expired`` (a
    special or project line past its 征集有效日期, which cannot be paid, D9) — not a wire field."""
    profile = dues._region(conn, uscc)
    taken = {(r[0], r[1]) for r in conn.execute(
        "SELECT declaration_id, n FROM line_payments WHERE uscc = ?", (uscc,))}
    valid = dict(conn.execute("SELECT serial, valid_until FROM special_dues WHERE uscc = ?",
                              (uscc,)).fetchall())
    valid.update(conn.execute("SELECT serial, valid_until FROM project_dues WHERE uscc = ?",
                              (uscc,)).fetchall())
    out = []
    for d in conn.execute("SELECT id, lines FROM declarations WHERE uscc = ? AND status = ?"
                          " AND payment_status != ? ORDER BY number",
                          (uscc, DeclarationStatus.OK, PaymentStatus.PAID)):
        for ln in json.loads(d["lines"]):
            if (d["id"], ln["n"]) in taken:
                continue
            amount = Decimal(ln["actual"])
            expired = False
            if ln["source"] in ("special", "project") and ln.get("serial") in valid:
                deadline, days = date.fromisoformat(valid[ln["serial"]]), 0  # no late fee (D9)
                expired = deadline < today
            else:
                deadline = collection_deadline(ln["period_to"], profile)
                days = days_late(ln["period_to"], today, profile)
            out.append({
                "key": f"{d['id']}:{ln['n']}", "declaration_id": d["id"], "n": ln["n"],
                "unit_number": ln["unit_number"], "agency": ln.get("agency", ""),
                "source": ln["source"], "serial": ln.get("serial"),
                "period_from": ln["period_from"], "period_to": ln["period_to"],
                "item": ln["item"], "item_name": ln["item_name"],
                "type_name": ln.get("type_name", ""), "amount": money(amount),
                "deadline": deadline.isoformat(), "days_late": days,
                "late_fee": money(late_fee(amount, days)), "as_of": today.isoformat(),
                "expired": expired})
    return out


def _public_line(line: dict) -> dict:
    return {k: v for k, v in line.items() if k != "expired"}


def _chosen(conn: sqlite3.Connection, uscc: str, keys: list[str], today: date) -> list[dict]:
    """The pay-list lines named by ``keys`` (pay-list order), or the first refusal."""
    if not keys:
        raise ApiError(400, "bad_request", NO_LINES, {"min": 1})
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ApiError(400, "bad_request", f"同一应缴费款不能重复提交：{twice}", {"key": twice})
    current = pay_list(conn, uscc, today)
    by_key = {ln["key"]: ln for ln in current}
    for k in keys:
        if k not in by_key:
            raise ApiError(400, "line_not_payable", NOT_PAYABLE, {"key": k})
        if by_key[k]["expired"]:
            raise ApiError(400, "line_not_payable", EXPIRED, {"key": k})
    wanted = set(keys)
    return [ln for ln in current if ln["key"] in wanted]


def _totals(lines: list[dict]) -> tuple[Decimal, Decimal, Decimal]:
    amount = sum((Decimal(ln["amount"]) for ln in lines), ZERO)
    fee = sum((Decimal(ln["late_fee"]) for ln in lines), ZERO)
    return amount, fee, amount + fee


def _check_total(computed: Decimal, given: object) -> None:
    try:  # the one amount rule (issue 14): "NaN", "1E+2", "１２３", " 5", a JSON number -> 400
        value = parse_amount(given, "缴费金额（total）")
    except AmountError as exc:
        raise ApiError(400, "bad_request", str(exc), {"field": "total"}) from None
    if value != computed:
        raise ApiError(400, "total_changed", TOTAL_CHANGED.format(total=format_money(computed)),
                       {"total": money(computed)})


def _check_ticket(conn: sqlite3.Connection, who: Caller, ticket: str, now: datetime) -> None:
    row = conn.execute("SELECT * FROM pay_tickets WHERE ticket = ? AND uscc = ?",
                       (ticket or "", who.uscc)).fetchone()
    if row is None or row["username"] != who.username or row["expires_at"] <= iso(now):
        raise ApiError(400, "ticket_invalid", TICKET_INVALID)


def _payment_line(line: dict) -> dict:
    return {**{k: line[k] for k in LINE_FIELDS}, "ticket_number": None, "booked_on": None}


def ticket_number(conn: sqlite3.Connection, today: date) -> str:
    """电子税票号码: 20 digits."""
    return f"315{today:%Y%m%d}{next_counter(conn, 'ticket'):09d}"


def _settle(conn: sqlite3.Connection, uscc: str, declaration_ids: set[str], today: date) -> None:
    """Move each declaration's ``paid`` / ``payment_status`` to what its paid lines say, then
    extend the paid periods of their unit numbers (as :func:`.settle.mark_paid` does: a month
    joins once every tax line of it is paid)."""
    units: set[str] = set()
    for ident in sorted(declaration_ids):
        d = conn.execute("SELECT lines FROM declarations WHERE uscc = ? AND id = ?",
                         (uscc, ident)).fetchone()
        lines = json.loads(d["lines"])
        paid_ns = {r[0] for r in conn.execute(
            "SELECT n FROM line_payments WHERE uscc = ? AND declaration_id = ? AND state = ?",
            (uscc, ident, PAID))}
        paid = sum((Decimal(ln["actual"]) for ln in lines if ln["n"] in paid_ns), ZERO)
        whole = {ln["n"] for ln in lines} <= paid_ns
        status = PaymentStatus.PAID if whole else (
            PaymentStatus.PARTLY if paid_ns else PaymentStatus.UNPAID)
        conn.execute("UPDATE declarations SET paid = ?, payment_status = ? WHERE uscc = ?"
                     " AND id = ?", (money(paid), status, uscc, ident))
        units |= {ln["unit_number"] for ln in lines if ln["source"] == "tax" and ln["n"] in paid_ns}
    for unit in sorted(units):
        settle.extend_paid_periods(conn, uscc, unit, today)


# -- payments (TIPS) ---------------------------------------------------------------------------

def _payment(row: sqlite3.Row) -> dict:
    out = {k: row[k] for k in ("id", "agreement_id", "bank", "account", "account_name", "status",
                               "reason", "amount", "late_fee", "total", "paid_at")}
    return {**out, "method": "tips", "lines": json.loads(row["lines"])}


def pay(conn: sqlite3.Connection, who: Caller, key: str, body: dict, now: datetime):
    """The keyed mutation behind ``POST /payments`` (see the module doc)."""
    uscc, today = who.uscc, local_today(now)
    _check_ticket(conn, who, body["ticket"], now)
    lines = _chosen(conn, uscc, body["lines"], today)
    agreement = agreements.get(conn, uscc, body["agreement_id"])
    amount, fee, total = _totals(lines)
    _check_total(total, body["total"])
    reason = None
    if agreement["status"] != AgreementStatus.VERIFIED:
        reason = AGREEMENT_UNUSABLE
    else:
        account = bank.account(conn, agreement["bank"], agreement["account"])
        if account is None:
            reason = NO_ACCOUNT
        elif not bank.debit(conn, account, total):
            reason = INSUFFICIENT
    number = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM payments WHERE uscc = ?",
                          (uscc,)).fetchone()[0]
    ident = f"PM{number:07d}"
    paid = [_payment_line(ln) for ln in lines]
    if reason is None:
        tickets: dict[str, str] = {}
        for ln in paid:
            if ln["unit_number"] not in tickets:
                tickets[ln["unit_number"]] = ticket_number(conn, today)
            ln["ticket_number"], ln["booked_on"] = tickets[ln["unit_number"]], today.isoformat()
        conn.executemany("INSERT INTO line_payments VALUES (?, ?, ?, ?, ?)",
                         [(uscc, ln["declaration_id"], ln["n"], PAID, ident) for ln in paid])
        _settle(conn, uscc, {ln["declaration_id"] for ln in paid}, today)
    status = PaymentResult.FAILED if reason else PaymentResult.OK
    conn.execute("INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (uscc, ident, number, key, agreement["id"], agreement["bank"],
                  agreement["account"], agreement["account_name"], status, reason, money(amount),
                  money(fee), money(total), stamp(now), today.isoformat(), dumps(paid)))
    if reason is None:  # the employees of the booked lines, as paid (refunds, R2; proofs, C4)
        refunds.keep_employees(conn, uscc, today)
    row = conn.execute("SELECT * FROM payments WHERE uscc = ? AND id = ?", (uscc, ident)).fetchone()
    return 200, _payment(row), [("payment.failed" if reason else "payment.pay", ident)]


def _range(table_day: str, date_from: str | None, date_to: str | None,
           names: tuple[str, str]) -> tuple[str, list[str]]:
    where, params = [], []
    for cond, value, name in ((f"{table_day} >= ?", date_from, names[0]),
                              (f"{table_day} <= ?", date_to, names[1])):
        value = _check_day(name, value)
        if value:
            where.append(cond)
            params.append(value)
    return "".join(f" AND {w}" for w in where), params


# -- vouchers ----------------------------------------------------------------------------------

_VOUCHER_FIELDS = ("number", "ticket_number", "issued_on", "deadline", "status", "payer_name",
                   "bank", "account", "tax_authority", "amount", "late_fee", "total", "booked_on",
                   "voided_at")


def _voucher(row: sqlite3.Row) -> dict:
    return {**{k: row[k] for k in _VOUCHER_FIELDS}, "lines": json.loads(row["lines"])}


def _voucher_row(conn: sqlite3.Connection, uscc: str, number: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM vouchers WHERE uscc = ? AND number = ?",
                       (uscc, number)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", VOUCHER_NOT_FOUND, {"number": number})
    return row


def issue(conn: sqlite3.Connection, who: Caller, key: str, body: dict, now: datetime):
    """The keyed mutation behind ``POST /vouchers``: 银行端查询缴税凭证 (已开具); its lines leave
    the pay list. 限缴日期: today when a line is overdue, else the earliest line deadline."""
    uscc, today = who.uscc, local_today(now)
    _check_ticket(conn, who, body["ticket"], now)
    lines = _chosen(conn, uscc, body["lines"], today)
    amount, fee, total = _totals(lines)
    _check_total(total, body["total"])
    employer = conn.execute("SELECT name, tax_authority FROM employers WHERE uscc = ?",
                            (uscc,)).fetchone()
    account = body.get("account") or None
    if account is not None:
        account = {k: (account.get(k) or "").strip() for k in ("bank", "name", "account")}
        if not is_account(account["account"]):
            raise ApiError(400, "bad_request", "账号应为6至32位数字", {"field": "account"})
    deadline = today if any(ln["days_late"] > 0 for ln in lines) else min(
        date.fromisoformat(ln["deadline"]) for ln in lines)
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM vouchers WHERE uscc = ?",
                       (uscc,)).fetchone()[0]
    number = f"4515{today:%y%m%d}{next_counter(conn, 'voucher'):08d}"
    conn.execute(
        "INSERT INTO vouchers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uscc, number, seq, key, ticket_number(conn, today), today.isoformat(),
         deadline.isoformat(), VoucherStatus.ISSUED,
         (account or {}).get("name") or employer["name"], (account or {}).get("bank", ""),
         (account or {}).get("account", ""), employer["tax_authority"], money(amount),
         money(fee), money(total), None, None, dumps([_payment_line(ln) for ln in lines])))
    conn.executemany("INSERT INTO line_payments VALUES (?, ?, ?, ?, ?)",
                     [(uscc, ln["declaration_id"], ln["n"], VOUCHER, number) for ln in lines])
    return 200, _voucher(_voucher_row(conn, uscc, number)), [("voucher.issue", number)]


def void(conn: sqlite3.Connection, uscc: str, number: str, now: datetime):
    """The keyed mutation behind ``POST /vouchers/{number}/void``: its lines back in the pay
    list; refused once the bank has collected it."""
    v = _voucher_row(conn, uscc, number)
    if v["status"] == VoucherStatus.BOOKED:
        raise ApiError(400, "voucher_booked", VOUCHER_BOOKED.format(number=v["ticket_number"]),
                       {"number": number, "ticket_number": v["ticket_number"]})
    if v["status"] == VoucherStatus.VOIDED:
        raise ApiError(400, "voucher_voided", VOUCHER_VOIDED, {"number": number})
    conn.execute("DELETE FROM line_payments WHERE uscc = ? AND state = ? AND ref = ?",
                 (uscc, VOUCHER, number))
    conn.execute("UPDATE vouchers SET status = ?, voided_at = ? WHERE uscc = ? AND number = ?",
                 (VoucherStatus.VOIDED, stamp(now), uscc, number))
    return 200, _voucher(_voucher_row(conn, uscc, number)), [("voucher.void", number)]


def collect(conn: sqlite3.Connection, uscc: str, number: str, now: datetime) -> dict:
    """The bank collects a voucher (training control): 已入库, its lines booked with its 税票号码
    and today, the declarations moved; the account debited when it is the sandbox bank's."""
    today = local_today(now)
    v = _voucher_row(conn, uscc, number)
    if v["status"] == VoucherStatus.BOOKED:
        raise ApiError(400, "voucher_booked", ALREADY_BOOKED.format(number=v["ticket_number"]),
                       {"number": number})
    if v["status"] == VoucherStatus.VOIDED:
        raise ApiError(400, "voucher_voided", VOUCHER_VOIDED, {"number": number})
    if today.isoformat() > v["deadline"]:
        raise ApiError(400, "voucher_expired", VOUCHER_EXPIRED, {"deadline": v["deadline"]})
    if v["account"]:
        account = bank.find(conn, v["bank"], v["account"])
        if account is not None and not bank.debit(conn, account, Decimal(v["total"])):
            raise ApiError(400, "insufficient_funds", INSUFFICIENT,
                           {"balance": account["balance"], "total": v["total"]})
    lines = json.loads(v["lines"])
    for ln in lines:
        ln["ticket_number"], ln["booked_on"] = v["ticket_number"], today.isoformat()
    conn.execute("UPDATE vouchers SET status = ?, booked_on = ?, lines = ? WHERE uscc = ?"
                 " AND number = ?", (VoucherStatus.BOOKED, today.isoformat(), dumps(lines), uscc,
                                     number))
    conn.execute("UPDATE line_payments SET state = ? WHERE uscc = ? AND state = ? AND ref = ?",
                 (PAID, uscc, VOUCHER, number))
    _settle(conn, uscc, {ln["declaration_id"] for ln in lines}, today)
    refunds.keep_employees(conn, uscc, today)
    conn.execute("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                 (uscc, v["key"], "voucher.collect", number, iso(now)))
    return _voucher(_voucher_row(conn, uscc, number))


# -- routes ------------------------------------------------------------------------------------

class AuthorizeIn(BaseModel):
    password: str


class PayIn(BaseModel):
    lines: list[str]
    agreement_id: str
    ticket: str
    total: str  # text, by the one amount rule (issue 14)


class AccountIn(BaseModel):
    bank: str = ""
    name: str = ""
    account: str


class VoucherIn(BaseModel):
    lines: list[str]
    ticket: str
    total: str  # text, by the one amount rule (issue 14)
    account: AccountIn | None = None


class CollectIn(BaseModel):
    uscc: str | None = None


def _sandbox(request: Request):
    return request.app.state.sandbox


def _catch_up(sb, uscc: str) -> None:
    """Due declaration feedback and agreement verifications, before a pay-side read or write."""
    settle.process_due(sb.db, uscc, sb.now())
    agreements.process_due(sb.db, uscc, sb.now())


@router.get("/payments/due", response_model=list[PayLine])
async def due_lines(request: Request, who: PayWho):
    """缴费: the pay list with each line's late fee as of the service's today (SPEC P1, D12)."""
    sb = _sandbox(request)
    _catch_up(sb, who.uscc)
    with sb.db.read() as conn:
        data = [_public_line(ln) for ln in pay_list(conn, who.uscc, sb.today())]
    return Response(dumps(data), media_type=JSON)


@router.post("/payments/authorize", response_model=PayTicket)
async def authorize(body: AuthorizeIn, request: Request, who: PayWho):
    """安全认证: the declaration password again (a sub-user: its own) → a ticket valid 10
    minutes for this principal. Not keyed (it changes nothing but the lockout count)."""
    sb = _sandbox(request)
    now = sb.now()
    check_again(sb.db, who, body.password, now)
    ticket, expires = secrets.token_urlsafe(24), iso(now + TICKET_LIFE)
    with sb.db.tx() as conn:
        conn.execute("DELETE FROM pay_tickets WHERE expires_at < ?", (iso(now),))
        conn.execute("INSERT INTO pay_tickets VALUES (?, ?, ?, ?)",
                     (ticket, who.uscc, who.username, expires))
    return Response(dumps({"ticket": ticket, "expires_at": expires}), media_type=JSON)


@router.post("/payments", response_model=Payment)
async def make_payment(body: PayIn, request: Request, who: PayWho, key: IdemKey = None):
    """三方协议缴费 (SPEC P2): 200 with 缴费成功 or 缴费失败 and the bank's reason."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    _catch_up(sb, who.uscc)
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: pay(conn, who, key or "", data, sb.now()))


@router.get("/payments", response_model=list[Payment])
async def list_payments(request: Request, who: PayWho,
                        date_from: Annotated[str | None, Query()] = None,
                        date_to: Annotated[str | None, Query()] = None):
    """缴费记录 (SPEC P4): every debit, successful or not, newest first, with lines; the range
    is on the service's (China) day of the debit."""
    sb = _sandbox(request)
    cond, params = _range("paid_on", date_from, date_to, ("缴费日期起", "缴费日期止"))
    with sb.db.read() as conn:
        rows = conn.execute(f"SELECT * FROM payments WHERE uscc = ?{cond} ORDER BY number DESC",
                            (who.uscc, *params)).fetchall()
        data = [_payment(r) for r in rows]
    return Response(dumps(data), media_type=JSON)


@router.get("/payments/{payment_id}", response_model=Payment)
async def one_payment(payment_id: str, request: Request, who: PayWho):
    sb = _sandbox(request)
    with sb.db.read() as conn:
        row = conn.execute("SELECT * FROM payments WHERE uscc = ? AND id = ?",
                           (who.uscc, payment_id)).fetchone()
        if row is None:
            raise ApiError(404, "not_found", PAYMENT_NOT_FOUND, {"id": payment_id})
        data = _payment(row)
    return Response(dumps(data), media_type=JSON)


@router.post("/vouchers", response_model=Voucher)
async def issue_voucher(body: VoucherIn, request: Request, who: PayWho, key: IdemKey = None):
    """银行端凭证缴费 (SPEC P3): a numbered voucher 已开具; its lines leave the pay list."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    _catch_up(sb, who.uscc)
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: issue(conn, who, key or "", data, sb.now()))


@router.get("/vouchers", response_model=list[Voucher])
async def list_vouchers(request: Request, who: PayWho,
                        date_from: Annotated[str | None, Query()] = None,
                        date_to: Annotated[str | None, Query()] = None):
    """缴费凭证打印记录 by 填开日期, newest first, with lines."""
    sb = _sandbox(request)
    cond, params = _range("issued_on", date_from, date_to, ("填开日期起", "填开日期止"))
    with sb.db.read() as conn:
        rows = conn.execute(f"SELECT * FROM vouchers WHERE uscc = ?{cond} ORDER BY seq DESC",
                            (who.uscc, *params)).fetchall()
        data = [_voucher(r) for r in rows]
    return Response(dumps(data), media_type=JSON)


@router.get("/vouchers/{number}", response_model=Voucher)
async def one_voucher(number: str, request: Request, who: PayWho):
    sb = _sandbox(request)
    with sb.db.read() as conn:
        data = _voucher(_voucher_row(conn, who.uscc, number))
    return Response(dumps(data), media_type=JSON)


@router.post("/vouchers/{number}/void", response_model=Voucher)
async def void_voucher(number: str, request: Request, who: PayWho, key: IdemKey = None):
    """作废: refused once 已入库 ("作废失败，税票号码X已经入库，不能进行此操作")."""
    sb = _sandbox(request)
    return await sb.keyed.run(request, who, key, None,
                              lambda conn: void(conn, who.uscc, number, sb.now()))


@router.post("/sandbox/vouchers/{number}/paid", response_model=Voucher)
async def collect_voucher(number: str, request: Request, body: CollectIn | None = None):
    """Training control: the bank collects the voucher (入库)."""
    sb = _sandbox(request)
    uscc = (body.uscc if body else None) or DEMO_USCC
    with sb.db.tx() as conn:
        data = collect(conn, uscc, number, sb.now())
    return Response(dumps(data), media_type=JSON)

