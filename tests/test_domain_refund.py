"""Refund rules (SPEC R2, R3; manual 000 §4.3): the seed's worked table, clamping, the late
fee in proportion, and the application's fields."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain.ids import complete_resident_id
from sbtui.domain.models import PaidLine
from sbtui.domain.refund import (RefundError, check_application, check_total, due_on,
                                 employee_refund, late_fee_refund, total)
from sbtui.domain.region import load_region

NM = load_region("nm")  # 2023: floor 4,000.00, cap 20,000.00


def paid(key: str, kind: str, item: str, paid: str, base: str, rate: str | None = None,
         fee_key: str | None = None, period: str = "2023-08", **kw) -> PaidLine:
    return PaidLine(key=key, kind=kind, fee_key=fee_key, declaration_id="FD0000001", n=1,
                    unit_number="66259112241843", employee_id="E1", name="小昭",
                    id_number="150203199001010011", type_code="110", item=item,
                    item_name="职工基本养老保险(单位缴纳)", period_from=period, period_to=period,
                    base=Decimal(base), rate=rate, paid=Decimal(paid), ticket_number="3152023",
                    booked_on=date(2023, 9, 1), **kw)


# The seed's table (000 §4.3): the four ticked lines of 2023-08.
UNIT = paid("a", "fee", "110-u", "1280.00", "8000.00", "16%")
UNIT_LATE = paid("a:L", "late_fee", "110-u", "107.52", "1280.00", fee_key="a")
PERSON = paid("b", "fee", "110-p", "640.00", "8000.00", "8%")
PERSON_LATE = paid("b:L", "late_fee", "110-p", "53.76", "640.00", fee_key="b")


def test_r2_the_seeds_table_gives_520_32():
    amounts = employee_refund([UNIT, UNIT_LATE, PERSON, PERSON_LATE],
                              {"a": "6000.00", "b": "6,000"}, NM)
    assert [a.amount for a in amounts] == [Decimal("320.00"), Decimal("26.88"),
                                           Decimal("160.00"), Decimal("13.44")]
    assert total(amounts) == Decimal("520.32")
    assert amounts[0].adjusted_base == Decimal("6000.00") and amounts[1].adjusted_base is None
    assert check_total(total(amounts), "520.32") == Decimal("520.32")
    with pytest.raises(RefundError, match="现为520.32元"):
        check_total(total(amounts), "520.31")


def test_r2_the_adjusted_base_is_clamped_to_the_years_floor_and_cap():
    # 2023 floor 4,000.00: a base of 3,000.00 owes as much as 4,000.00 → 1,280 − 640 = 640
    assert due_on(UNIT, Decimal("3000.00"), NM) == Decimal("640.00")
    [a] = employee_refund([UNIT], {"a": "3000"}, NM)
    assert a.amount == Decimal("640.00")
    # a base above the paid one (or clamped up to it) gives nothing back: refused
    capped = paid("c", "fee", "110-u", "3200.00", "20000.00", "16%")
    with pytest.raises(RefundError, match="调整后缴费基数应低于原缴费基数：c"):
        employee_refund([capped], {"c": "30000"}, NM)
    with pytest.raises(RefundError, match="应低于原缴费基数"):
        employee_refund([UNIT], {"a": "8000"}, NM)


def test_r2_half_up_per_line_and_in_proportion():
    # 4,321.00 × 16 % = 691.36; 1,280 − 691.36 = 588.64; 107.52 × 588.64 / 1280 = 49.44576 → 49.45
    amounts = employee_refund([UNIT, UNIT_LATE], {"a": "4321"}, NM)
    assert [a.amount for a in amounts] == [Decimal("588.64"), Decimal("49.45")]
    assert late_fee_refund(Decimal("0.01"), Decimal("0.50"), Decimal("1.00")) == Decimal("0.01")


def test_r2_refusals_in_chinese():
    with pytest.raises(RefundError, match="请勾选需要退费的缴款记录"):
        employee_refund([], {}, NM)
    with pytest.raises(RefundError, match="请填写调整后缴费基数：a"):
        employee_refund([UNIT], {}, NM)
    with pytest.raises(RefundError, match="调整后缴费基数"):
        employee_refund([UNIT], {"a": "六千"}, NM)
    with pytest.raises(RefundError, match="滞纳金须与对应的费款一并勾选：a:L"):
        employee_refund([UNIT_LATE], {}, NM)
    taken = UNIT.model_copy(update={"refunded": Decimal("320.00"), "refundable": False})
    with pytest.raises(RefundError, match="已申请退费或不存在，不能重复退费：a"):
        employee_refund([taken], {"a": "6000"}, NM)


def test_r2_a_fixed_item_has_nothing_to_give_back():
    fixed = paid("f", "fee", "330-p", "5.00", "8000.00", None)
    with pytest.raises(RefundError, match="应低于原缴费基数"):
        employee_refund([fixed], {"f": "6000"}, NM)


HANDLER_ID = complete_resident_id("15010119800606060")


def form(**over):
    f = {"cause": "错误多报职工缴费工资", "explanation": "测试2",
         "account": {"name": "内蒙古倚天科技有限公司", "bank": "中国工商银行", "account": "6222 0206 0200 1234"},
         "handler": {"name": "小昭", "id_type": "居民身份证", "id_number": HANDLER_ID.lower(),
                     "phone": "133-3333-3333"}}
    for path, value in over.items():
        head, _, tail = path.partition("__")
        if tail:
            f[head] = {**f[head], tail: value}
        else:
            f[head] = value
    return f


def test_r3_a_good_application_is_cleaned():
    out = check_application(form())
    assert out["account"]["account"] == "6222020602001234"
    assert out["handler"] == {"name": "小昭", "id_type": "201", "id_number": HANDLER_ID,
                              "phone": "13333333333"}


@pytest.mark.parametrize("over, field, message", [
    ({"account__name": " "}, "account.name", "请填写退费银行账户名称"),
    ({"account__bank": ""}, "account.bank", "请选择退费银行"),
    ({"account__account": "23412"}, "account.account", "退费银行账户应为6至32位数字"),
    ({"account__account": "1" * 33}, "account.account", "退费银行账户应为6至32位数字"),
    ({"account__account": "62220206X"}, "account.account", "退费银行账户应为6至32位数字"),
    ({"cause": ""}, "cause", "请选择退费原因"),
    ({"cause": "想退"}, "cause", "退费原因应为"),
    ({"explanation": ""}, "explanation", "请填写退费申请理由"),
    ({"handler__name": ""}, "handler.name", "请填写办理人姓名"),
    ({"handler__id_number": "150101198006060606"}, "handler.id_number", "校验位错误，应为4"),
    ({"handler__phone": "23333333333"}, "handler.phone", "联系电话应为11位手机号码"),
    ({"handler__phone": "1333333333"}, "handler.phone", "联系电话应为11位手机号码"),
    ({"handler__id_type": "学生证"}, "handler.id_type", "身份证件类型不正确"),
    ({"explanation": "退\x1b费"}, "explanation", "控制字符"),
])
def test_r3_each_field_is_checked(over, field, message):
    with pytest.raises(RefundError, match=message) as caught:
        check_application(form(**over))
    assert caught.value.field == field


def test_r3_a_passport_has_no_check_digit():
    out = check_application(form(handler__id_type="208", handler__id_number="E12345678"))
    assert out["handler"]["id_number"] == "E12345678"
