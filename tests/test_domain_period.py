"""Periods (SPEC §0 属期 YYYY-MM) and wage-history closing (SPEC W9)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from sbtui.domain.period import (OPEN_END, Period, PeriodError, add_months, check_span, close_periods,
                                 covering, month_index, month_of, month_text, months_between, period_range)

P = Period.parse


@pytest.mark.parametrize("text", ["2024-01", "2024-1", "202401", "2024/01", "2024/1", " 2024-01 ",
                                  "２０２４－０１", "2024年1月", "2024年01月", "2024.01", "2024.1",
                                  "2024 - 1", "2024年1"])
def test_period_parse_accepted_forms(text):
    assert Period.parse(text) == Period(2024, 1)


@pytest.mark.parametrize("text", ["", "2024", "2024-13", "2024-00", "24-01", "2024-001", "20241",
                                  "2024-01-15", "abc", "2024--01", "1899-12", "2100-01", "2024,01",
                                  "2024年13月", "1月2024"])
def test_period_parse_rejects_with_chinese_message(text):
    with pytest.raises(PeriodError) as e:
        Period.parse(text)
    assert "年" in str(e.value) or "月" in str(e.value)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("text, ok", [("2024-01", True), (" 2024-12 ", True), ("2024-1", False),
                                      ("202401", False), ("2024/01", False), ("2024年1月", False),
                                      ("２０２４-０１", False), ("1899-12", False), ("2024-13", False)])
def test_period_parse_strict_is_the_wire_form(text, ok):
    if ok:
        assert str(Period.parse(text, strict=True)) == text.strip()
    else:
        with pytest.raises(PeriodError, match="年"):
            Period.parse(text, strict=True)


def test_fast_forms_agree_with_period():
    for p in (Period(1901, 2), Period(2023, 12), Period(2024, 1), Period(2099, 11)):
        assert month_index(str(p)) == p.index and month_text(p.index) == str(p)
        assert add_months(str(p), -13) == str(p - 13) and add_months(str(p), 1) == str(p + 1)
    assert month_of(date(2024, 2, 29)) == str(Period.of(date(2024, 2, 29))) == "2024-02"


def test_period_parse_type_error():
    with pytest.raises(TypeError):
        Period.parse(202401)  # type: ignore[arg-type]


def test_period_str_and_compact():
    assert str(Period(2024, 1)) == "2024-01"
    assert Period(2024, 11).compact == "202411"
    assert str(OPEN_END) == "2099-12"
    assert Period.parse(str(Period(2023, 9))) == Period(2023, 9)


def test_period_coerce():
    assert Period.coerce(202402) == Period(2024, 2)
    assert Period.coerce("2024-02") == Period(2024, 2)
    assert Period.coerce(date(2024, 2, 29)) == Period(2024, 2)
    assert Period.coerce(datetime(2024, 2, 1, 12)) == Period(2024, 2)
    p = Period(2024, 2)
    assert Period.coerce(p) is p
    with pytest.raises(TypeError):
        Period.coerce(2024.02)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Period.coerce(True)  # type: ignore[arg-type]


def test_period_constructor_validates():
    with pytest.raises(PeriodError):
        Period(2024, 13)
    with pytest.raises(PeriodError):
        Period(2024, 0)
    with pytest.raises(TypeError):
        Period("2024", 1)  # type: ignore[arg-type]


def test_period_is_frozen_hashable_and_ordered():
    a, b = Period(2023, 12), Period(2024, 1)
    assert a < b and b > a and a <= a
    assert sorted([b, OPEN_END, a]) == [a, b, OPEN_END]
    assert len({a, Period(2023, 12), b}) == 2
    with pytest.raises(Exception):
        a.year = 2020  # type: ignore[misc]


def test_period_arithmetic():
    p = Period(2024, 1)
    assert p + 1 == Period(2024, 2)
    assert p + 12 == Period(2025, 1)
    assert p - 1 == Period(2023, 12)
    assert p - 13 == Period(2022, 12)
    assert 2 + p == Period(2024, 3)
    assert Period(2024, 3) - Period(2023, 12) == 3
    assert Period(2023, 12) - Period(2024, 3) == -3
    assert months_between("2024-01", "2024-12") == 11
    with pytest.raises(PeriodError):
        OPEN_END + 1


def test_period_range_inclusive():
    got = list(Period.range(Period(2023, 11), Period(2024, 2)))
    assert [str(p) for p in got] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert list(Period.range(Period(2024, 1), Period(2024, 1))) == [Period(2024, 1)]
    assert list(Period.range(Period(2024, 2), Period(2024, 1))) == []
    assert period_range("2024-01", "2024-03") == [Period(2024, 1), Period(2024, 2), Period(2024, 3)]


def test_period_of_and_days():
    assert Period.of(date(2024, 2, 17)) == Period(2024, 2)
    assert Period(2024, 2).first_day == date(2024, 2, 1)
    assert Period(2024, 2).last_day == date(2024, 2, 29)
    assert Period(2023, 2).last_day == date(2023, 2, 28)
    assert OPEN_END.last_day == date(2099, 12, 31)
    assert Period(2024, 2).contains(date(2024, 2, 29))


def test_period_open_end():
    assert OPEN_END == Period(2099, 12)
    assert OPEN_END.is_open_end
    assert not Period(2099, 11).is_open_end


def test_period_check_span():
    assert check_span("2024-01") == (Period(2024, 1), OPEN_END)
    assert check_span("2024-01", "") == (Period(2024, 1), OPEN_END)
    assert check_span("202401", "202406") == (Period(2024, 1), Period(2024, 6))
    with pytest.raises(PeriodError, match="不能早于"):
        check_span("2024-06", "2024-01")


# --- SPEC W9 --------------------------------------------------------------------------------

def test_w9_close_periods_manual_000_s5_3_example():
    """Manual 000 §5.3: 4,000 from 2023-09 (open) then 8,888 from 2024-01 → 2023-09…2023-12."""
    history = [(P("2023-09"), OPEN_END)]
    assert close_periods(history, P("2024-01")) == [(P("2023-09"), P("2023-12"))]


def test_w9_close_periods_removes_periods_starting_at_or_after_m():
    history = [(P("2023-01"), P("2023-12")), (P("2024-01"), P("2024-05")), (P("2024-06"), OPEN_END)]
    assert close_periods(history, P("2024-01")) == [(P("2023-01"), P("2023-12"))]
    assert close_periods(history, P("2024-03")) == [(P("2023-01"), P("2023-12")), (P("2024-01"), P("2024-02"))]


def test_w9_close_periods_new_from_equal_to_open_start_replaces_it():
    assert close_periods([(P("2024-01"), OPEN_END)], P("2024-01")) == []


def test_w9_close_periods_keeps_earlier_periods_and_sorts():
    history = [(P("2024-01"), OPEN_END), (P("2022-01"), P("2023-12"))]
    assert close_periods(history, P("2024-07")) == [(P("2022-01"), P("2023-12")), (P("2024-01"), P("2024-06"))]


def test_w9_close_periods_back_payment_span_splits():
    """A 补缴 wage with an explicit end: the old wage resumes after it."""
    history = [(P("2023-01"), OPEN_END)]
    assert close_periods(history, P("2023-03"), P("2023-05")) == [
        (P("2023-01"), P("2023-02")), (P("2023-06"), OPEN_END)]


def test_w9_close_periods_rejects_bad_spans():
    with pytest.raises(PeriodError):
        close_periods([], P("2024-05"), P("2024-01"))
    with pytest.raises(PeriodError):
        close_periods([(P("2024-05"), P("2024-01"))], P("2024-06"))


def test_period_covering():
    history = [(P("2023-01"), P("2023-12")), (P("2024-01"), OPEN_END)]
    assert covering(history, P("2023-06")) == 0
    assert covering(history, P("2030-01")) == 1
    assert covering(history, P("2022-12")) is None
