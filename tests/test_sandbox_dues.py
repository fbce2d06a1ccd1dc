"""Sandbox preprocessing (SPEC D1, D2, D11): GET /dues and /dues/detail, the window after the
last paid period, regeneration from the wage declaration's dues_regen points, the client."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from sbtui.domain.dues import aggregate, employee_dues, months
from sbtui.domain.models import DueDetailLine, DueLine, Employee
from sbtui.domain.region import load_region
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

N = 80
ENT = "66259112241843"  # 110, 210, 410
MED = "15069120180327"  # 310, 330
NM = load_region("nm")


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


async def dues(c, **params) -> list[dict]:
    r = await c.get("/dues", params=params)
    assert r.status_code == 200, r.text
    for line in r.json():
        DueLine.model_validate(line)
    return r.json()


async def employees(c) -> list[Employee]:
    r = await c.get("/registry/employees", params={"limit": 5000})
    return [Employee.model_validate(e) for e in r.json()["items"]]


def expected(emps: list[Employee], first: str, last: str) -> dict:
    lines = [x for e in emps for x in employee_dues(e.to_doc(), NM, months(first, last), current="2026-05")]
    return {(t.unit_number, t.period, t.item): t for t in aggregate(lines)}


def tax(lines: list[dict]) -> dict:
    return {(d["unit_number"], d["period_from"], d["item"]): d for d in lines if d["source"] == "tax"}


def unpay(app, *periods: str) -> None:
    """Remove paid periods (every unit number), so the window reaches back."""
    db = app.state.sandbox.db
    with db.tx() as conn:
        conn.executemany("DELETE FROM paid_periods WHERE uscc = ? AND period = ?",
                         [(DEMO_USCC, p) for p in periods])


def same(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for k, t in want.items():
        d = got[k]
        assert (d["headcount"], Decimal(d["wage_total"]), Decimal(d["base_total"]), Decimal(d["due"])) == (
            t.headcount, t.wage_total, t.base_total, t.due), k


async def test_current_month_lines_match_the_domain_rule(c):
    lines = await dues(c)
    got = tax(lines)
    want = expected(await employees(c), "2026-05", "2026-05")
    same(got, want)
    assert {k[1] for k in got} == {"2026-05"}  # paid through 2026-04
    assert {k[0] for k in got} >= {ENT, MED}
    line = got[(ENT, "2026-05", "410-u")]
    assert line["rate"] == "0.2%" and line["item_name"] == "工伤保险" and line["status"] == "初始"
    assert line["agency"].endswith("社会保险事业服务中心(五险)") and line["fixed"] is None
    fixed = got[(MED, "2026-05", "330-p")]
    assert fixed["rate"] is None and fixed["fixed"] == "5.00"
    assert Decimal(fixed["due"]) == Decimal("5.00") * fixed["headcount"]


async def test_collection_notices_beside_the_tax_lines(c):
    lines = await dues(c)
    notes = [d for d in lines if d["source"] == "collection"]
    fixture = (await c.get("/collection-notices")).json()
    assert len(notes) == len(fixture) > 0
    assert {(d["serial"], d["item"], d["due"]) for d in notes} == {
        (f["serial"], f["item_id"], f["amount"]) for f in fixture}
    assert all(d["headcount"] is None and d["status"] == "初始" for d in notes)
    assert all(d["serial"] is None for d in lines if d["source"] == "tax")


async def test_window_reaches_back_to_the_last_paid_period(c, app):
    unpay(app, "2026-03", "2026-04")
    got = tax(await dues(c))
    assert {k[1] for k in got} == {"2026-03", "2026-04", "2026-05"}
    same(got, expected(await employees(c), "2026-03", "2026-05"))


async def test_stopped_employees_owe_back_months_only(c, app):
    unpay(app, "2026-04")
    emps = await employees(c)
    stopped = [e for e in emps if e.status == "stopped" and "110" in e.insured_types
               and any(w.type == "110" and w.period_to >= "2026-05" for w in e.wages)]
    assert stopped
    got = tax(await dues(c, unit_number=ENT))
    normal = [e for e in emps if e.status == "normal"]
    assert got[(ENT, "2026-05", "110-u")]["headcount"] == expected(normal, "2026-05", "2026-05")[
        (ENT, "2026-05", "110-u")].headcount
    assert got[(ENT, "2026-04", "110-u")]["headcount"] > got[(ENT, "2026-05", "110-u")]["headcount"] - 5


async def test_a_wage_from_an_earlier_month_regenerates_those_months(c, app, clock):
    unpay(app, "2026-03", "2026-04")
    before = tax(await dues(c))
    emps = await employees(c)
    e = next(x for x in emps if x.status == "normal" and set(x.insured_types) >= {"110", "210", "410"}
             and all(any(w.type == "110" and w.period_from <= m <= w.period_to for w in x.wages)
                     for m in ("2026-03", "2026-04", "2026-05")))
    items = [{"type": t, "wage": "30000.00", "period_from": "2026-04", "period_to": None}
             for t in ("110", "210", "410")]
    r = await c.post("/wages/declarations", headers={"Idempotency-Key": new_key()},
                     json={"rows": [{"employee_id": e.id, "name": e.name, "id_number": e.id_number,
                                     "items": items}]})
    assert r.status_code == 200, r.text
    clock.advance(seconds=5)
    after = tax(await dues(c))
    same(after, expected(await employees(c), "2026-03", "2026-05"))
    assert after[(ENT, "2026-03", "110-u")] == before[(ENT, "2026-03", "110-u")]  # not regenerated
    assert after[(ENT, "2026-04", "110-u")]["generated_at"] != before[(ENT, "2026-04", "110-u")]["generated_at"]
    assert Decimal(after[(ENT, "2026-04", "110-u")]["base_total"]) > Decimal(before[(ENT, "2026-04", "110-u")]["base_total"])
    assert after[(MED, "2026-04", "310-u")] == before[(MED, "2026-04", "310-u")]  # other types untouched
    assert app.state.sandbox.db.all("SELECT * FROM dues_regen") == []


async def test_a_new_month_extends_the_window(c, clock):
    assert {k[1] for k in tax(await dues(c))} == {"2026-05"}
    clock.advance(days=31)  # 2026-06-15; the token has expired meanwhile
    r = await c.post("/auth/login", json={"uscc": DEMO_USCC, "password": "Passw0rd!"})
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    assert {k[1] for k in tax(await dues(c))} == {"2026-05", "2026-06"}


async def test_filters_and_the_twelve_month_limit(c, app):
    unpay(app, "2026-03", "2026-04")
    lines = await dues(c, unit_number=MED, period_from="2026-04", period_to="2026-05")
    assert lines and {d["unit_number"] for d in lines} == {MED}
    assert {d["period_from"] for d in lines} <= {"2026-04", "2026-05"}
    r = await c.get("/dues", params={"period_from": "2025-01", "period_to": "2026-01"})
    assert r.status_code == 400 and "12" in r.json()["message"]
    r = await c.get("/dues", params={"period_from": "2026-13"})
    assert r.status_code == 400


async def test_detail_sums_to_the_line(c):
    line = tax(await dues(c))[(ENT, "2026-05", "410-u")]
    r = await c.get("/dues/detail", params={"unit_number": ENT, "period": "2026-05", "item": "410-u"})
    assert r.status_code == 200, r.text
    rows = [DueDetailLine.model_validate(x) for x in r.json()]
    assert len(rows) == line["headcount"]
    assert sum(x.due for x in rows) == Decimal(line["due"])
    assert sum(x.base for x in rows) == Decimal(line["base_total"])
    assert all(x.due == (x.base * Decimal("0.002")).quantize(Decimal("0.01"), "ROUND_HALF_UP") for x in rows)
    r = await c.get("/dues/detail", params={"unit_number": "999", "period": "2026-05", "item": "410-u"})
    assert r.status_code == 404
    r = await c.get("/dues/detail", params={"unit_number": ENT, "period": "2026-05", "item": "999-u"})
    assert r.status_code == 400


async def test_http_client_methods(app):
    service = HttpService.in_process(app)
    try:
        async with client(app) as c:
            await activate(c, DEMO_USCC, ENT)
            service.token = c.headers["Authorization"].split()[1]
        lines = await service.dues(unit_number=ENT)
        assert lines and all(isinstance(x, DueLine) and x.unit_number == ENT for x in lines)
        by = defaultdict(list)
        for x in lines:
            by[x.item].append(x)
        detail = await service.due_detail(ENT, "2026-05", "110-p")
        assert sum(d.due for d in detail) == by["110-p"][0].due
    finally:
        await service.aclose()
