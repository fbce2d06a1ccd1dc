"""Collection deadline (SPEC H3: the 20th of the period's month, moved past weekends and
holidays) and the late fee (SPEC D12)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain.deadline import (CALENDAR_YEARS, collection_deadline, days_late, is_overdue, is_workday,
                                   late_fee, next_workday)
from sbtui.domain.period import Period
from sbtui.domain.region import load_region

NM = load_region("nm")


def test_h3_deadline_on_a_working_20th():
    assert collection_deadline(Period(2024, 1), NM) == date(2024, 1, 22)  # 2024-01-20 is a Saturday
    assert collection_deadline(Period(2024, 3), NM) == date(2024, 3, 20)  # a Wednesday
    assert collection_deadline("2025-10", NM) == date(2025, 10, 20)  # Monday; Golden Week is over


def test_h3_deadline_sunday_moves_to_monday():
    assert date(2024, 10, 20).weekday() == 6
    assert collection_deadline(Period(2024, 10), NM) == date(2024, 10, 21)


def test_h3_deadline_moves_past_golden_week_2025():
    """2025-10-01 … 10-08 is the National Day + Mid-Autumn holiday."""
    assert collection_deadline(Period(2025, 10), 1) == date(2025, 10, 9)
    assert collection_deadline(Period(2025, 10), 5) == date(2025, 10, 9)
    assert not is_workday(date(2025, 10, 8))


def test_h3_adjusted_working_weekend_counts_as_workday():
    """2024-02-18 (Sunday) was a working day (调休 after the Spring Festival, 02-10 … 02-17)."""
    assert is_workday(date(2024, 2, 18))
    assert collection_deadline(Period(2024, 2), 10) == date(2024, 2, 18)
    assert collection_deadline(Period(2025, 9), 28) == date(2025, 9, 28)  # Sunday, 调休 workday


def test_h3_deadline_outside_calendar_data_skips_weekends_only():
    assert collection_deadline(Period(2030, 3), NM) == date(2030, 3, 20)  # a Wednesday
    assert collection_deadline(Period(2030, 10), NM) == date(2030, 10, 21)  # 10-20 is a Sunday
    assert next_workday(date(2030, 1, 5)) == date(2030, 1, 7)


def test_h3_years_without_calendar_data_count_weekends_only():
    """Before and after chinese_calendar's data, New Year's Day and National Day are working
    days when they fall on a weekday; inside it they are holidays."""
    first, last = CALENDAR_YEARS[0], CALENDAR_YEARS[-1]
    assert first == 2004 and last >= 2025
    assert not is_workday(date(2004, 1, 1))  # Thursday, 元旦, in the data
    assert is_workday(date(2003, 1, 1)) and is_workday(date(2003, 10, 1))  # Wednesdays
    assert not is_workday(date(2003, 10, 4)) and not is_workday(date(2003, 10, 5))
    after = next(date(y, 10, 1) for y in range(last + 1, last + 8) if date(y, 10, 1).weekday() < 5)
    assert is_workday(after)  # 国庆节 on a weekday, no data: a working day
    assert next_workday(date(2003, 10, 4)) == date(2003, 10, 6)


def test_h3_is_overdue():
    p = Period(2024, 10)  # deadline 2024-10-21
    assert not is_overdue(p, date(2024, 10, 20), NM)
    assert not is_overdue(p, date(2024, 10, 21), NM)
    assert is_overdue(p, date(2024, 10, 22), NM)
    assert is_overdue("2024-09", date(2024, 10, 1), NM)


def test_d12_days_late_and_late_fee():
    p = Period(2024, 3)  # deadline 2024-03-20
    assert days_late(p, date(2024, 3, 20), NM) == 0
    assert days_late(p, date(2024, 3, 30), NM) == 10
    assert late_fee(Decimal("1422.08"), 10) == Decimal("7.11")  # 7.1104
    assert late_fee("17.78", 1) == Decimal("0.01")  # 0.00889
    assert late_fee("1000", 0) == Decimal("0.00")
    assert late_fee("1000.00", 3) == Decimal("1.50")
    with pytest.raises(ValueError):
        late_fee("1", -1)
    with pytest.raises(TypeError):
        late_fee(1.0, 1)
