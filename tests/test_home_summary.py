"""The home page's data on the client (SPEC H2–H5, §12): ``Workspace.home`` with a frozen
``today``, alerts from the local store, the deadline moved past a holiday, offline and the
缴费 user; quick buttons in config.json; ``sbtui home``."""
from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.config import DEFAULT_QUICK_BUTTONS, Config
from sbtui.domain.employees import empty_wage_types, empty_wage_types_of
from sbtui.domain.models import Employee
from sbtui.domain.passwords import initial_password
from sbtui.services.home import OFFLINE, QUICK_ACTIONS, pay_parts
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.seed import make_employee
from sbtui.remote.sandbox.testing import FakeClock
from sbtui.workspace import Workspace
from store_helpers import emp

UNIT = "66259112241843"
PASSWORD = "Passw0rd!"


def workspace(tmp_path, clock) -> Workspace:
    app = create_app(tmp_path / "sb", employees=40, clock=clock)
    return Workspace(tmp_path / "home", service=HttpService.in_process(app, backoff_base=0))


async def admin(ws: Workspace) -> None:
    first = initial_password(UNIT)
    await ws.login(DEMO_USCC, first)
    await ws.change_password(first, PASSWORD)


def local_rows(ws: Workspace) -> None:
    """Employees in the local store: two without a wage for 210/410, one complete, one stopped."""
    store = ws.store(DEMO_USCC)
    store.meta_set("name", "鸿泰能源")
    store.meta_set("region", "nm")
    complete = emp(3, name="王五", types=("110",))
    store.registry.upsert_employees([emp(1, name="张三"), emp(2, name="李四"), complete,
                            emp(4, name="赵六", status="stopped")])


@pytest.fixture
async def feb(tmp_path):
    """Sandbox seeded on 2026-02-10: January paid, February's dues not declared."""
    ws = workspace(tmp_path, FakeClock(datetime(2026, 2, 10, 2, 0, tzinfo=UTC)))
    await admin(ws)
    local_rows(ws)
    yield ws
    await ws.aclose()


async def test_deadline_moved_past_the_spring_festival(feb):
    """SPEC H3/§12: 2026-02-20 falls in the Spring Festival holiday → 2026-02-24."""
    s = await feb.employer(DEMO_USCC).home.summary(today=date(2026, 2, 21))
    assert s.deadline == date(2026, 2, 24) and s.today == date(2026, 2, 21)
    assert not [a for a in s.alerts if a.kind == "overdue"]  # the 21st is not late yet
    s = await feb.employer(DEMO_USCC).home.summary(today=date(2026, 2, 25))
    [overdue] = [a for a in s.alerts if a.kind == "overdue"]
    assert overdue.count == 4  # February of each of the four unit numbers
    assert "2026-02属期，缴费期限2026-02-24" in overdue.text and "已超出缴费期限" in overdue.text
    march = await feb.employer(DEMO_USCC).home.summary(today=date(2026, 3, 5))
    assert march.deadline == date(2026, 3, 20)


async def test_summary_parts_H2_H3_H4_H5(feb):
    s = await feb.employer(DEMO_USCC).home.summary(today=date(2026, 2, 12))
    assert s.uscc == DEMO_USCC and s.name == "鸿泰能源" and s.role == "admin"
    assert s.unavailable == {}
    kinds = {i.kind for i in s.todo}
    assert {"tax_generated", "collection", "special"} <= kinds
    [empty] = [a for a in s.alerts if a.kind == "empty_wage"]
    assert empty.count == 2 and empty.examples == ("张三", "李四")
    assert "缴费工资为空" in empty.text
    assert not [a for a in s.alerts if a.kind == "undeclared_periods"]  # one period only
    assert s.notices and all(n.kind == "notice" for n in s.notices)
    assert [m.id for m in s.messages] == ["M0002", "M0001"] and s.unread == 2
    await feb.employer(DEMO_USCC).home.mark_message_read("M0001")
    assert (await feb.employer(DEMO_USCC).home.summary(today=date(2026, 2, 12))).unread == 1
    assert [b.id for b in s.quick_buttons] == list(DEFAULT_QUICK_BUTTONS)
    assert [b.label for b in s.quick_buttons] == ["日常申报", "特殊缴费申报", "缴费", "完税证明开具"]


