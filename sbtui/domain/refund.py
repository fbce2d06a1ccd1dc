"""Refund rules (SPEC R1–R3; manual 000 §4.3). Pure: no IO. The client shows these numbers
before it sends; the sandbox computes them again and refuses what does not match.

R2 (职工明细退费), per ticked line, each rounded half-up to 0.01 and then summed:

- a fee line gives back ``paid − due(adjusted base)``, the adjusted base clamped to the floor
  and cap of the line's year (保底限高, :meth:`RegionProfile.clamp`) and charged at the rate the
  line was paid at (a fixed item owes its fixed amount whatever the base: nothing to give back);
- a late-fee line, ticked together with its fee line, gives back the late fee in proportion:
  ``late fee × fee refund / fee paid``.

The seed's table: base 8,000.00 → 6,000.00 at 16 % and 8 % gives 320.00 + 26.88 + 160.00 + 13.44
= 520.32.

R1 (税票退费): a paid record is given back whole.

R3: the account (name, bank, 6–32 digits), the 退费原因 and 退费申请理由, the handler (name, ID
type, ID number — a 居民身份证 with its check digit — and a mobile phone number).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .ids import InvalidIdError, check_resident_id
from .money import CENT, ZERO, AmountError, charge, parse_amount, parse_money
from .pay import fold_account, is_account
from .region import RegionProfile
from .text import check_text
from .vocab import ID_TYPES, REFUND_CAUSES, PaidLineKind

NOTHING_TICKED = "请勾选需要退费的缴款记录。"
NO_BASE = "请填写调整后缴费基数：{key}"
BASE_NOT_LOWER = "调整后缴费基数应低于原缴费基数：{key}"
LATE_FEE_ALONE = "滞纳金须与对应的费款一并勾选：{key}"
NOT_REFUNDABLE = "该缴款记录已申请退费或不存在，不能重复退费：{key}"
EXCEEDS_PAID = "退费金额不能超过已缴金额（{key}：已缴{paid}元，已退{refunded}元）"
TOTAL_CHANGED = "退费金额合计已变化（现为{total}元），请重新查询后提交"
BASE_FIELD = "调整后缴费基数"

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
RESIDENT_ID = "201"


class RefundError(ValueError):
    """A refund application that cannot be sent, with the Chinese message and the field (or
    line key) it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- R2 amounts ---------------------------------------------------------------------------------

def parse_base(text: Any, key: str = "", *, typed: bool = True) -> Decimal:
    """调整后缴费基数: as a user typed it (``parse_money``: "6,000" is 6000.00) or, on the wire
    (``typed`` False), by the one amount rule (``parse_amount``)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise RefundError(NO_BASE.format(key=key), key)
    try:
        return parse_money(text, BASE_FIELD) if typed else parse_amount(text, BASE_FIELD)
    except AmountError as exc:
        raise RefundError(str(exc), key) from None


def due_on(line: Any, adjusted_base: Decimal, region: RegionProfile) -> Decimal:
    """What a fee line (a ``PaidLine`` or its dict) owes on ``adjusted_base``: clamped to the
    floor and cap of its year, at the rate it was paid at; a fixed item its paid amount."""
    rate = _get(line, "rate")
    if not rate:
        return _money(_get(line, "paid"))
    base = region.clamp(adjusted_base, _get(line, "period_from"), _get(line, "type_code") or None)
    return charge(base, rate)


def fee_refund(line: Any, adjusted_base: Decimal, region: RegionProfile) -> Decimal:
    """``paid − due(adjusted base)`` of one fee line (0 or less: nothing to give back)."""
    return _money(_get(line, "paid")) - due_on(line, adjusted_base, region)


def late_fee_refund(late_paid: Decimal, fee_refunded: Decimal, fee_paid: Decimal) -> Decimal:
    """The late fee given back in proportion to its fee's refund, half-up."""
    if fee_paid <= ZERO or fee_refunded <= ZERO:
        return ZERO
    return half_up(_money(late_paid) * fee_refunded / fee_paid)


@dataclass(frozen=True)
class Amount:
    """One ticked line's refund (``adjusted_base`` None for a late fee)."""

    key: str
    kind: str
    paid: Decimal
    adjusted_base: Decimal | None
    amount: Decimal


