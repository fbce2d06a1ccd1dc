"""Property-based tests (issue 14 "Build": Hypothesis over the amount parser, the month parser,
the USCC / resident-ID checks and the xlsx readers). Each property states the rule with an
oracle of its own (plain string tests, not the parser's regular expressions), so a parser that
drifts from the rule is caught. Example counts are bounded; CI runs the ``ci`` profile
(tests/conftest.py: derandomized, no deadline) so a run is reproducible."""
from __future__ import annotations

import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sbtui.domain.ids import (
    USCC_ALPHABET,
    InvalidIdError,
    check_resident_id,
    check_uscc,
    complete_resident_id,
    complete_uscc,
)
from sbtui.domain.money import AmountError, amount_value, format_money, parse_amount, parse_money
from sbtui.domain.period import Period, PeriodError
from sbtui.xlsx import backends, read_group_assignments
from xlsx_helpers import rid

ASCII_DIGITS = "0123456789"
# digits a user or a hostile client may send: ASCII, full-width, Arabic-Indic, Devanagari,
# superscripts, mathematical bold
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩०१२३४५६७८९²³¹𝟎𝟏𝟐"
AMOUNT_CHARS = ASCII_DIGITS + ".-+eE ,_" + OTHER_DIGITS + "\u00a0\u3000\t\nNaInfity"

amount_texts = st.text(alphabet=AMOUNT_CHARS, max_size=20) | st.text(max_size=12)


def _amount_oracle(text: str) -> bool:
    """The rule of issue 14 said in plain terms: ASCII digits only, at most 12 integer digits
    and 2 decimals, an optional point with 1–2 digits after it, nothing else."""
    whole, point, frac = text.partition(".")
    return (0 < len(whole) <= 12 and all(c in ASCII_DIGITS for c in whole)
            and (not point or (0 < len(frac) <= 2 and all(c in ASCII_DIGITS for c in frac))))


# -- the amount parser (domain/money.py) --------------------------------------------------------

@settings(max_examples=300)
@given(amount_texts)
@example("NaN")
@example("1E+2")
@example("١٢٣")
@example("１２３")
@example(" 5")
@example("+5")
@example("-0")
@example("1e309")
@example("999999999999.99")
@example("1000000000000")
def test_parse_amount_accepts_exactly_the_rule(text):
    """issue 14 findings 1, 6, 7: accepted iff the rule says so; a refusal is an AmountError
    naming the field, never another exception; an accepted amount keeps its value."""
    try:
        value = parse_amount(text, "缴费工资")
    except AmountError as e:
        assert not _amount_oracle(text), text
        assert str(e).startswith("缴费工资"), str(e)
        return
    assert _amount_oracle(text), text
    assert value == Decimal(text) and value.as_tuple().exponent == -2
    assert Decimal(0) <= value < Decimal(10) ** 12


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10 ** 14 - 1))
def test_money_written_by_the_client_reads_back_the_same(cents):
    """What the client writes (8,888.00) is read back by the same rule to the same value —
    and a value beyond 12 integer digits is refused both as text and as a number."""
    value = Decimal(cents).scaleb(-2)
    if value < Decimal(10) ** 12:
        assert parse_money(format_money(value)) == value
        assert parse_amount(f"{value:.2f}") == value == amount_value(value)
    else:
        with pytest.raises(AmountError):
            parse_money(format_money(value))
        with pytest.raises(AmountError):
            amount_value(value)


@settings(max_examples=200)
@given(st.decimals(allow_nan=True, allow_infinity=True, places=None)
       | st.decimals(min_value=-10, max_value=10 ** 13, places=3))
def test_amount_value_agrees_with_the_text_rule(d):
    """A number cell is checked by the same rule as text: what ``amount_value`` accepts, the
    service accepts written out in plain digits."""
    try:
        value = amount_value(d)
    except AmountError:
        if d.is_finite() and d >= 0 and d == d.quantize(Decimal("0.01")) and d < 10 ** 12:
            pytest.fail(f"refused {d!r}")
        return
    assert parse_amount(f"{value:.2f}") == value == d


# -- the month parser (domain/period.py) --------------------------------------------------------

years = st.integers(min_value=1900, max_value=2099)
months = st.integers(min_value=1, max_value=12)


@settings(max_examples=200)
@given(years, months, st.sampled_from(["{y}-{m:02d}", "{y}-{m}", "{y}/{m:02d}", "{y}.{m}",
                                        "{y}{m:02d}", "{y}年{m}月", "{y}年{m:02d}月", " {y} - {m} "]),
       st.booleans())
def test_every_documented_month_form_parses_to_its_month(y, m, form, wide):
    text = form.format(y=y, m=m)
    if wide:  # full-width digits, as an IME types them
        text = text.translate(str.maketrans(ASCII_DIGITS, "０１２３４５６７８９"))
    p = Period.parse(text)
    assert (p.year, p.month) == (y, m)
    assert Period.parse(str(p), strict=True) == p


