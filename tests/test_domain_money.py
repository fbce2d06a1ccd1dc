"""Money rules (SPEC §0 "Money": Decimal, 2 places, ROUND_HALF_UP, per employee per item, then summed)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from sbtui.domain.money import (CENT, charge, format_money, format_rate, money_in_words, parse_money,
                                parse_rate, to_money, total)

D = Decimal


# --- the manual's figures (manual 000 §3.1, §3.5) --------------------------------------------

@pytest.mark.parametrize("rate, due", [
    ("16%", "1422.08"),  # 职工基本养老保险(单位缴纳)
    ("8%", "711.04"),  # 职工基本养老保险(个人缴纳)
    ("0.5%", "44.44"),  # 失业保险 unit and individual
    ("0.2%", "17.78"),  # 工伤保险: 17.776 → 17.78
])
def test_money_manual_000_s3_1_charges(rate, due):
    assert charge(parse_money("8,888.00"), rate) == D(due)
    assert charge(D("8888.00"), parse_rate(rate)) == D(due)


def test_money_charge_formats_like_the_manual():
    assert format_money(charge("8888.00", "16%")) == "1,422.08"


# --- rounding: half-up, never banker's ------------------------------------------------------

@pytest.mark.parametrize("base, rate, due", [
    ("1.25", "50%", "0.63"),  # 0.625: half-even would give 0.62
    ("1.00", "0.5%", "0.01"),  # 0.005 → 0.01
    ("0.99", "0.5%", "0.00"),  # 0.00495 → 0.00
    ("2.50", "0.1%", "0.00"),  # 0.0025 → 0.00
    ("5.00", "0.1%", "0.01"),  # 0.005 → 0.01
    ("1001.00", "0.5%", "5.01"),  # 5.005 → 5.01
    ("4200.00", "0.2%", "8.40"),
])
def test_money_charge_rounds_half_up(base, rate, due):
    assert charge(base, rate) == D(due)


def test_money_to_money_half_up_edges():
    assert to_money("2.675") == D("2.68")
    assert to_money("2.665") == D("2.67")  # half-even would give 2.66
    assert to_money("-2.675") == D("-2.68")  # away from zero
    assert to_money(D("17.776")) == D("17.78")
    assert to_money(8888) == D("8888.00")
    assert to_money("8888").as_tuple().exponent == -2
    assert CENT == D("0.01")


def test_money_round_per_employee_then_sum_differs_from_round_after_sum():
    """SPEC §0: computed per employee per item and then summed."""
    bases = ["1001.00"] * 3  # 5.005 each
    per_employee = total(charge(b, "0.5%") for b in bases)
    assert per_employee == D("15.03")
    round_after_sum = to_money(sum(D(b) for b in bases) * D("0.005"))
    assert round_after_sum == D("15.02")
    assert per_employee != round_after_sum


def test_money_total_refuses_unrounded_amounts():
    assert total([D("17.78"), "44.44", 1]) == D("63.22")
    assert total([]) == D("0.00")
    assert total([D("17.780")]) == D("17.78")  # extra zero places are fine
    with pytest.raises(ValueError, match="未按分取整"):
        total([D("17.776")])


# --- no floats ------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [to_money, parse_money, format_money, parse_rate])
def test_money_floats_are_refused(fn):
    with pytest.raises(TypeError):
        fn(0.1)


def test_money_charge_refuses_float_base_and_rate():
    with pytest.raises(TypeError):
        charge(8888.0, "16%")
    with pytest.raises(TypeError):
        charge("8888", 0.16)
    with pytest.raises(TypeError):
        to_money(True)


def test_money_to_money_junk_and_non_finite():
    for bad in ("abc", "NaN", "Infinity", ""):
        with pytest.raises(ValueError):
            to_money(bad)


# --- parsing and formatting -----------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("8,888.00", "8888.00"),
    ("8888", "8888.00"),
    (" 8 888.5 ", "8888.50"),
    ("¥1,234.56", "1234.56"),
    ("￥100元", "100.00"),
    ("0", "0.00"),
    ("999999999999.99", "999999999999.99"),  # 12 integer digits, the service's limit
])
def test_money_parse_money_accepts(text, value):
    assert parse_money(text) == D(value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "12a", "1e3", "8888.005", "1.2.3", "--1", "NaN",
                                  # issue 14 finding 7: one rule with the service, which takes none
                                  # of these ("８，８８８．００" full-width, "٥" Arabic-Indic)
                                  "８，８８８．００", "٥", "-12.3", "+5", ".5", "8888.", "Infinity"])
def test_money_parse_money_rejects_with_chinese_message(text):
    with pytest.raises(ValueError) as e:
        parse_money(text)
    assert "金额" in str(e.value)


def test_money_parse_money_decimal_and_int():
    assert parse_money(D("5")) == D("5.00")
    assert parse_money(7) == D("7.00")
    with pytest.raises(ValueError):
        parse_money(D("1.005"))


@pytest.mark.parametrize("value, text", [
    ("8888", "8,888.00"), ("1422.08", "1,422.08"), ("0", "0.00"), ("-1234.5", "-1,234.50"),
    ("1234567.891", "1,234,567.89"), ("0.005", "0.01"), ("999.995", "1,000.00"),
])
def test_money_format_money(value, text):
    assert format_money(D(value)) == text


@pytest.mark.parametrize("text, value", [
    ("0.2%", "0.002"), ("16%", "0.16"), ("8%", "0.08"), ("0.5%", "0.005"), ("100%", "1"),
    ("0.001", "0.001"), ("0%", "0"), ("０．２％", "0.002"), (" 0.75 % ", "0.0075"),
])
def test_money_parse_rate(text, value):
    assert parse_rate(text) == D(value)


@pytest.mark.parametrize("text", ["", "abc", "-1%", "101%", "1.5", "%", "0.2%%"])
def test_money_parse_rate_rejects(text):
    with pytest.raises(ValueError, match="费率"):
        parse_rate(text)


@pytest.mark.parametrize("value, text", [
    ("0.002", "0.2%"), ("0.16", "16%"), ("0.08", "8%"), ("0.005", "0.5%"), ("0.10", "10%"),
    ("0.0075", "0.75%"), ("1", "100%"), ("0", "0%"),
])
def test_money_format_rate(value, text):
    assert format_rate(D(value)) == text
    assert parse_rate(text) == D(value)


# SPEC §0 "Amounts in capitals": the official examples of the rules for bills (支付结算办法 附件
# "正确填写票据和结算凭证的基本规定"). Where the rules allow two forms, the first is ours.
SPEC0_OFFICIAL = [
    ("1409.50", "壹仟肆佰零玖元伍角"),  # nothing after 角
    ("6007.14", "陆仟零柒元壹角肆分"),  # one 零 for a run of zeros
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),  # 元 digit 0, 角 not: 零 written
    ("107000.53", "壹拾万柒仟元零伍角叁分"),  # 万 digit 0, 千 not: 零 left out; 元 digit 0: written
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # 角 0, 分 not: 零 after 元
    ("325.04", "叁佰贰拾伍元零肆分"),
]
SPEC0_ALTERNATIVES = {  # the other form the rules allow, which we do not print
    "1680.32": "壹仟陆佰捌拾元叁角贰分",
    "107000.53": "壹拾万零柒仟元伍角叁分",
}


@pytest.mark.parametrize("amount, words", SPEC0_OFFICIAL)
def test_money_in_words_gives_the_official_examples_spec_0(amount, words):
    assert money_in_words(D(amount)) == words
    assert money_in_words(parse_money(f"{D(amount):,}")) == words  # as typed with separators
    assert money_in_words(D(amount)) != SPEC0_ALTERNATIVES.get(amount)


@pytest.mark.parametrize("amount, words", [
    ("100", "壹佰元整"),  # 整 after 元
    ("10", "壹拾元整"),
    ("100000", "壹拾万元整"),
    ("100000000.00", "壹亿元整"),
    ("1000000.10", "壹佰万元零壹角"),  # 元 digit 0, 角 not: 零, as 1,680.32
    ("20001", "贰万零壹元整"),
    ("0.05", "伍分"),  # below one yuan nothing leads
    ("0.50", "伍角"),  # nothing after 角, as 1,409.50
    ("0.15", "壹角伍分"),
    ("1422.08", "壹仟肆佰贰拾贰元零捌分"),
    ("17.78", "壹拾柒元柒角捌分"),
    ("10001.10", "壹万零壹元壹角"),
    ("1010", "壹仟零壹拾元整"),
    ("100.05", "壹佰元零伍分"),
    ("100100", "壹拾万零壹佰元整"),  # the run 万..千 ends before 百: not the optional case
    ("1007000", "壹佰万柒仟元整"),  # 万 digit 0 before 千: left out, as 107,000.53
    ("100001000", "壹亿零壹仟元整"),  # a whole 万 section of zeros is a run inside the number
    ("1010000000", "壹拾亿零壹仟万元整"),  # only 万 and 元 are optional, 亿 is not
    ("20000000.01", "贰仟万元零壹分"),
    ("0", "零元整"),
])
def test_money_in_words_follows_the_rules_for_bills_spec_0(amount, words):
    assert money_in_words(D(amount)) == words


@pytest.mark.parametrize("amount", ["0.01", "0.1", "1", "10.5", "1409.5", "100000000.99",
                                    "999999999999999.99", "30000.30", "7000.07"])
def test_money_in_words_never_ends_in_zheng_after_jiao_or_fen_spec_0(amount):
    words = money_in_words(D(amount))
    assert not words.endswith(("角整", "分整", "角正", "分正", "零"))
    assert "零零" not in words


def test_an_absurdly_long_number_is_refused_not_a_crash():
    """Keys typed into a refused cell pile up (the editor stays open): 30 digits must be a
    refusal, not decimal.InvalidOperation from quantize."""
    import pytest

    from sbtui.domain.money import parse_money

    for text in ("201852022220259202962033320370", "1" * 16, "1" * 13):
        with pytest.raises(ValueError, match="金额过大"):
            parse_money(text)
    assert str(parse_money("999999999999.99")) == "999999999999.99"  # 12 digits (issue 14)
