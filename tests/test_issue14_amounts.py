"""Issue 14 findings 1, 6 and 7: one amount rule (``sbtui.domain.money.parse_amount``) for the
CLI, the grid, xlsx and the sandbox — ASCII digits, at most 12 integer digits and 2 decimals,
no exponent, no sign, no NaN/Infinity, no other digit sets, no spaces inside the service."""
from __future__ import annotations

from decimal import Decimal

import pytest

from sbtui.cli.common import EXIT_USAGE
from sbtui.domain.models import Employee
from sbtui.domain.money import AmountError, parse_amount, parse_money
from sbtui.domain.wages import check_rule, parse_wage
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key
from test_cli import NEW, add_demo, runner, sb  # noqa: F401 (fixture)

ENT = "66259112241843"  # the sandbox's enterprise unit number: 110, 210, 410

# what the service must refuse and the client must therefore never accept
BAD_WIRE = ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "1E+2", "1e3", "+5", "-5", " 5", "5 ",
            "5\n", "٥", "１２３", "१२", "0x10", "1_000", "1" * 13, "1.001", "", ".5", "5.", "1,000"]
GOOD_WIRE = [("0", "0.00"), ("5", "5.00"), ("8888.5", "8888.50"), ("999999999999.99", "999999999999.99")]


# -- the rule itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", BAD_WIRE)
def test_the_one_rule_refuses_naming_the_field(text):
    """issue 14 findings 1 and 7: every form the service used to take (or crash on) is an
    AmountError whose message names the field."""
    with pytest.raises(AmountError) as e:
        parse_amount(text, "缴费金额")
    assert str(e.value).startswith("缴费金额")


@pytest.mark.parametrize("text, value", GOOD_WIRE)
def test_the_one_rule_accepts_plain_amounts(text, value):
    assert str(parse_amount(text, "x")) == value


def test_nothing_the_client_takes_is_refused_by_the_service():
    """issue 14 finding 7: the client's parser cleans up only what a user types around a
    number (spaces, thousands separators, ¥, 元) and then applies the service's rule, so
    what it accepts, written canonically, the service accepts too."""
    samples = BAD_WIRE + [t for t, _ in GOOD_WIRE] + [
        "8,888.00", " 8 888.5 ", "¥1,234.56", "￥100元", "８８８８", "８，８８８．００", "－5", "1e309",
        "999,999,999,999.99", "1,000,000,000,000"]
    for text in samples:
        try:
            value = parse_money(text)
        except ValueError:
            continue
        assert parse_amount(f"{value:.2f}") == value, text
    for text in ("٥", "１２３", "+5", "1E+2", "NaN", "８，８８８．００"):
        with pytest.raises(ValueError):
            parse_wage(text)


def test_ratio_rule_no_exponent_no_overflow():
    """issue 14 finding 6: ``--ratio 1e309`` used to pass the check and crash in quantize."""
    for bad in ("1e309", "1E+2", "NaN", "Infinity", "-5", "+5", "0", "１００", "12345", Decimal("1e309")):
        with pytest.raises(ValueError, match="比率"):
            check_rule(("ratio", bad))
    assert check_rule(("ratio", "103.5%")) == ("ratio", Decimal("103.5"))
    with pytest.raises(ValueError, match="缴费工资过大"):
        check_rule(("fixed", "99999999999999"))


# -- the sandbox --------------------------------------------------------------------------------

@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def c(tmp_path, clock):
    async with client(create_app(tmp_path, employees=30, clock=clock)) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


async def _declared(c, clock) -> str:
    lines = (await c.get("/dues", params={"unit_number": ENT})).json()
    tick = next(d["tick"] for d in lines if d["status"] == "初始" and d["source"] == "tax")
    keys = [d["key"] for d in lines if d["tick"] == tick and d["status"] == "初始"]
    r = await c.post("/declarations", json={"kind": "daily", "unit_number": ENT, "lines": [
        {"key": k, "offset": "0.00", "remark": ""} for k in keys]},
        headers={"Idempotency-Key": new_key()})
    assert r.status_code == 202, r.text
    clock.advance(seconds=4)
    return r.json()["id"]


