"""The sandbox bank (SPEC P2, P3, A1): accounts with 银行行别, 开户网点, account number, holder
name and balance. TIPS verification (:mod:`.agreements`) compares an agreement with them, a
debit (:mod:`.payments`) takes from them, the voucher collection control debits the voucher's
account when it is one of them.

Routes: ``GET /deposit-accounts`` (class ``pay``: the accounts held in the caller's name, no
balance) and the training controls ``GET /sandbox/bank/accounts`` (every account with its
balance) and ``POST /sandbox/bank/accounts`` (create or update one).
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from sbtui.domain.models import DepositAccount
from sbtui.domain.money import CENT, AmountError, parse_amount
from sbtui.domain.pay import is_account
from sbtui.domain.reference import fold

from .auth import PayWho
from .db import Db, dumps
from .errors import ERRORS, ApiError

router = APIRouter(responses=ERRORS)
JSON = "application/json"
BAD_ACCOUNT = "缴费账号应为6至32位数字"
INSUFFICIENT = "余额不足"


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def account(conn: sqlite3.Connection, bank: str, number: str) -> sqlite3.Row | None:
    """The sandbox bank's account ``number`` of 银行行别 ``bank``."""
    return conn.execute("SELECT * FROM bank_accounts WHERE bank = ? AND account = ?",
                        (bank.strip(), number.strip())).fetchone()


def find(conn: sqlite3.Connection, bank: str, number: str) -> sqlite3.Row | None:
    """An account named the way a voucher names it: its number and either its 银行行别 or its
    开户网点."""
    return conn.execute("SELECT * FROM bank_accounts WHERE account = ? AND (bank = ? OR branch = ?)",
                        (number.strip(), bank.strip(), bank.strip())).fetchone()


def debit(conn: sqlite3.Connection, row: sqlite3.Row, amount: Decimal) -> bool:
    """Take ``amount`` from the account; False (nothing taken) when the balance is short."""
    balance = Decimal(row["balance"])
    if balance < amount:
        return False
    conn.execute("UPDATE bank_accounts SET balance = ? WHERE bank = ? AND account = ?",
                 (money(balance - amount), row["bank"], row["account"]))
    return True


def credit(conn: sqlite3.Connection, row: sqlite3.Row, amount: Decimal) -> None:
    """Pay ``amount`` into the account (a refund's 退库)."""
    conn.execute("UPDATE bank_accounts SET balance = ? WHERE bank = ? AND account = ?",
                 (money(Decimal(row["balance"]) + amount), row["bank"], row["account"]))


def public(row: sqlite3.Row, *, balance: bool) -> dict:
    out = {"bank": row["bank"], "branch": row["branch"], "account": row["account"],
           "name": row["name"]}
    if balance:
        out["balance"] = row["balance"]
    return out


def all_accounts(db: Db) -> list[dict]:
    """Every account with its balance (``sbtui sandbox info``)."""
    return [public(r, balance=True)
            for r in db.all("SELECT * FROM bank_accounts ORDER BY bank, account")]


def held_by(conn: sqlite3.Connection, uscc: str) -> list[sqlite3.Row]:
    """The accounts of an employer: given to it, or held in its name (folded)."""
    name = conn.execute("SELECT name FROM employers WHERE uscc = ?", (uscc,)).fetchone()
    wanted = fold(name[0]) if name else None
    return [r for r in conn.execute("SELECT * FROM bank_accounts ORDER BY bank, account")
            if r["uscc"] == uscc or fold(r["name"]) == wanted]


# -- routes ------------------------------------------------------------------------------------

class AccountIn(BaseModel):
    uscc: str | None = None  # whose account it is (optional: the holder name decides too)
    bank: str
    branch: str = ""
    account: str
    name: str
    balance: str = "0.00"


@router.get("/deposit-accounts", response_model=list[DepositAccount])
async def deposit_accounts(request: Request, who: PayWho):
    """缴费人存款账户: the sandbox bank's accounts of the caller's employer, without balance."""
    sb = request.app.state.sandbox
    with sb.db.read() as conn:
        data = [public(r, balance=False) for r in held_by(conn, who.uscc)]
    return Response(dumps(data), media_type=JSON)


@router.get("/sandbox/bank/accounts", response_model=list[DepositAccount])
async def list_accounts(request: Request):
    """Training control: every account of the sandbox bank, with its balance."""
    return Response(dumps(all_accounts(request.app.state.sandbox.db)), media_type=JSON)


@router.post("/sandbox/bank/accounts", response_model=DepositAccount)
async def put_account(body: AccountIn, request: Request):
    """Training control: create or update (by bank + account) an account of the sandbox bank."""
    sb = request.app.state.sandbox
    bank, number, name = body.bank.strip(), body.account.strip(), body.name.strip()
    if not bank or not name:
        raise ApiError(400, "bad_request", "请填写银行行别和账户名称。")
    if not is_account(number):
        raise ApiError(400, "bad_request", BAD_ACCOUNT, {"field": "account"})
    try:  # the one amount rule (issue 14): "NaN", "1E+2", "１２３", "-5" -> 400 naming the field
        balance = parse_amount(body.balance, "余额（balance）")
    except AmountError as exc:
        raise ApiError(400, "bad_request", str(exc), {"field": "balance"}) from None
    with sb.db.tx() as conn:
        conn.execute(
            "INSERT INTO bank_accounts VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bank, account) DO"
            " UPDATE SET branch = excluded.branch, name = excluded.name,"
            " balance = excluded.balance, uscc = coalesce(excluded.uscc, uscc)",
            (bank, number, body.branch.strip(), name, money(balance), body.uscc))
        data = public(account(conn, bank, number), balance=True)
    return Response(dumps(data), media_type=JSON)
