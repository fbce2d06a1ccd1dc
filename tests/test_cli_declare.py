"""``sbtui declare`` / ``declarations`` / ``projects`` end to end on the embedded sandbox
(SPEC D3–D10): the dues lines with key and tick, declaring ticks (D3) with the D6 confirms and
the D5 offset limit checked locally, the feedback (D7), voids (D8), special dues past their
date (D9), offline declarations sent exactly once, the forms, and construction projects (D10)."""
from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from test_cli import NEW, add_demo, runner, sb  # noqa: F401 (fixture)

from sbtui import clock
from sbtui.remote.sandbox import create_app

KEYS = {"source", "unit_number", "period_from", "period_to", "item", "headcount", "wage_total",
        "base_total", "rate", "due", "key", "tick", "status", "reduction", "max_offset", "deadline",
        "late_fee", "valid_until", "remark", "serial", "project_id", "declaration_id"}
REVIEW = "请核对缴费人数，如需做职工减员操作，请先去相关部门办理减员后再进行社保费申报"
OFFLINE = "http://127.0.0.1:9"


@pytest.fixture
def demo(runner, tmp_path, monkeypatch):  # noqa: F811
    facts, _ = add_demo(runner, tmp_path)
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    return facts


def js(runner, *args, code=0):  # noqa: F811
    r = sb(runner, "--json", *args)
    assert r.exit_code == code, r.output
    return json.loads(r.stdout) if r.stdout.strip() else None


def dues(runner, *args):  # noqa: F811
    return js(runner, "dues", "list", *args)


def enterprise_tick(runner, demo, type_code="110", parts=2):  # noqa: F811
    """The enterprise unit number's (credits there, SPEC D5) tax tick of ``type_code``."""
    unit = demo["unit_numbers"][0]
    lines = [d for d in dues(runner, "--unit-number", unit, "--source", "tax", "--status", "初始")
             if d["type_code"] == type_code]
    assert len(lines) == parts  # unit and individual parts: one tick (D3)
    assert len({d["tick"] for d in lines}) == 1
    return lines[0]["tick"], lines


def other_tick(runner, demo):  # noqa: F811
    line = next(d for d in dues(runner, "--source", "tax", "--status", "初始")
                if d["unit_number"] != demo["unit_numbers"][0])
    return line["tick"], line["unit_number"]


def sandbox_client(tmp_path):
    app = create_app(tmp_path / "home" / "sandbox")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox/api/v1")


def test_D11_dues_list_json_carries_the_declaration_fields(runner, demo):  # noqa: F811
    lines = dues(runner)
    assert lines and all(KEYS <= set(d) for d in lines)
    assert {"tax", "collection", "special"} <= {d["source"] for d in lines}
    assert len({d["key"] for d in lines if d["status"] == "初始"}) == len([d for d in lines if d["status"] == "初始"])
    special = dues(runner, "--source", "special")
    assert special and all(d["valid_until"] and d["serial"] for d in special)
    plain = sb(runner, "dues", "list", "--source", "special")
    assert plain.exit_code == 0 and "特殊缴费" in plain.output


def test_D6_confirms_need_yes_and_D5_offset_over_max_is_refused_locally(runner, demo):  # noqa: F811
    tick, lines = enterprise_tick(runner, demo)
    r = sb(runner, "--json", "declare", "--tick", tick)
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["confirm"][0] == REVIEW and out["summary"][0]["unit_number"] == demo["unit_numbers"][0]
    assert "--yes" in r.stderr
    unit_line = next(d for d in lines if d["item"].endswith("-u"))
    limit = Decimal(unit_line["max_offset"])
    assert limit > 0
    r = sb(runner, "declare", "--tick", tick, "--yes", "--offset", f"{unit_line['key']}={limit + Decimal('0.01')}")
    assert r.exit_code == 1
    assert f"抵缴金额超出可抵缴金额上限（最大可抵缴金额{limit:.2f}元）" in r.stderr
    r = sb(runner, "declare", "--tick", "t|nope", "--yes")
    assert r.exit_code == 2 and "勾选项不存在或已申报" in r.stderr
    assert js(runner, "outbox")["items"] == []  # nothing was queued