def _canonical(text: str) -> bool:
    s = text.strip()
    return (len(s) == 7 and s[4] == "-" and all(c in ASCII_DIGITS for c in s[:4] + s[5:])
            and 1900 <= int(s[:4]) <= 2099 and 1 <= int(s[5:]) <= 12)


@settings(max_examples=300)
@given(st.text(alphabet=ASCII_DIGITS + OTHER_DIGITS + "-/.年月 \n", max_size=12) | st.text(max_size=10))
@example("٢٠٢٤-01")
@example("2024-13")
@example("2024-1")
@example("1899-12")
@example("2024-01\n")
def test_the_wire_month_is_exactly_yyyy_mm(text):
    """``Period.parse(strict=True)`` (what the wire and the store hold) accepts exactly
    ``YYYY-MM`` in ASCII digits (issue 14: the same rule on both sides, no other digit sets);
    the lenient form refuses with a PeriodError, never another exception."""
    try:
        p = Period.parse(text, strict=True)
    except PeriodError:
        assert not _canonical(text), text
    else:
        assert _canonical(text), text
        assert str(p) == text.strip()
    try:
        p = Period.parse(text)
    except PeriodError:
        return
    assert 1900 <= p.year <= 2099 and 1 <= p.month <= 12
    assert all(c in ASCII_DIGITS for c in unicodedata.normalize("NFKC", text) if c.isdigit()), text


# -- USCC and resident ID (domain/ids.py) --------------------------------------------------------

uscc_bodies = st.tuples(st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
                        st.text(alphabet=ASCII_DIGITS, min_size=6, max_size=6),
                        st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9)).map("".join)


@settings(max_examples=200)
@given(uscc_bodies, st.sampled_from(USCC_ALPHABET))
def test_a_uscc_with_its_check_character_passes_and_any_other_fails(body, other):
    code = complete_uscc(body)
    assert check_uscc(code) == code and check_uscc(code.lower()) == code
    if other != code[-1]:
        with pytest.raises(InvalidIdError) as e:
            check_uscc(code[:-1] + other)
        assert e.value.reason == "checksum"


@settings(max_examples=300)
@given(st.text(alphabet=USCC_ALPHABET + OTHER_DIGITS + "IOZSV -", min_size=16, max_size=20)
       | st.text(max_size=20))
@example("91١٥٠٦91MA1234567X")
def test_check_uscc_refuses_with_a_message_never_a_crash(text):
    """Any text: the compact code (18 characters of the code alphabet, ASCII digits in places
    3–8) or an InvalidIdError with its Chinese message — never another exception."""
    try:
        code = check_uscc(text)
    except InvalidIdError as e:
        assert e.message and e.reason in ("empty", "length", "format", "checksum")
        return
    assert len(code) == 18 and all(c in USCC_ALPHABET for c in code)
    assert all(c in ASCII_DIGITS for c in code[2:8])


births = st.dates(min_value=__import__("datetime").date(1930, 1, 1),
                  max_value=__import__("datetime").date(2008, 12, 31))


@settings(max_examples=200)
@given(st.sampled_from(["150602", "110105", "320102", "440305"]), births,
       st.integers(min_value=0, max_value=999), st.sampled_from(ASCII_DIGITS + "X"))
def test_a_resident_id_with_its_check_digit_passes_and_any_other_fails(region, born, seq, other):
    number = complete_resident_id(f"{region}{born:%Y%m%d}{seq:03d}")
    assert check_resident_id(number) == number
    if other != number[-1]:
        with pytest.raises(InvalidIdError) as e:
            check_resident_id(number[:-1] + other)
        assert e.value.reason == "checksum"


@settings(max_examples=300)
@given(st.text(alphabet=ASCII_DIGITS + OTHER_DIGITS + "Xx -", min_size=15, max_size=19), st.booleans())
@example("150602١٩٩٠01010016", False)
def test_check_resident_id_accepts_only_ascii_digits(text, region):
    try:
        number = check_resident_id(text, check_region=region)
    except InvalidIdError as e:
        assert e.message
        return
    assert len(number) == 18 and all(c in ASCII_DIGITS for c in number[:17]) and number[17] in ASCII_DIGITS + "X"


# -- the xlsx readers: random sheets with random bad cells ---------------------------------------

POOL = {rid(n): (f"e{n}", f"职工{n}") for n in range(1, 41)}
IDS = list(POOL)
GROUPS = {"财务部": "g1", "财务部/会计组": "g2", "董事会": "g3"}
HEADER = ["*姓名", "*身份证件类型代码", "*身份证件号码", "分组"]
# a bad cell of each kind: (column, what the row holds instead of the good value)
BAD_KINDS = ("name", "type", "number_as_number", "checksum", "group", "formula", "stranger", "long")