def employee_refund(lines: Iterable[Any], bases: Mapping[str, Any],
                    region: RegionProfile, *, typed: bool = True) -> list[Amount]:
    """R2: the refund of every ticked paid line (``lines``: ``PaidLine``s or their dicts, the
    ticked ones; ``bases``: fee key → adjusted base as typed or Decimal). Raises
    :class:`RefundError` for nothing ticked, a missing or unreadable base, a base not below the
    paid one (nothing to give back), a late fee without its fee line, a line already taken."""
    ticked = list(lines)
    if not ticked:
        raise RefundError(NOTHING_TICKED)
    fees: dict[str, Amount] = {}
    by_key = {_get(ln, "key"): ln for ln in ticked}
    out: list[Amount] = []
    for ln in ticked:
        key = _get(ln, "key")
        if not _get(ln, "refundable") or _money(_get(ln, "refunded")) > ZERO:
            raise RefundError(NOT_REFUNDABLE.format(key=key), key)
        if _get(ln, "kind") != PaidLineKind.FEE:
            continue
        base = bases.get(key)
        adjusted = base if isinstance(base, Decimal) else parse_base(base, key, typed=typed)
        amount = fee_refund(ln, adjusted, region)
        if amount <= ZERO:
            raise RefundError(BASE_NOT_LOWER.format(key=key), key)
        fees[key] = Amount(key, PaidLineKind.FEE, _money(_get(ln, "paid")), adjusted, amount)
    for ln in ticked:
        key = _get(ln, "key")
        if _get(ln, "kind") == PaidLineKind.FEE:
            out.append(fees[key])
            continue
        fee = fees.get(_get(ln, "fee_key") or "")
        if fee is None or _get(ln, "fee_key") not in by_key:
            raise RefundError(LATE_FEE_ALONE.format(key=key), key)
        paid = _money(_get(ln, "paid"))
        out.append(Amount(key, PaidLineKind.LATE_FEE, paid, None,
                          late_fee_refund(paid, fee.amount, fee.paid)))
    return out


def total(amounts: Iterable[Amount]) -> Decimal:
    return sum((a.amount for a in amounts), ZERO)


def check_total(computed: Decimal, given: Any) -> Decimal:
    """The total the caller saw must be the one computed now."""
    try:
        value = parse_amount(given, "退费金额合计（total）")
    except AmountError as exc:
        raise RefundError(str(exc), "total") from None
    if value != computed:
        raise RefundError(TOTAL_CHANGED.format(total=f"{computed:,.2f}"), "total")
    return value


# -- R3 fields ----------------------------------------------------------------------------------

REQUIRED = (("account.name", "请填写退费银行账户名称"), ("account.bank", "请选择退费银行"),
            ("account.account", "请填写退费银行账户"), ("cause", "请选择退费原因"),
            ("explanation", "请填写退费申请理由"), ("handler.name", "请填写办理人姓名"),
            ("handler.id_type", "请选择身份证件类型"), ("handler.id_number", "请填写证件号码"),
            ("handler.phone", "请填写联系电话"))
FIELD_NAMES = {"account.name": "退费银行账户名称", "account.bank": "退费银行",
               "account.account": "退费银行账户", "cause": "退费原因", "explanation": "退费申请理由",
               "handler.name": "办理人姓名", "handler.id_type": "身份证件类型",
               "handler.id_number": "证件号码", "handler.phone": "联系电话"}
BAD_ACCOUNT = "退费银行账户应为6至32位数字"
BAD_CAUSE = "退费原因应为：" + "、".join(REFUND_CAUSES)
BAD_ID_TYPE = "身份证件类型不正确"
BAD_ID = "办理人证件号码有误：{why}"
BAD_PHONE = "联系电话应为11位手机号码"


def _field(form: Mapping[str, Any], path: str) -> str:
    value: Any = form
    for part in path.split("."):
        value = (value or {}).get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return "" if value is None else str(value).strip()


def check_application(form: Mapping[str, Any]) -> dict[str, Any]:
    """R3: the application's account, cause, explanation and handler, cleaned (stripped; the
    account and phone without inner spaces; an ID number upper-case), or the first
    :class:`RefundError` (``field`` its path, e.g. ``handler.id_number``), in the form's order.

    ``form``: ``{"cause", "explanation", "account": {"name", "bank", "account"}, "handler":
    {"name", "id_type", "id_number", "phone"}}``."""
    for path, message in REQUIRED:
        value = _field(form, path)
        if not value:
            raise RefundError(message, path)
        try:
            check_text(value, FIELD_NAMES[path])
        except ValueError as exc:
            raise RefundError(str(exc), path) from None
    account = fold_account(_field(form, "account.account"))
    if not is_account(account):
        raise RefundError(BAD_ACCOUNT, "account.account")
    cause = _field(form, "cause")
    if cause not in REFUND_CAUSES:
        raise RefundError(BAD_CAUSE, "cause")
    id_type = _field(form, "handler.id_type")
    if id_type not in ID_TYPES:
        id_type = next((code for code, word in ID_TYPES.items() if word == id_type), "")
        if not id_type:
            raise RefundError(BAD_ID_TYPE, "handler.id_type")
    id_number = _field(form, "handler.id_number").replace(" ", "").upper()
    if id_type == RESIDENT_ID:
        try:
            id_number = check_resident_id(id_number)
        except InvalidIdError as exc:
            raise RefundError(BAD_ID.format(why=exc), "handler.id_number") from None
    phone = _field(form, "handler.phone").replace(" ", "").replace("-", "")
    if not MOBILE.match(phone):
        raise RefundError(BAD_PHONE, "handler.phone")
    return {"cause": cause, "explanation": _field(form, "explanation"),
            "account": {"name": _field(form, "account.name"), "bank": _field(form, "account.bank"),
                        "account": account},
            "handler": {"name": _field(form, "handler.name"), "id_type": id_type,
                        "id_number": id_number, "phone": phone}}