def test_D3_D7_declare_a_tick_wait_then_the_dues_follow(runner, demo):  # noqa: F811
    tick, lines = enterprise_tick(runner, demo)
    unit_line = next(d for d in lines if d["item"].endswith("-u"))
    out = js(runner, "declare", "--tick", tick, "--yes", "--wait", "--timeout", "30",
             "--offset", f"{unit_line['key']}=100.00")
    [d] = out["declarations"]
    assert d["status"] == "申报成功" and d["payment_status"] == "未缴费"
    assert d["message"].startswith("社保费申报成功")
    assert d["line_count"] == 2 and Decimal(d["offset_total"]) == Decimal("100.00")
    assert Decimal(d["actual_total"]) == sum(Decimal(x["due"]) for x in lines) - Decimal("100.00")
    assert out["confirmed"][0] == REVIEW and "sbtui pay" in out["note"]
    js(runner, "sync")
    after = [x for x in dues(runner, "--unit-number", demo["unit_numbers"][0]) if x["tick"] == tick]
    assert {x["status"] for x in after} == {"申报成功"} and {x["declaration_id"] for x in after} == {d["id"]}
    records = js(runner, "declarations", "list")
    assert records[0]["id"] == d["id"] and records[0]["status"] == "申报成功"
    shown = js(runner, "declarations", "show", d["id"])
    assert [ln["key"] for ln in shown["lines"]] == [x["key"] for x in lines]
    plain = sb(runner, "declarations", "list")
    assert "申报成功" in plain.output and "是否立即缴费？" in plain.output


def test_D3_several_unit_numbers_are_declared_separately(runner, demo):  # noqa: F811
    first, _ = enterprise_tick(runner, demo)
    second, unit = other_tick(runner, demo)
    out = js(runner, "declare", "--tick", first, "--tick", second, "--yes")
    units = [d["unit_number"] for d in out["declarations"]]
    assert sorted(units) == sorted([demo["unit_numbers"][0], unit])
    assert {d["status"] for d in out["declarations"]} <= {"申报中", "申报成功"}
    assert len({d["id"] for d in out["declarations"]}) == 2
    outbox = js(runner, "outbox")
    assert outbox["counts"]["confirmed"] == 2
    assert {i["kind"] for i in outbox["items"]} == {"declaration.submit"}


@pytest.mark.slow
def test_D8_void_unpaid_brings_the_lines_back(runner, demo):  # noqa: F811
    tick, _ = enterprise_tick(runner, demo, "410", parts=1)
    [d] = js(runner, "declare", "--tick", tick, "--yes", "--wait", "--timeout", "30")["declarations"]
    assert d["status"] == "申报成功"
    assert not [x for x in dues(runner, "--status", "初始") if x["tick"] == tick]
    voided = js(runner, "declarations", "void", d["id"], "--wait", "--timeout", "30")
    assert voided["status"] == "已作废" and voided["message"] == "作废成功"
    back = [x for x in dues(runner, "--status", "初始") if x["tick"] == tick]
    assert back  # the tax line regenerated as 初始 (the voided one is 销账)
    again = js(runner, "declare", "--tick", tick, "--yes")
    assert again["declarations"][0]["status"] in ("申报中", "申报成功")


async def _mark_paid(tmp_path, ident):
    async with sandbox_client(tmp_path) as c:
        r = await c.post(f"/sandbox/declarations/{ident}/paid", json={})
        assert r.status_code == 200, r.text
        return r.json()


def test_D8_a_paid_declaration_cannot_be_voided(runner, demo, tmp_path):  # noqa: F811
    import asyncio

    tick, _ = enterprise_tick(runner, demo, "210")
    [d] = js(runner, "declare", "--tick", tick, "--yes", "--wait", "--timeout", "30")["declarations"]
    assert d["status"] == "申报成功"
    assert asyncio.run(_mark_paid(tmp_path, d["id"]))["payment_status"] == "已缴费"
    r = sb(runner, "declarations", "void", d["id"])
    assert r.exit_code == 1 and "已缴费的申报不能作废" in r.stderr
    assert js(runner, "declarations", "show", d["id"])["status"] == "申报成功"


def test_D9_an_expired_special_due_is_refused(runner, demo):  # noqa: F811
    from datetime import date

    special = dues(runner, "--source", "special", "--status", "初始")
    expired = [d for d in special if date.fromisoformat(d["valid_until"]) < clock.today()]
    valid = [d for d in special if date.fromisoformat(d["valid_until"]) >= clock.today()]
    assert expired and valid
    r = sb(runner, "declare", "--kind", "special", "--tick", expired[0]["tick"], "--yes")
    assert r.exit_code == 1
    assert f"征集通知流水号{expired[0]['serial']}已超过征集有效日期，不能申报" in r.stderr
    out = js(runner, "declare", "--kind", "special", "--tick", valid[0]["tick"], "--yes",
             "--remark", f"{valid[0]['key']}=2024年度补缴", "--wait", "--timeout", "30")
    [d] = out["declarations"]
    assert d["kind"] == "special" and d["status"] == "申报成功"
    assert js(runner, "declarations", "show", d["id"])["lines"][0]["remark"] == "2024年度补缴"


