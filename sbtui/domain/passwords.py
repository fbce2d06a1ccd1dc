"""Declaration-password rules (SPEC L2)."""
from __future__ import annotations

from collections.abc import Iterable


def initial_password(unit_number: str) -> str:
    """Last 6 digits of a unit number, right-padded with ``0`` when shorter (``12345`` → ``123450``)."""
    digits = "".join(ch for ch in unit_number if ch.isdigit())
    return digits[-6:].ljust(6, "0")


def initial_passwords(unit_numbers: Iterable[str]) -> set[str]:
    return {initial_password(u) for u in unit_numbers}


def new_password_problem(new: str, repeat: str, unit_numbers: Iterable[str]) -> str | None:
    """Why a new password cannot be used, or ``None`` when it can (forced change, SPEC L2)."""
    if new != repeat:
        return "两次输入的新密码不一致，请重新输入。"
    if not 6 <= len(new) <= 20:
        return "新密码长度应为6至20位。"
    if new in initial_passwords(unit_numbers):
        return "新密码不能与初始密码相同，请重新输入。"
    return None
