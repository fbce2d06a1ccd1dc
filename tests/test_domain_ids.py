"""Identifier checks: USCC (SPEC §0, L2: 18 chars, GB 32100 check digit) and resident ID
(SPEC E1, R3: ID number with check digit), on python-stdnum."""
from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric, uscc

from sbtui.domain.ids import (InvalidIdError, age_on, birth_date, check_resident_id, check_uscc,
                              complete_resident_id, complete_uscc, gender, is_valid_resident_id,
                              is_valid_uscc, region_name, resident_id_check_char, uscc_check_char)

VALID_USCC = "91110000600037341L"  # stdnum's own doctest example
VALID_IDS = ["11010519491231002X", "360426199101010071"]


# --- USCC (SPEC L2) ---------------------------------------------------------------------------

def test_l2_uscc_valid_and_compacted():
    assert check_uscc(VALID_USCC) == VALID_USCC
    assert check_uscc(" 9111 0000-6000 37341l ") == VALID_USCC  # spaces, dashes, lower case
    assert check_uscc("９１１１００００６０００３７３４１Ｌ") == VALID_USCC  # full width
    assert is_valid_uscc(VALID_USCC)
    assert uscc.is_valid(VALID_USCC)


def test_l2_uscc_wrong_check_digit_says_the_right_one():
    with pytest.raises(InvalidIdError) as e:
        check_uscc("91110000600037341A")
    assert e.value.reason == "checksum"
    assert str(e.value) == "统一社会信用代码校验位错误，应为L"
    assert not is_valid_uscc("91110000600037341A")


def test_l2_uscc_manual_example_is_17_chars_wrong_length():
    """Manual 000 prints the truncated 91150691MA1234567."""
    with pytest.raises(InvalidIdError) as e:
        check_uscc("91150691MA1234567")
    assert e.value.reason == "length"
    assert "应为18位，当前为17位" in str(e.value)


@pytest.mark.parametrize("text, pos, ch", [
    ("9111000060003734IL", 17, "I"),  # I is not in the alphabet
    ("9111000060003734OL", 17, "O"),
    ("91AB0000600037341L", 3, "A"),  # region code must be digits
    ("9111000060003734!L", 17, "!"),
])
def test_l2_uscc_bad_characters_named_by_position(text, pos, ch):
    with pytest.raises(InvalidIdError) as e:
        check_uscc(text)
    assert e.value.reason == "format"
    assert f"第{pos}位“{ch}”" in str(e.value)


def test_l2_uscc_empty():
    with pytest.raises(InvalidIdError) as e:
        check_uscc("  ")
    assert e.value.reason == "empty"


def test_l2_uscc_letters_allowed_in_first_two_positions_gb32100():
    code = complete_uscc("Y1110000600037341")
    assert check_uscc(code) == code
    assert not uscc.is_valid(code)  # stdnum is stricter here: the deliberate deviation


def test_l2_uscc_complete_matches_stdnum():
    assert complete_uscc("91110000600037341") == VALID_USCC
    code = complete_uscc("91150691MA1234567")
    assert len(code) == 18 and uscc.is_valid(code) and is_valid_uscc(code)
    assert uscc_check_char("91110000600037341") == "L"
    with pytest.raises(InvalidIdError):
        uscc_check_char("123")


def test_l2_uscc_error_is_a_value_error_with_message_attr():
    with pytest.raises(ValueError) as e:
        check_uscc("123")
    assert e.value.message == str(e.value)
    assert not is_valid_uscc(None)  # type: ignore[arg-type]


# --- resident ID (SPEC E1, R3) ----------------------------------------------------------------

@pytest.mark.parametrize("number", VALID_IDS)
def test_e1_resident_id_valid(number):
    assert check_resident_id(number) == number
    assert is_valid_resident_id(number)
    assert ric.is_valid(number)


def test_e1_resident_id_compacts_lower_x_and_spaces():
    assert check_resident_id(" 110105 19491231 002x ") == "11010519491231002X"
    assert check_resident_id("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_e1_resident_id_wrong_check_digit():
    with pytest.raises(InvalidIdError) as e:
        check_resident_id("110105194912310021")
    assert e.value.reason == "checksum"
    assert str(e.value) == "身份证号码校验位错误，应为X"
    assert not is_valid_resident_id("110105194912310021")


@pytest.mark.parametrize("text, n", [("11010519491231002", 17), ("1101051949123100211", 19)])
def test_e1_resident_id_length(text, n):
    with pytest.raises(InvalidIdError) as e:
        check_resident_id(text)
    assert e.value.reason == "length"
    assert f"当前为{n}位" in str(e.value)


def test_e1_resident_id_15_digit_old_number_hint():
    with pytest.raises(InvalidIdError) as e:
        check_resident_id("110105491231002")
    assert "15位" in str(e.value)


@pytest.mark.parametrize("text", ["11010519491231002Y", "1101051949123100AX", "X10105194912310021"])
def test_e1_resident_id_bad_characters(text):
    with pytest.raises(InvalidIdError) as e:
        check_resident_id(text)
    assert e.value.reason == "format"


@pytest.mark.parametrize("first17", [
    "11010519491331002",  # month 13
    "11010519490230002",  # 30 February
    "11010518991231002",  # before 1900
    "11010520991231002",  # in the future
])
def test_e1_resident_id_birth_date_invalid(first17):
    number = complete_resident_id(first17)  # right check digit, so the date is what fails
    with pytest.raises(InvalidIdError) as e:
        check_resident_id(number, today=date(2025, 1, 1))
    assert e.value.reason == "birth_date"
    assert "出生日期无效" in str(e.value)


def test_e1_resident_id_region_unknown():
    number = complete_resident_id("99010119900101123")
    with pytest.raises(InvalidIdError) as e:
        check_resident_id(number)
    assert e.value.reason == "region"
    assert "地区代码无效：990101" in str(e.value)
    assert check_resident_id(number, check_region=False) == number
    assert is_valid_resident_id(number, check_region=False)


def test_e1_resident_id_region_older_than_county_code_is_accepted():
    """stdnum's table says 320102 (玄武区) exists from 1983; a 1960 birth there is still real."""
    number = complete_resident_id("32010219600101123")
    assert not ric.is_valid(number)
    assert check_resident_id(number) == number


def test_e1_region_name():
    assert region_name("110105") == "北京市朝阳区"
    assert region_name("150602") == "内蒙古自治区东胜区"
    assert region_name("159999") is None


def test_e1_birth_date_gender_age():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)
    assert gender("11010519491231002X") == "女"
    assert gender("360426199101010071") == "男"
    assert age_on("360426199101010071", date(2024, 12, 31)) == 33
    assert age_on("360426199101010071", date(2025, 1, 1)) == 34
    with pytest.raises(InvalidIdError):
        birth_date("110105194913310021")
    with pytest.raises(InvalidIdError):
        gender("abc")


def test_e1_complete_resident_id():
    assert complete_resident_id("11010519491231002") == "11010519491231002X"
    assert resident_id_check_char("36042619910101007") == "1"
    with pytest.raises(InvalidIdError):
        resident_id_check_char("1101051949123100A")
