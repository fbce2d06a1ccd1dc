"""The state of every dues line beside its numbers (SPEC D3, D5, D9–D12): which declaration
holds it, the credit left to offset, the tax, special and project lines as listed, the voided
(销账) tax lines, and what every listed line gets filled in (key, tick, status, max offset,
deadline, late fee).

Tables (``db.py``):

- ``due_holds`` — one row per line held by a declaration that is 申报中, 申报成功 or 作废中:
  the declaration, the line's source, unit number, item, the declared offset and the line's
  D11 status (申报中 / 申报成功). A line without a hold is 初始. Tax lines and collection
  notices also carry the status in their own table (``dues_lines.status``,
  ``collection_notices.status``: 未申报 = 初始), which preprocessing and the home page read.
- ``dues_voided`` — tax lines of voided declarations, status 销账, kept for the 应缴信息 query;
  their ``key`` is the line's key + ``|`` + the declaration id (the regenerated 初始 line has
  the plain key).
- ``credits`` — verified credit balances per unit number × item; ``amount`` is the balance
  after the offsets of successful declarations.
- ``special_dues``, ``project_dues`` (+ ``project_links``: only linked projects' dues are
  listed).
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sbtui.domain.catalogue import catalogue
from sbtui.domain.deadline import collection_deadline, late_fee
from sbtui.domain.models import due_key, due_tick
from sbtui.domain.money import CENT, ZERO, format_rate
from sbtui.domain.vocab import DueStatus, PaymentStatus

INITIAL = DueStatus.INITIAL
DECLARING = DueStatus.DECLARING
DECLARED = DueStatus.DECLARED
VOIDED = DueStatus.SETTLED
PAID = PaymentStatus.PAID

# declaration kind -> the dues sources it declares
KIND_SOURCES: dict[str, tuple[str, ...]] = {
    "daily": ("tax", "collection"), "special": ("special",), "project": ("project",)}
KIND_NAMES = {"daily": "日常申报", "special": "特殊缴费申报", "project": "工程项目社保费申报"}


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def overlaps(d: dict, period_from: str | None, period_to: str | None) -> bool:
    """A line's period range meets the filter's (both ends optional)."""
    return ((period_from is None or d["period_to"] >= period_from)
            and (period_to is None or d["period_from"] <= period_to))


# -- holds and credits ------------------------------------------------------------------------

def holds(conn: sqlite3.Connection, uscc: str) -> dict[str, dict]:
    """Key -> ``{"declaration_id", "status", "paid"}`` of every held line (``paid``: its
    declaration is fully paid, or the line itself was paid — ``line_payments``, SPEC P2)."""
    rows = conn.execute(
        "SELECT h.key, h.declaration_id, h.status, d.payment_status FROM due_holds h"
        " JOIN declarations d ON d.uscc = h.uscc AND d.id = h.declaration_id WHERE h.uscc = ?",
        (uscc,))
    out = {r[0]: {"declaration_id": r[1], "status": r[2], "paid": r[3] == PAID} for r in rows}
    paid_lines: dict[str, set[int]] = defaultdict(set)
    for d, n in conn.execute("SELECT l.declaration_id, l.n FROM line_payments l JOIN declarations d"
                             " ON d.uscc = l.uscc AND d.id = l.declaration_id WHERE l.uscc = ?"
                             " AND l.state = 'paid' AND d.payment_status != ?", (uscc, PAID)):
        paid_lines[d].add(n)
    for d, ns in paid_lines.items():  # part paid declarations: their paid lines
        row = conn.execute("SELECT lines FROM declarations WHERE uscc = ? AND id = ?",
                           (uscc, d)).fetchone()
        for ln in json.loads(row[0]):
            hold = out.get(ln["key"])
            if ln["n"] in ns and hold is not None and hold["declaration_id"] == d:
                hold["paid"] = True
    return out


def credit_left(conn: sqlite3.Connection, uscc: str) -> dict[tuple[str, str], Decimal]:
    """(unit number, item) -> what is left to offset: the verified balance less the offsets of
    declarations still 申报中 (they are taken from the balance at feedback)."""
    left: dict[tuple[str, str], Decimal] = {}
    for r in conn.execute("SELECT unit_number, item_id, amount FROM credits"
                          " WHERE uscc = ? AND verified = 1", (uscc,)):
        left[(r[0], r[1])] = Decimal(r[2])
    for r in conn.execute("SELECT unit_number, item, offset_amount FROM due_holds"
                          " WHERE uscc = ? AND status = ?", (uscc, DECLARING)):
        if (r[0], r[1]) in left:
            left[(r[0], r[1])] -= Decimal(r[2])
    return left


def credits(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """The ``Credit`` list: ``amount`` = what is left to offset (see :func:`credit_left`)."""
    left = credit_left(conn, uscc)
    rows = conn.execute("SELECT * FROM credits WHERE uscc = ? ORDER BY unit_number, item_id",
                        (uscc,))
    return [{"unit_number": r["unit_number"], "item": r["item_id"], "item_name": r["item_name"],
             "amount": money(left.get((r["unit_number"], r["item_id"]), Decimal(r["amount"]))),
             "verified": bool(r["verified"])} for r in rows]


def move_credit(conn: sqlite3.Connection, uscc: str, offsets: dict[tuple[str, str], Decimal],
                sign: int) -> None:
    """Take (``sign`` −1) or give back (+1) offsets from the credit balances."""
    for (unit, item), amount in offsets.items():
        row = conn.execute("SELECT amount FROM credits WHERE uscc = ? AND unit_number = ?"
                           " AND item_id = ?", (uscc, unit, item)).fetchone()
        if row is None or not amount:
            continue
        conn.execute("UPDATE credits SET amount = ? WHERE uscc = ? AND unit_number = ?"
                     " AND item_id = ?", (money(Decimal(row[0]) + sign * amount), uscc, unit, item))


# -- the lines of each source ----------------------------------------------------------------

def type_code_of(item_id: str) -> str:
    item = catalogue().items.get(item_id)
    return item.type_code if item else item_id[:3]


def tax_line(r: sqlite3.Row, agencies: dict[str, str]) -> dict:
    """A ``dues_lines`` row (:mod:`.dues`) as a ``DueLine`` dict, before :func:`finish`."""
    item = catalogue().items.get(r["item"])
    return {
        "source": "tax", "serial": None, "unit_number": r["unit_number"],
        "agency": agencies.get(r["unit_number"], ""), "period_from": r["period"],
        "period_to": r["period"], "item": r["item"], "item_name": item.name if item else r["item"],
        "type_code": item.type_code if item else r["item"][:3], "headcount": r["headcount"],
        "wage_total": r["wage_total"], "base_total": r["base_total"],
        "rate": None if r["rate"] is None else format_rate(Decimal(r["rate"])), "fixed": r["fixed"],
        "due": r["due"], "status": r["status"], "generated_at": r["generated_at"]}


def special_lines(conn: sqlite3.Connection, uscc: str, unit_number: str | None,
                  period_from: str | None, period_to: str | None,
                  agencies: dict[str, str]) -> list[dict]:
    """特殊缴费 (SPEC D9): one line per serial, by serial."""
    out = []
    for r in conn.execute("SELECT * FROM special_dues WHERE uscc = ? ORDER BY serial", (uscc,)):
        d = {"source": "special", "serial": r["serial"], "unit_number": r["unit_number"],
             "agency": agencies.get(r["unit_number"], ""), "period_from": r["period_from"],
             "period_to": r["period_to"], "item": r["item_id"], "item_name": r["item_name"],
             "type_code": type_code_of(r["item_id"]), "headcount": None, "wage_total": None,
             "base_total": None, "rate": None, "fixed": None, "due": r["amount"],
             "status": INITIAL, "generated_at": None, "valid_until": r["valid_until"],
             "remark": r["remark"]}
        if (unit_number is None or d["unit_number"] == unit_number) and overlaps(d, period_from, period_to):
            out.append(d)
    return out


def project_lines(conn: sqlite3.Connection, uscc: str, unit_number: str | None,
                  period_from: str | None, period_to: str | None,
                  agencies: dict[str, str]) -> list[dict]:
    """The work-injury dues of the linked construction projects (SPEC D10), by project and
    serial."""
    items = catalogue().items
    out = []
    for r in conn.execute(
            "SELECT d.* FROM project_dues d JOIN project_links l ON l.uscc = d.uscc"
            " AND l.project_id = d.project_id WHERE d.uscc = ? ORDER BY d.project_id, d.serial",
            (uscc,)):
        item = items.get(r["item_id"])
        d = {"source": "project", "serial": r["serial"], "unit_number": r["unit_number"],
             "agency": agencies.get(r["unit_number"], ""), "period_from": r["period_from"],
             "period_to": r["period_to"], "item": r["item_id"],
             "item_name": item.name if item else r["item_id"], "type_code": type_code_of(r["item_id"]),
             "headcount": None, "wage_total": None, "base_total": r["base"],
             "rate": format_rate(Decimal(r["rate"])), "fixed": None, "due": r["amount"],
             "status": INITIAL, "generated_at": None, "valid_until": r["valid_until"],
             "remark": "", "project_id": r["project_id"]}
        if (unit_number is None or d["unit_number"] == unit_number) and overlaps(d, period_from, period_to):
            out.append(d)
    return out


def voided_lines(conn: sqlite3.Connection, uscc: str, unit_number: str | None,
                 period_from: str | None, period_to: str | None) -> list[dict]:
    """The 销账 tax lines of voided declarations."""
    where, params = ["uscc = ?"], [uscc]
    for cond, value in (("unit_number = ?", unit_number), ("period >= ?", period_from),
                        ("period <= ?", period_to)):
        if value:
            where.append(cond)
            params.append(value)
    rows = conn.execute(f"SELECT doc FROM dues_voided WHERE {' AND '.join(where)}"
                        " ORDER BY declaration_id, key", params)
    return [json.loads(r[0]) for r in rows]


# -- filling in -------------------------------------------------------------------------------

def finish(lines: list[dict], *, held: dict[str, dict], left: dict[tuple[str, str], Decimal],
           profile, today: date) -> list[dict]:
    """Fill in every line's key, tick, status and declaration (from its hold), max offset (D5:
    min(payable, the unit number + item credit left), for 初始 lines), deadline and late fee
    (D12: as of ``today``, on the payable, unless paid or 销账). A special or project due was
    assessed by the agency with its own 征集有效日期: that date is its deadline and it accrues
    no late fee here (past it, it cannot be declared or paid at all, D9). In place; returns
    ``lines``."""
    deadlines: dict[str, date] = {}
    for d in lines:
        d.setdefault("reduction", "0.00")
        d.setdefault("valid_until", None)
        d.setdefault("remark", "")
        d.setdefault("project_id", None)
        d.setdefault("declaration_id", None)
        if not d.get("key"):
            d["key"] = due_key(d["source"], d["unit_number"], d["period_from"], d["item"],
                               d["serial"])
        d["tick"] = due_tick(d["source"], d["unit_number"], d["period_from"], d["period_to"],
                             d["type_code"], d["serial"])
        hold = held.get(d["key"]) if d["status"] != VOIDED else None
        if hold is not None:
            d["status"] = hold["status"]
            d["declaration_id"] = hold["declaration_id"]
        payable = Decimal(d["due"]) - Decimal(d["reduction"])
        most = ZERO
        if d["status"] == INITIAL:
            most = max(ZERO, min(payable, left.get((d["unit_number"], d["item"]), ZERO)))
        d["max_offset"] = money(most)
        fee = ZERO
        if d["source"] in ("special", "project"):
            d["deadline"] = d["valid_until"]
        else:
            end = d["period_to"]
            if end not in deadlines:
                deadlines[end] = collection_deadline(end, profile)
            d["deadline"] = deadlines[end].isoformat()
            if d["status"] != VOIDED and not (hold and hold["paid"]):
                fee = late_fee(payable, max(0, (today - deadlines[end]).days))  # = days_late()
        d["late_fee"] = money(fee)
    return lines


def offsets_by_item(lines: list[dict]) -> dict[tuple[str, str], Decimal]:
    """(unit number, item) -> the offsets of declaration lines, summed."""
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for ln in lines:
        out[(ln["unit_number"], ln["item"])] += Decimal(ln["offset"])
    return dict(out)
