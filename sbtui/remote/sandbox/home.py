"""The home page's service data (SPEC H2, H4): 待办事项 and the 消息中心.

``GET /home/todo`` (permission class ``any``) lists what the tax side knows is waiting:

- ``tax_generated`` — 税务生成的未申报待申报信息, one item per unit number × period that has
  preprocessed tax lines still 初始 (SPEC D1): their count and summed due.
- ``collection`` — undeclared 征集信息 (``collection_notices`` with status 未申报), per unit number.
- ``special`` — special dues still within their 征集有效日期 and not declared, per unit number.
- ``unpaid`` — declarations 申报成功 and not wholly paid, per unit number: their count and
  what is left to pay.

``GET /messages`` and ``POST /messages/{id}/read`` (permission class ``pay``: the 消息中心 and
the 通知公告 are on every user's home page) keep a read flag per employer.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Request

from sbtui.domain.models import Message, TodoItem
from sbtui.domain.money import format_money, total
from sbtui.domain.vocab import DeclarationStatus, DueStatus, PaymentStatus

from .auth import PayWho, Who
from .db import iso
from .dues import ensure
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .settle import process_due

router = APIRouter(responses=ERRORS)

def _tax_generated(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """One item per unit number × period with undeclared (初始) preprocessed tax lines: how many
    lines and what they are due (the lines are brought up to date before, see ``home_todo``)."""
    rows = conn.execute(
        "SELECT unit_number, period, count(*) AS n, group_concat(due, ' ') AS dues FROM dues_lines"
        " WHERE uscc = ? AND status = ? GROUP BY unit_number, period ORDER BY period, unit_number",
        (uscc, DueStatus.INITIAL)).fetchall()
    items = []
    for r in rows:
        amount = total(r["dues"].split())
        unit, period = r["unit_number"], r["period"]
        items.append({
            "kind": "tax_generated", "unit_number": unit, "period": period, "count": r["n"],
            "amount": str(amount),
            "text": f"单位编号{unit}存在{period}属期税务生成的未申报待申报信息"
                    f"（{r['n']}条，合计{format_money(amount)}元），请及时申报。"})
    return items


def _unpaid(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """Declarations 申报成功 and not wholly paid, per unit number (SPEC H2, D7)."""
    rows = conn.execute("SELECT unit_number, actual_total, paid FROM declarations WHERE uscc = ?"
                        " AND status = ? AND payment_status != ?"
                        " ORDER BY unit_number", (uscc, DeclarationStatus.OK, PaymentStatus.PAID)).fetchall()
    count: dict[str, int] = defaultdict(int)
    amounts: dict[str, list[Decimal]] = defaultdict(list)
    for r in rows:
        count[r["unit_number"]] += 1
        amounts[r["unit_number"]].append(Decimal(r["actual_total"]) - Decimal(r["paid"]))
    items = []
    for unit in sorted(count):
        amount = total(amounts[unit])
        items.append({"kind": "unpaid", "unit_number": unit, "period": None, "count": count[unit],
                      "amount": str(amount),
                      "text": f"单位编号{unit}存在{count[unit]}条申报成功且未缴费的记录"
                              f"（合计{format_money(amount)}元），请及时缴费。"})
    return items


def _per_unit(kind: str, rows: list[sqlite3.Row], what: str, hint: str) -> list[dict]:
    serials: dict[str, set[str]] = defaultdict(set)
    amounts: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        serials[r["unit_number"]].add(r["serial"])
        amounts[r["unit_number"]].append(r["amount"])
    items = []
    for unit in sorted(serials):
        amount = total(amounts[unit])
        count = len(serials[unit])
        items.append({"kind": kind, "unit_number": unit, "period": None, "count": count,
                      "amount": str(amount),
                      "text": f"单位编号{unit}存在{count}条未申报的{what}"
                              f"（合计{format_money(amount)}元），{hint}"})
    return items


def todo(conn: sqlite3.Connection, uscc: str, today: date) -> list[dict]:
    """The ``TodoItem`` list of one employer on ``today`` (the service's day)."""
    collection = conn.execute(
        "SELECT unit_number, serial, amount FROM collection_notices"
        " WHERE uscc = ? AND status = '未申报'", (uscc,)).fetchall()
    special = conn.execute(
        "SELECT unit_number, serial, amount FROM special_dues s WHERE uscc = ? AND valid_until >= ?"
        " AND NOT EXISTS (SELECT 1 FROM due_holds h WHERE h.uscc = s.uscc AND h.source = 'special'"
        " AND h.key = 's|' || s.unit_number || '|' || s.serial || '|' || s.item_id)",
        (uscc, today.isoformat())).fetchall()
    return (_tax_generated(conn, uscc)
            + _unpaid(conn, uscc)
            + _per_unit("collection", collection, "征集信息", "可以进行申报。")
            + _per_unit("special", special, "特殊缴费信息", "请在征集有效日期前申报。"))


_MESSAGES = ("SELECT n.id, n.title, n.date, n.body, r.id IS NOT NULL AS read FROM notices n"
             " LEFT JOIN message_reads r ON r.uscc = ?1 AND r.id = n.id"
             " WHERE n.kind = 'message' AND (n.uscc IS NULL OR n.uscc = ?1)")


def _message(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "kind": "message", "title": row["title"], "date": row["date"],
            "body": row["body"], "read": bool(row["read"])}


def mark_read(conn: sqlite3.Connection, uscc: str, message_id: str, at: str):
    """The keyed mutation behind ``POST /messages/{id}/read``."""
    row = conn.execute(_MESSAGES + " AND n.id = ?2", (uscc, message_id)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", "该消息不存在。", {"id": message_id})
    conn.execute("INSERT OR IGNORE INTO message_reads VALUES (?, ?, ?)", (uscc, message_id, at))
    return 200, {**_message(row), "read": True}, [("message.read", f"{uscc}/{message_id}")]


def _sandbox(request: Request):
    return request.app.state.sandbox


@router.get("/home/todo", response_model=list[TodoItem])
async def home_todo(request: Request, who: Who):
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    ensure(sb, who.uscc)  # due wage feedback, then the preprocessing if stale
    with sb.db.read() as conn:
        return todo(conn, who.uscc, sb.today())


@router.get("/messages", response_model=list[Message])
async def messages(request: Request, who: PayWho):
    """消息中心, newest first, each with its read flag."""
    rows = _sandbox(request).db.all(_MESSAGES + " ORDER BY n.date DESC, n.id", (who.uscc,))
    return [_message(r) for r in rows]


@router.post("/messages/{message_id}/read", response_model=Message)
async def read_message(message_id: str, request: Request, who: PayWho, key: IdemKey = None):
    sb = _sandbox(request)
    return await sb.keyed.run(request, who, key, None,
                              lambda conn: mark_read(conn, who.uscc, message_id, iso(sb.now())))
