"""Pure helpers over :class:`~sbtui.domain.models.Employee` and its wages (SPEC E1, H3, W4,
W5, W9)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .catalogue import catalogue
from .models import Employee, WagePeriod
from .money import AmountError, format_money, parse_money
from .period import OPEN_END, Period, PeriodError, close_periods
from .vocab import EmployeeStatus

_STOPPED = EmployeeStatus.STOPPED  # bound once: the home page's alert compares it 100,000 times


class WageError(ValueError):
    """A wage cell that cannot be used (SPEC W5); ``str()`` is the Chinese message."""


def check_wage(text: str | int | Decimal | None) -> Decimal | None:
    """SPEC W5: an empty cell means "not declared for this type" → ``None``; ``0`` or a
    negative wage is an error (:class:`WageError`); otherwise the wage as money."""
    if text is None:
        return None
    if isinstance(text, str) and not text.strip():
        return None
    try:
        wage = parse_money(text)  # type: ignore[arg-type]
    except AmountError as e:  # the one amount rule (issue 14)
        if e.kind == "negative":
            raise WageError(f"缴费工资必须大于0，当前为{text}") from None
        raise WageError(f"缴费工资格式不正确：{e}") from None
    except ValueError as e:
        raise WageError(f"缴费工资格式不正确：{e}") from None
    if wage <= 0:
        raise WageError(f"缴费工资必须大于0，当前为{format_money(wage)}")
    return wage


# --- wage history --------------------------------------------------------------------------

def _span(w: WagePeriod) -> tuple[Period, Period]:
    return Period.parse(w.period_from), Period.parse(w.period_to or str(OPEN_END))


def wage_history(employee: Employee, type_code: str) -> list[WagePeriod]:
    """The employee's wage periods of one type, oldest first."""
    return sorted((w for w in employee.wages if w.type == type_code), key=lambda w: _span(w))


def current_wage_period(employee: Employee, type_code: str, period: Period | str) -> WagePeriod | None:
    """The wage period of that type covering ``period`` (the latest-starting one should
    several overlap), or ``None``."""
    p = Period.coerce(period)
    best: WagePeriod | None = None
    for w in employee.wages:
        if w.type != type_code:
            continue
        start, end = _span(w)
        if start <= p <= end and (best is None or start >= _span(best)[0]):
            best = w
    return best


def current_wage(employee: Employee, type_code: str, period: Period | str) -> Decimal | None:
    """The contribution wage of that type in force in ``period``, or ``None``."""
    w = current_wage_period(employee, type_code, period)
    return None if w is None else w.wage


def empty_wage_types(employee: Employee, period: Period | str) -> list[str]:
    """Insured types with no wage covering ``period`` — the SPEC H3 alert
    ("存在缴费工资为空的职工", also W2). A stopped employee (停止缴费) pays nothing, so has none."""
    if employee.status == _STOPPED:
        return []
    return [t for t in employee.insured_types if current_wage(employee, t, period) is None]


def empty_wage_types_of(status: str, insured: Iterable[str], wages: Iterable[Mapping[str, Any]],
                        period: Period | str) -> list[str]:
    """:func:`empty_wage_types` over an employee's stored parts — its status, insured type codes
    and wage documents (``WagePeriodDoc``, whose periods are ``YYYY-MM`` text and so compare as
    text) — without building the model: the home page's alert (SPEC H3) runs it over the whole
    local registry, ~20× faster than validating 100,000 models."""
    if status == _STOPPED:
        return []
    p = str(Period.coerce(period))
    end = str(OPEN_END)
    covered = {w["type"] for w in wages if w["period_from"] <= p <= (w.get("period_to") or end)}
    return [t for t in insured if t not in covered]


