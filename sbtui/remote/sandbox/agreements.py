"""Three-party agreements (单位三方协议管理, SPEC A1; manual 000 §4.2): the mutations are
permission class ``any`` (§8), the two reads ``pay`` (a 缴费 user picks one to pay with, P2).

Add (未验证), modify (back to 未验证), verify (验证中 → 验证通过 / 验证失败), void (any agreement
not ended) and revoke (a verified one) → 协议终止; at most one 费批扣 agreement among those not
ended. Every mutation is keyed (:mod:`.idempotency`).

Verification is asynchronous like the declaration feedback (:mod:`.settle`): ``verify_at`` =
now + the sandbox setting ``feedback_delay_ms``, and the first read after it (the list, the
agreement, a payment) decides it in one transaction, as TIPS does — the sandbox bank
(:mod:`.bank`) compares the agreement with its account; the reasons of a refusal, joined with
"；", in this order:

- no account (银行行别, 缴费账号) at the bank → 付款账户不一致;
- 账户名称 ≠ the holder's name, or ≠ the employer's name (both folded: full-width → half-width,
  spaces removed) → 缴款单位名称不一致;
- 开户网点 ≠ the account's → 开户网点不一致;
- 所属税务机关 ≠ the one collecting the employer's dues → 征收机关不一致.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from sbtui.domain.models import Agreement
from sbtui.domain.pay import is_account
from sbtui.domain.reference import fold, region
from sbtui.domain.vocab import AgreementStatus

from . import bank
from .auth import PayWho, Who
from .db import Db, dumps, next_counter
from .errors import ERRORS, ApiError
from .idempotency import IdemKey
from .wages import stamp

router = APIRouter(responses=ERRORS)
JSON = "application/json"

UNVERIFIED, VERIFYING = AgreementStatus.UNVERIFIED, AgreementStatus.VERIFYING
VERIFIED, REFUSED, ENDED = AgreementStatus.VERIFIED, AgreementStatus.REFUSED, AgreementStatus.ENDED

BATCH_EXISTS = ("单位允许银行代扣的协议只有一个，若已签订允许银行代扣的协议，需要变更原协议的批扣标志，"
                "或将原协议作废处理。")
NOT_FOUND = "未找到该三方协议。"
ENDED_MESSAGE = "该三方协议已终止，不能进行此操作"
VERIFYING_MESSAGE = "该三方协议正在验证中，请稍后再试"
ALREADY_VERIFIED = "该三方协议已验证通过，无需再次验证"
NOT_VERIFIED = "只有验证通过的三方协议可以撤销"
ACCOUNT_MISMATCH = "付款账户不一致"
NAME_MISMATCH = "缴款单位名称不一致"
BRANCH_MISMATCH = "开户网点不一致"
AUTHORITY_MISMATCH = "征收机关不一致"
FIELDS = {"tax_authority": "所属税务机关", "region": "行政区划", "bank": "银行行别",
          "branch": "开户网点", "account_name": "账户名称", "account": "缴费账号"}


class AgreementIn(BaseModel):
    batch: bool = False  # 费批扣
    tax_authority: str
    region: str
    bank: str
    branch: str
    account_name: str
    account: str


# -- rows --------------------------------------------------------------------------------------

def public(row: sqlite3.Row) -> dict:
    place = region(row["region"])
    return {"id": row["id"], "batch": bool(row["batch"]), "tax_authority": row["tax_authority"],
            "region": row["region"], "region_name": place.full_name if place else "",
            "bank": row["bank"], "branch": row["branch"], "account_name": row["account_name"],
            "account": row["account"], "status": row["status"], "reason": row["reason"],
            "created_at": row["created_at"], "verify_at": row["verify_at"],
            "decided_at": row["decided_at"]}


def get(conn: sqlite3.Connection, uscc: str, agreement_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM agreements WHERE uscc = ? AND id = ?",
                       (uscc, agreement_id)).fetchone()
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND, {"id": agreement_id})
    return row


def listing(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    rows = conn.execute("SELECT * FROM agreements WHERE uscc = ? ORDER BY id", (uscc,))
    return [public(r) for r in rows]


# -- TIPS verification -------------------------------------------------------------------------

def mismatches(conn: sqlite3.Connection, uscc: str, a: sqlite3.Row) -> list[str]:
    """The bank's reasons to refuse the agreement (empty: 验证通过); see the module doc."""
    employer = conn.execute("SELECT name, tax_authority FROM employers WHERE uscc = ?",
                            (uscc,)).fetchone()
    account = bank.account(conn, a["bank"], a["account"])
    reasons = []
    if account is None:
        reasons.append(ACCOUNT_MISMATCH)
    name = fold(a["account_name"])
    if name != fold(employer["name"]) or (account is not None and name != fold(account["name"])):
        reasons.append(NAME_MISMATCH)
    if account is not None and fold(a["branch"]) != fold(account["branch"]):
        reasons.append(BRANCH_MISMATCH)
    if fold(a["tax_authority"]) != fold(employer["tax_authority"]):
        reasons.append(AUTHORITY_MISMATCH)
    return reasons


