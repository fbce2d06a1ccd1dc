"""Identifier checks: the employer's USCC (统一社会信用代码, GB 32100; SPEC §0, L2) and the
resident identity card number (居民身份证号码, GB 11643; SPEC E1, R3), built on python-stdnum.

Each ``check_*`` returns the compact (canonical) form or raises :class:`InvalidIdError`, whose
``str()`` is a Chinese message saying *what* is wrong and whose ``reason`` is a stable code
for programs: ``"empty"``, ``"length"``, ``"format"``, ``"region"``, ``"birth_date"``,
``"checksum"``.

Deviations from stdnum, on purpose:

* USCC: stdnum insists the first 8 characters are digits. GB 32100 lets the first two (登记管理
  部门码, 机构类别码) be letters of the code alphabet too (e.g. ``N`` 农业, ``Y`` 其他), so those
  pass here; the check character is stdnum's ``calc_check_digit``.
* Resident ID: stdnum rejects a county code not yet created in the birth year (its table has
  ``[1983-]`` ranges), but people born earlier were issued numbers with codes that existed when
  the card was issued (a 1960 birth in 玄武区 holds 320102…). Here the 6-digit code only has to
  be known to stdnum's table for *some* time.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Literal

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from sbtui import clock

Reason = Literal["empty", "length", "format", "region", "birth_date", "checksum"]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
DIGITS = "0123456789"  # ASCII only: str.isdigit() also passes ٣, ३, ² … (issue 14)


def _digits(text: str) -> bool:
    return all(c in DIGITS for c in text)


class InvalidIdError(ValueError):
    """An identifier that fails a check. ``str(e)`` / ``e.message`` is Chinese for the user."""

    def __init__(self, message: str, reason: Reason) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def _prep(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected str, not {type(text).__name__}")
    s = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if ch not in " -\t\u3000").upper()


# --- USCC ----------------------------------------------------------------------------------

def uscc_check_char(first17: str) -> str:
    """The check character (18th) for the first 17 characters of a USCC."""
    body = _prep(first17)[:17]
    if len(body) != 17 or any(c not in USCC_ALPHABET for c in body):
        raise InvalidIdError("统一社会信用代码前17位格式不正确", "format")
    return uscc.calc_check_digit(body + "0")


def complete_uscc(first17: str) -> str:
    """``first17`` plus its check character (for making sandbox and test data)."""
    body = _prep(first17)[:17]
    return body + uscc_check_char(body)


def check_uscc(text: str) -> str:
    """Compact and validate a USCC; return the 18-character code or raise InvalidIdError.

    Messages: 统一社会信用代码不能为空 / 应为18位，当前为N位 / 第N位“c”不是有效字符 /
    校验位错误，应为X.
    """
    number = _prep(text)
    if not number:
        raise InvalidIdError("统一社会信用代码不能为空", "empty")
    if len(number) != 18:
        raise InvalidIdError(f"统一社会信用代码应为18位，当前为{len(number)}位", "length")
    for i, ch in enumerate(number):
        ok = ch in DIGITS if 2 <= i < 8 else ch in USCC_ALPHABET
        if not ok:
            hint = "应为数字" if 2 <= i < 8 else "只能是数字或大写字母（不含I、O、Z、S、V）"
            raise InvalidIdError(f"统一社会信用代码第{i + 1}位“{ch}”不是有效字符，{hint}", "format")
    expected = uscc.calc_check_digit(number)
    if number[-1] != expected:
        raise InvalidIdError(f"统一社会信用代码校验位错误，应为{expected}", "checksum")
    return number


def is_valid_uscc(text: str) -> bool:
    try:
        check_uscc(text)
    except (InvalidIdError, TypeError):
        return False
    return True


# --- resident identity card ----------------------------------------------------------------

def resident_id_check_char(first17: str) -> str:
    """The check character (18th, a digit or ``X``) for 17 leading digits (GB 11643)."""
    body = _prep(first17)[:17]
    if len(body) != 17 or not _digits(body):
        raise InvalidIdError("身份证号码前17位应为数字", "format")
    return ric.calc_check_digit(body + "0")


def complete_resident_id(first17: str) -> str:
    """``first17`` plus its check character (for making sandbox and test data)."""
    body = _prep(first17)[:17]
    return body + resident_id_check_char(body)


def region_name(code: str) -> str | None:
    """``"110105"`` → ``"北京市朝阳区"`` from stdnum's table (ignoring validity years), or None."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code[:6]):
        info.update(props)
    if "province" not in info or "county" not in info:
        return None
    names = [c.split("]", 1)[-1] for c in info["county"].split(",")]
    county = names[-1]
    prov = info["province"]
    return prov if county == prov else prov + county


def _birth(number: str, today: date | None) -> date:
    try:
        born = ric.get_birth_date(number)
    except (ValidationError, ValueError):
        born = None
    limit = today or clock.today()
    if born is None or born.year < 1900 or born > limit:
        raise InvalidIdError(f"身份证号码中的出生日期无效：{number[6:14]}", "birth_date")
    return born


def check_resident_id(text: str, *, check_region: bool = True, today: date | None = None) -> str:
    """Compact and validate an 18-digit resident ID; return it (with an upper-case ``X``)
    or raise InvalidIdError.

    Checked in this order: not empty; 18 characters (a 15-digit old number is refused with a
    hint); 17 digits + digit/X; birth date a real date from 1900 up to ``today``; the 6-digit
    region code known (``check_region``); the check digit ("身份证号码校验位错误，应为X").
    """
    number = _prep(text)
    if not number:
        raise InvalidIdError("身份证号码不能为空", "empty")
    if len(number) != 18:
        hint = "（15位旧号码请使用18位新号码）" if len(number) == 15 else ""
        raise InvalidIdError(f"身份证号码应为18位，当前为{len(number)}位{hint}", "length")
    if not _digits(number[:17]) or number[17] not in DIGITS + "X":
        raise InvalidIdError("身份证号码格式不正确：前17位应为数字，最后一位应为数字或X", "format")
    _birth(number, today)
    if check_region and region_name(number) is None:
        raise InvalidIdError(f"身份证号码中的地区代码无效：{number[:6]}", "region")
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise InvalidIdError(f"身份证号码校验位错误，应为{expected}", "checksum")
    return number


def is_valid_resident_id(text: str, *, check_region: bool = True) -> bool:
    try:
        check_resident_id(text, check_region=check_region)
    except (InvalidIdError, TypeError):
        return False
    return True


def birth_date(id_number: str) -> date:
    """The birth date in a resident ID (raises InvalidIdError if it is not a real date)."""
    number = _prep(id_number)
    if len(number) != 18 or not _digits(number[:17]):
        raise InvalidIdError("身份证号码格式不正确", "format")
    return _birth(number, date.max)


def gender(id_number: str) -> Literal["男", "女"]:
    """``"男"`` when the 17th digit (sequence code) is odd, ``"女"`` when even."""
    number = _prep(id_number)
    if len(number) != 18 or not _digits(number[:17]):
        raise InvalidIdError("身份证号码格式不正确", "format")
    return "男" if int(number[16]) % 2 else "女"


def age_on(id_number: str, on: date) -> int:
    """Whole years of age on a date."""
    born = birth_date(id_number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
