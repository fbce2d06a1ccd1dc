"""用户管理 (SPEC U1): the employer's sub-users, for the administrator only.

A user has a name (4–12 ASCII letters or digits, unique per employer ignoring case), a
permission (``all`` 全部功能 = everything but user management; ``pay`` 缴费 = the payment family)
and a remark. Its initial password is the user name, to be changed at the first login; a reset
brings that back. Disabling a user, resetting its password or changing its permission ends its
sessions (its tokens are deleted), so a role never outlives the decision that changed it.
"""
from __future__ import annotations

import sqlite3
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from sbtui.domain.models import User
from sbtui.domain.passwords import username_problem
from sbtui.domain.vocab import UserStatus

from .auth import AdminWho, user_row
from .db import iso
from .errors import ERRORS, ApiError
from .idempotency import IdemKey

router = APIRouter(responses=ERRORS)


class UserIn(BaseModel):
    username: str = Field(max_length=100)
    permission: Literal["all", "pay"]
    remark: str = Field(default="", max_length=200)


class UserChangeIn(BaseModel):
    permission: Literal["all", "pay"] | None = None
    remark: str | None = Field(default=None, max_length=200)


def public_user(row: sqlite3.Row) -> dict:
    """The ``User`` wire shape of a ``users`` row."""
    return {"username": row["username"], "permission": row["permission"], "status": row["status"],
            "remark": row["remark"], "must_change_password": bool(row["must_change"]),
            "locked_until": row["locked_until"], "created_at": row["created_at"]}


def users(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    rows = conn.execute("SELECT * FROM users WHERE uscc = ? ORDER BY created_at, username",
                        (uscc,))
    return [public_user(r) for r in rows]


def _end_sessions(conn: sqlite3.Connection, uscc: str, username: str) -> None:
    conn.execute("DELETE FROM tokens WHERE uscc = ? AND username = ?", (uscc, username))


def _answer(conn: sqlite3.Connection, uscc: str, username: str, effect: str):
    return 200, public_user(user_row(conn, uscc, username)), [(effect, f"{uscc}/{username}")]


def add_user(conn: sqlite3.Connection, uscc: str, body: UserIn, now: str):
    """The keyed mutation behind ``POST /users``."""
    name = body.username.strip()
    problem = username_problem(name)
    if problem:
        raise ApiError(400, "username_rule", problem, {"username": name})
    same = conn.execute("SELECT username FROM users WHERE uscc = ? AND username = ?",
                        (uscc, name)).fetchone()
    if same:
        raise ApiError(400, "user_exists", f"用户名“{same[0]}”已存在，请重新输入。",
                       {"username": same[0]})
    conn.execute("INSERT INTO users (uscc, username, permission, remark, created_at)"
                 " VALUES (?, ?, ?, ?, ?)", (uscc, name, body.permission, body.remark.strip(), now))
    return _answer(conn, uscc, name, "user.add")


def modify_user(conn: sqlite3.Connection, uscc: str, username: str, body: UserChangeIn):
    """The keyed mutation behind ``POST /users/{username}``: permission and/or remark."""
    row = user_row(conn, uscc, username)
    name = row["username"]
    if body.permission is not None and body.permission != row["permission"]:
        conn.execute("UPDATE users SET permission = ? WHERE uscc = ? AND username = ?",
                     (body.permission, uscc, name))
        _end_sessions(conn, uscc, name)
    if body.remark is not None:
        conn.execute("UPDATE users SET remark = ? WHERE uscc = ? AND username = ?",
                     (body.remark.strip(), uscc, name))
    return _answer(conn, uscc, name, "user.modify")


def set_status(conn: sqlite3.Connection, uscc: str, username: str, status: str):
    """``disable`` / ``enable`` (停用 / 启用); doing it twice changes nothing more."""
    name = user_row(conn, uscc, username)["username"]
    conn.execute("UPDATE users SET status = ? WHERE uscc = ? AND username = ?",
                 (status, uscc, name))
    if status == UserStatus.DISABLED:
        _end_sessions(conn, uscc, name)
    return _answer(conn, uscc, name, "user.disable" if status == UserStatus.DISABLED else "user.enable")


def reset_password(conn: sqlite3.Connection, uscc: str, username: str):
    """重置密码: back to the initial password (the user name), to change at the next login;
    the lockout is lifted."""
    name = user_row(conn, uscc, username)["username"]
    conn.execute("UPDATE users SET password_hash = NULL, must_change = 1, failed_logins = 0,"
                 " locked_until = NULL WHERE uscc = ? AND username = ?", (uscc, name))
    _end_sessions(conn, uscc, name)
    return _answer(conn, uscc, name, "user.reset_password")


# -- routes (permission class "admin") ------------------------------------------------------

def _sandbox(request: Request):
    return request.app.state.sandbox


@router.get("/users", response_model=list[User])
async def list_users(request: Request, who: AdminWho):
    with _sandbox(request).db.read() as conn:
        return users(conn, who.uscc)


@router.post("/users", response_model=User)
async def create_user(body: UserIn, request: Request, who: AdminWho, key: IdemKey = None):
    sb = _sandbox(request)
    return await sb.keyed.run(request, who, key, body.model_dump(mode="json"),
                              lambda conn: add_user(conn, who.uscc, body, iso(sb.now())))


@router.post("/users/{username}", response_model=User)
async def change_user(username: str, body: UserChangeIn, request: Request, who: AdminWho,
                      key: IdemKey = None):
    return await _sandbox(request).keyed.run(
        request, who, key, body.model_dump(mode="json"),
        lambda conn: modify_user(conn, who.uscc, username, body))


@router.post("/users/{username}/disable", response_model=User)
async def disable_user(username: str, request: Request, who: AdminWho, key: IdemKey = None):
    return await _sandbox(request).keyed.run(
        request, who, key, None, lambda conn: set_status(conn, who.uscc, username, UserStatus.DISABLED))


@router.post("/users/{username}/enable", response_model=User)
async def enable_user(username: str, request: Request, who: AdminWho, key: IdemKey = None):
    return await _sandbox(request).keyed.run(
        request, who, key, None, lambda conn: set_status(conn, who.uscc, username, UserStatus.NORMAL))


@router.post("/users/{username}/reset-password", response_model=User)
async def reset_user_password(username: str, request: Request, who: AdminWho,
                              key: IdemKey = None):
    return await _sandbox(request).keyed.run(
        request, who, key, None, lambda conn: reset_password(conn, who.uscc, username))
