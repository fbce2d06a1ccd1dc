"""One month parser (sbtui.domain.period): every place that reads a month — the CLI options and
screens (domain.wages.parse_month), the wage spreadsheet, the store's 本月更新数据 filter, the
sandbox's wire checks — accepts and refuses the same forms, each with its own message."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from sbtui.domain.period import Period
from sbtui.domain.wages import MONTH_BAD
from sbtui.domain.wages import parse_month as typed_month
from sbtui.remote.sandbox.dues import _check_month
from sbtui.remote.sandbox.errors import ApiError
from sbtui.remote.sandbox.wages import _month as wire_wage_month
from sbtui.xlsx.wages import parse_month as cell_month

TYPED = ["2026-01", "2026-1", "2026/01", "2026/1", "2026.01", "202601", "2026年1月", "2026年01月",
         " 2026-01 ", "２０２６－０１", 202601]
REFUSED = ["2026", "2026-13", "2026-00", "26-01", "2026-001", "20261", "2026-01-15", "abc",
           "2026--01", "1899-12", "2100-01", 2026, 20260115, True]


@pytest.mark.parametrize("value", TYPED, ids=str)
def test_what_users_type_is_read_the_same_everywhere(value):
    assert typed_month(value) == cell_month(value) == "2026-01"


@pytest.mark.parametrize("value", REFUSED, ids=str)
def test_what_is_refused_everywhere(value):
    with pytest.raises(ValueError, match=MONTH_BAD):
        typed_month(value)
    with pytest.raises(ValueError):
        cell_month(value)
    if isinstance(value, str):
        with pytest.raises(ValueError):
            Period.parse(value)


def test_a_spreadsheet_date_is_its_month():
    assert cell_month(date(2026, 1, 31)) == cell_month(datetime(2026, 1, 1, 8)) == "2026-01"


def test_empty_is_no_month_where_a_month_is_optional():
    assert typed_month("") is None and typed_month(None) is None and typed_month("  ") is None


@pytest.mark.parametrize("text", ["2026-01", " 2026-01"])
def test_the_wire_takes_the_canonical_form(text):
    assert wire_wage_month(text) == "2026-01"
    assert _check_month("费款所属期", text) == "2026-01"


@pytest.mark.parametrize("text", ["2026-1", "202601", "2026/01", "2026年1月", "1899-12", "2026-13"])
def test_the_wire_refuses_the_typed_forms(text):
    assert wire_wage_month(text) is None
    with pytest.raises(ApiError) as e:
        _check_month("费款所属期", text)
    assert e.value.message == "费款所属期格式有误，应为YYYY-MM"