async def test_undeclared_periods_of_several_months(tmp_path):
    clock = FakeClock(datetime(2026, 2, 10, 2, 0, tzinfo=UTC))
    ws = workspace(tmp_path, clock)
    await admin(ws)
    clock.advance(days=60)  # 2026-04-11 on the service: Feb, Mar and Apr not declared
    await ws.login(DEMO_USCC, PASSWORD)
    s = await ws.employer(DEMO_USCC).home.summary(today=date(2026, 4, 11))
    several = [a for a in s.alerts if a.kind == "undeclared_periods"]
    assert len(several) == 4 and all(a.count == 3 for a in several)
    assert "2026-02、2026-03、2026-04" in several[0].text and "可能超出申报期限" in several[0].text
    [overdue] = [a for a in s.alerts if a.kind == "overdue"]
    assert overdue.count == 8  # Feb (deadline 02-24) and Mar (03-20) of four unit numbers
    await ws.aclose()


async def test_offline_keeps_the_local_alerts(tmp_path):
    ws = Workspace(tmp_path / "home", service=HttpService("http://127.0.0.1:9", retries=0))
    local_rows(ws)
    s = await ws.employer(DEMO_USCC).home.summary(today=date(2026, 2, 21))
    assert s.todo is None and s.notices is None and s.messages is None
    assert s.unavailable == {"todo": OFFLINE, "notices": OFFLINE, "messages": OFFLINE}
    assert [a.kind for a in s.alerts] == ["empty_wage"] and s.deadline == date(2026, 2, 24)
    s = await ws.employer(DEMO_USCC).home.summary(today=date(2026, 2, 21), online=False)
    assert set(s.unavailable) == {"todo", "notices", "messages"} and s.alerts
    await ws.aclose()


async def test_not_logged_in_says_why(tmp_path):
    ws = workspace(tmp_path, FakeClock())
    local_rows(ws)
    s = await ws.employer(DEMO_USCC).home.summary(today=date(2026, 5, 15))
    assert s.unavailable["todo"] == "登录已失效，请重新登录。" and s.alerts
    await ws.aclose()


async def test_pay_user_home(feb):
    await feb.users.add("CaiWu01", "pay")
    await feb.login(DEMO_USCC, "CaiWu01", username="CaiWu01")
    await feb.change_password("CaiWu01", "Pay12345")
    s = await feb.employer(DEMO_USCC).home.summary(today=date(2026, 2, 25))
    assert s.role == "pay" and s.todo == [] and s.unavailable == {}  # nothing to pay: an empty to-do
    assert s.alerts == []  # no employee alert for a payment-only user
    assert s.notices and s.messages
    assert [b.id for b in s.quick_buttons] == ["pay"]


def test_quick_buttons_are_configurable(tmp_path):
    ws = Workspace(tmp_path / "home")
    assert ws.config.quick_buttons == list(DEFAULT_QUICK_BUTTONS)
    ws.settings.set_quick_buttons(["pay", "certificate", "pay"])
    assert Config.load(tmp_path / "home").quick_buttons == ["pay", "certificate"]
    raw = json.loads((tmp_path / "home" / "config.json").read_text("utf-8"))
    assert raw["quick_buttons"] == ["pay", "certificate"]
    with pytest.raises(ValueError, match="未知的快捷按钮"):
        ws.settings.set_quick_buttons(["pay", "nope"])
    assert set(DEFAULT_QUICK_BUTTONS) <= set(QUICK_ACTIONS)


