"""Declaration passwords, login with lockout, tokens and the session dependency (SPEC L2, L4)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from stdnum.cn import uscc as uscc_number

from sbtui.domain.passwords import initial_passwords, new_password_problem

from .db import Db, iso
from .errors import ApiError

WRONG_PASSWORD = "申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。"
MAX_ATTEMPTS = 3
LOCK_FOR = timedelta(minutes=3)
TOKEN_LIFE = timedelta(hours=12)
PBKDF2_ROUNDS = 60_000
CST = timedelta(hours=8)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    _, rounds, salt, digest = stored.split("$")
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    return hmac.compare_digest(got.hex(), digest)


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


def unit_numbers(conn: sqlite3.Connection, uscc: str) -> list[str]:
    rows = conn.execute("SELECT unit_number FROM registrations WHERE uscc = ?", (uscc,))
    return [r[0] for r in rows]


def _password_ok(conn: sqlite3.Connection, employer: sqlite3.Row, password: str) -> bool:
    if employer["must_change"]:
        return password in initial_passwords(unit_numbers(conn, employer["uscc"]))
    return check_password(password, employer["password_hash"])


def _issue_token(conn: sqlite3.Connection, uscc: str, now: datetime, *, must_change: bool,
                 username: str | None = None, role: str = "admin") -> dict:
    token = secrets.token_urlsafe(32)
    expires = iso(now + TOKEN_LIFE)
    conn.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
                 (token, uscc, role, username, int(must_change), expires))
    conn.execute("DELETE FROM tokens WHERE expires_at < ?", (iso(now),))
    return {"token": token, "role": role, "must_change_password": must_change,
            "expires_at": expires, "uscc": uscc, "username": username}


def _locked(until: str) -> ApiError:
    local = datetime.fromisoformat(until) + CST
    return ApiError(423, "20102",
                    f"申报密码连续输入错误{MAX_ATTEMPTS}次，该单位已被锁定，"
                    f"请于{local:%Y-%m-%d %H:%M:%S}（北京时间）后重试。",
                    {"locked_until": until})


def login(db: Db, uscc: str, password: str, username: str | None, now: datetime) -> dict:
    """A ``Session`` dict, or 401 ``20101`` / 423 ``20102`` / 404 / 400 refusals."""
    uscc = normalise_uscc(uscc)
    if username:
        raise ApiError(400, "user_not_found", "用户名不存在，请使用单位密码登录。", {"username": username})
    refusal: ApiError
    with db.tx() as conn:
        employer = employer_row(conn, uscc)
        locked_until = employer["locked_until"]
        if locked_until and locked_until > iso(now):
            refusal = _locked(locked_until)
        elif _password_ok(conn, employer, password):
            conn.execute("UPDATE employers SET failed_logins = 0, locked_until = NULL WHERE uscc = ?",
                         (uscc,))
            return _issue_token(conn, uscc, now, must_change=bool(employer["must_change"]))
        else:
            failed = (0 if locked_until else employer["failed_logins"]) + 1
            if failed >= MAX_ATTEMPTS:
                until = iso(now + LOCK_FOR)
                conn.execute("UPDATE employers SET failed_logins = 0, locked_until = ? WHERE uscc = ?",
                             (until, uscc))
                refusal = _locked(until)
            else:
                conn.execute("UPDATE employers SET failed_logins = ?, locked_until = NULL"
                             " WHERE uscc = ?", (failed, uscc))
                refusal = ApiError(401, "20101", WRONG_PASSWORD,
                                   {"attempts_left": MAX_ATTEMPTS - failed})
    raise refusal


def change_password(conn: sqlite3.Connection, uscc: str, old: str, new: str, now: datetime):
    """The keyed mutation behind ``POST /auth/password``: (status, Session, effects)."""
    employer = employer_row(conn, uscc)
    if not _password_ok(conn, employer, old):
        raise ApiError(400, "old_password_wrong", "原申报密码输入有误，请重新输入。")
    problem = new_password_problem(new, new, unit_numbers(conn, uscc))
    if problem:
        raise ApiError(400, "password_rule", problem)
    conn.execute("UPDATE employers SET password_hash = ?, must_change = 0, failed_logins = 0,"
                 " locked_until = NULL WHERE uscc = ?", (hash_password(new), uscc))
    session = _issue_token(conn, uscc, now, must_change=False)
    return 200, session, [("password.change", uscc)]


@dataclass(frozen=True)
class Caller:
    """Who is calling: the employer of a valid token."""

    token: str
    uscc: str
    role: str
    username: str | None
    must_change: bool


async def caller(request: Request) -> Caller:
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
        raise ApiError(403, "password_change_required", "首次登录请先修改初始申报密码。")
    return who
