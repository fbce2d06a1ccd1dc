"""Passwords, login with lockout, tokens, and who may call what (SPEC L2, L4, U1, U2).

Two kinds of principal log in: the employer with its declaration password (单位密码登录 →
role ``admin``) and a sub-user with its own password (用户名密码登录 → role = the user's
permission, ``all`` or ``pay``). Both lock for 3 minutes after 3 wrong passwords in a row.

Every route that needs a token takes a :class:`Caller` through one of three dependencies, its
**permission class** (API.md "Permissions"):

- :data:`Who` — class ``any``, the default: ``admin`` and ``all`` (everything but user
  management);
- :data:`AdminWho` — class ``admin``: user management;
- :data:`PayWho` — class ``pay``: also the ``pay`` role (缴费): the payment family, the
  session basics and the notices and messages.

A route that forgets to choose gets :data:`Who`, so a ``pay`` token is refused (403
``forbidden``) by anything not explicitly opened to it.
"""
from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from stdnum.cn import uscc as uscc_number

from sbtui.domain.passwords import (check_password, hash_password, initial_passwords,
                                    new_password_problem, password_problem)
from sbtui.domain.vocab import ADMIN_ONLY, EVERYONE, STAFF, Role, UserStatus

from .db import Db, iso
from .errors import ApiError

WRONG_PASSWORD = "申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。"
FORBIDDEN = "当前用户没有该功能的权限。"
MAX_ATTEMPTS = 3
LOCK_FOR = timedelta(minutes=3)
TOKEN_LIFE = timedelta(hours=12)
CST = timedelta(hours=8)

# permission class -> the roles it admits
PERMITS: dict[str, frozenset[str]] = {
    "admin": ADMIN_ONLY,
    "any": STAFF,
    "pay": EVERYONE,
}

__all__ = ["AdminWho", "Caller", "PayWho", "Who", "authorised", "check_again", "check_password",
           "hash_password", "login", "change_password"]


def normalise_uscc(value: str) -> str:
    """The compact USCC, or 400 ``invalid_uscc`` when its format or check digit is wrong."""
    number = uscc_number.compact(value or "")
    if not uscc_number.is_valid(number):
        raise ApiError(400, "invalid_uscc", "纳税人识别号（统一社会信用代码）格式或校验位不正确，请核对后重新输入。",
                       {"uscc": value})
    return number


def employer_row(conn: sqlite3.Connection, uscc: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM employers WHERE uscc = ?", (uscc,)).fetchone()
    if row is None:
        raise ApiError(404, "employer_not_found", "未查询到该纳税人的社保费登记信息，请核实纳税人识别号。",
                       {"uscc": uscc})
    return row


def user_row(conn: sqlite3.Connection, uscc: str, username: str) -> sqlite3.Row:
    """A sub-user (name matched ignoring case), or 404 ``user_not_found``."""
    row = conn.execute("SELECT * FROM users WHERE uscc = ? AND username = ?",
                       (uscc, username)).fetchone()
    if row is None:
        raise ApiError(404, "user_not_found", "用户名不存在，请核对用户名或使用单位密码登录。",
                       {"username": username})
    return row


def unit_numbers(conn: sqlite3.Connection, uscc: str) -> list[str]:
    rows = conn.execute("SELECT unit_number FROM registrations WHERE uscc = ?", (uscc,))
    return [r[0] for r in rows]


@dataclass(frozen=True)
class _Account:
    """One principal's password row: the employer's or a sub-user's."""

    row: sqlite3.Row
    table: str  # "employers" | "users"
    where: str
    params: tuple
    initial: frozenset[str]  # the initial passwords, valid while must_change
    label: str  # who gets locked, for the message

    def password_ok(self, password: str) -> bool:
        if self.row["must_change"]:
            return password in self.initial
        return check_password(password, self.row["password_hash"])

    def update(self, conn: sqlite3.Connection, assignments: str, values: tuple) -> None:
        conn.execute(f"UPDATE {self.table} SET {assignments} WHERE {self.where}",
                     values + self.params)


def _employer_account(conn: sqlite3.Connection, uscc: str) -> _Account:
    row = employer_row(conn, uscc)
    return _Account(row, "employers", "uscc = ?", (uscc,),
                    frozenset(initial_passwords(unit_numbers(conn, uscc))), "该单位")


def _user_account(conn: sqlite3.Connection, uscc: str, username: str) -> _Account:
    row = user_row(conn, uscc, username)
    return _Account(row, "users", "uscc = ? AND username = ?", (uscc, row["username"]),
                    frozenset({row["username"]}), "该用户")


def _issue_token(conn: sqlite3.Connection, uscc: str, now: datetime, *, must_change: bool,
                 username: str | None = None, role: str = Role.ADMIN) -> dict:
    token = secrets.token_urlsafe(32)
    expires = iso(now + TOKEN_LIFE)
    conn.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
                 (token, uscc, role, username, int(must_change), expires))
    conn.execute("DELETE FROM tokens WHERE expires_at < ?", (iso(now),))
    return {"token": token, "role": role, "must_change_password": must_change,
            "expires_at": expires, "uscc": uscc, "username": username}


def _session_for(conn: sqlite3.Connection, account: _Account, now: datetime, *,
                 must_change: bool) -> dict:
    row = account.row
    if account.table == "users":
        return _issue_token(conn, row["uscc"], now, must_change=must_change,
                            username=row["username"], role=row["permission"])
    return _issue_token(conn, row["uscc"], now, must_change=must_change)


