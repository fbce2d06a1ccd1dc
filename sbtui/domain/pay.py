"""费款缴纳 and 三方协议 (SPEC P1–P4, A1, D12; issue 12): the pure rules the client applies
before it asks the service — totals of ticked pay lines, grouping by declaration, the checks of
a payment and of an agreement form. No IO."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sbtui.domain.models import PayLine
from sbtui.domain.money import AmountError, parse_money
from sbtui.domain.text import TextError, check_text

CENT = Decimal("0.01")
NOTHING_TICKED = "请勾选需要缴费的记录"
LINE_GONE = "所选缴费信息不存在、已缴费或正在缴费，请刷新后重试：{key}"
TOTAL_CHANGED = "应缴金额已变化（现为{total}元），请刷新后重新缴费"
BAD_TOTAL = "缴费金额格式不正确：{text}"
TOTAL_FIELD = "缴费金额"
NO_AGREEMENT = "请选择验证通过的三方协议"
AGREEMENT_NOT_VERIFIED = "三方协议{id}未验证通过或已终止，不能用于缴费"
CONFIRM = "扣款前请确认扣费险种、金额是否正确"
ONE_BATCH = ("单位允许银行代扣的协议只有一个，若已签订允许银行代扣的协议，需要变更原协议的批扣标志，"
             "或将原协议作废处理。")


class PaymentError(Exception):
    """A payment or agreement the client refuses before asking the service; ``str()`` is the
    Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PayTotals:
    """合计 of ticked pay lines: how many, 应缴 (dues), 滞纳金, and 合计 (what is debited)."""

    count: int
    amount: Decimal
    late_fee: Decimal
    total: Decimal


def totals(lines: Iterable[PayLine]) -> PayTotals:
    rows = list(lines)
    amount = sum((ln.amount for ln in rows), Decimal("0.00")).quantize(CENT)
    late = sum((ln.late_fee for ln in rows), Decimal("0.00")).quantize(CENT)
    return PayTotals(len(rows), amount, late, (amount + late).quantize(CENT))


def by_declaration(lines: Iterable[PayLine]) -> dict[str, list[PayLine]]:
    """The lines per declaration (the tick unit of 缴费), in first-seen order."""
    out: dict[str, list[PayLine]] = {}
    for ln in lines:
        out.setdefault(ln.declaration_id, []).append(ln)
    return out


def parse_total(text: Any) -> Decimal:
    """An amount as typed or passed (``"1,234.50"``, Decimal) → Decimal with two places, by the
    one amount rule (:func:`sbtui.domain.money.parse_money`: thousands separators, ``¥`` and
    ``元`` are typing aids; NaN, exponents, signs, full-width digits are refused — issue 14)."""
    try:
        if isinstance(text, str):
            return parse_money(text.replace("，", ","), TOTAL_FIELD)
        return parse_money(text, TOTAL_FIELD)
    except AmountError as exc:  # its message names 缴费金额 and says why
        raise PaymentError(str(exc)) from None
    except TypeError:  # a float or another type from code
        raise PaymentError(BAD_TOTAL.format(text=text)) from None


def pick(lines: Iterable[PayLine], keys: Iterable[str]) -> list[PayLine]:
    """The pay lines of ``keys`` (in the list's order); PaymentError when none is given or one
    is not in the list (paid, on a voucher, being paid)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        raise PaymentError(NOTHING_TICKED)
    rows = list(lines)
    known = {ln.key for ln in rows}
    for key in wanted:
        if key not in known:
            raise PaymentError(LINE_GONE.format(key=key))
    chosen = set(wanted)
    return [ln for ln in rows if ln.key in chosen]


def check_total(lines: Iterable[PayLine], total: Any) -> Decimal:
    """The total the payer confirmed must be the lines' 合计 (D12: the late fee of the day)."""
    expected = totals(lines).total
    given = parse_total(total)
    if given != expected:
        raise PaymentError(TOTAL_CHANGED.format(total=f"{expected:,.2f}"))
    return expected


# -- 三方协议 (A1) ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AgreementForm:
    """What 新增 / 修改 三方协议 sends (the wire body of ``agreement.add`` / ``modify``)."""

    bank: str  # 银行行别
    branch: str  # 开户网点
    account_name: str  # 账户名称
    account: str  # 缴费账号
    tax_authority: str = ""  # 所属税务机关 (default: the employer's)
    region: str = ""  # 行政区划 code (default: the employer's)
    batch: bool = False  # 费批扣

    @classmethod
    def of(cls, form: AgreementForm | Mapping[str, Any]) -> AgreementForm:
        if isinstance(form, AgreementForm):
            return form
        names = {f.name for f in fields(cls)}
        unknown = set(form) - names
        if unknown:
            raise PaymentError(f"三方协议没有该项：{'、'.join(sorted(unknown))}")
        return cls(**{k: v for k, v in form.items() if k in names})

    def body(self) -> dict[str, Any]:
        return {"batch": bool(self.batch), "tax_authority": self.tax_authority, "region": self.region,
                "bank": self.bank, "branch": self.branch, "account_name": self.account_name,
                "account": self.account}


REQUIRED = (("tax_authority", "所属税务机关"), ("region", "行政区划"), ("bank", "银行行别"),
            ("branch", "开户网点"), ("account_name", "账户名称"), ("account", "缴费账号"))


ACCOUNT_DIGITS = re.compile(r"[0-9]{6,32}")  # ASCII only: ``\\d`` would take ٥ and other digit sets
BAD_ACCOUNT = "缴费账号只能包含数字（6–32位）"


def fold_account(text: str) -> str:
    """A typed account number as the bank reads it: full-width digits folded, spaces and
    hyphens dropped (``6222 0202`` and ``６２２２`` are the same account)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "").replace("-", "")


def is_account(text: str) -> bool:
    """The one account-number rule of client and service: 6 to 32 ASCII digits."""
    return ACCOUNT_DIGITS.fullmatch(text) is not None


def clean_account(text: str) -> str:
    """``text`` folded (:func:`fold_account`), or a PaymentError naming the rule."""
    account = fold_account(text)
    if not is_account(account):
        raise PaymentError(BAD_ACCOUNT)
    return account


def clean_form(form: AgreementForm) -> AgreementForm:
    """Spaces trimmed (the account number's inner spaces too, full-width digits folded); a
    PaymentError "请输入X" for a blank field, "缴费账号只能包含数字" for a bad account."""
    values = {f.name: getattr(form, f.name) for f in fields(form)}
    for name, _title in REQUIRED:
        values[name] = str(values[name] or "").strip()
    values["account"] = fold_account(values["account"])
    for name, title in REQUIRED:
        if not values[name]:
            raise PaymentError(f"请输入{title}")
        try:  # the service's text rule (issue 14 finding 4)
            check_text(values[name], title)
        except TextError as exc:
            raise PaymentError(str(exc)) from None
    if not is_account(values["account"]):
        raise PaymentError(BAD_ACCOUNT)
    if len(values["account_name"]) > 100:
        raise PaymentError("账户名称不能超过100个字符")
    values["batch"] = bool(values["batch"])
    return AgreementForm(**values)
