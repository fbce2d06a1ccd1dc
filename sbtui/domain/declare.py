"""Fee declaration rules on the client (SPEC D3–D6, D9): tick units, totals, offsets, the
refusals made before anything is asked, the submit confirms and the per-unit summary. Pure.

A *line* is a dues line as a mapping (the store's dicts: money as text) or a
:class:`~sbtui.domain.models.DueLine`; the optional ``offset`` / ``remark`` are the local edits.

- **Ticks** (D3): every line of one tick is declared together — a collection notice's (or a
  special due's, a project's) items of one unit number + serial; tax lines of one unit number +
  period range + 征收项目 (the insurance type: its unit and individual parts). Several unit
  numbers are submitted separately (one declaration each).
- **Offsets** (D5): 0 ≤ offset ≤ the line's 最大可抵缴金额 (and, when the unit's credit for the
  item is known, ≤ what the other lines of that unit + item leave of it).
- **Blocking** refusals: nothing ticked; an expired special / project line (D9); a tick only
  partly ticked.
- **Confirms** (D6), in order: (1) always; (2) a tax line's headcount below the unit's insured
  headcount of that type; (3) a daily declaration with tax lines while an earlier period of
  the same unit number has an undeclared tax line that is not ticked. Special and project
  declarations: (1) only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .catalogue import catalogue
from .models import due_key, due_tick
from .money import ZERO, AmountError, parse_money, to_money
from .text import TextError, check_text
from .vocab import DeclarationStatus, DueStatus, PaymentStatus

# Sources each kind of declaration takes (SPEC D6, D9, D10).
KIND_SOURCES: dict[str, tuple[str, ...]] = {
    "daily": ("tax", "collection"),
    "special": ("special",),
    "project": ("project",),
}
INITIAL = DueStatus.INITIAL
REMARK_MAX = 100  # characters of a special due's remark (SPEC D9)

# The official words (manual 000 §3.1–3.2, 001 §2.2).
CHECK_REVIEW = "请核对缴费人数，如需做职工减员操作，请先去相关部门办理减员后再进行社保费申报"
CHECK_HEADCOUNT = "申报的应申报信息总人数与该单位实际参保总人数不一致，请确认是否继续申报"
CHECK_HISTORY = "该单位存在历史属期未申报数据，请确认是否继续申报"
OFFSET_OVER_MAX = "抵缴金额超出可抵缴金额上限（最大可抵缴金额{max}元）"
OFFSET_NEGATIVE = "抵缴金额不能小于0"
EXPIRED = "已超过征集有效日期，不能申报"
TICK_INCOMPLETE = "相同勾选项的应缴信息必须一起提交申报"
NOTHING_TICKED = "请勾选需要申报的应缴信息"
NOT_OPEN = "该应缴信息已申报或不存在"
REMARK_TOO_LONG = f"备注不能超过{REMARK_MAX}个字"


class DeclareError(ValueError):
    """A declaration step refused; ``message`` (also ``str()``) is the Chinese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _get(line: Any, name: str, default: Any = None) -> Any:
    if isinstance(line, Mapping):
        return line.get(name, default)
    return getattr(line, name, default)


def _money(value: Any) -> Decimal:
    if value is None or value == "":
        return ZERO
    return to_money(value if isinstance(value, (Decimal, int)) else str(value))


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# -- lines --------------------------------------------------------------------------------------

def key_of(line: Any) -> str:
    return _get(line, "key") or due_key(_get(line, "source"), _get(line, "unit_number"),
                                        _get(line, "period_from"), _get(line, "item"),
                                        _get(line, "serial"))


def tick_of(line: Any) -> str:
    """The line's D3 tick unit (its ``tick``, or :func:`due_tick` of its fields)."""
    return _get(line, "tick") or due_tick(_get(line, "source"), _get(line, "unit_number"),
                                          _get(line, "period_from"), _get(line, "period_to"),
                                          _get(line, "type_code") or "", _get(line, "serial"))


