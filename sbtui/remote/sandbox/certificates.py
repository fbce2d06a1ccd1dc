"""证明打印 (SPEC C1–C3; issue 13, part 1): 税收完税证明（非印刷） — issue, 补开, 查验.
Permission class ``any`` (the default: the 缴费 role's menu has no 证明打印).

``POST /certificates`` (keyed) issues certificates for the employer's paid lines — a period
range (``period_from``/``period_to``, on the lines' 所属时期) or explicit paid-line ``keys`` —
in ``separate`` mode (one per paid record: per 电子税票号码) or ``merged`` mode (rows joined by
:func:`sbtui.domain.certify.merge_rows`, one certificate). A paid line is on one certificate
only: explicit keys already certified (or never paid) → 400 ``line_not_certifiable``; a range
leaves certified lines out, and nothing left → 400 ``nothing_to_certify``.
``POST /certificates/{number}/reprint`` (keyed, 补开) answers the same certificate with
``print_count`` one higher. ``GET /certificates/verify?number&code`` (查验) answers
``{"genuine": false}`` for a forged number or a wrong code — never an error.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from sbtui.domain.certify import MODES, merge_rows, rows_of
from sbtui.domain.models import Certificate, CertificateCheck
from sbtui.domain.money import ZERO
from sbtui.domain.period import check_span
from sbtui.domain.vocab import PaymentResult, VoucherStatus

from .auth import Who
from .db import dumps, next_counter
from .declarations import _check_day
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .seed import local_today

router = APIRouter(responses=ERRORS)
JSON = "application/json"

NOT_FOUND = "未找到该完税证明。"
NOT_CERTIFIABLE = "该缴费记录未入库或已开具完税证明（已开具的请使用补开）：{key}"
NOTHING = "所选期间没有可开具完税证明的已入库缴费记录。"
BAD_MODE = "开具方式应为 separate（逐条开具）或 merged（合并开具）"
NO_CHOICE = "请选择税款所属期起止或缴费记录。"
ISSUER = "电子税务局"


def paid_lines(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    """Every booked line (successful payments, collected vouchers), oldest first, each with
    its declaration line's ``remark``."""
    out: list[dict] = []
    for (lines,) in conn.execute("SELECT lines FROM payments WHERE uscc = ? AND status = ?"
                                 " ORDER BY number", (uscc, PaymentResult.OK)):
        out.extend(json.loads(lines))
    for (lines,) in conn.execute("SELECT lines FROM vouchers WHERE uscc = ? AND status = ?"
                                 " ORDER BY seq", (uscc, VoucherStatus.BOOKED)):
        out.extend(json.loads(lines))
    remarks: dict[str, dict[int, str]] = {}
    for ln in out:
        if ln["declaration_id"] not in remarks:
            row = conn.execute("SELECT lines FROM declarations WHERE uscc = ? AND id = ?",
                               (uscc, ln["declaration_id"])).fetchone()
            remarks[ln["declaration_id"]] = {d["n"]: d.get("remark") or "" for d in
                                             (json.loads(row["lines"]) if row else [])}
        ln["remark"] = remarks[ln["declaration_id"]].get(ln["n"], "")
    return [ln for ln in out if ln.get("ticket_number") and ln.get("booked_on")]


def _chosen(conn: sqlite3.Connection, uscc: str, body: dict) -> list[dict]:
    lines = paid_lines(conn, uscc)
    taken = {r[0] for r in conn.execute("SELECT key FROM certificate_lines WHERE uscc = ?", (uscc,))}
    keys = body.get("keys") or []
    if keys:
        by_key = {ln["key"]: ln for ln in lines}
        for k in keys:
            if k not in by_key or k in taken:
                raise ApiError(400, "line_not_certifiable", NOT_CERTIFIABLE.format(key=k), {"key": k})
        wanted = set(keys)
        return [ln for ln in lines if ln["key"] in wanted]
    if not body.get("period_from"):
        raise ApiError(400, "bad_request", NO_CHOICE, {"field": "period_from"})
    try:
        start, end = check_span(body["period_from"], body.get("period_to") or body["period_from"])
    except ValueError as exc:
        raise ApiError(400, "bad_request", str(exc), {"field": "period_from"}) from None
    chosen = [ln for ln in lines if ln["key"] not in taken
              and str(start) <= ln["period_from"] and ln["period_to"] <= str(end)]
    if not chosen:
        raise ApiError(400, "nothing_to_certify", NOTHING,
                       {"period_from": str(start), "period_to": str(end)})
    return chosen


def _doc(row: sqlite3.Row) -> dict:
    return {**json.loads(row["doc"]), "print_count": row["print_count"], "code": row["code"]}


def _row(conn: sqlite3.Connection, uscc: str, number: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM certificates WHERE uscc = ? AND number = ?",
                       (uscc, number)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND, {"number": number})
    return row