def apply_wage_period(wages: Iterable[WagePeriod], new: WagePeriod) -> list[WagePeriod]:
    """SPEC W9: the wages after accepting ``new``. Periods of the same type that overlap the
    new span are closed at its start − 1 (the open one, ``…–2099-12``, is the usual case),
    removed when wholly covered, or resumed after its end (a back-payment span); other types
    are untouched. Sorted by type and start."""
    new_from, new_to = _span(new)
    if new_to < new_from:
        raise PeriodError(f"生效年月止（{new_to}）不能早于生效年月起（{new_from}）")
    out: list[WagePeriod] = []
    for w in wages:
        if w.type != new.type:
            out.append(w)
            continue
        for start, end in close_periods([_span(w)], new_from, new_to):
            out.append(w.model_copy(update={"period_from": str(start), "period_to": str(end)}))
    out.append(new.model_copy(update={"period_from": str(new_from), "period_to": str(new_to)}))
    out.sort(key=lambda w: (w.type, _span(w)))
    return out


# --- binding groups (SPEC W4) --------------------------------------------------------------

_FIELDS = ("缴费工资", "生效年月起", "生效年月止")
Entry = tuple[Any, Any, Any]  # (wage, from, to), each may be None / "" when not given


def _norm(entry: Entry | None) -> tuple[Any, Any, Any]:
    if entry is None:
        return (None, None, None)
    wage, start, end = (list(entry) + [None, None, None])[:3]
    empty = lambda v: v is None or (isinstance(v, str) and not v.strip())  # noqa: E731

    def money(v: Any) -> Any:
        if empty(v):
            return None
        try:
            return parse_money(v)
        except (ValueError, TypeError):
            return str(v).strip()

    def month(v: Any) -> Any:
        if empty(v):
            return None
        try:
            return Period.coerce(v)
        except (ValueError, TypeError):
            return str(v).strip()

    w, s, e = money(wage), month(start), month(end)
    if w is None and s is None and e is None:
        return (None, None, None)
    return (w, s, OPEN_END if e is None else e)


def _show(code: str, n: tuple[Any, Any, Any]) -> str:
    t = catalogue().types.get(code)
    label = t.label if t else code
    w, s, e = n
    if w is None and s is None:
        return f"{label}：未填写"
    wage = format_money(w) if isinstance(w, Decimal) else (w or "空")
    return f"{label}：{wage}，{s or '空'}至{e}"


def binding_problems(wages_by_type: Mapping[str, Entry | None], insured: Iterable[str],
                     row: str | None = None) -> list[str]:
    """SPEC W4: within one employee the types of a binding group (among those ``insured``)
    must have the same wage, 生效年月起 and 生效年月止. Returns one Chinese message per set of
    bound types that differ (empty list = fine). ``wages_by_type`` maps a type code to
    ``(wage, from, to)``; a missing type or an all-empty entry means "not declared", which
    differs from a declared partner. ``row`` (e.g. ``"第3行（张三）"``) prefixes each message.
    An empty 生效年月止 equals ``2099-12``; ``8888`` equals ``8,888.00``; ``202401`` equals
    ``2024-01``."""
    cat = catalogue()
    ins = sorted(set(insured))
    seen: set[frozenset[str]] = set()
    problems: list[str] = []
    for code in ins:
        members = cat.bound_with(code, ins)
        group = frozenset(members)
        if len(group) < 2 or group in seen:
            continue
        seen.add(group)
        ordered = sorted(group)
        normed = {c: _norm(wages_by_type.get(c)) for c in ordered}
        values = list(normed.values())
        if all(v == values[0] for v in values):
            continue
        differing = [f for i, f in enumerate(_FIELDS) if len({v[i] for v in values}) > 1]
        names = "、".join(cat.types[c].label if c in cat.types else c for c in ordered)
        detail = "；".join(_show(c, normed[c]) for c in ordered)
        prefix = f"{row}：" if row else ""
        problems.append(f"{prefix}绑定险种{names}的{'、'.join(differing)}不一致（{detail}），"
                        f"请填写相同的缴费工资和生效年月")
    return problems


def bound_fill(code: str, entry: Entry, insured: Iterable[str]) -> dict[str, Entry]:
    """SPEC W4 editing aid: typing ``entry`` into ``code`` sets the same value into every type
    bound with it among ``insured``; returns ``{type: entry}`` for all of them."""
    return {c: entry for c in catalogue().bound_with(code, list(insured))}