@st.composite
def sheets(draw):
    """Rows of a 批量编辑职工分组 file: each good, or with one bad cell of a random kind; each
    row a different employee (no duplicates); the column of each bad cell remembered."""
    people = draw(st.permutations(IDS))[:draw(st.integers(min_value=1, max_value=14))]
    rows, bad, good = [], {}, []
    for i, number in enumerate(people):
        r = i + 3  # the title row, the header row
        name = POOL[number][1]
        group = draw(st.sampled_from([None, *GROUPS]))
        row = [name, draw(st.sampled_from(["201", 201, "201 - 居民身份证"])), number, group]
        kind = draw(st.sampled_from((None, None, *BAD_KINDS)))
        if kind == "name":
            row[0], bad[r] = name + "某", "A"
        elif kind == "type":
            row[1], bad[r] = draw(st.sampled_from(["999", "身份证", 12])), "B"
        elif kind == "number_as_number":
            row[2], bad[r] = float(number[:-1] + "0"), "C"
        elif kind == "checksum":
            row[2], bad[r] = number[:-1] + ("0" if number[-1] != "0" else "1"), "C"
        elif kind == "stranger":
            row[2], bad[r] = rid(900 + i), "C"
        elif kind == "group":
            row[3], bad[r] = draw(st.sampled_from(["人事部", "财务部/出纳组", "董事会/会计组"])), "D"
        elif kind == "formula":  # a formula with no cached value (never opened in Excel)
            row[3], bad[r] = "=1+1", "D"
        elif kind == "long":
            row[0], bad[r] = "长" * 1200, "A"
        else:
            good.append((POOL[number][0], GROUPS.get(group) if group else None))
        rows.append(row)
    return rows, bad, good


@pytest.mark.parametrize("backend", ["calamine", "openpyxl"])
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=sheets())
def test_a_random_group_sheet_names_every_bad_cell_and_keeps_every_good_row(backend, monkeypatch, data):
    """issue 14 "Build": every bad cell named (its row and column), every good row kept, in
    order — with both readers (python-calamine and openpyxl)."""
    monkeypatch.setattr(backends, "READER", backend)
    rows, bad, good = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "groups.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["批量编辑职工分组"])
        ws.append(HEADER)
        for row in rows:
            ws.append(row)
        wb.save(path)
        got = read_group_assignments(path, employees=POOL, groups=GROUPS)
    named = {(e.row, e.column) for e in got.errors}
    assert named == {(r, c) for r, c in bad.items()}, [str(e) for e in got.errors]
    assert got.assignments == good
    assert got.rows == len(rows)


# the wage file (单位社保费缴费工资月度申报): the 310 block's cells are K (缴费工资), L (起), M (止)
WAGE_BAD = {"wage_text": ("K", "abc"), "wage_negative": ("K", -5), "wage_zero": ("K", 0),
            "wage_big": ("K", 10 ** 13), "wage_decimals": ("K", 5000.123), "wage_formula": ("K", "=1+1"),
            "wage_fullwidth": ("K", "５０００"), "month": ("L", "2026-13"), "name": ("A", None),
            "end_before_start": ("M", "2026-01")}


@st.composite
def wage_sheets(draw):
    from test_xlsx_wages import med, row

    people = draw(st.permutations(range(1, 40)))[:draw(st.integers(min_value=1, max_value=12))]
    rows, bad, good = [], {}, []
    for i, n in enumerate(people):
        r = i + 4  # the title, the type row, the header row
        wage = draw(st.integers(min_value=1, max_value=10 ** 6)) if draw(st.booleans()) else \
            float(draw(st.decimals(min_value=1, max_value=99999, places=2)))
        start = f"2026-{draw(st.integers(min_value=2, max_value=12)):02d}"
        name, end = f"职工{n}", None
        kind = draw(st.sampled_from((None, None, *WAGE_BAD)))
        if kind is not None:
            column, value = WAGE_BAD[kind]
            if kind == "month":
                start = value
            elif kind == "name":
                name += "某"
            elif kind == "end_before_start":
                end = value
            else:
                wage = value
            bad[r] = column
        else:
            good.append(f"e{n}")
        rows.append(row(name, rid(n), **med(wage, start, end)))
    return rows, bad, good


@pytest.mark.parametrize("backend", ["calamine", "openpyxl"])
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=wage_sheets())
def test_a_random_wage_sheet_names_every_bad_cell_and_keeps_every_good_row(backend, monkeypatch, data):
    """issue 14 "Build", the wage file: a wage in text, negative, zero, over 12 digits, with 3
    decimals, full-width or a formula without a value, a bad month, a wrong name, an end before
    the start — each named by row and column; every good row kept, in order; both readers."""
    from test_xlsx_wages import EMPLOYEES, make_book

    from sbtui.xlsx.wages import read_wage_file

    monkeypatch.setattr(backends, "READER", backend)
    rows, bad, good = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wages.xlsx"
        make_book(path, rows)
        got = read_wage_file(path, employees=EMPLOYEES)
    assert {(e.row, e.column) for e in got.errors} == set(bad.items()), [str(e) for e in got.errors]
    assert [w.employee_id for w in got.rows] == good
