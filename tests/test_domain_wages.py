"""Wage declaration rules (SPEC W2–W6): cells, binding groups, row checks, back payments, rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain import wages as w
from sbtui.domain.models import WagePeriod

ENTERPRISE = ["110", "210", "410"]


# -- cells (W5) ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("8888", Decimal("8888.00")), ("8,888.00", Decimal("8888.00")), (" 8888.5 ", Decimal("8888.50")),
    (Decimal("5666"), Decimal("5666.00")), ("0.01", Decimal("0.01")),
])
def test_parse_wage(text, value):
    assert w.parse_wage(text) == value
    assert w.wage_text(w.parse_wage(text)) == str(value)


@pytest.mark.parametrize("text", ["", "  ", None])
def test_an_empty_wage_is_not_declared(text):
    assert w.parse_wage(text) is None


@pytest.mark.parametrize("text", ["0", "0.00", "-1", "-8,888.00"])
def test_zero_or_negative_wage_is_an_error(text):
    with pytest.raises(ValueError, match="^缴费工资必须大于0$"):
        w.parse_wage(text)


@pytest.mark.parametrize("text", ["abc", "8888.005", "8.8.8", "1e3", 8888.0,
                                  "８８８８", "٥", "+5", "NaN"])  # issue 14 finding 7: the service's rule
def test_malformed_wage(text):
    with pytest.raises(ValueError, match="^缴费工资格式有误$"):
        w.parse_wage(text)


@pytest.mark.parametrize("text, month", [
    ("2026-01", "2026-01"), ("202601", "2026-01"), ("2026/1", "2026-01"), ("2026-1", "2026-01"),
    ("2026年3月", "2026-03"), (202612, "2026-12"), ("", None), (None, None),
    ("2026.01", "2026-01"),  # as the wage spreadsheet has always read it (one parser: domain.period)
])
def test_parse_month(text, month):
    assert w.parse_month(text) == month


@pytest.mark.parametrize("text", ["2026-13", "26-01", "2026,01", "January", "2026-00"])
def test_malformed_month(text):
    with pytest.raises(ValueError, match="^生效年月格式应为YYYY-MM$"):
        w.parse_month(text)


# -- binding (W4) ----------------------------------------------------------------------------

def test_bound_types_among_the_insured_ones():
    assert sorted(w.bound_types("410", ENTERPRISE)) == ["110", "210"]  # via 110
    assert sorted(w.bound_types("110", ENTERPRISE)) == ["210", "410"]
    assert w.bound_types("110", ["110"]) == []
    assert w.bound_types("410", ["410", "210"]) == []  # 110 not insured: no path
    assert sorted(w.bound_types("120", ["120", "130", "210"])) == ["130", "210"]
    assert sorted(w.bound_types("310", ["310", "320", "330", "360"])) == ["320", "360"]  # 330 free


def test_propagate_both_ways():
    row = {"110": ("8888.00", "2026-01", None), "210": ("8888.00", "2026-01", None),
           "410": ("8888.00", "2026-01", None)}
    cells = w.propagate(row, "410", "wage", Decimal("9000.00"), ENTERPRISE)
    assert cells[("410", "wage")] == cells[("110", "wage")] == cells[("210", "wage")] == Decimal("9000.00")
    assert cells[("110", "from")] == "2026-01" and cells[("110", "to")] is None
    cells = w.propagate(row, "110", "from", "2025-07", ENTERPRISE)
    assert {cells[(c, "from")] for c in ENTERPRISE} == {"2025-07"}
    assert {cells[(c, "wage")] for c in ("210", "410")} == {"8888.00"} and ("110", "wage") not in cells


def test_propagate_moves_the_whole_triple_to_partners():
    row = {"110": ("5000.00", "2026-01", None), "410": (None, None, None)}
    cells = w.propagate(row, "110", "to", "2026-12", ["110", "410"])
    assert (cells[("410", "wage")], cells[("410", "from")], cells[("410", "to")]) == ("5000.00", "2026-01", "2026-12")


def test_propagate_clearing_clears_the_group():
    row = {"310": ("6000.00", "2026-01", None), "360": ("6000.00", "2026-01", None),
           "330": ("6000.00", "2026-01", None)}
    cells = w.propagate(row, "360", "wage", None, ["310", "330", "360"])
    assert cells[("310", "wage")] is None and ("330", "wage") not in cells


def test_row_problems_names_the_types():
    ok = {c: ("8888.00", "2026-01", None) for c in ENTERPRISE}
    assert w.row_problems(ok, ENTERPRISE) == []
    bad = {**ok, "410": ("9000.00", "2026-01", None)}
    problems = w.row_problems(bad, ENTERPRISE)
    assert any("110 企业基本养老保险与410 工伤保险不一致" in p for p in problems)
    assert not any("210" in p for p in problems)
    months = {**ok, "210": ("8888.00", "2026-02", None)}
    assert any("110 企业基本养老保险与210 失业保险不一致（生效年月起）" in p
               for p in w.row_problems(months, ENTERPRISE))
    # an empty 止 equals 2099-12; "8888" equals "8888.00"
    assert w.row_problems({**ok, "410": ("8888", "2026-01", "2099-12")}, ENTERPRISE) == []


def test_row_problems_other_checks():
    assert w.row_problems({}, ENTERPRISE) == ["没有可申报的缴费工资"]
    empty = {c: (None, "2026-01", None) for c in ENTERPRISE}
    assert w.row_problems(empty, ENTERPRISE) == ["没有可申报的缴费工资"]
    no_from = {c: ("8888.00", None, None) for c in ENTERPRISE}
    assert "110 企业基本养老保险缺少生效年月起" in w.row_problems(no_from, ENTERPRISE)
    backwards = {c: ("8888.00", "2026-05", "2026-01") for c in ENTERPRISE}
    assert "110 企业基本养老保险的生效年月止不能早于生效年月起" in w.row_problems(backwards, ENTERPRISE)
    foreign = {"110": ("8888.00", "2026-01", None), "310": ("100.00", "2026-01", None)}
    assert "该职工未参保基本医疗保险" in w.row_problems(foreign, ["110"])
    # a declared type beside an undeclared bound partner differs (W4)
    half = {"110": ("8888.00", "2026-01", None), "210": ("8888.00", "2026-01", None)}
    assert any("110 企业基本养老保险与410 工伤保险不一致（缴费工资" in p for p in w.row_problems(half, ENTERPRISE))


# -- back payment (W6) -----------------------------------------------------------------------

def test_back_payment():
    today = date(2026, 3, 15)
    assert w.back_payment("2026-02", today)
    assert not w.back_payment("2026-03", today)
    assert not w.back_payment("2026-04", today)
    assert not w.back_payment(None, today)
    assert w.BACK_PAYMENT_WARNING == "调整缴费工资时，若生效月份早于当前月份将产生补缴信息，请确认！"
    items = {"110": ("8888.00", "2026-01", None), "310": (None, "2025-01", None),
             "410": ("8888.00", "2026-03", None)}
    assert w.back_payment_types(items, today) == ["110"]  # 310 has no wage
    assert w.back_payment_note(["110", "210"]) == "110、210的生效年月起早于当前月份，将产生补缴信息"
    assert w.back_payment_note([]) is None


# -- current wage and rules (W2, W3) ---------------------------------------------------------

def test_current_wage():
    periods = [WagePeriod(type="110", wage="4000", period_from="2023-09", period_to="2023-12"),
               WagePeriod(type="110", wage="8888", period_from="2024-01"),
               {"type": "410", "wage": "5000.5", "period_from": "2024-01", "period_to": "2024-06"}]
    assert w.current_wage(periods, "110", "2023-10") == Decimal("4000.00")
    assert w.current_wage(periods, "110", "2026-01") == Decimal("8888.00")
    assert w.current_wage(periods, "110", "2023-01") is None
    assert w.current_wage(periods, "410", "2026-01") is None
    assert w.current_wage(periods, "410", "2026-01", latest=True) == Decimal("5000.50")
    assert w.current_wage(periods, "210", "2026-01", latest=True) is None


@pytest.mark.parametrize("current, rule, expected", [
    (Decimal("8888.00"), ("ratio", Decimal("103.5")), Decimal("9199.08")),  # 9199.08
    (Decimal("8888.00"), ("ratio", Decimal("100")), Decimal("8888.00")),
    (Decimal("1000.01"), ("ratio", Decimal("50")), Decimal("500.01")),  # 500.005 → half up
    (Decimal("3333.33"), ("ratio", "110%"), Decimal("3666.66")),  # 3666.663
    (Decimal("8888.00"), ("fixed", Decimal("6000")), Decimal("6000.00")),
    (None, ("fixed", "6,000.00"), Decimal("6000.00")),
    (None, ("ratio", Decimal("103.5")), None),
])
def test_apply_rule(current, rule, expected):
    assert w.apply_rule(current, rule) == expected


@pytest.mark.parametrize("rule, message", [
    (("ratio", Decimal("0")), "比率必须大于0"), (("ratio", "x"), "比率格式有误"),
    (("fixed", "0"), "缴费工资必须大于0"), (("fixed", ""), "固定金额不能为空"),
    (("other", 1), "按比率或按固定金额"), (("ratio", 1.5), "比率格式有误"),
])
def test_bad_rules(rule, message):
    with pytest.raises(ValueError, match=message):
        w.apply_rule(Decimal("100"), rule)


def test_month_span():
    assert w.month_span("2026/1") == ("2026-01", None)
    assert w.month_span("2026-01", "2026-12") == ("2026-01", "2026-12")
    with pytest.raises(ValueError, match="不能为空"):
        w.month_span("")
    with pytest.raises(ValueError, match="不能早于"):
        w.month_span("2026-05", "2026-01")