def process_due(db: Db, uscc: str, now: datetime) -> int:
    """Decide every verification of ``uscc`` whose ``verify_at`` has passed, each in its own
    transaction (applied once: the status moves on with it); returns how many."""
    due = db.all("SELECT id FROM agreements WHERE uscc = ? AND status = ? AND verify_at <= ?"
                 " ORDER BY verify_at, id", (uscc, VERIFYING, stamp(now)))
    for row in due:
        with db.tx() as conn:
            a = conn.execute("SELECT * FROM agreements WHERE uscc = ? AND id = ? AND status = ?",
                             (uscc, row["id"], VERIFYING)).fetchone()
            if a is None:  # taken by another reader meanwhile
                continue
            reasons = mismatches(conn, uscc, a)
            status = REFUSED if reasons else VERIFIED
            conn.execute("UPDATE agreements SET status = ?, reason = ?, decided_at = verify_at"
                         " WHERE uscc = ? AND id = ?",
                         (status, "；".join(reasons) or None, uscc, a["id"]))
            conn.execute("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                         (uscc, a["verify_key"] or "", "agreement.verified" if not reasons
                          else "agreement.refused", a["id"], stamp(now)))
    return len(due)


# -- mutations ---------------------------------------------------------------------------------

def _clean(body: dict) -> dict:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in body.items()}
    for field, label in FIELDS.items():
        if not out[field]:
            raise ApiError(400, "bad_request", f"请填写{label}", {"field": field})
    if region(out["region"]) is None:
        raise ApiError(400, "bad_request", f"行政区划代码无效：{out['region']}", {"field": "region"})
    if not is_account(out["account"]):
        raise ApiError(400, "bad_request", bank.BAD_ACCOUNT, {"field": "account"})
    return out


def _check_batch(conn: sqlite3.Connection, uscc: str, body: dict, own: str | None) -> None:
    if not body["batch"]:
        return
    other = conn.execute("SELECT id FROM agreements WHERE uscc = ? AND batch = 1 AND status != ?"
                         " AND id != ?", (uscc, ENDED, own or "")).fetchone()
    if other is not None:
        raise ApiError(400, "batch_exists", BATCH_EXISTS, {"id": other[0]})


def add(conn: sqlite3.Connection, uscc: str, body: dict, now: datetime):
    body = _clean(body)
    _check_batch(conn, uscc, body, None)
    ident = f"150691{next_counter(conn, 'agreement'):011d}"
    conn.execute(
        "INSERT INTO agreements (uscc, id, batch, tax_authority, region, bank, branch,"
        " account_name, account, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uscc, ident, int(body["batch"]), body["tax_authority"], body["region"], body["bank"],
         body["branch"], body["account_name"], body["account"], UNVERIFIED, stamp(now)))
    return 200, public(get(conn, uscc, ident)), [("agreement.add", ident)]


def _not_ended(row: sqlite3.Row) -> None:
    if row["status"] == ENDED:
        raise ApiError(400, "agreement_ended", ENDED_MESSAGE, {"id": row["id"]})


def modify(conn: sqlite3.Connection, uscc: str, agreement_id: str, body: dict):
    row = get(conn, uscc, agreement_id)
    _not_ended(row)
    if row["status"] == VERIFYING:
        raise ApiError(400, "agreement_verifying", VERIFYING_MESSAGE, {"id": agreement_id})
    body = _clean(body)
    _check_batch(conn, uscc, body, agreement_id)
    conn.execute(
        "UPDATE agreements SET batch = ?, tax_authority = ?, region = ?, bank = ?, branch = ?,"
        " account_name = ?, account = ?, status = ?, reason = NULL, verify_at = NULL,"
        " decided_at = NULL, verify_key = NULL WHERE uscc = ? AND id = ?",
        (int(body["batch"]), body["tax_authority"], body["region"], body["bank"], body["branch"],
         body["account_name"], body["account"], UNVERIFIED, uscc, agreement_id))
    return 200, public(get(conn, uscc, agreement_id)), [("agreement.modify", agreement_id)]


