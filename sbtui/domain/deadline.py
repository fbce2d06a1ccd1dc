"""The collection deadline (征期, SPEC H3) and the late fee (滞纳金, SPEC D12).

SPEC H3 / manual 000 §3.1 note 3: the dues of a period (the current month) are due by the
profile's deadline day — the 20th — *of that same month*; when that day is not a working day
the deadline moves to the next working day ("遇节假日顺延").

"Working day" comes from ``chinese_calendar.is_workday``, which knows the State Council's
holidays *and* the adjusted working weekends (调休: e.g. Sunday 2024-02-18 was a working day).
Outside the years that package has data for (:data:`CALENDAR_YEARS`, the span of its holiday
table, which is what it checks too), only Saturdays and Sundays are skipped.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

import chinese_calendar

from .money import CENT, ZERO, to_money
from .period import Period

LATE_FEE_DAILY_RATE = Decimal("0.0005")  # 0.05 % a day, SPEC D12 (社会保险法 art. 86)

# The years chinese_calendar knows the holidays and 调休 of (2004 … the last published year).
CALENDAR_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


class _HasDeadlineDay(Protocol):
    @property
    def deadline_day(self) -> int: ...


def is_workday(d: date) -> bool:
    """A working day in mainland China: holidays and 调休 from chinese_calendar; weekends only
    for years it has no data for."""
    if d.year in CALENDAR_YEARS:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def next_workday(d: date) -> date:
    """``d`` itself when it is a working day, else the first working day after it."""
    while not is_workday(d):
        d += timedelta(days=1)
    return d


def collection_deadline(period: Period | str, profile: _HasDeadlineDay | int) -> date:
    """The last day to pay the dues of ``period`` without a late fee: the profile's day
    (20th) of the period's month, moved forward past weekends and legal holidays.

    ``profile`` is a :class:`~sbtui.domain.region.RegionProfile` or the day number itself.
    """
    p = Period.coerce(period)
    day = profile if isinstance(profile, int) else profile.deadline_day
    return next_workday(date(p.year, p.month, day))


def is_overdue(period: Period | str, today: date, profile: _HasDeadlineDay | int) -> bool:
    """True once the deadline of the period's dues has passed (the deadline day itself is
    still in time)."""
    return today > collection_deadline(period, profile)


def days_late(period: Period | str, paid_on: date, profile: _HasDeadlineDay | int) -> int:
    """Days from the day after the deadline to ``paid_on``, both included; 0 when in time."""
    return max(0, (paid_on - collection_deadline(period, profile)).days)


def late_fee(amount: str | int | Decimal, days: int) -> Decimal:
    """滞纳金 (SPEC D12): amount × 0.05 % × days, ROUND_HALF_UP to 0.01 once over the whole span.
    1,422.08 unpaid for 10 days → 7.11."""
    if days < 0:
        raise ValueError("days late cannot be negative")
    if days == 0:
        return ZERO
    a = to_money(amount)
    return (a * LATE_FEE_DAILY_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