def test_offline_declare_is_queued_then_sent_exactly_once(runner, demo, tmp_path):  # noqa: F811
    import asyncio

    tick, _ = enterprise_tick(runner, demo)
    r = sb(runner, "--json", "--remote", OFFLINE, "declare", "--tick", tick, "--yes")
    assert r.exit_code == 3, r.output
    [queued] = json.loads(r.stdout)["declarations"]
    assert queued["status"] == "待发送" and queued["id"].startswith("L")
    [item] = js(runner, "outbox")["items"]
    assert item["state"] in ("queued", "sent") and item["kind"] == "declaration.submit"
    again = sb(runner, "--remote", OFFLINE, "declare", "--tick", tick, "--yes")  # held: not offered
    assert again.exit_code == 2 and "勾选项不存在或已申报" in again.stderr
    js(runner, "sync")
    js(runner, "sync")
    [sent] = js(runner, "outbox")["items"]
    assert (sent["key"], sent["state"]) == (item["key"], "confirmed")
    record = js(runner, "declarations", "show", queued["id"])  # the local id still finds it
    assert record["local_id"] == queued["id"] and not record["id"].startswith("L")

    async def effects():
        async with sandbox_client(tmp_path) as c:
            return (await c.get("/sandbox/effects")).json()
    mine = [e for e in asyncio.run(effects()) if item["key"] in json.dumps(e)]
    assert len(mine) == 1
    service = js(runner, "declarations", "list", "--refresh")
    assert [d["id"] for d in service if d.get("unit_number") == demo["unit_numbers"][0]] == [record["id"]]


@pytest.mark.slow
def test_D8_forms_xlsx_and_pdf(runner, demo, tmp_path):  # noqa: F811
    pytest.importorskip("sbtui.forms")
    tick, _ = enterprise_tick(runner, demo)
    [d] = js(runner, "declare", "--tick", tick, "--yes", "--wait", "--timeout", "30")["declarations"]
    for form in ("unit", "employees"):
        for suffix in ("xlsx", "pdf"):
            path = tmp_path / f"{form}.{suffix}"
            out = js(runner, "declarations", "form", d["id"], "--form", form, "--output", str(path))
            assert out["path"] == str(path) and path.stat().st_size > 0
            assert path.read_bytes()[:4] == (b"PK\x03\x04" if suffix == "xlsx" else b"%PDF")
    r = sb(runner, "declarations", "form", d["id"], "--form", "unit", "--output", str(tmp_path / "x.txt"))
    assert r.exit_code == 2


def test_D10_project_lookup_link_list_and_declare(runner, demo):  # noqa: F811
    project_id = "15069124000011"
    found = js(runner, "projects", "lookup", project_id)
    assert found["project_id"] == project_id and found["rate"] == "0.001" and not found["linked"]
    r = sb(runner, "projects", "lookup", "99999999")
    assert r.exit_code == 1 and "未查询到该工程项目参保登记信息" in r.stderr
    linked = js(runner, "projects", "link", project_id)
    assert linked["linked"] and linked["tax_authority"]
    r = sb(runner, "projects", "link", project_id)
    assert r.exit_code == 1 and "该工程项目已关联" in r.stderr
    assert [p["project_id"] for p in js(runner, "projects", "list")] == [project_id]
    js(runner, "sync")
    lines = dues(runner, "--source", "project", "--status", "初始")
    assert lines and {d["project_id"] for d in lines} == {project_id}
    from datetime import date

    valid = [d for d in lines if date.fromisoformat(d["valid_until"]) >= clock.today()]
    out = js(runner, "declare", "--kind", "project", "--tick", valid[0]["tick"], "--yes")
    assert out["declarations"][0]["kind"] == "project"
    r = sb(runner, "declare", "--kind", "project", "--all", "--yes")  # the expired one blocks
    assert r.exit_code == 1 and "已超过征集有效日期，不能申报" in r.stderr