def issue(conn: sqlite3.Connection, uscc: str, key: str, body: dict, now: datetime):
    """The keyed mutation behind ``POST /certificates``: a list of Certificates."""
    mode = body.get("mode") or "separate"
    if mode not in MODES:
        raise ApiError(400, "bad_request", BAD_MODE, {"field": "mode"})
    today = local_today(now)
    lines = _chosen(conn, uscc, body)
    employer = conn.execute("SELECT name, tax_authority FROM employers WHERE uscc = ?",
                            (uscc,)).fetchone()
    if mode == "merged":
        groups = [lines]
    else:
        by_ticket: dict[str, list[dict]] = {}
        for ln in lines:
            by_ticket.setdefault(ln["ticket_number"], []).append(ln)
        groups = list(by_ticket.values())
    out = []
    for group in groups:
        rows = rows_of(group)
        if mode == "merged":
            rows = merge_rows(rows)
        remark = "；".join(dict.fromkeys(ln["remark"] for ln in group if ln["remark"]))
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM certificates WHERE uscc = ?",
                           (uscc,)).fetchone()[0]
        number = f"3{today:%y}15{next_counter(conn, 'certificate'):012d}"
        code = f"{secrets.randbelow(10 ** 8):08d}"
        doc = {"number": number, "issued_on": today.isoformat(), "mode": mode,
               "tax_authority": employer["tax_authority"], "uscc": uscc,
               "taxpayer_name": employer["name"], "rows": rows,
               "total": str(sum((Decimal(r["amount"]) for r in rows), ZERO)),
               "remark": remark, "issuer": ISSUER}
        conn.execute("INSERT INTO certificates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (uscc, number, seq, key, today.isoformat(), 1, code, dumps(doc)))
        conn.executemany("INSERT INTO certificate_lines VALUES (?, ?, ?)",
                         [(uscc, ln["key"], number) for ln in group])
        out.append(_doc(_row(conn, uscc, number)))
    return 200, out, [("certificate.issue", c["number"]) for c in out]


def reprint(conn: sqlite3.Connection, uscc: str, number: str):
    """补开 (C2): the same certificate, the print count one higher."""
    _row(conn, uscc, number)
    conn.execute("UPDATE certificates SET print_count = print_count + 1 WHERE uscc = ? AND"
                 " number = ?", (uscc, number))
    return 200, _doc(_row(conn, uscc, number)), [("certificate.reprint", number)]


def verify(conn: sqlite3.Connection, number: str, code: str) -> dict:
    """查验 (C3): by number and code, any employer's certificate; never an error."""
    row = conn.execute("SELECT * FROM certificates WHERE number = ?", (number or "",)).fetchone()
    if row is None or not secrets.compare_digest(row["code"], (code or "").strip()):
        return {"genuine": False}
    doc = _doc(row)
    return {"genuine": True, **{k: doc[k] for k in ("number", "issued_on", "uscc", "taxpayer_name",
                                                     "total", "print_count", "rows")}}


# -- routes ------------------------------------------------------------------------------------

class IssueIn(BaseModel):
    period_from: str | None = None
    period_to: str | None = None
    keys: list[str] = []
    mode: str = "separate"


def _sandbox(request: Request):
    return request.app.state.sandbox


@router.post("/certificates", response_model=list[Certificate])
async def issue_certificates(body: IssueIn, request: Request, who: Who, key: IdemKey = None):
    """税收完税证明（非印刷）开具 (SPEC C1)."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: issue(conn, who.uscc, key or "", data, sb.now()))


@router.get("/certificates", response_model=list[Certificate])
async def list_certificates(request: Request, who: Who,
                            date_from: Annotated[str | None, Query()] = None,
                            date_to: Annotated[str | None, Query()] = None):
    """开具记录 by 填发日期, newest first (补开 by date range, C2)."""
    sb = _sandbox(request)
    where, params = "", []
    for cond, value, name in (("issued_on >= ?", date_from, "填发日期起"),
                              ("issued_on <= ?", date_to, "填发日期止")):
        value = _check_day(name, value)
        if value:
            where += f" AND {cond}"
            params.append(value)
    with sb.db.read() as conn:
        rows = conn.execute(f"SELECT * FROM certificates WHERE uscc = ?{where} ORDER BY seq DESC",
                            (who.uscc, *params)).fetchall()
        data = [_doc(r) for r in rows]
    return Response(dumps(data), media_type=JSON)


@router.get("/certificates/verify", response_model=CertificateCheck)
async def verify_certificate(request: Request, who: Who,
                             number: Annotated[str, Query()] = "",
                             code: Annotated[str, Query()] = ""):
    """查验 (SPEC C3): genuine or not, and what it covers."""
    sb = _sandbox(request)
    with sb.db.read() as conn:
        data = verify(conn, number, code)
    return Response(dumps(data), media_type=JSON)


@router.get("/certificates/{number}", response_model=Certificate)
async def one_certificate(number: str, request: Request, who: Who):
    sb = _sandbox(request)
    with sb.db.read() as conn:
        data = _doc(_row(conn, who.uscc, number))
    return Response(dumps(data), media_type=JSON)


@router.post("/certificates/{number}/reprint", response_model=Certificate)
async def reprint_certificate(number: str, request: Request, who: Who, key: IdemKey = None):
    """补开 (SPEC C2): print_count + 1."""
    sb = _sandbox(request)
    return await sb.keyed.run(request, who, key, None,
                              lambda conn: reprint(conn, who.uscc, number))