@pytest.mark.parametrize("amount", ["NaN", "1E+2", "Infinity", "+1.00", " 1.00", "١", "1.001",
                                    "1" * 13, "-1.00"])
async def test_paid_control_refuses_bad_amounts_with_400(c, clock, amount):
    """issue 14 finding 1: ``"NaN"`` was a 500 (decimal.InvalidOperation), ``"1E+2"`` was
    taken as 100; both are a 400 naming the field now, and nothing is paid."""
    did = await _declared(c, clock)
    r = await c.post(f"/sandbox/declarations/{did}/paid", json={"amount": amount})
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "bad_request" and body["detail"]["field"] == "amount", body
    assert "缴费金额" in body["message"]
    assert (await c.get(f"/declarations/{did}")).json()["paid"] == "0.00"
    r = await c.post(f"/sandbox/declarations/{did}/paid", json={"amount": "1.00"})
    assert r.status_code == 200 and r.json()["paid"] == "1.00"


async def test_wage_items_in_other_digit_sets_are_refused(c, clock):
    """issue 14 finding 7: the service took ``"٥"``, ``"１２３"``, ``" 5"`` and ``"+5"``."""
    emps = [Employee.model_validate(x) for x in
            (await c.get("/registry/employees", params={"limit": 100})).json()["items"]]
    e = next(x for x in emps if x.status == "normal" and "110" in x.insured_types)
    bad = ["٥", "１２３", " 5", "+5", "5 ", "1E+2", "NaN", "Infinity", "1" * 13]
    rows = [{"employee_id": e.id, "name": e.name, "id_number": e.id_number,
             "items": [{"type": t, "wage": w, "period_from": "2026-05", "period_to": None}
                       for t in ("110", "210", "410") if t in e.insured_types]} for w in bad]
    r = await c.post("/wages/declarations", json={"rows": rows}, headers={"Idempotency-Key": new_key()})
    assert r.status_code in (200, 202), r.text
    clock.advance(seconds=3)
    d = (await c.get(f"/wages/declarations/{r.json()['id']}")).json()
    assert [x["reason"] for x in d["results"]] == ["缴费工资格式有误"] * len(bad)


# -- the CLI ------------------------------------------------------------------------------------

@pytest.fixture
def demo(runner, tmp_path):  # noqa: F811
    facts, _ = add_demo(runner, tmp_path)
    return facts


def test_cli_wages_add_numbers(runner, demo):  # noqa: F811
    """issue 14 finding 6: ``--ratio 1e309`` was a traceback, ``--fixed 99999999999999`` was
    taken locally (and refused by the service later), ``--all --fixed`` ignored ``--fixed``.
    Each is a usage error now (exit 2) with a Chinese message, and the draft stays empty."""
    unit = demo["unit_numbers"][0]
    cases = [
        (["--unit-number", unit, "--ratio", "1e309"], "比率格式有误"),
        (["--unit-number", unit, "--ratio", "NaN"], "比率格式有误"),
        (["--unit-number", unit, "--fixed", "99999999999999"], "缴费工资过大"),
        (["--unit-number", unit, "--fixed", "１２３"], "缴费工资格式有误"),
        (["--unit-number", unit, "--fixed", "5000", "--ratio", "100"], "只能指定一个"),
        (["--all", "--fixed", "5000.00"], "--all 按当前缴费工资添加"),
        (["--all", "--ratio", "110"], "--all 按当前缴费工资添加"),
        (["--empty", "--fixed", "5000.00"], "--empty 按当前缴费工资添加"),
        (["--all", "--to", "2026-12"], "--all 按当前缴费工资添加"),
    ]
    for args, message in cases:
        r = sb(runner, "wages", "add", *args)
        assert r.exit_code == EXIT_USAGE, (args, r.output)
        assert message in r.output, (args, r.output)
        assert "Traceback" not in r.output
    r = sb(runner, "--json", "wages", "add", "--unit-number", unit, "--ratio", "1e309")
    assert r.exit_code == EXIT_USAGE
    r = sb(runner, "wages", "add", "--unit-number", unit, "--fixed", "999999999999.99")
    assert r.exit_code == 0, r.output