def payable(line: Any) -> Decimal:
    """应补(退)费额 = 应缴费额 − 减免金额."""
    return _money(_get(line, "due")) - _money(_get(line, "reduction"))


def offset(line: Any) -> Decimal:
    return _money(_get(line, "offset"))


def actual(line: Any) -> Decimal:
    """实际缴纳 = 应补(退)费额 − 抵缴金额."""
    return payable(line) - offset(line)


def is_expired(line: Any, today: date) -> bool:
    """A special or project line past its 征集有效日期 (the day itself is still in time, D9)."""
    if _get(line, "source") not in ("special", "project"):
        return False
    until = _day(_get(line, "valid_until"))
    return until is not None and today > until


def ticks(lines: Iterable[Any]) -> dict[str, list[Any]]:
    """SPEC D3: the lines grouped by tick unit, ticks and lines in first-seen order."""
    out: dict[str, list[Any]] = {}
    for line in lines:
        out.setdefault(tick_of(line), []).append(line)
    return out


def by_unit(lines: Iterable[Any]) -> dict[str, list[Any]]:
    """The lines per unit number (first-seen order): one declaration each (D3)."""
    out: dict[str, list[Any]] = {}
    for line in lines:
        out.setdefault(_get(line, "unit_number"), []).append(line)
    return out


def tick_label(line: Any) -> str:
    """How a tick is named to the user: unit number and serial, or unit number, period range
    and 征收项目."""
    unit = _get(line, "unit_number")
    if _get(line, "source") == "tax":
        code = _get(line, "type_code") or ""
        types = catalogue().types
        project = types[code].project if code in types else code
        span = _get(line, "period_from")
        if _get(line, "period_to") != span:
            span = f"{span}至{_get(line, 'period_to')}"
        return f"单位编号{unit} 费款所属期{span} {project}"
    return f"单位编号{unit} 征集通知流水号{_get(line, 'serial')}"


# -- totals ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    """What a selection adds up to (D4): line and tick counts, 缴费人数 (:func:`headcount`), 缴费基数合计, 应缴费额合计, 抵缴金额, 实际缴纳, 滞纳金."""

    lines: int
    ticks: int
    headcount: int
    base_total: Decimal
    due_total: Decimal
    offset_total: Decimal
    actual_total: Decimal
    late_fee_total: Decimal


def headcount(lines: Iterable[Any]) -> int:
    """缴费人数 of a selection: per unit number and period range the largest headcount among its
    tax lines (the unit and individual parts of a type count the same people once), summed.
    1,605 people's 110-u and 110-p of one month → 1,605, not 3,210."""
    most: dict[tuple[str, str, str], int] = {}
    for r in lines:
        if _get(r, "source") != "tax" or _get(r, "headcount") is None:
            continue
        at = (_get(r, "unit_number"), _get(r, "period_from"), _get(r, "period_to"))
        most[at] = max(most.get(at, 0), int(_get(r, "headcount")))
    return sum(most.values())


def totals(lines: Iterable[Any]) -> Totals:
    rows = list(lines)
    return Totals(
        lines=len(rows),
        ticks=len(ticks(rows)),
        headcount=headcount(rows),
        base_total=sum((_money(_get(r, "base_total")) for r in rows), ZERO),
        due_total=sum((_money(_get(r, "due")) for r in rows), ZERO),
        offset_total=sum((offset(r) for r in rows), ZERO),
        actual_total=sum((actual(r) for r in rows), ZERO),
        late_fee_total=sum((_money(_get(r, "late_fee")) for r in rows), ZERO),
    )


@dataclass(frozen=True)
class UnitSummary:
    """One unit number's part of the 提交申报确认 summary: one declaration."""

    unit_number: str
    agency: str
    lines: int
    ticks: int
    base_total: Decimal
    due_total: Decimal
    offset_total: Decimal
    actual_total: Decimal


