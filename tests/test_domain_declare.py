"""Fee declaration rules (sbtui.domain.declare): D3 ticks, D4 totals, D5 offsets, D9 expiry,
the D6 confirms and the per-unit summary, on hand-computed lines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain import declare as d
from sbtui.domain.models import DueLine, due_key, due_tick

U1, U2 = "110000123456", "110000654321"


def tax(unit=U1, period="2026-04", item="110-u", headcount=2, base="17776.00", due="2844.16",
        type_code=None, **extra):
    code = type_code or item.split("-")[0]
    return {"source": "tax", "key": due_key("tax", unit, period, item),
            "tick": due_tick("tax", unit, period, period, code), "serial": None, "unit_number": unit,
            "agency": "市社保中心", "period_from": period, "period_to": period, "item": item,
            "item_name": f"品目{item}", "type_code": code, "headcount": headcount,
            "wage_total": base, "base_total": base, "rate": "16%", "due": due, "reduction": "0.00",
            "max_offset": "0.00", "status": "初始", "late_fee": "0.00", **extra}


def notice(serial, item, due, source="collection", unit=U1, valid_until=None, **extra):
    return {"source": source, "key": due_key(source, unit, "2026-03", item, serial),
            "tick": due_tick(source, unit, "2026-03", "2026-03", item.split("-")[0], serial),
            "serial": serial, "unit_number": unit, "agency": "市社保中心", "period_from": "2026-03",
            "period_to": "2026-03", "item": item, "item_name": f"品目{item}", "type_code": "",
            "headcount": None, "base_total": None, "due": due, "reduction": "0.00",
            "max_offset": "0.00", "status": "初始", "valid_until": valid_until, **extra}


# -- D3 ticks --------------------------------------------------------------------------------------

def test_D3_unit_and_individual_parts_of_one_period_and_unit_are_one_tick():
    lines = [tax(item="110-u"), tax(item="110-p", due="1422.08")]
    groups = d.ticks(lines)
    assert list(groups) == [f"t|{U1}|2026-04|2026-04|110"]
    assert [r["item"] for r in groups[f"t|{U1}|2026-04|2026-04|110"]] == ["110-u", "110-p"]


def test_D3_two_periods_two_ticks_two_units_separate_and_types_separate():
    lines = [tax(period="2026-03"), tax(period="2026-04"), tax(unit=U2, period="2026-04"),
             tax(period="2026-04", item="210-u"), tax(period="2026-03", item="110-p")]
    groups = d.ticks(lines)
    assert list(groups) == [f"t|{U1}|2026-03|2026-03|110", f"t|{U1}|2026-04|2026-04|110",
                            f"t|{U2}|2026-04|2026-04|110", f"t|{U1}|2026-04|2026-04|210"]
    assert len(groups[f"t|{U1}|2026-03|2026-03|110"]) == 2
    assert list(d.by_unit(lines)) == [U1, U2]


def test_D3_a_collection_serials_items_are_one_tick_another_serial_another():
    lines = [notice("S1", "110-u", "100.00"), notice("S1", "210-u", "20.00"), notice("S2", "110-u", "5.00")]
    assert {k: len(v) for k, v in d.ticks(lines).items()} == {f"c|{U1}|S1": 2, f"c|{U1}|S2": 1}


def test_D3_tick_built_from_fields_when_missing_and_from_a_dueline():
    line = tax()
    line["tick"] = ""
    assert d.tick_of(line) == f"t|{U1}|2026-04|2026-04|110"
    model = DueLine(source="special", serial="T9", unit_number=U1, period_from="2025-01",
                    period_to="2025-06", item="110-u", item_name="x", due=Decimal("10.00"))
    assert d.tick_of(model) == f"s|{U1}|T9" and d.key_of(model) == f"s|{U1}|T9|110-u"


# -- D4 totals and the per-unit summary --------------------------------------------------------------

def test_D4_totals_sum_money_exactly_and_count_each_person_once():
    lines = [tax(item="110-u", base="17776.00", due="2844.16", offset="44.16", late_fee="1.42"),
             tax(item="110-p", base="17776.00", due="1422.08"),
             notice("S1", "110-u", "100.00")]
    lines[1]["reduction"] = "22.08"
    t = d.totals(lines)
    # 110-u and 110-p of one month are the same 2 people: 缴费人数 2, not 4
    assert (t.lines, t.ticks, t.headcount) == (3, 2, 2)
    assert t.base_total == Decimal("35552.00")
    assert t.due_total == Decimal("4366.24")  # 2844.16 + 1422.08 + 100.00
    assert t.offset_total == Decimal("44.16")
    assert t.actual_total == Decimal("4300.00")  # 4366.24 − 22.08 reduction − 44.16 offset
    assert t.late_fee_total == Decimal("1.42")


def test_D3_summary_one_entry_per_unit_number():
    lines = [tax(), tax(item="110-p", due="1422.08"), tax(unit=U2, due="100.00", base="625.00")]
    s = d.summary(lines)
    assert [(u.unit_number, u.lines, u.ticks) for u in s] == [(U1, 2, 1), (U2, 1, 1)]
    assert s[0].due_total == Decimal("4266.24") and s[0].actual_total == Decimal("4266.24")
    assert s[1].base_total == Decimal("625.00") and s[0].agency == "市社保中心"


# -- D5 offsets -------------------------------------------------------------------------------------

def test_D5_offset_within_the_limit_blank_is_zero():
    line = tax(max_offset="500.00")
    limit = d.offset_limit(line)
    assert limit == Decimal("500.00")
    assert d.parse_offset("123.45", limit) == Decimal("123.45")
    with pytest.raises(d.DeclareError, match="抵缴金额格式不正确"):  # issue 14 finding 7
        d.parse_offset("１２３.４５", limit)
    assert d.parse_offset("500", limit) == Decimal("500.00")
    assert d.parse_offset("", limit) == Decimal("0.00")


def test_D5_offset_above_the_max_is_refused_with_the_official_message():
    with pytest.raises(d.DeclareError) as exc:
        d.parse_offset("500.01", Decimal("500.00"))
    assert exc.value.message == "抵缴金额超出可抵缴金额上限（最大可抵缴金额500.00元）"
    with pytest.raises(d.DeclareError):
        d.parse_offset("-1", Decimal("500.00"))
    with pytest.raises(d.DeclareError):
        d.parse_offset("abc", Decimal("500.00"))


def test_D5_limit_is_the_smallest_of_max_payable_and_credit_left():
    line = tax(due="100.00", max_offset="300.00")
    assert d.offset_limit(line) == Decimal("100.00")
    assert d.offset_limit(line, Decimal("40.00")) == Decimal("40.00")
    assert d.offset_limit(line, Decimal("-5.00")) == Decimal("0.00")
    assert d.offset_limit(tax()) == Decimal("0.00")  # no verified credit: nothing to offset


def test_D9_remark_at_most_100_characters():
    assert d.check_remark("  补缴2019年  ") == "补缴2019年"
    assert d.check_remark("字" * 100) == "字" * 100
    with pytest.raises(d.DeclareError):
        d.check_remark("字" * 101)


# -- blocking refusals (D3, D9) ---------------------------------------------------------------------

def test_D9_expired_special_and_project_lines_block_with_their_serial():
    today = date(2026, 5, 15)
    lines = [notice("SP1", "110-u", "10.00", source="special", valid_until="2026-05-14"),
             notice("SP1", "110-p", "5.00", source="special", valid_until="2026-05-14"),
             notice("PJ7", "410-u", "6.11", source="project", valid_until="2026-05-15")]
    assert d.blocking(lines, today, open_lines=lines) == ["征集通知流水号SP1已超过征集有效日期，不能申报"]
    assert not d.is_expired(lines[2], today) and d.is_expired(lines[2], date(2026, 5, 16))
    assert d.blocking(lines[2:], date(2026, 5, 15), open_lines=lines[2:]) == []  # valid that day
    assert d.is_expired(notice("C", "110-u", "1", valid_until="2020-01-01"), today) is False  # collection


def test_D3_an_incomplete_tick_blocks_by_open_lines_or_tick_keys():
    u, p = tax(item="110-u"), tax(item="110-p", due="1422.08")
    [msg] = d.blocking([u], date(2026, 5, 15), open_lines=[u, p])
    assert msg.startswith("相同勾选项的应缴信息必须一起提交申报") and "还有1条未勾选" in msg
    u2 = dict(u, tick_keys=[u["key"], p["key"]])
    assert len(d.blocking([u2], date(2026, 5, 15))) == 1
    assert d.blocking([u, p], date(2026, 5, 15), open_lines=[u, p]) == []


def test_nothing_ticked_and_a_line_not_open_block():
    assert d.blocking([], date(2026, 5, 15)) == ["请勾选需要申报的应缴信息"]
    done = tax(status="申报成功")
    assert "该应缴信息已申报或不存在" in d.blocking([done], date(2026, 5, 15), open_lines=[])[0]


# -- D6 confirms ------------------------------------------------------------------------------------

REVIEW = "请核对缴费人数，如需做职工减员操作，请先去相关部门办理减员后再进行社保费申报"
HEADCOUNT = "申报的应申报信息总人数与该单位实际参保总人数不一致，请确认是否继续申报"
HISTORY = "该单位存在历史属期未申报数据，请确认是否继续申报"


def test_D6_check_1_always_and_only_it_for_special_and_project():
    special = [notice("SP1", "110-u", "10.00", source="special")]
    assert d.submit_checks("special", special, special, {}) == [REVIEW]
    assert d.submit_checks("project", [], [], {}) == [REVIEW]
    collection = [notice("S1", "110-u", "10.00")]
    assert d.submit_checks("daily", collection, collection, {}) == [REVIEW]


def test_D6_check_2_headcount_below_the_insured_headcount():
    lines = [tax(headcount=2), tax(item="110-p", headcount=2)]
    assert d.submit_checks("daily", lines, lines, {(U1, "110"): 2}) == [REVIEW]
    assert d.submit_checks("daily", lines, lines, {(U1, "110"): 3}) == [REVIEW, HEADCOUNT]
    assert d.submit_checks("daily", lines, lines, {(U2, "110"): 9, (U1, "210"): 9}) == [REVIEW]


def test_D6_check_3_an_earlier_undeclared_period_of_the_same_unit_not_ticked():
    march, april = tax(period="2026-03"), tax(period="2026-04")
    other_unit = tax(unit=U2, period="2026-01")
    opened = [march, april, other_unit]
    assert d.submit_checks("daily", [april], opened, {}) == [REVIEW, HISTORY]
    assert d.submit_checks("daily", [march, april], opened, {}) == [REVIEW]
    assert d.submit_checks("daily", [march], opened, {}) == [REVIEW]  # april is later
    later_other_type = tax(period="2026-04", item="210-u")
    assert d.submit_checks("daily", [april], [april, later_other_type, other_unit], {}) == [REVIEW]


def test_D6_all_three_in_order():
    march, april = tax(period="2026-03"), tax(period="2026-04", headcount=1)
    assert d.submit_checks("daily", [april], [march, april], {(U1, "110"): 2}) == [REVIEW, HEADCOUNT, HISTORY]


def test_headcount_counts_people_per_unit_and_period_once():
    lines = [tax(item="110-u", headcount=5), tax(item="110-p", headcount=5),
             tax(item="210-u", headcount=4), tax(period="2026-03", headcount=3),
             tax(unit=U2, headcount=7), notice("S1", "110-u", "100.00")]
    assert d.headcount(lines) == 5 + 3 + 7


# -- what is sent -----------------------------------------------------------------------------------

def test_wire_lines_and_draft_declaration():
    lines = [tax(offset="44.16", remark="x"), tax(item="110-p", due="1422.08")]
    assert d.wire_lines(lines) == [{"key": lines[0]["key"], "offset": "44.16", "remark": "x"},
                                   {"key": lines[1]["key"], "offset": "0.00", "remark": ""}]
    doc = d.draft_declaration("L1", "daily", lines, "2026-05-15T02:00:00+00:00")
    assert doc["line_count"] == 2 and doc["headcount"] == 2 and doc["actual_total"] == "4222.08"
    assert doc["lines"][0]["type_name"] == "企业职工基本养老保险费" and doc["lines"][0]["n"] == 1
    assert doc["lines"][0]["payable"] == "2844.16" and doc["lines"][0]["actual"] == "2800.00"
