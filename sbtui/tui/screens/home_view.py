"""What the home page shows, made from the service layer's home summary (no Textual here).

:func:`view_of` turns the summary into rows for the three lists and the 消息中心 count, keeping
only what the role may see: a 缴费 user (manual 000 §1.5) sees the payment functions only —
the quick button 缴费, the deadline, 通知公告 and 消息中心, the 待办事项 of what there is to pay
(issue 12), no 异常提醒.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sbtui.domain.vocab import Role

# Which screen Enter on a row opens, by the row's kind (SPEC H2, H3).
TARGETS = {
    "tax_generated": "declare.daily",  # 税务生成的未申报待申报信息
    "unpaid": "pay",  # 欠费信息已经生成，可以缴费
    "collection": "declare.special",  # 人社征集和特殊缴费的未申报信息
    "special": "declare.special",
    "empty_wage": "wages.declare",  # 缴费工资为空的职工
    "undeclared_periods": "declare.daily",
    "overdue": "pay",
    "overdue_unpaid": "pay",  # 已超过缴款期限未缴费的申报记录, with the late fee
}
PAY_KINDS = {"unpaid"}  # the to-do a 缴费 user sees (SPEC P5)


@dataclass(frozen=True)
class Row:
    text: str
    kind: str = ""
    target: str | None = None
    ref: Any = None  # the notice / message itself


@dataclass
class HomeView:
    """``None`` for a part the service could not give; ``reasons`` says why."""

    todo: list[Row] | None = field(default_factory=list)
    alerts: list[Row] | None = field(default_factory=list)
    notices: list[Row] | None = field(default_factory=list)
    messages: list[Row] | None = field(default_factory=list)
    deadline: date | None = None
    deadline_moved: bool = False
    staff: bool = True  # False for a 缴费 user: no 待办事项 / 异常提醒 panels
    reasons: dict[str, str] = field(default_factory=dict)

    @classmethod
    def unavailable(cls, reason: str = "") -> "HomeView":
        parts = ("todo", "alerts", "notices", "messages")
        return cls(todo=None, alerts=None, notices=None, messages=None,
                   reasons={p: reason for p in parts})


def value_of(obj: Any, name: str, default: Any = None) -> Any:
    """``obj.name`` or ``obj[name]``: the summary's parts are models, test doubles dicts."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _rows(items: Any) -> list[Row] | None:
    if items is None:
        return None
    rows = []
    for item in items:
        kind = value_of(item, "kind", "") or ""
        text = value_of(item, "text") or str(item)
        # a list line drops its closing 。 (most lines then fit 80 columns); the full text is
        # what the explanation shows
        rows.append(Row(text=text.removesuffix("。"), kind=kind, target=TARGETS.get(kind),
                        ref=item))
    return rows


def _notes(items: Any) -> list[Row] | None:
    if items is None:
        return None
    return [Row(text=f"{value_of(n, 'date', '')}  {value_of(n, 'title', '')}", kind="notice", ref=n)
            for n in items]


def view_of(summary: Any, role: str) -> HomeView:
    """The rows of :class:`sbtui.services.home.HomeSummary` that ``role`` sees."""
    from sbtui.services.home import DEFAULT_DEADLINE_DAY

    deadline = value_of(summary, "deadline")
    staff = role != Role.PAY
    return HomeView(
        todo=_rows(value_of(summary, "todo")) if staff else _rows(
            [t for t in value_of(summary, "todo") or [] if value_of(t, "kind") in PAY_KINDS]),
        alerts=_rows(value_of(summary, "alerts")) if staff else [],
        notices=_notes(value_of(summary, "notices")),
        messages=_notes(value_of(summary, "messages")),
        deadline=deadline,
        deadline_moved=deadline is not None and deadline.day != DEFAULT_DEADLINE_DAY,
        staff=staff,
        reasons=dict(value_of(summary, "unavailable", None) or {}),
    )