def summary(lines: Iterable[Any]) -> list[UnitSummary]:
    out = []
    for unit, rows in by_unit(lines).items():
        t = totals(rows)
        out.append(UnitSummary(unit, _get(rows[0], "agency") or "", t.lines, t.ticks, t.base_total,
                               t.due_total, t.offset_total, t.actual_total))
    return out


# -- offsets and remarks (D5, D9) -----------------------------------------------------------------

def offset_limit(line: Any, credit_left: Decimal | None = None) -> Decimal:
    """The most that may be offset on ``line``: its 最大可抵缴金额 (never above its payable),
    and at most ``credit_left`` (what the unit + item credit leaves after the other lines)."""
    limit = min(_money(_get(line, "max_offset")), max(payable(line), ZERO))
    if credit_left is not None:
        limit = min(limit, max(credit_left, ZERO))
    return limit


def parse_offset(text: Any, limit: Decimal) -> Decimal:
    """An offset typed by the user, checked against ``limit`` (D5); blank is 0.00. Raises
    :class:`DeclareError` with the reason."""
    if text is None or str(text).strip() == "":
        return ZERO
    try:
        amount = parse_money(text if isinstance(text, (str, Decimal, int)) else str(text), "抵缴金额")
    except AmountError as exc:  # the one amount rule (issue 14)
        raise DeclareError(OFFSET_NEGATIVE if exc.kind == "negative" else str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise DeclareError(str(exc)) from None
    if amount < 0:
        raise DeclareError(OFFSET_NEGATIVE)
    if amount > limit:
        raise DeclareError(OFFSET_OVER_MAX.format(max=f"{limit:.2f}"))
    return amount


def check_remark(text: str | None) -> str:
    """A line's 备注 (D9): at most :data:`REMARK_MAX` characters, trimmed."""
    value = (text or "").strip()
    if len(value) > REMARK_MAX:
        raise DeclareError(REMARK_TOO_LONG)
    try:  # the service's text rule (issue 14 finding 4)
        return check_text(value, "备注")
    except TextError as exc:
        raise DeclareError(str(exc)) from None


# -- refusals and confirms (D3, D6, D9) ------------------------------------------------------------

def blocking(selected: Iterable[Any], today: date, *,
             open_lines: Iterable[Any] | None = None) -> list[str]:
    """Why the ticked lines cannot be submitted at all, before any confirm: nothing ticked, a
    line not 初始, an expired special / project line (one message per serial), a tick only
    partly ticked. A tick's lines are those of ``open_lines`` with its tick, or else each
    line's ``tick_keys`` (as :meth:`sbtui.services.declarations.DeclarationsService.open_lines`
    gives them)."""
    rows = list(selected)
    if not rows:
        return [NOTHING_TICKED]
    out: list[str] = []
    for r in rows:
        status = _get(r, "status")
        if status and status != INITIAL:
            out.append(f"{_get(r, 'item_name') or key_of(r)}（{tick_label(r)}）：{NOT_OPEN}")
    seen: set[str] = set()
    for r in rows:
        if is_expired(r, today) and _get(r, "serial") not in seen:
            seen.add(_get(r, "serial"))
            out.append(f"征集通知流水号{_get(r, 'serial')}{EXPIRED}")
    chosen = {key_of(r) for r in rows}
    universe: dict[str, list[str]] | None = None
    if open_lines is not None:
        universe = {tick: [key_of(x) for x in xs] for tick, xs in ticks(open_lines).items()}
    for tick, members in ticks(rows).items():
        if universe is not None:
            expected = universe.get(tick, [])
        else:
            expected = list(_get(members[0], "tick_keys") or [])
        missing = [k for k in expected if k not in chosen]
        if missing:
            out.append(f"{TICK_INCOMPLETE}（{tick_label(members[0])}，还有{len(missing)}条未勾选）")
    return out


def submit_checks(kind: str, selected: Iterable[Any], open_lines: Iterable[Any],
                  insured: Mapping[tuple[str, str], int]) -> list[str]:
    """SPEC D6: the confirms to ask, in order, with the official texts.

    ``open_lines``: every line still open (初始, not held) of the kind's sources, ticked or
    not; ``insured``: (unit number, type code) → insured headcount (normal employees
    registered under the unit number for the type)."""
    out = [CHECK_REVIEW]
    if kind != "daily":
        return out
    rows = list(selected)
    tax = [r for r in rows if _get(r, "source") == "tax"]
    if not tax:
        return out
    if any(_get(r, "headcount") is not None
           and int(_get(r, "headcount")) < insured.get((_get(r, "unit_number"), _get(r, "type_code")), 0)
           for r in tax):
        out.append(CHECK_HEADCOUNT)
    chosen = {key_of(r) for r in rows}
    latest: dict[str, str] = {}
    for r in tax:
        unit = _get(r, "unit_number")
        latest[unit] = max(latest.get(unit, ""), _get(r, "period_from"))
    for r in open_lines:
        unit = _get(r, "unit_number")
        if (_get(r, "source") == "tax" and unit in latest and key_of(r) not in chosen
                and (_get(r, "status") or INITIAL) == INITIAL and _get(r, "period_from") < latest[unit]):
            out.append(CHECK_HISTORY)
            break
    return out


# -- what is sent and kept -----------------------------------------------------------------------

def wire_lines(lines: Iterable[Any]) -> list[dict[str, str]]:
    """The ``lines`` of a ``declaration.submit`` body: key, offset (``"0.00"``), remark."""
    return [{"key": key_of(r), "offset": f"{offset(r):.2f}", "remark": _get(r, "remark") or ""}
            for r in lines]


def _text(value: Any) -> Any:
    return None if value is None or value == "" else str(value)


def declaration_line(n: int, line: Any) -> dict[str, Any]:
    """A dues line as a :class:`~sbtui.domain.models.DeclarationLine` document (money as text):
    what a declaration not yet answered shows."""
    code = _get(line, "type_code") or ""
    types = catalogue().types
    return {
        "n": n, "key": key_of(line), "source": _get(line, "source"), "serial": _get(line, "serial"),
        "unit_number": _get(line, "unit_number"), "agency": _get(line, "agency") or "",
        "period_from": _get(line, "period_from"), "period_to": _get(line, "period_to"),
        "item": _get(line, "item"), "item_name": _get(line, "item_name"), "type_code": code,
        "type_name": types[code].project if code in types else "",
        "headcount": _get(line, "headcount"), "wage_total": _text(_get(line, "wage_total")),
        "base_total": _text(_get(line, "base_total")), "rate": _get(line, "rate"),
        "fixed": _text(_get(line, "fixed")), "due": f"{_money(_get(line, 'due')):.2f}",
        "reduction": f"{_money(_get(line, 'reduction')):.2f}", "payable": f"{payable(line):.2f}",
        "offset": f"{offset(line):.2f}", "actual": f"{actual(line):.2f}",
        "remark": _get(line, "remark") or "", "project_id": _get(line, "project_id"),
    }


def draft_declaration(ident: str, kind: str, lines: list[Any], submitted_at: str) -> dict[str, Any]:
    """The :class:`~sbtui.domain.models.Declaration` document of a declaration queued here and
    not answered yet (status 待发送 is the store's; the document says 申报中)."""
    t = totals(lines)
    return {
        "id": ident, "kind": kind, "unit_number": _get(lines[0], "unit_number"),
        "agency": _get(lines[0], "agency") or "", "status": DeclarationStatus.PROCESSING, "submitted_at": submitted_at,
        "feedback_at": None, "decided_at": None, "message": None, "line_count": t.lines,
        "headcount": t.headcount, "base_total": f"{t.base_total:.2f}", "due_total": f"{t.due_total:.2f}",
        "offset_total": f"{t.offset_total:.2f}", "actual_total": f"{t.actual_total:.2f}",
        "paid": "0.00", "payment_status": PaymentStatus.UNPAID, "voided_at": None,
        "lines": [declaration_line(n, r) for n, r in enumerate(lines, 1)],
    }
