"""Wage declaration rules (SPEC W2–W6): parsing the edit grid's cells, the binding groups,
the row checks, back payments and the 按比率 / 按固定金额 rules. Pure: no IO.

A row's *items* map an insurance type code to ``(wage, from, to)``: the 新缴费工资 (``Decimal``,
canonical text such as ``"8888.00"``, or ``None`` = not declared), 生效年月起 and 生效年月止
(``"YYYY-MM"`` or ``None``; an empty 止 means open, ``2099-12``). The three fields are named
``"wage"``, ``"from"`` and ``"to"`` (:data:`FIELDS`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Literal

from .catalogue import catalogue
from .money import CENT, AmountError, amount_value, parse_money
from .period import Period, PeriodError

FIELDS = ("wage", "from", "to")
Field = Literal["wage", "from", "to"]
Item = tuple[Any, Any, Any]  # (wage, from, to)
Rule = tuple[Literal["ratio", "fixed"], Decimal]

BACK_PAYMENT_WARNING = "调整缴费工资时，若生效月份早于当前月份将产生补缴信息，请确认！"
WAGE_NOT_POSITIVE = "缴费工资必须大于0"
WAGE_BAD = "缴费工资格式有误"
MONTH_BAD = "生效年月格式应为YYYY-MM"
NO_WAGE = "没有可申报的缴费工资"
OPEN_TO = "2099-12"


# -- cells ----------------------------------------------------------------------------------

def _blank(text: Any) -> bool:
    return text is None or (isinstance(text, str) and not text.strip())


def parse_wage(text: str | int | Decimal | None) -> Decimal | None:
    """A 新缴费工资 cell: empty → ``None`` (not declared, SPEC W5); ``"8,888.00"`` / ``"8888"``
    → ``Decimal("8888.00")``. ``ValueError("缴费工资必须大于0")`` for 0 or less,
    ``ValueError("缴费工资格式有误")`` for anything else that is not a wage (not a number, more
    than two decimals, a float)."""
    if _blank(text):
        return None
    if isinstance(text, (float, bool)):
        raise ValueError(WAGE_BAD)
    try:
        wage = parse_money(text, "缴费工资")  # type: ignore[arg-type]
    except AmountError as exc:  # the one amount rule (issue 14)
        if exc.kind == "negative":
            raise ValueError(WAGE_NOT_POSITIVE) from None
        if exc.kind == "too_big":
            raise ValueError(str(exc)) from None
        raise ValueError(WAGE_BAD) from None
    except (ValueError, TypeError):
        raise ValueError(WAGE_BAD) from None
    if wage <= 0:
        raise ValueError(WAGE_NOT_POSITIVE)
    return wage


def wage_text(wage: Decimal | str | None) -> str | None:
    """The canonical text of a wage (``"8888.00"``), ``None`` for none."""
    if wage is None:
        return None
    return str(Decimal(wage).quantize(CENT, rounding=ROUND_HALF_UP))


def parse_month(text: str | int | None) -> str | None:
    """A 生效年月 cell: empty → ``None``; ``"2026-01"``, ``"2026-1"``, ``"2026/1"``, ``"202601"``,
    ``"2026年1月"`` → ``"2026-01"``; otherwise ``ValueError("生效年月格式应为YYYY-MM")``."""
    if _blank(text):
        return None
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValueError(MONTH_BAD)
    try:
        return str(Period.coerce(text.strip() if isinstance(text, str) else text))
    except (PeriodError, ValueError, TypeError):
        raise ValueError(MONTH_BAD) from None


def parse_cell(field: Field, text: Any) -> str | None:
    """A cell of ``field`` as the store keeps it: canonical wage text or ``YYYY-MM``."""
    if field == "wage":
        return wage_text(parse_wage(text))
    if field in ("from", "to"):
        return parse_month(text)
    raise ValueError(f"未知的字段：{field}")


# -- names ----------------------------------------------------------------------------------

def type_label(code: str) -> str:
    """``"110 企业基本养老保险"`` (SPEC W1), the code alone for an unknown one."""
    t = catalogue().types.get(code)
    return t.label if t else code


def not_insured(code: str) -> str:
    t = catalogue().types.get(code)
    return f"该职工未参保{t.name if t else code}"


# -- binding groups (SPEC W4) ---------------------------------------------------------------

def bound_types(code: str, insured: Iterable[str]) -> list[str]:
    """The types that move together with ``code`` (SPEC W4) among the ``insured`` ones,
    transitively (110 → 210 → 120 when all three are insured), ``code`` itself not included."""
    return list(_bound(code, tuple(sorted(set(insured)))))


@lru_cache(maxsize=1024)
def _bound(code: str, insured: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(catalogue().bound_with(code, list(insured))[1:])


def _item(items: Mapping[str, Item], code: str) -> tuple[Any, Any, Any]:
    value = items.get(code)
    if value is None:
        return (None, None, None)
    wage, start, end = (tuple(value) + (None, None, None))[:3]
    return (wage, start, end)


def propagate(row_items: Mapping[str, Item], code: str, field: Field, value: Any,
              insured: Iterable[str]) -> dict[tuple[str, Field], Any]:
    """Typing ``value`` into ``field`` of ``code``: every cell to set, ``(type, field) → value``.

    The edited type takes the new value; the types bound with it (among ``insured``) take the
    edited type's whole new ``(wage, from, to)``, so the group ends up equal (SPEC W4). Cells
    that already hold their value are included too; the caller keeps what changed."""
    if field not in FIELDS:
        raise ValueError(f"未知的字段：{field}")
    new = list(_item(row_items, code))
    new[FIELDS.index(field)] = value
    out: dict[tuple[str, Field], Any] = {(code, field): value}
    for other in bound_types(code, insured):
        for i, f in enumerate(FIELDS):
            out[(other, f)] = new[i]  # type: ignore[index]
    return out


def _norm(item: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    """An item compared as canonical text; an undeclared type (no wage) is all empty."""
    wage, start, end = item
    if _blank(wage):
        return (None, None, None)
    w = wage if isinstance(wage, str) and len(wage) > 3 and wage[-3] == "." else None
    if w is None:
        try:
            w = str(Decimal(str(wage).replace(",", "")).quantize(CENT))
        except ArithmeticError:
            w = str(wage)
    return (w, None if _blank(start) else str(start),
            None if _blank(end) or end == OPEN_TO else str(end))


def row_problems(items: Mapping[str, Item], insured: Iterable[str]) -> list[str]:
    """Why a row cannot be submitted (or imported), in Chinese; ``[]`` when it can.

    - a value in a type the employee is not insured for: ``该职工未参保工伤保险``;
    - no wage in any type: ``没有可申报的缴费工资``;
    - bound types that differ (SPEC W4): ``110 企业基本养老保险与410 工伤保险不一致（缴费工资）``
      (a type without a wage counts as undeclared, whatever its months);
    - a wage without 生效年月起; a 生效年月止 earlier than the 起."""
    ins = frozenset(insured)
    problems: list[str] = []
    normed: dict[str, tuple[Any, Any, Any]] = {}
    for code in sorted(items):
        item = _item(items, code)
        if code in ins:
            normed[code] = _norm(item)
        elif any(not _blank(v) for v in item):
            problems.append(not_insured(code))
    if not any(v[0] is not None for v in normed.values()):
        problems.append(NO_WAGE)
    empty = (None, None, None)
    for members in _groups_among(ins):
        values = [normed.get(c, empty) for c in members]
        if all(v == values[0] for v in values):
            continue
        labels = [type_label(c) for c in members]
        fields = [name for i, name in enumerate(("缴费工资", "生效年月起", "生效年月止"))
                  if len({v[i] for v in values}) > 1]
        joined = "、".join(labels[:-1]) + "与" + labels[-1]
        problems.append(f"{joined}不一致（{'、'.join(fields)}）")
    for code, (wage, start, end) in sorted(normed.items()):
        if wage is not None and start is None:
            problems.append(f"{type_label(code)}缺少生效年月起")
        if start is not None and end is not None and end < start:
            problems.append(f"{type_label(code)}的生效年月止不能早于生效年月起")
    return problems


def row_clean(items: Mapping[str, Item], insured: frozenset[str]) -> bool:
    """A quick test for rows whose cells are all canonical (wage text ``"8888.00"`` or
    ``None``, months as non-blank text or ``None``): ``True`` only when :func:`row_problems`
    would report nothing but :data:`NO_WAGE`. ``False`` means "ask :func:`row_problems`" (it
    may still find nothing): it never hides a problem, it only spares the full check."""
    empty = (None, None, None)
    normed: dict[str, tuple[Any, Any, Any]] = {}
    for code, value in items.items():
        if type(value) is not tuple or len(value) != 3:
            return False
        wage, start, end = value
        for v in value:
            if v is not None and (type(v) is not str or not v or v.strip() != v):
                return False
        if code not in insured:
            if wage is not None or start is not None or end is not None:
                return False
            continue
        if wage is None:
            normed[code] = empty
            continue
        if len(wage) <= 3 or wage[-3] != ".":
            return False
        if end == OPEN_TO:
            end = None
        if start is None or (end is not None and end < start):
            return False
        normed[code] = (wage, start, end)
    for members in _groups_among(insured):
        first = normed.get(members[0], empty)
        for c in members[1:]:
            if normed.get(c, empty) != first:
                return False
    return True


@lru_cache(maxsize=256)
def _groups_among(insured: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """The binding groups with at least two members among ``insured`` (those members)."""
    out = []
    for group in catalogue().binding_groups:
        members = tuple(c for c in group if c in insured)
        if len(members) >= 2:
            out.append(members)
    return tuple(out)


# -- back payment (SPEC W6) -----------------------------------------------------------------

def back_payment(period_from: str | None, today: date) -> bool:
    """SPEC W6: a 生效年月起 earlier than the month of ``today`` generates back payments."""
    if not period_from:
        return False
    return period_from < f"{today.year:04d}-{today.month:02d}"


def back_payment_types(items: Mapping[str, Item], today: date) -> list[str]:
    """The types of a row whose 生效年月起 (with a wage) is earlier than this month."""
    month = f"{today.year:04d}-{today.month:02d}"
    return sorted(c for c, item in items.items()
                  if item and item[1] and item[0] is not None and item[0] != "" and item[1] < month)


def back_payment_note(codes: Iterable[str]) -> str | None:
    """``"110、410的生效年月起早于当前月份，将产生补缴信息"`` or ``None``."""
    codes = list(codes)
    if not codes:
        return None
    return f"{'、'.join(codes)}的生效年月起早于当前月份，将产生补缴信息"


# -- current wages and the add rules (SPEC W2, W3) -----------------------------------------

def _get(w: Any, key: str) -> Any:
    return w[key] if isinstance(w, Mapping) else getattr(w, key)


def current_wage(wage_periods: Iterable[Any], code: str, month: str, *,
                 latest: bool = False) -> Decimal | None:
    """The wage of type ``code`` in force in ``month`` (the latest-starting period covering it),
    from wage periods (``WagePeriod`` models or their documents). With ``latest``, when none
    covers the month, the wage of the latest-starting period of that type. ``None``: no wage."""
    covering: tuple[str, Any] | None = None
    last: tuple[str, Any] | None = None
    for w in wage_periods:
        if _get(w, "type") != code:
            continue
        start = str(_get(w, "period_from"))
        end = str(_get(w, "period_to") or OPEN_TO)
        wage = _get(w, "wage")
        if start <= month <= end and (covering is None or start >= covering[0]):
            covering = (start, wage)
        if last is None or start >= last[0]:
            last = (start, wage)
    found = covering or (last if latest else None)
    return None if found is None else Decimal(str(found[1])).quantize(CENT)


RATIO_BAD = "比率格式有误：“{text}”，应为半角数字的百分数，例如 103.5（最多4位整数、4位小数）"
_RATIO_RE = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,4})?")


def parse_ratio(number: Any) -> Decimal:
    """按比率's percent (``"103.5"``, ``"103.5%"``, ``Decimal("103.5")``) by the same kind of
    rule as amounts (issue 14 finding 6): ASCII digits, at most 4 integer digits and 4
    decimals, no sign, no exponent, no NaN/Infinity; above 0. ``ValueError`` in Chinese."""
    if isinstance(number, (float, bool)):
        raise ValueError(RATIO_BAD.format(text=number))
    if isinstance(number, Decimal):
        text = format(number, "f") if number.is_finite() else str(number)
    elif isinstance(number, (str, int)):
        text = str(number).strip()
        if text.endswith("%"):
            text = text[:-1].rstrip()
    else:
        raise ValueError(RATIO_BAD.format(text=number))
    if _RATIO_RE.fullmatch(text) is None:
        raise ValueError(RATIO_BAD.format(text=number))
    pct = Decimal(text)
    if pct <= 0:
        raise ValueError("比率必须大于0")
    return pct


def check_rule(rule: Rule) -> Rule:
    """``("ratio", pct)`` (percent, > 0) or ``("fixed", amount)`` (a wage > 0), as Decimals;
    ``ValueError`` in Chinese otherwise. Text is accepted for the number."""
    try:
        kind, number = rule
    except (TypeError, ValueError):
        raise ValueError("缴费工资规则应为按比率或按固定金额") from None
    if kind == "ratio":
        return ("ratio", parse_ratio(number))
    if kind == "fixed":
        amount = parse_wage(number)
        if amount is None:
            raise ValueError("固定金额不能为空")
        return ("fixed", amount)
    raise ValueError("缴费工资规则应为按比率或按固定金额")


def apply_rule(current: Decimal | None, rule: Rule) -> Decimal | None:
    """SPEC W3: 按比率 → ``current × pct / 100`` half-up to 0.01 (``None`` stays ``None``);
    按固定金额 → the amount, whatever the current wage. 103.5% of 8888.00 = 9199.08."""
    kind, number = check_rule(rule)
    if kind == "fixed":
        return number
    if current is None:
        return None
    result = (Decimal(current) * number / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    if result <= 0:
        raise ValueError(WAGE_NOT_POSITIVE)
    try:
        return amount_value(result, "按比率计算的缴费工资")
    except AmountError as exc:  # 12 integer digits at most, as every amount (issue 14)
        raise ValueError(str(exc)) from None


def month_span(period_from: Any, period_to: Any = None) -> tuple[str, str | None]:
    """生效年月起 (required) and 止 (optional) of an add dialog, checked."""
    start = parse_month(period_from)
    if start is None:
        raise ValueError("生效年月起不能为空")
    end = parse_month(period_to)
    if end is not None and end < start:
        raise ValueError("生效年月止不能早于生效年月起")
    return start, end
