"""Sandbox construction projects (SPEC D10): look up, link, the linked projects' dues and their
declaration; the fixtures of the fee declaration tables on an older database."""
from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from sbtui.domain.models import Project
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.seed import TAX_AUTHORITY, TAX_BRANCH
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

ENT = "66259112241843"
PROJECT = "15069124000011"
LINK = {"project_id": PROJECT, "tax_authority": TAX_AUTHORITY, "tax_branch": TAX_BRANCH}


@pytest.fixture
def clock():
    return FakeClock()  # 2026-05-15


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=20, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


async def link(c, body=LINK):
    return await c.post("/projects/links", json=body, headers={"Idempotency-Key": new_key()})


async def project_lines(c) -> list[dict]:
    r = await c.get("/dues", params={"source": "project"})
    assert r.status_code == 200
    return r.json()


async def test_lookup_and_link_D10(c):
    r = await c.get(f"/projects/lookup/{PROJECT}")
    assert r.status_code == 200
    found = Project.model_validate(r.json())
    assert not found.linked and found.rate == "0.001" and found.unit_number == ENT
    assert found.total_cost == Decimal("28500000.00") and found.name.startswith("康巴什区第二中学")
    r = await c.get("/projects/lookup/20023032")
    assert r.status_code == 404 and r.json()["message"] == "未查询到该工程项目参保登记信息"
    assert (await c.get("/projects")).json() == []
    assert await project_lines(c) == []  # not linked: no dues
    r = await link(c)
    assert r.status_code == 200, r.text
    linked = Project.model_validate(r.json())
    assert linked.linked and linked.tax_authority == TAX_AUTHORITY and linked.linked_at
    r = await link(c)
    assert r.status_code == 400 and r.json() == {"code": "already_linked", "message": "该工程项目已关联",
                                                 "detail": {"project_id": PROJECT}}
    r = await link(c, {**LINK, "project_id": "20023032"})
    assert r.status_code == 404
    r = await link(c, {**LINK, "tax_branch": ""})
    assert r.status_code == 422
    [listed] = (await c.get("/projects")).json()
    assert listed["project_id"] == PROJECT and listed["linked"] is True


async def test_linked_project_dues_are_declared_D10(c, clock):
    await link(c)
    lines = await project_lines(c)
    assert len(lines) == 3 and {d["project_id"] for d in lines} == {PROJECT}
    for d in lines:
        assert d["item"] == "410-u" and d["rate"] == "0.1%" and d["valid_until"]
        assert Decimal(d["due"]) == (Decimal(d["base_total"]) * Decimal("0.001")).quantize(Decimal("0.01"))
        assert d["tick"] == f"p|{ENT}|{d['serial']}"
    expired = next(d for d in lines if d["valid_until"] < "2026-05-15")
    valid = next(d for d in lines if d["valid_until"] >= "2026-05-15")

    async def submit(kind, key):
        body = {"kind": kind, "unit_number": ENT, "lines": [{"key": key}]}
        return await c.post("/declarations", json=body, headers={"Idempotency-Key": new_key()})

    r = await submit("project", expired["key"])
    assert r.status_code == 400 and r.json()["code"] == "due_expired"
    r = await submit("daily", valid["key"])
    assert r.status_code == 400 and r.json()["code"] == "wrong_kind"
    r = await submit("project", valid["key"])
    assert r.status_code == 202, r.text
    line = r.json()["lines"][0]
    assert line["project_id"] == PROJECT and line["base_total"] == valid["base_total"]
    clock.advance(seconds=4)
    [record] = (await c.get("/declarations", params={"kind": "project"})).json()
    assert record["status"] == "申报成功" and record["message"].startswith("获取申报结果成功")
    held = {d["key"]: d for d in await project_lines(c)}
    assert held[valid["key"]]["status"] == "申报成功"


def test_an_older_database_gets_the_new_fixtures(tmp_path):
    create_app(tmp_path, employees=5, clock=FakeClock())
    conn = sqlite3.connect(tmp_path / "sandbox.db")
    with conn:
        conn.execute("DELETE FROM credits")
        conn.execute("DELETE FROM project_dues")
    conn.close()
    create_app(tmp_path, employees=5, clock=FakeClock())  # upgrade() fills them again
    conn = sqlite3.connect(tmp_path / "sandbox.db")
    try:
        assert conn.execute("SELECT item_id, amount FROM credits ORDER BY item_id").fetchall() == [
            ("110-u", "1000.00"), ("210-u", "200.00")]
        assert conn.execute("SELECT count(*) FROM project_dues").fetchone()[0] == 3
    finally:
        conn.close()