def verify(conn: sqlite3.Connection, uscc: str, agreement_id: str, key: str, now: datetime,
           delay_ms: int):
    row = get(conn, uscc, agreement_id)
    _not_ended(row)
    if row["status"] == VERIFYING:
        raise ApiError(400, "agreement_verifying", VERIFYING_MESSAGE, {"id": agreement_id})
    if row["status"] == VERIFIED:
        raise ApiError(400, "agreement_verified", ALREADY_VERIFIED, {"id": agreement_id})
    conn.execute("UPDATE agreements SET status = ?, reason = NULL, decided_at = NULL,"
                 " verify_at = ?, verify_key = ? WHERE uscc = ? AND id = ?",
                 (VERIFYING, stamp(now + timedelta(milliseconds=delay_ms)), key, uscc,
                  agreement_id))
    return 200, public(get(conn, uscc, agreement_id)), [("agreement.verify", agreement_id)]


def end(conn: sqlite3.Connection, uscc: str, agreement_id: str, now: datetime, *, revoke: bool):
    """作废 (any agreement not ended) or 撤销 (a verified one) → 协议终止."""
    row = get(conn, uscc, agreement_id)
    _not_ended(row)
    if revoke and row["status"] != VERIFIED:
        raise ApiError(400, "agreement_not_verified", NOT_VERIFIED,
                       {"id": agreement_id, "status": row["status"]})
    conn.execute("UPDATE agreements SET status = ?, decided_at = ? WHERE uscc = ? AND id = ?",
                 (ENDED, stamp(now), uscc, agreement_id))
    kind = "agreement.revoke" if revoke else "agreement.void"
    return 200, public(get(conn, uscc, agreement_id)), [(kind, agreement_id)]


# -- routes ------------------------------------------------------------------------------------

def _sandbox(request: Request):
    return request.app.state.sandbox


@router.get("/agreements", response_model=list[Agreement])
async def list_agreements(request: Request, who: PayWho):
    """单位三方协议管理: every agreement, by id (reading decides the due verifications).
    Class ``pay``: the payment dialog of a 缴费 user lists the verified ones (P2, P5); managing
    them (the mutations) is §8, class ``any``."""
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = listing(conn, who.uscc)
    return Response(dumps(data), media_type=JSON)


@router.get("/agreements/{agreement_id}", response_model=Agreement)
async def one_agreement(agreement_id: str, request: Request, who: PayWho):
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    with sb.db.read() as conn:
        data = public(get(conn, who.uscc, agreement_id))
    return Response(dumps(data), media_type=JSON)


@router.post("/agreements", response_model=Agreement)
async def add_agreement(body: AgreementIn, request: Request, who: Who, key: IdemKey = None):
    """新增 (未验证); 400 ``batch_exists`` for a second 费批扣 agreement."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: add(conn, who.uscc, data, sb.now()))


@router.post("/agreements/{agreement_id}", response_model=Agreement)
async def modify_agreement(agreement_id: str, body: AgreementIn, request: Request, who: Who,
                           key: IdemKey = None):
    """修改: back to 未验证."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    process_due(sb.db, who.uscc, sb.now())
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: modify(conn, who.uscc, agreement_id, data))


@router.post("/agreements/{agreement_id}/verify", response_model=Agreement)
async def verify_agreement(agreement_id: str, request: Request, who: Who, key: IdemKey = None):
    """验证: 验证中 until ``verify_at``."""
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    return await sb.keyed.run(
        request, who, key, None,
        lambda conn: verify(conn, who.uscc, agreement_id, key or "", sb.now(),
                            sb.feedback_delay_ms))


@router.post("/agreements/{agreement_id}/void", response_model=Agreement)
async def void_agreement(agreement_id: str, request: Request, who: Who, key: IdemKey = None):
    """作废 → 协议终止."""
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    return await sb.keyed.run(request, who, key, None,
                              lambda conn: end(conn, who.uscc, agreement_id, sb.now(),
                                               revoke=False))


@router.post("/agreements/{agreement_id}/revoke", response_model=Agreement)
async def revoke_agreement(agreement_id: str, request: Request, who: Who, key: IdemKey = None):
    """撤销 a verified agreement → 协议终止."""
    sb = _sandbox(request)
    process_due(sb.db, who.uscc, sb.now())
    return await sb.keyed.run(request, who, key, None,
                              lambda conn: end(conn, who.uscc, agreement_id, sb.now(),
                                               revoke=True))
