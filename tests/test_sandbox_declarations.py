"""Sandbox fee declaration (SPEC D3–D12, W7): keys and ticks on every dues line, the submit and
its refusals, lazy feedback, credits and offsets, void, the paid control, late fees, special
dues, the home to-do, and the HTTP client's methods."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sbtui.domain.deadline import collection_deadline, days_late, late_fee
from sbtui.domain.models import (
    Credit,
    Declaration,
    DeclarationEmployee,
    DueLine,
    due_key,
    due_tick,
)
from sbtui.domain.region import load_region
from sbtui.remote.errors import RefusedError
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key
from sbtui.remote.sandbox.wages import LOWERING

N = 60
ENT = "66259112241843"  # 110, 210, 410; credits 110-u 1,000.00 and 210-u 200.00
MED = "15069120180327"  # 310, 330
TODAY = date(2026, 5, 15)
NM = load_region("nm")  # the sandbox's region profile (deadline day 20)
DAILY_OK = "社保费申报成功，可前往【缴费】功能进行缴费，或到【申报记录】界面查看详细结果"
SPECIAL_OK = "获取申报结果成功，点击‘确定’跳转到申报记录界面查看详细结果"


@pytest.fixture
def clock():
    return FakeClock()  # 2026-05-15 10:00 CST; paid periods 2026-01 … 2026-04


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=N, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


# -- helpers -----------------------------------------------------------------------------------

async def dues(c, **params) -> list[dict]:
    r = await c.get("/dues", params=params)
    assert r.status_code == 200, r.text
    for line in r.json():
        DueLine.model_validate(line)
    return r.json()


def tick_keys(lines: list[dict], tick: str) -> list[str]:
    return [d["key"] for d in lines if d["tick"] == tick and d["status"] == "初始"]


def tax_tick(unit: str, period: str, code: str) -> str:
    return due_tick("tax", unit, period, period, code)


async def submit(c, kind: str, unit: str, keys: list[str], *, offsets: dict | None = None,
                 remarks: dict | None = None, key: str | None = None):
    offsets, remarks = offsets or {}, remarks or {}
    body = {"kind": kind, "unit_number": unit,
            "lines": [{"key": k, "offset": offsets.get(k, "0.00"), "remark": remarks.get(k, "")}
                      for k in keys]}
    return await c.post("/declarations", json=body, headers={"Idempotency-Key": key or new_key()})


async def declare(c, clock, kind: str, unit: str, keys: list[str], **kw) -> dict:
    """Submit, wait past the feedback, read it back (申报成功)."""
    r = await submit(c, kind, unit, keys, **kw)
    assert r.status_code == 202, r.text
    clock.advance(seconds=4)
    got = (await c.get(f"/declarations/{r.json()['id']}")).json()
    assert got["status"] == "申报成功", got
    return got


async def void(c, declaration_id: str):
    return await c.post(f"/declarations/{declaration_id}/void",
                        headers={"Idempotency-Key": new_key()})


async def credits(c) -> dict[str, Decimal]:
    r = await c.get("/credits")
    assert r.status_code == 200
    return {x.item: x.amount for x in map(Credit.model_validate, r.json())}


def unpay(app, period: str) -> None:
    with app.state.sandbox.db.tx() as conn:
        conn.execute("DELETE FROM paid_periods WHERE uscc = ? AND period = ?", (DEMO_USCC, period))


def refused(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code, body
    return body


# -- dues lines --------------------------------------------------------------------------------

async def test_every_line_has_its_key_and_tick_D3(c):
    lines = await dues(c)
    assert {d["source"] for d in lines} == {"tax", "collection", "special"}  # no project linked
    for d in lines:
        assert d["key"] == due_key(d["source"], d["unit_number"], d["period_from"], d["item"], d["serial"])
        assert d["tick"] == due_tick(d["source"], d["unit_number"], d["period_from"], d["period_to"],
                                     d["type_code"], d["serial"])
        assert d["status"] == "初始" and d["declaration_id"] is None
    assert len({d["key"] for d in lines}) == len(lines)
    assert tick_keys(lines, tax_tick(ENT, "2026-05", "110")) == [
        f"t|{ENT}|2026-05|110-u", f"t|{ENT}|2026-05|110-p"]
    special = [d for d in lines if d["source"] == "special"]
    assert all(d["valid_until"] and d["remark"] and d["serial"] for d in special)
    assert {d["source"] for d in await dues(c, source="special")} == {"special"}
    assert (await c.get("/dues", params={"source": "x"})).status_code == 400


async def test_max_offset_deadline_and_late_fee_D5_D12(c, app):
    unpay(app, "2026-04")
    lines = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    may = lines[f"t|{ENT}|2026-05|110-u"]
    assert Decimal(may["max_offset"]) == min(Decimal(may["due"]), Decimal("1000.00"))
    assert Decimal(lines[f"t|{ENT}|2026-05|210-u"]["max_offset"]) == Decimal("200.00")
    assert lines[f"t|{ENT}|2026-05|110-p"]["max_offset"] == "0.00"  # no credit for the item
    assert may["deadline"] == collection_deadline("2026-05", NM).isoformat()
    assert may["late_fee"] == "0.00"  # the 20th has not passed
    april = lines[f"t|{ENT}|2026-04|110-u"]
    days = days_late("2026-04", TODAY, NM)
    assert days > 0
    assert Decimal(april["late_fee"]) == late_fee(Decimal(april["due"]), days) > 0
    # a special due's deadline is its 征集有效日期 and it accrues no late fee of ours (D9, D12)
    for special in await dues(c, source="special"):
        assert special["deadline"] == special["valid_until"] and special["late_fee"] == "0.00"


# -- submit and feedback -----------------------------------------------------------------------

async def test_submit_then_lazy_feedback_D6_D7_D11(c, clock):
    keys = tick_keys(await dues(c), tax_tick(ENT, "2026-05", "110"))
    r = await submit(c, "daily", ENT, keys)
    assert r.status_code == 202, r.text
    decl = Declaration.model_validate(r.json())
    assert decl.status == "申报中" and decl.id == "FD0000001" and decl.line_count == 2
    assert [ln.key for ln in decl.lines] == keys and decl.lines[0].type_name == "企业职工基本养老保险费"
    assert decl.feedback_at is not None and (decl.feedback_at - decl.submitted_at).total_seconds() == 3
    assert decl.due_total == sum(ln.due for ln in decl.lines) == decl.actual_total
    held = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    assert all(held[k]["status"] == "申报中" and held[k]["declaration_id"] == decl.id for k in keys)
    # a line in a declaration cannot be declared twice
    refused(await submit(c, "daily", ENT, keys), 400, "due_not_open")
    clock.advance(seconds=2)
    assert (await c.get(f"/declarations/{decl.id}")).json()["status"] == "申报中"
    clock.advance(seconds=2)
    [listed] = (await c.get("/declarations")).json()
    assert listed["status"] == "申报成功" and listed["message"] == DAILY_OK and listed["lines"] == []
    assert listed["payment_status"] == "未缴费"
    held = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    assert all(held[k]["status"] == "申报成功" for k in keys)
    # filters
    assert len((await c.get("/declarations", params={"status": "申报成功", "kind": "daily"})).json()) == 1
    assert (await c.get("/declarations", params={"kind": "special"})).json() == []
    assert len((await c.get("/declarations", params={"date_from": "2026-05-15",
                                                     "date_to": "2026-05-15"})).json()) == 1
    assert (await c.get("/declarations", params={"date_from": "2026-05-16"})).json() == []
    assert (await c.get("/declarations", params={"date_from": "15/05/2026"})).status_code == 400
    assert (await c.get("/declarations/FD9999999")).status_code == 404


async def test_tick_unit_must_be_submitted_whole_D3(c):
    lines = await dues(c)
    refusal = refused(await submit(c, "daily", ENT, [f"t|{ENT}|2026-05|110-u"]), 400, "tick_incomplete")
    assert refusal["message"] == "相同勾选项的应缴信息必须一起提交申报"
    assert refusal["detail"]["tick"] == tax_tick(ENT, "2026-05", "110")
    assert refusal["detail"]["missing"] == [f"t|{ENT}|2026-05|110-p"]
    notice = next(d for d in lines if d["source"] == "collection" and len(tick_keys(lines, d["tick"])) > 1)
    refusal = refused(await submit(c, "daily", notice["unit_number"], [notice["key"]]), 400,
                      "tick_incomplete")
    assert refusal["detail"]["missing"] == [k for k in tick_keys(lines, notice["tick"]) if k != notice["key"]]
    assert (await c.get("/declarations")).json() == []


async def test_several_unit_numbers_are_refused_D3(c):
    lines = await dues(c)
    keys = tick_keys(lines, tax_tick(ENT, "2026-05", "410")) + tick_keys(lines, tax_tick(MED, "2026-05", "330"))
    refusal = refused(await submit(c, "daily", ENT, keys), 400, "several_units")
    assert refusal["message"] == "多个单位编号需分别提交申报"
    assert refusal["detail"]["key"].startswith(f"t|{MED}|")


async def test_each_refusal_code(c):
    lines = await dues(c)
    special = [d for d in lines if d["source"] == "special"]
    valid = next(d for d in special if d["valid_until"] >= "2026-05-15")
    expired = next(d for d in special if d["valid_until"] < "2026-05-15")
    work_injury = tick_keys(lines, tax_tick(ENT, "2026-05", "410"))
    refusal = refused(await submit(c, "daily", ENT, ["t|nope|2026-05|110-u"]), 400, "due_not_open")
    assert refusal["message"] == "该应缴信息已申报或不存在" and refusal["detail"]["key"] == "t|nope|2026-05|110-u"
    refused(await submit(c, "daily", ENT, [valid["key"]]), 400, "wrong_kind")
    refused(await submit(c, "special", ENT, work_injury), 400, "wrong_kind")
    refusal = refused(await submit(c, "special", ENT, [expired["key"]]), 400, "due_expired")
    assert refusal["message"] == "已超过征集有效日期，不能申报"
    refused(await submit(c, "daily", ENT, []), 400, "bad_request")
    refused(await submit(c, "daily", ENT, work_injury * 2), 400, "bad_request")
    refused(await submit(c, "daily", ENT, work_injury, offsets={work_injury[0]: "abc"}), 400, "bad_request")
    refused(await submit(c, "daily", ENT, work_injury, offsets={work_injury[0]: "-1.00"}), 422,
            "offset_over_max")
    refused(await submit(c, "project", ENT, work_injury), 400, "wrong_kind")
    r = await c.post("/declarations", json={"kind": "other", "unit_number": ENT, "lines": []},
                     headers={"Idempotency-Key": new_key()})
    refused(r, 422, "validation_error")
    assert (await c.get("/declarations")).json() == []


async def test_offset_up_to_the_credit_D5(c, clock):
    keys = tick_keys(await dues(c), tax_tick(ENT, "2026-05", "110"))
    unit_part = keys[0]
    refusal = refused(await submit(c, "daily", ENT, keys, offsets={unit_part: "1000.01"}), 422,
                      "offset_over_max")
    assert refusal["message"] == "抵缴金额超出可抵缴金额上限（最大可抵缴金额1,000.00元）"
    assert refusal["detail"] == {"key": unit_part, "max": "1000.00"}
    refused(await submit(c, "daily", ENT, keys, offsets={keys[1]: "0.01"}), 422, "offset_over_max")
    r = await submit(c, "daily", ENT, keys, offsets={unit_part: "600.00"})
    assert r.status_code == 202, r.text
    decl = r.json()
    line = decl["lines"][0]
    assert line["offset"] == "600.00" and Decimal(line["actual"]) == Decimal(line["payable"]) - 600
    assert Decimal(decl["offset_total"]) == 600
    assert Decimal(decl["actual_total"]) == Decimal(decl["due_total"]) - 600
    # reserved while 申报中: the credit left is 400.00 for the next declaration
    assert (await credits(c))["110-u"] == Decimal("400.00")
    clock.advance(seconds=4)
    assert (await c.get(f"/declarations/{decl['id']}")).json()["status"] == "申报成功"
    assert (await credits(c)) == {"110-u": Decimal("400.00"), "210-u": Decimal("200.00")}
    r = await void(c, decl["id"])
    assert r.status_code == 202 and r.json()["status"] == "作废中"
    clock.advance(seconds=4)
    assert (await c.get(f"/declarations/{decl['id']}")).json()["status"] == "已作废"
    assert (await credits(c))["110-u"] == Decimal("1000.00")  # given back


async def test_offsets_of_one_item_share_the_credit_D5(c, app):
    unpay(app, "2026-04")
    lines = await dues(c)
    keys = tick_keys(lines, tax_tick(ENT, "2026-04", "110")) + tick_keys(lines, tax_tick(ENT, "2026-05", "110"))
    april, may = f"t|{ENT}|2026-04|110-u", f"t|{ENT}|2026-05|110-u"
    refusal = refused(await submit(c, "daily", ENT, keys, offsets={april: "600.00", may: "600.00"}),
                      422, "offset_over_max")
    assert refusal["detail"] == {"key": may, "max": "400.00"}
    r = await submit(c, "daily", ENT, keys, offsets={april: "600.00", may: "400.00"})
    assert r.status_code == 202, r.text
    assert all(d["max_offset"] == "0.00" for d in await dues(c, unit_number=ENT) if d["item"] == "110-u")


async def test_idempotent_replay_creates_one_declaration(c, app):
    keys = tick_keys(await dues(c), tax_tick(ENT, "2026-05", "410"))
    key = new_key()
    first = await submit(c, "daily", ENT, keys, key=key)
    again = await submit(c, "daily", ENT, keys, key=key)
    assert first.status_code == again.status_code == 202
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert len((await c.get("/declarations")).json()) == 1
    effects = (await c.get("/sandbox/effects", params={"kind": "declaration.submit"})).json()
    assert [e["target"] for e in effects] == [first.json()["id"]]


# -- void and payment --------------------------------------------------------------------------

async def test_void_while_unpaid_D8_D11(c, clock):
    before = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    keys = tick_keys(list(before.values()), tax_tick(ENT, "2026-05", "110"))
    r = await submit(c, "daily", ENT, keys)
    decl_id = r.json()["id"]
    refused(await void(c, decl_id), 400, "declaration_not_voidable")  # still 申报中
    clock.advance(seconds=4)
    r = await void(c, decl_id)
    assert r.status_code == 202 and r.json()["status"] == "作废中" and r.json()["lines"]
    assert (await c.get(f"/declarations/{decl_id}")).json()["status"] == "作废中"
    held = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    assert all(held[k]["status"] == "申报成功" for k in keys)  # until the void's feedback
    clock.advance(seconds=4)
    done = (await c.get(f"/declarations/{decl_id}")).json()
    assert done["status"] == "已作废" and done["message"] == "作废成功" and done["voided_at"]
    after = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    for k in keys:
        assert after[k]["status"] == "初始" and after[k]["declaration_id"] is None  # regenerated
        assert after[k]["due"] == before[k]["due"]
        gone = after[f"{k}|{decl_id}"]
        assert gone["status"] == "销账" and gone["declaration_id"] == decl_id
        assert gone["due"] == before[k]["due"] and gone["late_fee"] == "0.00"
    refused(await void(c, decl_id), 400, "declaration_not_voidable")
    refused(await void(c, "FD9999999"), 404, "not_found")
    again = await declare(c, clock, "daily", ENT, keys)  # declarable again
    assert again["id"] == "FD0000002"


async def test_void_of_a_paid_declaration_is_refused_D8(c, clock):
    lines = await dues(c, unit_number=ENT)
    decl = await declare(c, clock, "daily", ENT, tick_keys(lines, tax_tick(ENT, "2026-05", "410")))
    r = await c.post(f"/sandbox/declarations/{decl['id']}/paid", json={"amount": "1.00"})
    assert r.status_code == 200, r.text
    assert r.json()["payment_status"] == "部分缴费" and r.json()["paid"] == "1.00"
    refusal = refused(await void(c, decl["id"]), 400, "declaration_paid")
    assert refusal["message"] == "已缴费的申报不能作废"
    r = await c.post(f"/sandbox/declarations/{decl['id']}/paid", json={})
    assert r.json()["payment_status"] == "已缴费" and r.json()["paid"] == decl["actual_total"]
    refused(await c.post(f"/sandbox/declarations/{decl['id']}/paid", json={"amount": "1.00"}),
            400, "bad_request")
    # only part of 2026-05 is declared and paid: the period is not paid yet
    assert "2026-05" not in {p["period"] for p in (await c.get("/paid-periods")).json()
                             if p["unit_number"] == ENT}


async def test_a_wholly_paid_period_joins_the_paid_periods(c, clock):
    lines = await dues(c, unit_number=ENT)
    keys = [d["key"] for d in lines if d["source"] == "tax"]
    assert {d["period_from"] for d in lines if d["source"] == "tax"} == {"2026-05"}
    decl = await declare(c, clock, "daily", ENT, keys)
    todo = {i["kind"]: i for i in (await c.get("/home/todo")).json() if i["unit_number"] == ENT}
    assert "tax_generated" not in todo  # every 2026-05 line of ENT is declared
    assert todo["unpaid"]["count"] == 1 and todo["unpaid"]["amount"] == decl["actual_total"]
    r = await c.post(f"/sandbox/declarations/{decl['id']}/paid", json={})
    assert r.json()["payment_status"] == "已缴费"
    paid = {(p["unit_number"], p["period"]) for p in (await c.get("/paid-periods")).json()}
    assert (ENT, "2026-05") in paid
    after = {d["key"]: d for d in await dues(c, unit_number=ENT)}
    assert all(after[k]["status"] == "申报成功" and after[k]["late_fee"] == "0.00" for k in keys)
    assert not [i for i in (await c.get("/home/todo")).json() if i["kind"] == "unpaid"]


# -- special dues, employees, W7 ---------------------------------------------------------------

async def test_special_dues_declared_with_a_remark_D9(c, clock):
    special = await dues(c, source="special")
    valid = next(d for d in special if d["valid_until"] >= "2026-05-15")
    r = await submit(c, "special", ENT, [valid["key"]], remarks={valid["key"]: "补缴2024年度"})
    assert r.status_code == 202, r.text
    assert r.json()["lines"][0]["remark"] == "补缴2024年度" and r.json()["kind"] == "special"
    clock.advance(seconds=4)
    got = (await c.get(f"/declarations/{r.json()['id']}")).json()
    assert got["status"] == "申报成功" and got["message"] == SPECIAL_OK
    todo = [i for i in (await c.get("/home/todo")).json() if i["kind"] == "special"]
    assert todo[0]["count"] == 1  # the declared one is no longer a to-do
    other = next(d for d in special if d["key"] != valid["key"] and d["valid_until"] >= "2026-05-15")
    refused(await submit(c, "special", ENT, [other["key"]], remarks={other["key"]: "长" * 101}), 400,
            "bad_request")  # a remark is at most 100 characters
    r = await submit(c, "special", ENT, [other["key"]])
    assert r.status_code == 202 and r.json()["lines"][0]["remark"] == other["remark"]


async def test_declaration_employees_sum_to_the_lines_D8(c, clock):
    lines = await dues(c)
    keys = tick_keys(lines, tax_tick(ENT, "2026-05", "110"))
    decl = await declare(c, clock, "daily", ENT, keys)
    r = await c.get(f"/declarations/{decl['id']}/employees")
    assert r.status_code == 200, r.text
    rows = [DeclarationEmployee.model_validate(x) for x in r.json()]
    for line in decl["lines"]:
        mine = [x for x in rows if x.line == line["n"]]
        assert len(mine) == line["headcount"]
        assert sum(x.due for x in mine) == Decimal(line["due"])
        assert all(x.item_name == line["item_name"] and x.type_name == "企业职工基本养老保险费"
                   and x.id_type == "居民身份证" for x in mine)
    one = (await c.get(f"/declarations/{decl['id']}/employees", params={"line": 2})).json()
    assert {x["line"] for x in one} == {2} and len(one) == decl["lines"][1]["headcount"]
    assert (await c.get(f"/declarations/{decl['id']}/employees", params={"line": 9})).status_code == 404


async def test_lowering_a_declared_month_is_refused_W7(c, clock):
    keys = tick_keys(await dues(c), tax_tick(ENT, "2026-05", "110"))
    await submit(c, "daily", ENT, keys)  # 申报中 is declared already
    emps = (await c.get("/registry/employees", params={"limit": 5000})).json()["items"]
    e = next(x for x in emps if x["status"] == "normal"
             and any(r["unit_number"] == ENT and "110" in r["insurance_types"] for r in x["registrations"])
             and any(w["type"] == "110" and w["period_from"] <= "2026-05" <= w["period_to"] for w in x["wages"]))
    wage = next(Decimal(w["wage"]) for w in e["wages"]
                if w["type"] == "110" and w["period_from"] <= "2026-05" <= w["period_to"])
    r = await c.post("/wages/declarations", headers={"Idempotency-Key": new_key()}, json={"rows": [
        {"employee_id": e["id"], "name": e["name"], "id_number": e["id_number"],
         "items": [{"type": "110", "wage": str(wage - 100), "period_from": "2026-05", "period_to": None}]}]})
    assert r.status_code == 200, r.text
    clock.advance(seconds=4)
    result = (await c.get(f"/wages/declarations/{r.json()['id']}")).json()["results"][0]
    assert not result["ok"] and result["reason"] == LOWERING.format(month="2026-05")


# -- the HTTP client ---------------------------------------------------------------------------

async def test_http_client_methods(app, clock):
    service = HttpService.in_process(app, retries=0)
    try:
        async with client(app) as c:
            await activate(c, DEMO_USCC, ENT)
            service.token = c.headers["Authorization"].split()[1]
        lines = await service.dues(unit_number=ENT)
        keys = [x.key for x in lines if x.tick == tax_tick(ENT, "2026-05", "210")]
        body = {"kind": "daily", "unit_number": ENT,
                "lines": [{"key": k, "offset": "0.00", "remark": ""} for k in keys]}
        answer = await service.perform("declaration.submit", {"body": body}, key=new_key())
        assert answer["status"] == 202 and answer["body"]["status"] == "申报中"
        decl_id = answer["body"]["id"]
        clock.advance(seconds=4)
        [listed] = await service.declarations(status="申报成功")
        assert listed.id == decl_id and listed.lines == []
        one = await service.declaration(decl_id)
        assert [ln.key for ln in one.lines] == keys
        staff = await service.declaration_employees(decl_id, line=1)
        assert sum(x.due for x in staff) == one.lines[0].due
        assert {x.item: x.amount for x in await service.credits()} == {
            "110-u": Decimal("1000.00"), "210-u": Decimal("200.00")}
        with pytest.raises(RefusedError) as err:
            await service.perform("declaration.submit", {"body": body}, key=new_key())
        assert err.value.code == "due_not_open"
        answer = await service.perform("declaration.void", {"declaration_id": decl_id}, key=new_key())
        assert answer["status"] == 202 and answer["body"]["status"] == "作废中"
        project = await service.project_lookup("15069124000011")
        assert not project.linked and project.rate == "0.001"
        assert await service.projects() == []
        link = {"project_id": project.project_id, "tax_authority": "国家税务总局鄂尔多斯市康巴什区税务局",
                "tax_branch": "国家税务总局鄂尔多斯市康巴什区税务局第一税务分局"}
        answer = await service.perform("project.link", {"body": link}, key=new_key())
        assert answer["status"] == 200 and answer["body"]["linked"] is True
        [linked] = await service.projects()
        assert linked.tax_branch == link["tax_branch"]
        with pytest.raises(RefusedError) as err:
            await service.project_lookup("99999999")
        assert err.value.status == 404
    finally:
        await service.aclose()