def _locked(until: str, label: str) -> ApiError:
    local = datetime.fromisoformat(until) + CST
    return ApiError(423, "20102",
                    f"申报密码连续输入错误{MAX_ATTEMPTS}次，{label}已被锁定，"
                    f"请于{local:%Y-%m-%d %H:%M:%S}（北京时间）后重试。",
                    {"locked_until": until})


def _attempt(conn: sqlite3.Connection, account: _Account, password: str,
             now: datetime) -> ApiError | None:
    """Check a password against the lockout (SPEC L4); ``None`` when it is right. The count
    is written either way, so the caller raises the refusal *after* committing."""
    row = account.row
    locked_until = row["locked_until"]
    if locked_until and locked_until > iso(now):
        return _locked(locked_until, account.label)
    if account.password_ok(password):
        account.update(conn, "failed_logins = 0, locked_until = NULL", ())
        return None
    failed = (0 if locked_until else row["failed_logins"]) + 1
    if failed >= MAX_ATTEMPTS:
        until = iso(now + LOCK_FOR)
        account.update(conn, "failed_logins = 0, locked_until = ?", (until,))
        return _locked(until, account.label)
    account.update(conn, "failed_logins = ?, locked_until = NULL", (failed,))
    return ApiError(401, "20101", WRONG_PASSWORD, {"attempts_left": MAX_ATTEMPTS - failed})


def login(db: Db, uscc: str, password: str, username: str | None, now: datetime) -> dict:
    """A ``Session`` dict, or 401 ``20101`` / 423 ``20102`` / 403 ``user_disabled`` / 404
    refusals. With ``username``: 用户名密码登录 of a sub-user, else the employer password."""
    uscc = normalise_uscc(uscc)
    with db.tx() as conn:
        employer_row(conn, uscc)
        if username:
            account = _user_account(conn, uscc, username)
            if account.row["status"] == UserStatus.DISABLED:
                raise ApiError(403, "user_disabled", "该用户已被停用，请联系单位管理员。",
                               {"username": account.row["username"]})
        else:
            account = _employer_account(conn, uscc)
        refusal = _attempt(conn, account, password, now)
        if refusal is None:
            return _session_for(conn, account, now, must_change=bool(account.row["must_change"]))
    raise refusal


def check_again(db: Db, who: Caller, password: str, now: datetime) -> None:
    """安全认证 before a payment (SPEC P1): the declaration password again (a sub-user: its
    own), counted against the same lockout as the login; 401 ``20101`` / 423 ``20102``."""
    with db.tx() as conn:
        account = (_user_account(conn, who.uscc, who.username) if who.username
                   else _employer_account(conn, who.uscc))
        refusal = _attempt(conn, account, password, now)
    if refusal is not None:
        raise refusal


def change_password(conn: sqlite3.Connection, who: Caller, old: str, new: str, now: datetime):
    """The keyed mutation behind ``POST /auth/password``: (status, Session, effects).

    It changes the password of the session's principal: the employer's declaration password
    for the administrator, the user's own password for a sub-user (SPEC U2)."""
    if who.username:
        account = _user_account(conn, who.uscc, who.username)
        problem = password_problem(new, new, initial=account.initial, old=old)
    else:
        account = _employer_account(conn, who.uscc)
        problem = new_password_problem(new, new, unit_numbers(conn, who.uscc), old=old)
    if not account.password_ok(old):
        raise ApiError(400, "old_password_wrong", "原密码输入有误，请重新输入。")
    if problem:
        raise ApiError(400, "password_rule", problem)
    account.update(conn, "password_hash = ?, must_change = 0, failed_logins = 0,"
                   " locked_until = NULL", (hash_password(new),))
    session = _session_for(conn, account, now, must_change=False)
    target = who.uscc if who.username is None else f"{who.uscc}/{who.username}"
    return 200, session, [("password.change", target)]


# -- who is calling ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    """Who is calling: the employer of a valid token, and the principal within it."""

    token: str
    uscc: str
    role: str  # "admin" | "all" | "pay"
    username: str | None  # None: the employer password (管理员)
    must_change: bool


async def _authenticate(request: Request) -> Caller:
    """Resolve the bearer token (401 ``token_invalid``); a must-change token may only call
    ``POST /auth/password`` (403 ``password_change_required``)."""
    sandbox = request.app.state.sandbox
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    row = None
    if scheme.lower() == "bearer" and token.strip():
        row = sandbox.db.one("SELECT * FROM tokens WHERE token = ?", (token.strip(),))
    if row is None or row["expires_at"] <= iso(sandbox.now()):
        raise ApiError(401, "token_invalid", "登录已失效，请重新登录。",
                       headers={"WWW-Authenticate": "Bearer"})
    who = Caller(row["token"], row["uscc"], row["role"], row["username"], bool(row["must_change"]))
    is_change = request.method == "POST" and request.url.path.endswith("/auth/password")
    if who.must_change and not is_change:
        raise ApiError(403, "password_change_required", "首次登录请先修改初始密码。")
    return who


def authorised(permission: str) -> Callable[[Request], Awaitable[Caller]]:
    """The dependency of a permission class (``admin`` / ``any`` / ``pay``): the caller, or
    403 ``forbidden`` when its role is not admitted."""
    admitted = PERMITS[permission]

    async def dependency(request: Request) -> Caller:
        who = await _authenticate(request)
        if who.role not in admitted:
            raise ApiError(403, "forbidden", FORBIDDEN, {"role": who.role, "permission": permission})
        return who

    dependency.__name__ = f"authorised_{permission}"
    return dependency


caller = authorised("any")
Who = Annotated[Caller, Depends(caller)]
AdminWho = Annotated[Caller, Depends(authorised("admin"))]
PayWho = Annotated[Caller, Depends(authorised("pay"))]
