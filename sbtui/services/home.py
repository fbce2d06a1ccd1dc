"""首页 (SPEC H2–H5, §12): the home page's data for the TUI's home screen and ``sbtui home``,
and its settings. No Textual.

:meth:`HomeService.summary` combines:

- 待办事项 (H2): the service's to-do (``GET /home/todo``);
- 异常提醒 (H3), computed here: employees with an empty wage for an insured type (from the
  local store: works offline), undeclared dues of several periods and overdue dues (from the
  to-do and the collection deadline);
- 通知公告 and 消息中心 (H4);
- this month's collection deadline: the 20th (the region profile's day) moved past weekends and
  holidays (SPEC §12);
- the quick buttons (H5) from ``config.json``.

A part that needs the service and cannot be had (offline, session expired, no permission) is
named in ``unavailable`` with the reason; everything else is still there. A 缴费 (``pay``) user
sees no employee alert and not the service's to-do (the service refuses it the to-do and the
registry; the manual's home page of such a user shows the payment functions only): its to-do is
what there is to pay, from the pay list as last synced; it does see the notices and messages.
The others' alerts include the overdue unpaid declarations with their late fee (issue 12).
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.deadline import collection_deadline
from sbtui.domain.employees import empty_wage_types_of
from sbtui.domain.models import Message, Notice, PayLine, TodoItem
from sbtui.domain.money import format_money, total
from sbtui.domain.period import Period
from sbtui.domain.region import RegionNotFound, load_region
from sbtui.domain.vocab import EVERYONE, STAFF, EmployeeStatus, Role
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.area import new_key

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store import Store

DEFAULT_DEADLINE_DAY = 20  # SPEC H3, when the region profile cannot be read
EXAMPLES = 3  # names shown in an alert

# SPEC H5: action id -> (label, roles that may use it). The TUI maps ids to its screens.
QUICK_ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "declare.daily": ("日常申报", STAFF),
    "declare.special": ("特殊缴费申报", STAFF),
    "pay": ("缴费", EVERYONE),
    "certificate": ("完税证明开具", STAFF),
    "wages.declare": ("缴费工资申报", STAFF),
    "employees": ("职工参保信息管理", STAFF),
    "query.dues": ("社保费应缴信息查询", STAFF),
    "refund": ("退费申请", STAFF),
}
OFFLINE = "无法连接服务，仅显示本地数据"


@dataclass(frozen=True)
class QuickButton:
    id: str
    label: str


@dataclass(frozen=True)
class Alert:
    """One 异常提醒 (SPEC H3)."""

    kind: str  # "empty_wage" | "undeclared_periods" | "overdue"
    text: str
    count: int
    examples: tuple[str, ...] = ()


@dataclass
class HomeSummary:
    uscc: str
    name: str | None
    today: date
    deadline: date  # this month's collection deadline
    role: str | None  # None: not known (offline, not logged in)
    todo: list[TodoItem] | None = None  # None: unavailable, see ``unavailable``
    alerts: list[Alert] = field(default_factory=list)
    notices: list[Notice] | None = None
    messages: list[Message] | None = None
    quick_buttons: list[QuickButton] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)  # part -> why

    @property
    def unread(self) -> int:
        return sum(not m.read for m in self.messages or ())


def deadline_day(region_id: str | None) -> int:
    try:
        return load_region(region_id).deadline_day if region_id else DEFAULT_DEADLINE_DAY
    except RegionNotFound:
        return DEFAULT_DEADLINE_DAY


def quick_buttons(action_ids: list[str], role: str | None) -> list[QuickButton]:
    """The configured buttons the role may use (unknown ids are skipped)."""
    out = []
    for a in action_ids:
        label, roles = QUICK_ACTIONS.get(a, ("", frozenset()))
        if label and (role is None or role in roles):
            out.append(QuickButton(a, label))
    return out


def empty_wage_alert(store: Store, period: Period | str) -> Alert | None:
    """H3 a: employees with no wage for an insured type in ``period`` (local store)."""
    names: list[str] = []
    count = 0
    for _id, name, status, insured, wages in store.registry.wage_rows(status=EmployeeStatus.NORMAL):
        if empty_wage_types_of(status, insured, wages, period):
            count += 1
            if len(names) < EXAMPLES:
                names.append(name)
    if not count:
        return None
    more = "等" if count > len(names) else ""
    return Alert("empty_wage", f"存在{count}名缴费工资为空的职工（{'、'.join(names)}{more}），"
                 f"需要为其申报缴费工资。", count, tuple(names))


def period_alerts(todo: list[TodoItem], today: date, day: int) -> list[Alert]:
    """H3 b: a unit number with undeclared dues of several periods; H3 c: dues past their
    collection deadline (the 20th moved past holidays), i.e. overdue."""
    by_unit: dict[str, list[str]] = defaultdict(list)
    overdue = 0
    late: dict[str, date] = {}  # period -> its deadline, for the overdue ones
    for item in todo:
        if item.kind not in ("tax_generated", "unpaid") or not item.period:
            continue
        if item.kind == "tax_generated" and item.unit_number:
            by_unit[item.unit_number].append(item.period)
        due = collection_deadline(item.period, day)
        if today > due:
            overdue += 1
            late[item.period] = due
    alerts = [Alert("undeclared_periods",
                    f"单位编号{unit}存在{len(periods)}个属期（{'、'.join(sorted(periods))}）的待申报"
                    f"未申报信息，可能超出申报期限，请尽快申报。", len(periods), tuple(sorted(periods)))
              for unit, periods in sorted(by_unit.items()) if len(periods) > 1]
    if overdue:
        shown = tuple(f"{p}属期，缴费期限{late[p]:%Y-%m-%d}" for p in sorted(late))
        alerts.append(Alert("overdue", f"存在{overdue}条已超出缴费期限的欠费信息（{'；'.join(shown)}），"
                            f"需要及时缴费。", overdue, shown))
    return alerts


def pay_parts(lines: list[PayLine]) -> tuple[TodoItem | None, Alert | None]:
    """From the pay list as last synced (SPEC H2, H3, D12, issue 12): the 待办 of declared unpaid
    dues — how many declarations, what they come to with their late fees, how many of them are
    overdue — and the 异常提醒 of the overdue ones with their late fee (as of the list's day)."""
    if not lines:
        return None, None
    declarations = {ln.declaration_id for ln in lines}
    amount = total([ln.amount for ln in lines] + [ln.late_fee for ln in lines])
    late = [ln for ln in lines if ln.days_late > 0 or ln.late_fee > 0]
    late_decls = {ln.declaration_id for ln in late}
    late_fee = total([ln.late_fee for ln in late])
    as_of = max(ln.as_of for ln in lines)
    text = f"存在{len(declarations)}条申报成功且未缴费的记录（含滞纳金合计{format_money(amount)}元）"
    if late_decls:
        text += f"，其中{len(late_decls)}条已超过缴款期限，滞纳金{format_money(late_fee)}元"
    todo = TodoItem(kind="unpaid", text=text + "，请及时缴费。", count=len(declarations), amount=amount)
    if not late_decls:
        return todo, None
    deadlines = sorted({ln.deadline for ln in late})
    shown = tuple(f"缴款期限{d:%Y-%m-%d}" for d in deadlines[:EXAMPLES])
    alert = Alert("overdue_unpaid",
                  f"存在{len(late_decls)}条已超过缴款期限未缴费的申报记录（{'；'.join(shown)}），"
                  f"滞纳金合计{format_money(late_fee)}元（计至{as_of:%Y-%m-%d}，每日加收万分之五），需要及时缴费。",
                  len(late_decls), shown)
    return todo, alert


def _reason(exc: ServiceError) -> str:
    return OFFLINE if isinstance(exc, OfflineError) else exc.message


class HomeService:
    """首页 of one employer (``ws.employer(uscc).home``)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    async def summary(self, *, today: date | None = None, online: bool = True) -> HomeSummary:
        """The home page on ``today`` (default: today in China). With ``online`` false, or
        when the service cannot be reached, the service's parts are marked unavailable and the
        local alerts are still computed."""
        area, store = self.area, self.store
        today = today or clock.today()
        day = deadline_day(store.meta_get("region") or area.config.region)
        session = area.session()
        role = session.role if session is not None and session.uscc == area.uscc else None
        summary = HomeSummary(uscc=area.uscc, name=store.meta_get("name"), today=today,
                              deadline=collection_deadline(Period(today.year, today.month), day),
                              role=role, quick_buttons=quick_buttons(area.config.quick_buttons, role))
        staff = role != Role.PAY
        # the empty-wage scan reads every local row (~1 s at 100,000): in a thread, while the
        # service's parts are fetched
        scan = (asyncio.ensure_future(asyncio.to_thread(empty_wage_alert, store, Period(today.year, today.month)))
                if staff else None)
        await self._fetch(summary, staff=staff, online=online)
        if scan is not None:
            alert = await scan
            summary.alerts += [alert] if alert else []
        if summary.todo is not None:
            summary.alerts += period_alerts(summary.todo, today, day)
        unpaid, overdue = pay_parts(store.payments.due_lines())
        if staff:
            summary.alerts += [overdue] if overdue else []
        else:  # a 缴费 user's to-do: what there is to pay (the service's to-do is not theirs)
            summary.todo = [unpaid] if unpaid else []
        return summary

    async def _fetch(self, summary: HomeSummary, *, staff: bool, online: bool) -> None:
        parts = ["notices", "messages"] + (["todo"] if staff else [])
        if not online:
            summary.unavailable.update({p: OFFLINE for p in parts})
            return
        service = self.area.remote()
        calls: dict[str, Any] = {"notices": service.notices, "messages": service.messages,
                                 "todo": service.home_todo}
        results = await asyncio.gather(*(calls[p]() for p in parts), return_exceptions=True)
        for part, result in zip(parts, results):
            if isinstance(result, ServiceError):
                summary.unavailable[part] = _reason(result)
            elif isinstance(result, BaseException):
                raise result
            elif part == "notices":
                summary.notices = [n for n in result if n.kind == "notice"]
            else:
                setattr(summary, part, result)

    async def mark_message_read(self, message_id: str) -> Message:
        """Mark a 消息中心 message read (SPEC H4); any role."""
        return await self.area.remote().mark_message_read(message_id, key=new_key())
