"""Money and rates (SPEC §0 "Money").

Money is always :class:`~decimal.Decimal` with 2 places, rounded ROUND_HALF_UP, computed per
employee per item and only then summed: the manual's 8,888.00 × 0.2% = 17.776 → 17.78
(manual 000 §3.1). A float never touches money: every entry point refuses one.

Rates are exact decimal fractions (``Decimal("0.002")``) and are never rounded to cents;
``"0.2%"`` is how they are written on screen and in the region data files.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_RATE_RE = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")


def _reject_float(x: object, what: str) -> None:
    if isinstance(x, float):
        raise TypeError(f"{what} must not be a float (got {x!r}); use str, int or Decimal")
    if isinstance(x, bool):
        raise TypeError(f"{what} must not be a bool (got {x!r})")


def _decimal(x: str | int | Decimal, what: str) -> Decimal:
    """An exact Decimal from str/int/Decimal, finite; floats refused."""
    _reject_float(x, what)
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, int):
        d = Decimal(x)
    elif isinstance(x, str):
        try:
            d = Decimal(x.strip())
        except InvalidOperation:
            raise ValueError(f"无法识别的数值：{x!r}") from None
    else:
        raise TypeError(f"{what} must be str, int or Decimal, not {type(x).__name__}")
    if not d.is_finite():
        raise ValueError(f"无法识别的数值：{x!r}")
    return d


def to_money(x: str | int | Decimal) -> Decimal:
    """``x`` as money: a Decimal quantized to 0.01 with ROUND_HALF_UP.

    Accepts ``str`` (plain decimal notation, e.g. ``"8888.00"``), ``int`` and ``Decimal``;
    a ``float`` raises :class:`TypeError`. For text typed by a user use :func:`parse_money`.
    """
    return _decimal(x, "money").quantize(CENT, rounding=ROUND_HALF_UP)


# -- the one amount rule (issue 14 findings 1, 6, 7) ---------------------------------------------

MAX_DIGITS = 12  # integer digits of an amount (the service's limit; far below Decimal's 28)
MAX_DECIMALS = 2
_AMOUNT_RE = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")  # fullmatch; [0-9], not \d (Unicode digits)
_LOOSE_RE = re.compile(r"([0-9]+)(?:\.([0-9]*))?")


class AmountError(ValueError):
    """An amount that breaks the one rule, with the field named in the Chinese message.

    ``kind`` says why: ``"empty"``, ``"negative"`` (a well-formed number with a leading ``-``,
    so callers can keep their own "must be above 0" wording), ``"too_big"`` (more than 12
    integer digits), ``"decimals"`` (more than 2) or ``"format"`` (anything else: a sign,
    an exponent, NaN/Infinity, full-width or other digit sets, spaces, letters)."""

    def __init__(self, field: str, text: object, kind: str) -> None:
        self.field, self.text, self.kind = field, text, kind
        shown = text if isinstance(text, str) else str(text)
        message = {
            "empty": f"{field}不能为空",
            "negative": f"{field}不能为负数：“{shown}”",
            "too_big": f"{field}过大：“{shown}”，整数部分最多{MAX_DIGITS}位",
            "decimals": f"{field}最多保留两位小数：“{shown}”",
        }.get(kind, f"{field}格式不正确：“{shown}”，应为半角数字，例如 8888.00"
                    "（不带正负号，不用科学计数法）")
        super().__init__(message)


def _why(text: str) -> str:
    if not text:
        return "empty"
    m = _LOOSE_RE.fullmatch(text[1:] if text.startswith("-") else text)
    if m is None:
        return "format"
    if text.startswith("-"):
        return "negative"
    if len(m.group(1)) > MAX_DIGITS:
        return "too_big"
    if m.group(2) is not None and len(m.group(2)) > MAX_DECIMALS:
        return "decimals"
    return "format"  # "8888." and the like


def parse_amount(text: object, field: str = "金额", *, shown: object = None) -> Decimal:
    """THE amount rule, for the service and (after :func:`parse_money`'s typing aids) the
    client alike: ASCII digits only, at most 12 integer digits and 2 decimals, no exponent,
    no sign, no NaN/Infinity, no full-width or other digit sets, no surrounding spaces.
    ``"8888"``, ``"8888.5"``, ``"0.00"`` pass; the value comes back with two places. Anything
    else raises :class:`AmountError` naming ``field`` (``shown`` is the text to quote when the
    caller cleaned up what the user typed)."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise AmountError(field, text if shown is None else shown, "format")
    if _AMOUNT_RE.fullmatch(text) is None:
        raise AmountError(field, text if shown is None else shown, _why(text))
    return Decimal(text).quantize(CENT)


def amount_value(value: int | Decimal, field: str = "金额") -> Decimal:
    """An amount given as a number (a Decimal or int from code, a number cell of a sheet)
    checked by the same rule as :func:`parse_amount`; floats and bools refused."""
    if isinstance(value, (bool, float)) or not isinstance(value, (int, Decimal)):
        raise AmountError(field, value, "format")
    d = Decimal(value)
    if not d.is_finite():
        raise AmountError(field, value, "format")
    if d < 0:
        raise AmountError(field, value, "negative")
    if d.adjusted() >= MAX_DIGITS:  # before quantize, which would overflow the context
        raise AmountError(field, value, "too_big")
    if d != d.quantize(CENT):
        raise AmountError(field, value, "decimals")
    return d.quantize(CENT) + 0  # + 0 turns -0 into 0


def parse_money(text: str | int | Decimal, field: str = "金额") -> Decimal:
    """A money amount typed by a user or read from a spreadsheet cell, by the one rule of
    :func:`parse_amount` after what the client may clean up of what a user typed: surrounding
    whitespace, ``,`` and space as thousands separators (as :func:`format_money` writes them),
    a leading ``¥``/``￥`` and a trailing ``元``. Full-width digits, signs, exponents are
    refused, so nothing is accepted here that the service refuses (issue 14).
    Raises :class:`AmountError` (a ValueError) with a Chinese message naming ``field``."""
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return amount_value(text, field)
    _reject_float(text, "money")
    if not isinstance(text, str):
        raise TypeError(f"money text must be str, not {type(text).__name__}")
    s = text.strip().replace(",", "").replace(" ", "")
    if s.startswith(("¥", "￥")):
        s = s[1:]
    if s.endswith("元"):
        s = s[:-1]
    return parse_amount(s, field, shown=text)


def parse_rate(text: str | Decimal) -> Decimal:
    """A rate as an exact fraction: ``"0.2%"`` → ``Decimal("0.002")``, ``"16%"`` → ``0.16``.

    Text without ``%`` is taken as a fraction already (``"0.001"``, as the construction-project
    rates of SPEC D10 are written). A Decimal is returned as is (after range check).
    The rate must lie in 0..1 (0%..100%).
    """
    if isinstance(text, Decimal):
        d = _decimal(text, "rate")
    else:
        _reject_float(text, "rate")
        if not isinstance(text, str):
            raise TypeError(f"rate must be str or Decimal, not {type(text).__name__}")
        s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
        percent = s.endswith("%")
        if percent:
            s = s[:-1]
        if not _RATE_RE.match(s):
            raise ValueError(f"费率格式不正确：“{text}”，例如 0.2% 或 0.002")
        d = Decimal(s)
        if percent:
            d = d.scaleb(-2)
    if d < 0 or d > 1:
        raise ValueError(f"费率应在 0% 至 100% 之间：“{text}”")
    return d


def format_rate(rate: Decimal) -> str:
    """``Decimal("0.002")`` → ``"0.2%"``, ``Decimal("0.16")`` → ``"16%"`` (as the manual prints)."""
    r = _decimal(rate, "rate")
    pct = r.scaleb(2).normalize()
    text = format(pct, "f")
    return f"{text}%"


def charge(base: str | int | Decimal, rate: str | Decimal) -> Decimal:
    """The due of one employee for one item: ``base × rate``, ROUND_HALF_UP to 0.01.

    ``rate`` is a fraction (``Decimal("0.002")``) or rate text (``"0.2%"``).
    8,888.00 × 0.2% = 17.776 → 17.78.
    """
    b = to_money(base)
    r = parse_rate(rate)
    return (b * r).quantize(CENT, rounding=ROUND_HALF_UP)


def total(amounts: Iterable[str | int | Decimal]) -> Decimal:
    """Sum amounts that are already rounded to cents (SPEC: round per employee, then sum).

    An amount with a non-zero fraction of a cent raises :class:`ValueError`: summing unrounded
    amounts and rounding afterwards gives a different (wrong) total.
    """
    s = ZERO
    for a in amounts:
        d = _decimal(a, "amount")
        if d != d.quantize(CENT):
            raise ValueError(f"金额未按分取整，不能直接合计：{d}")
        s += d
    return s.quantize(CENT)


def format_money(amount: str | int | Decimal) -> str:
    """``Decimal("8888")`` → ``"8,888.00"``; negatives as ``"-1,234.50"``."""
    d = to_money(amount)
    return f"{d:,.2f}"


_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_UNITS = ["", "拾", "佰", "仟"]
_CN_SECTIONS = ["", "万", "亿", "万亿"]


def _integer_in_words(n: int) -> str:
    """The yuan part of :func:`money_in_words` (``n`` > 0), without 元.

    Four-digit sections with 万/亿/万亿. A run of zeros inside the number gives one 零
    (壹仟零壹拾, 壹万零壹, 壹亿零壹仟). The one place the rules let 零 go: a 万 section that is
    written (non-zero) whose 万 digit is 0 while the 千 digit is not — 壹拾万柒仟, the first form
    of the official 107,000.53. An all-zero 万 section between two written ones is a run of zeros
    inside the number and gets its 零 (壹亿零壹仟元, never 壹亿壹仟元).
    """
    digits = [int(c) for c in str(n)]
    top = len(digits) - 1
    text = ""
    pending_zero = False  # a zero since the last written digit
    for i, digit in enumerate(digits):
        pos = top - i  # 0 = 元 digit, 4 = 万 digit, 8 = 亿 digit
        if digit:
            if pending_zero:
                wan_section_written = (n // 10000) % 10000 != 0
                if not (pos == 3 and wan_section_written):
                    text += "零"
                pending_zero = False
            text += _CN_DIGITS[digit] + _CN_UNITS[pos % 4]
        elif text:
            pending_zero = True
        if pos and pos % 4 == 0 and (n // 10**pos) % 10000:
            text += _CN_SECTIONS[pos // 4]
    return text


def money_in_words(amount: str | int | Decimal) -> str:
    """An amount in Chinese capitals by the rules for bills (SPEC §0; 支付结算办法 附件
    "正确填写票据和结算凭证的基本规定"), as vouchers (P3) and certificates (C1) print it.

    Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿元角分. The convention, one for all amounts,
    takes the first form of each official example where the rules allow two:

    - 整 after 元 when there are no 角 and 分 (``100`` → 壹佰元整); nothing after 角
      (``1409.50`` → 壹仟肆佰零玖元伍角); never after 分.
    - One 零 for a run of zeros inside the number (``6007.14`` → 陆仟零柒元壹角肆分).
    - 万 digit 0, 千 digit not: no 零 (``107000.53`` → 壹拾万柒仟元零伍角叁分).
    - 元 digit 0, 角 digit not: 零 after 元 (``1680.32`` → 壹仟陆佰捌拾元零叁角贰分).
    - 角 0, 分 not: 零 after 元 (``325.04`` → 叁佰贰拾伍元零肆分); below one yuan nothing
      leads (``0.05`` → 伍分).
    - ``0`` → 零元整; a negative amount is prefixed 负.
    """
    d = to_money(amount)
    if d < 0:
        return "负" + money_in_words(-d)
    cents = int(d * 100)
    yuan, jiao, fen = cents // 100, (cents // 10) % 10, cents % 10
    if cents == 0:
        return "零元整"
    text = ""
    if yuan:
        text = _integer_in_words(yuan) + "元"
        if jiao == 0 and fen == 0:
            return text + "整"
        if jiao == 0 or yuan % 10 == 0:
            text += "零"
    if jiao:
        text += _CN_DIGITS[jiao] + "角"
    if fen:
        text += _CN_DIGITS[fen] + "分"
    return text