def test_empty_wage_rule_on_documents_matches_the_model():
    """The store-document version of the H3 rule answers like the model's, on generated staff."""
    rng = random.Random(3)
    units = [{"unit_number": "1", "agency": "a", "agency_system": "enterprise",
              "insurance_types": ("110", "210", "410"), "system_digit": "1"},
             {"unit_number": "2", "agency": "m", "agency_system": "medical",
              "insurance_types": ("310", "330"), "system_digit": "3"}]
    found = 0
    for i in range(1, 400):
        doc = make_employee(rng, uscc="x", serial=i, units=units, prefix="1506",
                            today=date(2026, 5, 15), taken=set(), group_ids=[])
        model = Employee.model_validate(doc)
        for period in ("2026-05", "2024-01", "2099-12"):
            expected = empty_wage_types(model, period)
            assert empty_wage_types_of(doc["status"], model.insured_types, doc["wages"], period) == expected
            found += bool(expected)
    assert found


# -- sbtui home ------------------------------------------------------------------------------

def sb(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def test_cli_home_json_and_text(tmp_path):
    from sbtui.remote.sandbox import info

    facts = info(tmp_path / "home" / "sandbox")
    first = initial_password(facts["unit_numbers"][0])
    r = sb("employer", "add", facts["uscc"], "--yes", env={"SBTUI_PASSWORD": first,
                                                           "SBTUI_NEW_PASSWORD": PASSWORD})
    assert r.exit_code == 0, r.output
    r = sb("--json", "home", "--today", "2026-02-21", env={"SBTUI_PASSWORD": PASSWORD})
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["deadline"] == "2026-02-24" and out["today"] == "2026-02-21"
    assert out["todo"] and out["notices"] and out["messages"] and out["unavailable"] == {}
    assert {"alerts", "quick_buttons", "unread", "role"} <= set(out)
    r = sb("home", env={"SBTUI_PASSWORD": PASSWORD})
    assert r.exit_code == 0
    for title in ("本月缴费期限", "待办事项", "异常提醒", "通知公告", "消息中心", "快捷按钮"):
        assert title in r.stdout
    # unreachable service: the local part, the reason, exit 3
    r = sb("--remote", "http://127.0.0.1:9", "home")
    assert r.exit_code == 3 and OFFLINE in r.stdout and "异常提醒" in r.stdout


def test_cli_home_buttons(tmp_path):
    r = sb("home", "buttons")
    assert r.exit_code == 0 and "日常申报（declare.daily）" in r.stdout
    r = sb("--json", "home", "buttons", "pay", "wages.declare")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == [{"id": "pay", "label": "缴费"},
                                    {"id": "wages.declare", "label": "缴费工资申报"}]
    r = sb("home", "buttons", "bogus")
    assert r.exit_code == 2 and "未知的快捷按钮" in r.stderr


def test_pay_parts_count_unpaid_and_overdue_declarations_with_their_late_fee():
    """Issue 12 (H2, H3, D12): the to-do counts the unpaid declarations and what they come to
    with their late fees; the alert counts the overdue ones with their late fee."""
    from decimal import Decimal

    from sbtui.domain.models import PayLine

    def line(decl: str, n: int, amount: str, late: str, days: int) -> PayLine:
        return PayLine(key=f"{decl}:{n}", declaration_id=decl, n=n, unit_number="66259112241843",
                       source="tax", period_from="2026-10", period_to="2026-10", item="x", item_name="养老",
                       amount=Decimal(amount), deadline=date(2026, 11, 20), days_late=days,
                       late_fee=Decimal(late), as_of=date(2026, 12, 3))

    assert pay_parts([]) == (None, None)
    todo, alert = pay_parts([line("D1", 1, "1422.08", "9.24", 13), line("D1", 2, "55.00", "0.36", 13),
                             line("D2", 1, "100.00", "0.00", 0)])
    assert todo.kind == "unpaid" and todo.count == 2 and todo.amount == Decimal("1586.68")
    assert todo.text == ("存在2条申报成功且未缴费的记录（含滞纳金合计1,586.68元），其中1条已超过缴款期限，"
                         "滞纳金9.60元，请及时缴费。")
    assert alert.kind == "overdue_unpaid" and alert.count == 1
    assert "滞纳金合计9.60元（计至2026-12-03" in alert.text and "缴款期限2026-11-20" in alert.text
    todo, alert = pay_parts([line("D2", 1, "100.00", "0.00", 0)])
    assert alert is None and todo.text == "存在1条申报成功且未缴费的记录（含滞纳金合计100.00元），请及时缴费。"
