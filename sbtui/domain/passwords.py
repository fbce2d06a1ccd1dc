"""Password rules (SPEC L2, U1, U2) and the salted hash every stored password gets.

Three passwords follow these rules: the employer's declaration password (申报密码, initial =
last 6 digits of a unit number), a sub-user's password (initial = the user name) and the
optional local login password (登录密码, no initial one).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

PBKDF2_ROUNDS = 60_000  # the sandbox's server-side hashes
LOCAL_ROUNDS = 600_000  # a hash kept in a local file, open to offline guessing (OWASP 2023)
USERNAME_RE = re.compile(r"[A-Za-z0-9]{4,12}")
PASSWORD_MIN, PASSWORD_MAX = 6, 20
PASSWORD_RULE = f"{PASSWORD_MIN}至{PASSWORD_MAX}位"
"""The length rule in words, shown where a new password is typed, before it can be broken
(the TUI placeholders and hints, the CLI prompts; issue 15 item 15)."""


def initial_password(unit_number: str) -> str:
    """Last 6 digits of a unit number, right-padded with ``0`` when shorter (``12345`` → ``123450``)."""
    digits = "".join(ch for ch in unit_number if ch.isdigit())
    return digits[-6:].ljust(6, "0")


def initial_passwords(unit_numbers: Iterable[str]) -> set[str]:
    return {initial_password(u) for u in unit_numbers}


def password_problem(new: str, repeat: str, *, initial: Iterable[str] = (),
                     old: str | None = None) -> str | None:
    """Why ``new`` cannot be used, or ``None`` when it can: typed twice alike, 6–20 characters,
    none of the ``initial`` passwords and (a voluntary change, SPEC U2) not the ``old`` one."""
    if new != repeat:
        return "两次输入的新密码不一致，请重新输入。"
    if not PASSWORD_MIN <= len(new) <= PASSWORD_MAX:
        return f"新密码长度应为{PASSWORD_RULE}。"
    if new in set(initial):
        return "新密码不能与初始密码相同，请重新输入。"
    if old is not None and new == old:
        return "新密码不能与原密码相同，请重新输入。"
    return None


def new_password_problem(new: str, repeat: str, unit_numbers: Iterable[str], *,
                         old: str | None = None) -> str | None:
    """:func:`password_problem` for the declaration password (forced change, SPEC L2)."""
    return password_problem(new, repeat, initial=initial_passwords(unit_numbers), old=old)


def username_problem(username: str) -> str | None:
    """SPEC U1: a user name is 4–12 ASCII letters or digits."""
    if not USERNAME_RE.fullmatch(username or ""):
        return "用户名由4-12位字母或数字组成，请重新输入。"
    return None


def hash_password(password: str, salt: bytes | None = None, *, rounds: int = PBKDF2_ROUNDS) -> str:
    """A salted PBKDF2-SHA256 hash as text (``pbkdf2_sha256$rounds$salt$digest``)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
    return f"pbkdf2_sha256${rounds}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a :func:`hash_password` text (constant-time compare)."""
    _, rounds, salt, digest = stored.split("$")
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(rounds))
    return hmac.compare_digest(got.hex(), digest)
