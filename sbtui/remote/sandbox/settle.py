"""The fee declaration's asynchronous feedback (SPEC D7, D8) and the bank side's payment mark.

Like the wage declaration, nothing runs in the background: the first read after a
declaration's ``feedback_at`` (its record, the records list, the dues list, the credits, the
home to-do, a submit or a void) processes every due declaration of the employer, oldest first,
each in **one** transaction that also moves its status on — so it is applied exactly once:

- 申报中 → 申报成功: its lines go 申报中 → 申报成功 and the credit balances are reduced by its
  offsets;
- 作废中 → 已作废 ("作废成功"): its tax lines become 销账 (moved to ``dues_voided``) and a
  regeneration point brings them back as 初始 lines; its collection, special and project lines
  are 初始 again; the offsets go back to the credit balances.

:func:`mark_paid` is the sandbox control that stands for the bank until payment exists.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal

from sbtui.domain.models import due_key
from sbtui.domain.money import ZERO, AmountError, parse_amount
from sbtui.domain.vocab import DeclarationStatus, PaymentStatus

from . import ledger
from .db import Db, iso, registrations
from .errors import ApiError
from .wages import stamp

DECLARED_DAILY = "社保费申报成功，可前往【缴费】功能进行缴费，或到【申报记录】界面查看详细结果"
DECLARED_OTHER = "获取申报结果成功，点击‘确定’跳转到申报记录界面查看详细结果"  # special, project
VOID_OK = "作废成功"
NOT_FOUND = "未找到该申报记录。"
VOIDING = DeclarationStatus.VOIDING
VOIDED_RECORD = DeclarationStatus.VOIDED


def process_due(db: Db, uscc: str, now: datetime) -> int:
    """Answer every declaration (submit or void) of ``uscc`` whose ``feedback_at`` has passed,
    oldest first, each in its own transaction; returns how many. Cheap when none is due."""
    due = db.all("SELECT id FROM declarations WHERE uscc = ? AND status IN (?, ?)"
                 " AND feedback_at <= ? ORDER BY number",
                 (uscc, DeclarationStatus.PROCESSING, VOIDING, stamp(now)))
    for row in due:
        with db.tx() as conn:
            d = conn.execute("SELECT * FROM declarations WHERE uscc = ? AND id = ?"
                             " AND status IN (?, ?)",
                             (uscc, row["id"], DeclarationStatus.PROCESSING, VOIDING)).fetchone()
            if d is None:  # taken by another reader meanwhile
                continue
            if d["status"] == DeclarationStatus.PROCESSING:
                _declared(conn, uscc, d, iso(now))
            else:
                _voided(conn, uscc, d, iso(now))
    return len(due)


def mark_sources(conn: sqlite3.Connection, uscc: str, lines: list[dict], status: str) -> None:
    """Carry a status into the tables that keep their own (tax lines, collection notices)."""
    for ln in lines:
        if ln["source"] == "tax":
            conn.execute("UPDATE dues_lines SET status = ? WHERE uscc = ? AND unit_number = ?"
                         " AND period = ? AND item = ?",
                         (status, uscc, ln["unit_number"], ln["period_from"], ln["item"]))
        elif ln["source"] == "collection":
            conn.execute("UPDATE collection_notices SET status = ? WHERE uscc = ? AND serial = ?"
                         " AND item_id = ?",
                         (status if status != ledger.INITIAL else "未申报", uscc, ln["serial"],
                          ln["item"]))


def _effect(conn: sqlite3.Connection, uscc: str, key: str, kind: str, target: str, at: str) -> None:
    conn.execute("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                 (uscc, key, kind, target, at))


def _declared(conn: sqlite3.Connection, uscc: str, d: sqlite3.Row, at: str) -> None:
    lines = json.loads(d["lines"])
    message = DECLARED_DAILY if d["kind"] == "daily" else DECLARED_OTHER
    conn.execute("UPDATE declarations SET status = ?, decided_at = feedback_at, message = ?"
                 " WHERE uscc = ? AND id = ?", (DeclarationStatus.OK, message, uscc, d["id"]))
    conn.execute("UPDATE due_holds SET status = ? WHERE uscc = ? AND declaration_id = ?",
                 (ledger.DECLARED, uscc, d["id"]))
    mark_sources(conn, uscc, lines, ledger.DECLARED)
    ledger.move_credit(conn, uscc, ledger.offsets_by_item(lines), -1)
    _effect(conn, uscc, d["key"], "declaration.declare", d["id"], at)


def _voided(conn: sqlite3.Connection, uscc: str, d: sqlite3.Row, at: str) -> None:
    lines = json.loads(d["lines"])
    agencies = {r["unit_number"]: r["agency"] for r in registrations(conn, uscc)}
    for ln in lines:
        if ln["source"] != "tax":
            continue
        where = (uscc, ln["unit_number"], ln["period_from"], ln["item"])
        row = conn.execute("SELECT * FROM dues_lines WHERE uscc = ? AND unit_number = ?"
                           " AND period = ? AND item = ?", where).fetchone()
        if row is not None:
            doc = {**ledger.tax_line(row, agencies), "status": ledger.VOIDED, "declaration_id": d["id"],
                   "key": f"{ln['key']}|{d['id']}"}
            conn.execute("INSERT OR REPLACE INTO dues_voided VALUES (?, ?, ?, ?, ?, ?)",
                         (uscc, doc["key"], d["id"], ln["unit_number"], ln["period_from"],
                          json.dumps(doc, ensure_ascii=False)))
            conn.execute("DELETE FROM dues_lines WHERE uscc = ? AND unit_number = ?"
                         " AND period = ? AND item = ?", where)
        conn.execute(  # regenerate it (and its type's later months) as 初始
            "INSERT INTO dues_regen VALUES (?, ?, ?, ?) ON CONFLICT (uscc, unit_number, type)"
            " DO UPDATE SET from_period = min(from_period, excluded.from_period)",
            (uscc, ln["unit_number"], ln["type_code"], ln["period_from"]))
    mark_sources(conn, uscc, [ln for ln in lines if ln["source"] != "tax"], ledger.INITIAL)
    conn.execute("DELETE FROM due_holds WHERE uscc = ? AND declaration_id = ?", (uscc, d["id"]))
    ledger.move_credit(conn, uscc, ledger.offsets_by_item(lines), +1)
    conn.execute("UPDATE declarations SET status = ?, message = ?, voided_at = feedback_at"
                 " WHERE uscc = ? AND id = ?", (VOIDED_RECORD, VOID_OK, uscc, d["id"]))
    _effect(conn, uscc, d["key"], "declaration.voided", d["id"], at)


# -- the bank side (sandbox control) -----------------------------------------------------------

def mark_paid(conn: sqlite3.Connection, uscc: str, declaration_id: str, amount: str | None,
              today: date) -> str:
    """Mark a 申报成功 declaration (part) paid: ``amount`` (default: what is still unpaid) is
    added to ``paid``; once it is wholly paid, the leading run of its unit numbers' periods whose
    tax lines are all in wholly paid declarations joins ``paid_periods``. Returns the id."""
    d = conn.execute("SELECT * FROM declarations WHERE uscc = ? AND id = ?",
                     (uscc, declaration_id)).fetchone()
    if d is None:
        raise ApiError(404, "not_found", NOT_FOUND, {"id": declaration_id})
    if d["status"] != DeclarationStatus.OK:
        raise ApiError(400, "declaration_not_payable", "只有申报成功的申报可以缴费",
                       {"id": declaration_id, "status": d["status"]})
    paid, actual = Decimal(d["paid"]), Decimal(d["actual_total"])
    unpaid = actual - paid
    try:  # the one amount rule (issue 14 finding 1): "NaN" or "1E+2" is a 400, not a 500 or 100
        pay = unpaid if amount is None else parse_amount(amount, "缴费金额（amount）")
    except AmountError as exc:
        raise ApiError(400, "bad_request", str(exc), {"field": "amount"}) from None
    if pay < ZERO or pay > unpaid or (pay == ZERO and unpaid > ZERO):
        raise ApiError(400, "bad_request", f"缴费金额无效（未缴金额{ledger.money(unpaid)}元）",
                       {"unpaid": ledger.money(unpaid)})
    if conn.execute("SELECT 1 FROM line_payments WHERE uscc = ? AND declaration_id = ?"
                    " AND state = 'voucher'", (uscc, declaration_id)).fetchone():
        raise ApiError(400, "declaration_on_voucher", "该申报已开具缴费凭证，请先作废缴费凭证",
                       {"id": declaration_id})
    paid += pay
    status = PaymentStatus.PAID if paid >= actual else PaymentStatus.PARTLY
    conn.execute("UPDATE declarations SET paid = ?, payment_status = ? WHERE uscc = ? AND id = ?",
                 (ledger.money(paid), status, uscc, declaration_id))
    if status == PaymentStatus.PAID:  # every line paid (payment.py books lines the same way)
        conn.executemany("INSERT OR IGNORE INTO line_payments VALUES (?, ?, ?, 'paid', 'control')",
                         [(uscc, declaration_id, ln["n"]) for ln in json.loads(d["lines"])])
        units = sorted({ln["unit_number"] for ln in json.loads(d["lines"]) if ln["source"] == "tax"})
        for unit in units:
            extend_paid_periods(conn, uscc, unit, today)
    return declaration_id


def extend_paid_periods(conn: sqlite3.Connection, uscc: str, unit: str, today: date) -> list[str]:
    """Add to ``paid_periods`` the periods after the unit number's last paid one, in order,
    while every tax line of the period is 申报成功 in a wholly paid declaration (the dues
    window starts after the *last* paid period, so a gap must not be skipped)."""
    held = ledger.holds(conn, uscc)
    last = conn.execute("SELECT max(period) FROM paid_periods WHERE uscc = ? AND unit_number = ?",
                        (uscc, unit)).fetchone()[0] or ""
    added = []
    periods = [r[0] for r in conn.execute(
        "SELECT DISTINCT period FROM dues_lines WHERE uscc = ? AND unit_number = ? AND period > ?"
        " ORDER BY period", (uscc, unit, last))]
    for period in periods:
        rows = conn.execute("SELECT item, due, status FROM dues_lines WHERE uscc = ?"
                            " AND unit_number = ? AND period = ?", (uscc, unit, period)).fetchall()
        keys = [due_key("tax", unit, period, r["item"]) for r in rows]
        if not all(r["status"] == ledger.DECLARED and held.get(k, {}).get("paid")
                   for r, k in zip(rows, keys)):
            break
        total = sum((Decimal(r["due"]) for r in rows), ZERO)
        conn.execute("INSERT INTO paid_periods VALUES (?, ?, ?, ?, ?)",
                     (uscc, unit, period, ledger.money(total), today.isoformat()))
        added.append(period)
    return added
