"""Employee helpers: current wage, the empty-wage alert (SPEC H3), binding groups (SPEC W4),
wage cells (SPEC W5) and wage history (SPEC W9)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain.employees import (WageError, apply_wage_period, binding_problems, bound_fill,
                                    check_wage, current_wage, current_wage_period, empty_wage_types,
                                    wage_history)
from sbtui.domain.models import Employee, Registration, WagePeriod
from sbtui.domain.period import Period, PeriodError

D = Decimal


def _employee(wages=(), types=("110", "210", "410"), medical=("310", "330"), status="normal"):
    regs = [Registration(unit_number="66259112241843", agency="社会保险事业服务中心(五险)",
                         agency_system="enterprise", person_number="66150602", insurance_types=list(types))]
    if medical:
        regs.append(Registration(unit_number="15060200001", agency="医疗保障事务中心", agency_system="medical",
                                 person_number="M001", insurance_types=list(medical)))
    return Employee(id="e1", name="张无岂", id_number="11010519491231002X", status=status,
                    registrations=regs, wages=list(wages), added_on=date(2024, 1, 1), changed_on=date(2024, 1, 1))


def _w(t, wage, start, end="2099-12"):
    return WagePeriod(type=t, wage=D(wage), period_from=start, period_to=end)


# --- W5 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [None, "", "   "])
def test_w5_empty_wage_is_not_declared(cell):
    assert check_wage(cell) is None


@pytest.mark.parametrize("cell, value", [("8888", "8888.00"), ("8,888.00", "8888.00"), (D("5666"), "5666.00"),
                                         (100, "100.00"), ("0.01", "0.01")])
def test_w5_wage_values(cell, value):
    assert check_wage(cell) == D(value)


@pytest.mark.parametrize("cell", ["0", "0.00", "-1", "-8,888.00", D("0"), 0])
def test_w5_zero_or_negative_wage_is_an_error(cell):
    with pytest.raises(WageError, match="必须大于0"):
        check_wage(cell)


@pytest.mark.parametrize("cell", ["abc", "88.888", "1e3"])
def test_w5_junk_wage_is_an_error(cell):
    with pytest.raises(WageError, match="缴费工资格式不正确"):
        check_wage(cell)


def test_w5_float_wage_refused():
    with pytest.raises(TypeError):
        check_wage(8888.0)  # type: ignore[arg-type]


# --- current wage and H3 alert ----------------------------------------------------------------

def test_current_wage_follows_periods_manual_000_s5_3():
    e = _employee([_w("110", "4000", "2023-09", "2023-12"), _w("110", "8888", "2024-01")])
    assert current_wage(e, "110", "2023-09") == D("4000")
    assert current_wage(e, "110", Period(2023, 12)) == D("4000")
    assert current_wage(e, "110", "2024-01") == D("8888")
    assert current_wage(e, "110", "2099-12") == D("8888")
    assert current_wage(e, "110", "2023-08") is None
    assert current_wage(e, "210", "2024-01") is None
    assert current_wage_period(e, "110", "2024-05").period_from == "2024-01"


def test_current_wage_overlap_prefers_latest_start():
    e = _employee([_w("110", "4000", "2023-01"), _w("110", "5000", "2024-01")])
    assert current_wage(e, "110", "2024-03") == D("5000")
    assert current_wage(e, "110", "2023-03") == D("4000")


def test_h3_empty_wage_types():
    e = _employee([_w("110", "8888", "2024-01"), _w("210", "8888", "2024-01"), _w("410", "8888", "2024-01")])
    assert empty_wage_types(e, "2024-02") == ["310", "330"]
    assert empty_wage_types(e, "2023-12") == ["110", "210", "310", "330", "410"]
    full = _employee([_w(t, "8888", "2024-01") for t in ("110", "210", "310", "330", "410")])
    assert empty_wage_types(full, "2024-02") == []


def test_h3_stopped_employee_has_no_empty_wage_alert():
    assert empty_wage_types(_employee(status="stopped"), "2024-02") == []


def test_wage_history_sorted():
    e = _employee([_w("110", "8888", "2024-01"), _w("210", "1", "2020-01"), _w("110", "4000", "2023-09", "2023-12")])
    assert [w.period_from for w in wage_history(e, "110")] == ["2023-09", "2024-01"]


# --- W9 -------------------------------------------------------------------------------------

def test_w9_apply_wage_closes_the_open_period_manual_000_s5_3():
    wages = [_w("110", "4000", "2023-09"), _w("210", "4000", "2023-09")]
    out = apply_wage_period(wages, _w("110", "8888", "2024-01"))
    assert [(w.type, str(w.wage), w.period_from, w.period_to) for w in out] == [
        ("110", "4000", "2023-09", "2023-12"),
        ("110", "8888", "2024-01", "2099-12"),
        ("210", "4000", "2023-09", "2099-12"),  # another type: untouched
    ]
    assert wages[0].period_to == "2099-12"  # input not mutated


def test_w9_apply_wage_replaces_later_periods_and_normalises_months():
    wages = [_w("110", "4000", "2023-01", "2023-12"), _w("110", "5000", "2024-01", "2024-06"), _w("110", "6000", "2024-07")]
    out = apply_wage_period(wages, WagePeriod(type="110", wage=D("7000"), period_from="202402"))
    assert [(str(w.wage), w.period_from, w.period_to) for w in out] == [
        ("4000", "2023-01", "2023-12"), ("5000", "2024-01", "2024-01"), ("7000", "2024-02", "2099-12")]


def test_w9_apply_back_payment_span_splits_the_open_period():
    out = apply_wage_period([_w("110", "4000", "2023-01")], _w("110", "4500", "2023-03", "2023-05"))
    assert [(str(w.wage), w.period_from, w.period_to) for w in out] == [
        ("4000", "2023-01", "2023-02"), ("4500", "2023-03", "2023-05"), ("4000", "2023-06", "2099-12")]


def test_w9_apply_wage_bad_span():
    with pytest.raises(PeriodError):
        apply_wage_period([], _w("110", "1", "2024-05", "2024-01"))


# --- W4 -------------------------------------------------------------------------------------

INSURED = ["110", "210", "310", "330", "410"]


def test_w4_manual_template_row_is_consistent():
    """Manual 000 §5.1.6: 110/210/410 8888 from 2024-01, 310/330 empty from 2024-02."""
    row = {"110": ("8888", "2024-01", None), "210": ("8888", "2024-01", ""), "410": (D("8888.00"), "202401", "2099-12"),
           "310": (None, "2024-02", None), "330": (None, "2024-02", None)}
    assert binding_problems(row, INSURED) == []


def test_w4_all_empty_is_consistent():
    assert binding_problems({}, INSURED) == []
    assert binding_problems({"110": (None, None, None), "410": ("", "", "")}, INSURED) == []


def test_w4_different_wage_names_the_types_and_field():
    row = {"110": ("8888", "2024-01", None), "210": ("8888", "2024-01", None), "410": ("5666", "2024-01", None)}
    problems = binding_problems(row, INSURED, row="第3行（张无岂）")
    assert len(problems) == 1  # 110+210 and 110+410 are bound transitively: one message
    msg = problems[0]
    assert msg.startswith("第3行（张无岂）：")
    for label in ("110 企业基本养老保险", "210 失业保险", "410 工伤保险"):
        assert label in msg
    assert "缴费工资" in msg and "生效年月起" not in msg
    assert "5,666.00" in msg and "8,888.00" in msg


def test_w4_different_months_named():
    row = {"110": ("8888", "2024-01", None), "210": ("8888", "2024-02", "2024-12"), "410": ("8888", "2024-01", None)}
    msg = binding_problems(row, INSURED)[0]
    assert "生效年月起" in msg and "生效年月止" in msg and "缴费工资不一致" not in msg


def test_w4_declared_vs_missing_partner_differs():
    msg = binding_problems({"110": ("8888", "2024-01", None)}, INSURED)
    assert len(msg) == 1 and "未填写" in msg[0]


def test_w4_only_insured_types_count():
    row = {"110": ("8888", "2024-01", None), "410": ("8888", "2024-01", None)}
    assert binding_problems(row, ["110", "410"]) == []
    assert binding_problems(row, ["110", "410", "210"]) != []
    assert binding_problems({"110": ("8888", "2024-01", None)}, ["110", "310"]) == []


def test_w4_medical_group():
    insured = ["310", "320", "360"]
    ok = {t: ("6000", "2024-02", None) for t in insured}
    assert binding_problems(ok, insured) == []
    bad = dict(ok, **{"360": ("6001", "2024-02", None)})
    problems = binding_problems(bad, insured)
    assert len(problems) == 1 and "360 长期护理保险" in problems[0] and "310 基本医疗保险" in problems[0]
    # 330 大额医疗保险 is in no binding group
    assert binding_problems({"310": ("6000", "2024-02", None), "330": ("1", "2024-03", None)}, ["310", "330"]) == []


def test_w4_institution_group_and_two_components():
    insured = ["120", "130", "210", "310", "360"]
    row = {"120": ("7000", "2024-01", None), "130": ("7000", "2024-01", None), "210": ("7000", "2024-01", None),
           "310": ("7000", "2024-01", None), "360": ("7100", "2024-01", None)}
    problems = binding_problems(row, insured)
    assert len(problems) == 1 and "360" in problems[0]
    row["130"] = ("7000", "2023-01", None)
    assert len(binding_problems(row, insured)) == 2


def test_w4_junk_values_compare_as_text_and_differ():
    row = {"110": ("abc", "2024-01", None), "410": ("8888", "2024-01", None)}
    assert binding_problems(row, ["110", "410"]) != []


def test_w4_bound_fill():
    filled = bound_fill("410", ("8888", "2024-01", None), ["110", "210", "310", "410"])
    assert set(filled) == {"110", "210", "410"}
    assert bound_fill("330", ("1", "2024-01", None), INSURED) == {"330": ("1", "2024-01", None)}
