"""用户管理 (SPEC U1) and the local login password (登录密码设置, manual 001 §2.6.1): the users of
the employer logged in, kept by the service, and the optional password guarding one employer
on this machine, kept (as a salted hash only) in its local store.
"""
from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from sbtui.domain.models import User
from sbtui.domain.passwords import LOCAL_ROUNDS, check_password, hash_password, password_problem
from sbtui.services.area import new_key

if TYPE_CHECKING:
    from sbtui.workspace import Workspace

LOGIN_PASSWORD = "login_password"  # local store meta key: the salted hash, never the password


class LoginPasswordError(ValueError):
    """The local login password was refused; ``str()`` is the Chinese message."""


class UsersService:
    """用户管理 and the login password (``ws.users``); the service enforces who may."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws  # the remote service and the session it speaks for, the employers' stores

    # -- 用户管理 (SPEC U1): administrator only, enforced by the service ----------------------
    async def list(self) -> builtins.list[User]:
        rows = await self.ws.service().users()
        if self.ws.session is not None:
            self.note_users(self.ws.session.uscc, bool(rows))
        return rows

    async def add(self, username: str, permission: str, remark: str = "") -> User:
        """A new sub-user; its initial password is its name, changed at its first login."""
        user = await self.ws.service().add_user(username, permission, remark, key=new_key())
        if self.ws.session is not None:
            self.note_users(self.ws.session.uscc, True)
        return user

    def has_users(self, uscc: str) -> bool:
        """Whether this employer has sub-users, as last seen here: login then offers
        单位密码登录 and 用户名密码登录 (SPEC L4)."""
        return bool(self.ws.store(uscc).meta_get("has_users"))

    def note_users(self, uscc: str, present: bool) -> None:
        self.ws.store(uscc).meta_set("has_users", present)

    async def modify(self, username: str, *, permission: str | None = None,
                          remark: str | None = None) -> User:
        return await self.ws.service().modify_user(username, permission=permission, remark=remark,
                                                key=new_key())

    async def disable(self, username: str) -> User:
        return await self.ws.service().disable_user(username, key=new_key())

    async def enable(self, username: str) -> User:
        return await self.ws.service().enable_user(username, key=new_key())

    async def reset_password(self, username: str) -> User:
        """Back to the initial password (the user name), to be changed at the next login."""
        return await self.ws.service().reset_user_password(username, key=new_key())

    # -- local login password (登录密码设置, manual 001 §2.6.1) ----------------------------------
    # It guards opening the client for one employer on this machine; the service knows nothing
    # of it. Only a salted PBKDF2 hash is kept, in the employer's local store.
    def has_login_password(self, uscc: str) -> bool:
        return self.ws.store(uscc).meta_get(LOGIN_PASSWORD) is not None

    def set_login_password(self, uscc: str, new: str, repeat: str, *,
                           old: str | None = None) -> None:
        """Enable the login password (``new`` twice) or change it (``old`` required then)."""
        store = self.ws.store(uscc)
        current = store.meta_get(LOGIN_PASSWORD)
        if current is not None and (old is None or not check_password(old, current)):
            raise LoginPasswordError("原登录密码输入有误，请重新输入。")
        problem = password_problem(new, repeat, old=old if current is not None else None)
        if problem:
            raise LoginPasswordError(problem)
        store.meta_set(LOGIN_PASSWORD, hash_password(new, rounds=LOCAL_ROUNDS))

    def clear_login_password(self, uscc: str, old: str) -> None:
        """Disable the login password (the current one is asked for)."""
        store = self.ws.store(uscc)
        current = store.meta_get(LOGIN_PASSWORD)
        if current is None:
            return
        if not check_password(old, current):
            raise LoginPasswordError("原登录密码输入有误，请重新输入。")
        store.meta_set(LOGIN_PASSWORD, None)

    def check_login_password(self, uscc: str, password: str) -> bool:
        """Whether ``password`` opens ``uscc`` here: it matches, or no login password is set."""
        current = self.ws.store(uscc).meta_get(LOGIN_PASSWORD)
        return current is None or check_password(password, current)
