"""Sandbox wage declaration (SPEC W7–W9, W12): submit, asynchronous feedback, per-row
refusals, applying the wage periods, the change feed, the records, 5000 rows."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest

from sbtui.domain.models import ChangesPage, Employee, WageDeclaration
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key
from sbtui.remote.sandbox.wages import process_due, replace_span

N = 60
UNIT = "66259112241843"  # the enterprise unit number: 110, 210, 410
BIG = 5000


@pytest.fixture
def clock():
    return FakeClock()  # 2026-05-15 10:00 CST; paid periods 2026-01 … 2026-04


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=N, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, UNIT)
        yield c


# -- helpers -----------------------------------------------------------------------------------

async def submit(c, rows, key=None):
    return await c.post("/wages/declarations", json={"rows": rows},
                        headers={"Idempotency-Key": key or new_key()})


async def declaration(c, did) -> dict:
    r = await c.get(f"/wages/declarations/{did}")
    assert r.status_code == 200, r.text
    WageDeclaration.model_validate(r.json())
    return r.json()


async def feedback(c, clock, did) -> dict:
    clock.advance(seconds=3)
    d = await declaration(c, did)
    assert d["status"] == "done"
    return d


async def employees(c) -> list[Employee]:
    r = await c.get("/registry/employees", params={"limit": 5000})
    return [Employee.model_validate(e) for e in r.json()["items"]]


async def employee(c, eid) -> Employee:
    return Employee.model_validate((await c.get(f"/employees/{eid}")).json())


async def cursor(c) -> int:
    return (await c.get("/registry/employees", params={"limit": 1})).json()["cursor"]


async def effects(c, kind):
    return (await c.get("/sandbox/effects", params={"kind": kind})).json()


def in_force(e: Employee, code: str, month: str) -> Decimal | None:
    return next((w.wage for w in e.wages
                 if w.type == code and w.period_from <= month <= w.period_to), None)


def spans(e: Employee, code: str) -> list[tuple[str, str, str]]:
    return [(str(w.wage), w.period_from, w.period_to) for w in e.wages if w.type == code]


def enterprise(emps: list[Employee], *, paid_through: str = "2026-04") -> list[Employee]:
    """Normal enterprise staff with a 110 wage in force from 2026-01 to ``paid_through``."""
    return [e for e in emps if e.status == "normal" and "110" in e.insured_types
            and in_force(e, "110", "2026-01") is not None
            and in_force(e, "110", paid_through) is not None]


def row(e: Employee, items: list[tuple], *, id_number: str | None = None) -> dict:
    """items: (type, wage, from[, to])."""
    return {"employee_id": e.id, "name": e.name, "id_number": id_number or e.id_number,
            "items": [{"type": t, "wage": w, "period_from": f, "period_to": rest[0] if rest else None}
                      for t, w, f, *rest in items]}


def trio(wage: str, start: str, end: str | None = None) -> list[tuple]:
    return [(t, wage, start, end) for t in ("110", "210", "410")]


# -- submit and feedback ------------------------------------------------------------------------

async def test_submit_then_feedback(c, clock):
    e = enterprise(await employees(c))[0]
    r = await submit(c, [row(e, trio("8888.00", "2026-05"))])
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer == {"id": "WD0000001", "status": "processing", "rows": 1,
                      "submitted_at": "2026-05-15T02:00:00.000+00:00",
                      "feedback_at": "2026-05-15T02:00:03.000+00:00"}
    d = await declaration(c, "WD0000001")
    assert d["status"] == "processing" and "results" not in d and d["summary"] is None
    clock.advance(seconds=2.999)
    assert (await declaration(c, "WD0000001"))["status"] == "processing"
    assert spans(await employee(c, e.id), "110") == spans(e, "110")  # nothing applied yet
    clock.advance(seconds=0.001)
    d = await declaration(c, "WD0000001")
    assert d["status"] == "done" and d["summary"] == "全部申报成功"
    assert (d["rows"], d["accepted"], d["refused"]) == (1, 1, 0)
    assert d["results"] == [{"employee_id": e.id, "id_number": e.id_number, "name": e.name,
                             "ok": True, "reason": None,
                             "items": [{"type": t, "ok": True, "reason": None}
                                       for t in ("110", "210", "410")]}]
    after = await employee(c, e.id)
    for t in ("110", "210", "410"):
        assert in_force(after, t, "2026-05") == Decimal("8888.00")
        assert in_force(after, t, "2099-12") == Decimal("8888.00")
        assert in_force(after, t, "2026-04") == in_force(e, t, "2026-04")
    assert [x["target"] for x in await effects(c, "wages.declare")] == ["WD0000001"]


async def test_feedback_delay_setting(c, clock):
    r = await c.post("/sandbox/settings", json={"feedback_delay_ms": 0})
    assert r.json() == {"feedback_delay_ms": 0}
    assert (await c.get("/sandbox/settings")).json() == {"reply_delay_ms": 0, "feedback_delay_ms": 0}
    e = enterprise(await employees(c))[0]
    answer = (await submit(c, [row(e, trio("9000.00", "2026-05"))])).json()
    assert answer["feedback_at"] == answer["submitted_at"]
    assert (await declaration(c, answer["id"]))["status"] == "done"  # no time needs to pass
    await c.post("/sandbox/settings", json={"feedback_delay_ms": 60_000})
    answer = (await submit(c, [row(e, trio("9100.00", "2026-05"))])).json()
    assert answer["feedback_at"] == "2026-05-15T02:01:00.000+00:00"
    clock.advance(seconds=59)
    assert (await declaration(c, answer["id"]))["status"] == "processing"
    clock.advance(seconds=1)
    assert (await declaration(c, answer["id"]))["status"] == "done"


async def test_idempotent_replay(c, clock):
    e = enterprise(await employees(c))[0]
    body = [row(e, trio("9999.00", "2026-05"))]
    key = new_key()
    first = await submit(c, body, key)
    again = await submit(c, body, key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    start = await cursor(c)
    done = await feedback(c, clock, first.json()["id"])
    assert done["accepted"] == 1
    replay = await submit(c, body, key)  # after processing: still the one declaration
    assert replay.json() == first.json()
    assert await cursor(c) == start + 1  # applied once
    await declaration(c, first.json()["id"])
    assert await cursor(c) == start + 1  # reading again applies nothing
    assert [d["id"] for d in (await c.get("/wages/declarations")).json()] == ["WD0000001"]
    assert [(x["key"], x["target"]) for x in await effects(c, "wages.declare")] == [(key, "WD0000001")]
    other = await submit(c, [row(e, trio("9999.01", "2026-05"))], key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


async def test_bad_requests(c):
    r = await submit(c, [])
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    e = (await employees(c))[0]
    too_many = [row(e, [("110", "1.00", "2026-05")])] * 5001
    r = await submit(c, too_many)
    assert r.status_code == 400 and r.json()["detail"]["max"] == 5000
    r = await c.post("/wages/declarations", json={"rows": [{"employee_id": "E1"}]},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    r = await c.post("/wages/declarations", json={"rows": []})
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_required"
    r = await c.get("/wages/declarations/WD0000001")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert (await c.get("/wages/declarations")).json() == []


# -- refusals -------------------------------------------------------------------------------------

async def test_every_refusal_reason(c, clock):
    emps = await employees(c)
    ent = enterprise(emps)
    a, b = ent[0], ent[1]
    wage = str(in_force(a, "110", "2026-04") + 1)
    rows = [
        row(a, trio("8888.00", "2026-05")),  # fine
        {**row(a, trio("8888.00", "2026-05")), "employee_id": "E9999999"},
        row(b, trio("8888.00", "2026-05"), id_number="110101199001011237"),
        row(b, [("120", "8888.00", "2026-05")]),
        row(b, [("999", "8888.00", "2026-05")]),
        row(b, trio("0", "2026-05")),
        row(b, trio("-5.00", "2026-05")),
        row(b, trio("12.345", "2026-05")),
        row(b, trio("abc", "2026-05")),
        row(b, trio("8888.00", "2026-13")),
        row(b, trio("8888.00", "2026-05", "2026/06")),
        row(b, trio("8888.00", "2026-05", "2026-04")),
        row(b, [("110", "8888.00", "2026-05"), ("210", "8888.00", "2026-05"),
                ("410", "7777.00", "2026-05")]),
        row(b, [("110", "8888.00", "2026-05", "2026-12"), ("410", "8888.00", "2026-05")]),
        row(b, [("110", "8888.00", "2026-05"), ("110", "8888.00", "2026-05")]),
        row(b, []),
        row(a, trio(wage, "2026-03")),  # a raise over declared months: fine
    ]
    did = (await submit(c, rows)).json()["id"]
    d = await feedback(c, clock, did)
    reasons = [r["reason"] for r in d["results"]]
    binding = "未按险种分组绑定的规则录入缴费工资：110 企业基本养老保险与410 工伤保险不一致"
    assert reasons == [
        None, "本单位无此职工", "本单位无此职工", "该职工未参保机关事业单位基本养老保险",
        "险种代码无效：999", "缴费工资必须大于0", "缴费工资必须大于0", "缴费工资格式有误",
        "缴费工资格式有误", "生效年月起格式有误，应为YYYY-MM", "生效年月止格式有误，应为YYYY-MM",
        "生效年月止不能早于生效年月起", binding, binding, "同一险种重复申报：110 企业基本养老保险",
        "未填写任何险种的缴费工资", None]
    assert (d["accepted"], d["refused"], d["summary"]) == (2, 15, "部分成功")
    mismatch = d["results"][12]["items"]
    assert [(i["type"], i["ok"]) for i in mismatch] == [("110", False), ("210", True), ("410", False)]
    assert all(i["reason"] == "本单位无此职工" for i in d["results"][1]["items"])
    assert [i["ok"] for i in d["results"][14]["items"]] == [True, False]
    assert spans(await employee(c, b.id), "110") == spans(b, "110")  # nothing applied to b
    # all refused
    did = (await submit(c, [row(b, trio("0", "2026-05"))])).json()["id"]
    d = await feedback(c, clock, did)
    assert (d["accepted"], d["refused"], d["summary"]) == (0, 1, "全部失败")


async def test_lowering_a_declared_month(c, clock):
    e = enterprise(await employees(c))[0]
    old = in_force(e, "110", "2026-03")
    lower, higher = str(old - Decimal("0.01")), str(old + 100)
    rows = [
        row(e, trio(lower, "2026-03")),  # 2026-03 and 2026-04 are declared (paid)
        row(e, trio(lower, "2026-02", "2026-02")),
        row(e, trio(str(old), "2026-03")),  # equal is fine
    ]
    d = await feedback(c, clock, (await submit(c, rows)).json()["id"])
    assert [r["reason"] for r in d["results"]] == [
        "2026-03已申报，不能调低该月缴费工资（请先作废申报后再调低）",
        "2026-02已申报，不能调低该月缴费工资（请先作废申报后再调低）", None]
    assert all(i["reason"].startswith("2026-03已申报") for i in d["results"][0]["items"])
    # lowering from an undeclared month is fine; raising a declared one too
    rows = [row(e, trio(lower, "2026-05")), row(e, trio(higher, "2026-02", "2026-03"))]
    d = await feedback(c, clock, (await submit(c, rows)).json()["id"])
    assert d["summary"] == "全部申报成功", d["results"]
    after = await employee(c, e.id)
    assert in_force(after, "110", "2026-05") == Decimal(lower)
    assert in_force(after, "110", "2026-03") == Decimal(higher)
    assert in_force(after, "110", "2026-04") == old


# -- applying (W9) ------------------------------------------------------------------------------

def test_replace_span():
    base = [{"type": "110", "wage": "4000.00", "period_from": "2023-09", "period_to": "2099-12"},
            {"type": "210", "wage": "4000.00", "period_from": "2023-09", "period_to": "2099-12"}]
    out = replace_span(base, "110", "8888.00", "2024-01", "2099-12")  # manual 000 §5.3
    assert out == [
        {"type": "110", "wage": "4000.00", "period_from": "2023-09", "period_to": "2023-12"},
        {"type": "110", "wage": "8888.00", "period_from": "2024-01", "period_to": "2099-12"},
        base[1]]
    out = replace_span(out, "110", "9000.00", "2024-03", "2024-05")  # a bounded back payment
    assert [(w["wage"], w["period_from"], w["period_to"]) for w in out if w["type"] == "110"] == [
        ("4000.00", "2023-09", "2023-12"), ("8888.00", "2024-01", "2024-02"),
        ("9000.00", "2024-03", "2024-05"), ("8888.00", "2024-06", "2099-12")]
    out = replace_span(out, "110", "7000.00", "2023-11", "2024-07")  # swallows what is inside
    assert [(w["wage"], w["period_from"], w["period_to"]) for w in out if w["type"] == "110"] == [
        ("4000.00", "2023-09", "2023-10"), ("7000.00", "2023-11", "2024-07"),
        ("8888.00", "2024-08", "2099-12")]


async def test_period_closing_and_split(c, clock):
    e = enterprise(await employees(c))[0]
    before = spans(e, "110")
    d = await feedback(c, clock, (await submit(c, [row(e, trio("30100.00", "2026-05"))])).json()["id"])
    assert d["accepted"] == 1
    after = await employee(c, e.id)
    for t in ("110", "210", "410"):
        s = spans(after, t)
        assert s[-1] == ("30100.00", "2026-05", "2099-12")
        assert s[-2][2] == "2026-04"  # the open period closed at M-1
        assert s[:-2] == [p for p in spans(e, t) if p[2] < "2026-04"]
    d = await feedback(c, clock, (await submit(c, [row(e, trio("31000.00", "2027-01", "2027-03"))])).json()["id"])
    assert d["accepted"] == 1
    s = spans(await employee(c, e.id), "110")
    assert s[-3:] == [("30100.00", "2026-05", "2026-12"), ("31000.00", "2027-01", "2027-03"),
                      ("30100.00", "2027-04", "2099-12")]
    assert before != s


async def test_change_feed_and_regeneration_point(app, c, clock):
    ent = enterprise(await employees(c))
    a, b = ent[0], ent[1]
    w1 = str(in_force(a, "110", "2026-04") + 500)
    w2 = str(in_force(a, "110", "2026-02") + 1000)
    start = await cursor(c)
    rows = [row(a, trio(w1, "2026-05")), row(b, trio("0", "2026-05")),
            row(a, trio(w2, "2026-02", "2026-02"))]  # the same employee again
    await submit(c, rows)
    clock.advance(seconds=3)
    # the registry read makes the due feedback land before it answers
    page = ChangesPage.model_validate_json((await c.get("/registry/changes",
                                                        params={"since": start})).content)
    assert [x["id"] for x in page.items] == [a.id] and page.items[0]["seq"] == start + 1
    got = Employee.model_validate(page.items[0])
    assert str(got.changed_on) == "2026-05-15"
    assert in_force(got, "410", "2026-06") == Decimal(w1)
    assert in_force(got, "410", "2026-02") == Decimal(w2)
    assert (await declaration(c, "WD0000001"))["summary"] == "部分成功"
    db = app.state.sandbox.db
    regen = {(r[0], r[1]): r[2] for r in db.all(
        "SELECT unit_number, type, from_period FROM dues_regen WHERE uscc = ?", (DEMO_USCC,))}
    assert regen == {(UNIT, t): "2026-02" for t in ("110", "210", "410")}
    await submit(c, [row(a, trio(w2, "2026-05"))])
    clock.advance(seconds=3)
    await c.get("/wages/declarations")
    regen = {(r[0], r[1]): r[2] for r in db.all(
        "SELECT unit_number, type, from_period FROM dues_regen WHERE uscc = ?", (DEMO_USCC,))}
    assert regen[(UNIT, "110")] == "2026-02"  # the minimum is kept


# -- records and the client ------------------------------------------------------------------------

async def test_records_newest_first_and_client(app, c, clock):
    e = enterprise(await employees(c))[0]
    for n in range(3):
        await submit(c, [row(e, trio(f"{9000 + n}.00", "2026-05"))])
        clock.advance(seconds=1)
    listed = (await c.get("/wages/declarations")).json()
    assert [d["id"] for d in listed] == ["WD0000003", "WD0000002", "WD0000001"]
    assert [d["status"] for d in listed] == ["processing", "processing", "done"]
    assert all("results" not in d for d in listed)
    assert len((await c.get("/wages/declarations", params={"limit": 2})).json()) == 2
    service = HttpService.in_process(app, token=c.headers["Authorization"].split()[1], retries=0)
    async with service:
        answer = await service.perform("wages.submit", {"body": {"rows": [
            row(e, trio("9100.00", "2026-05"))]}}, key=new_key())
        assert answer["status"] == 200 and answer["body"]["id"] == "WD0000004"
        clock.advance(seconds=3)
        records = await service.wage_declarations(limit=10)
        assert [r.id for r in records] == ["WD0000004", "WD0000003", "WD0000002", "WD0000001"]
        assert all(r.status == "done" and r.results is None for r in records)
        one = await service.wage_declaration("WD0000004")
        assert one.summary == "全部申报成功" and one.results[0].ok
        assert [i.type for i in one.results[0].items] == ["110", "210", "410"]
    assert in_force(await employee(c, e.id), "110", "2026-05") == Decimal("9100.00")


# -- 5000 rows ----------------------------------------------------------------------------------

@pytest.mark.slow
async def test_5000_rows(tmp_path):
    clock = FakeClock()
    app = create_app(tmp_path, employees=BIG, clock=clock)
    async with client(app) as c:
        await activate(c, DEMO_USCC, UNIT)
        emps = await employees(c)
        rows = [row(e, [(t, "8888.00", "2026-05") for t in e.insured_types]) for e in emps]
        assert len(rows) == BIG
        start = await cursor(c)
        t0 = time.perf_counter()
        r = await submit(c, rows)
        took_submit = time.perf_counter() - t0
        assert r.status_code == 200, r.text
        clock.advance(seconds=3)
        t0 = time.perf_counter()
        assert process_due(app.state.sandbox.db, DEMO_USCC, clock(), "2026-05-15") == 1
        took_process = time.perf_counter() - t0
        t0 = time.perf_counter()
        d = await declaration(c, r.json()["id"])
        took_read = time.perf_counter() - t0
        print(f"\nsandbox: 5000-row wage declaration: submit {took_submit:.3f} s, "
              f"processing {took_process:.3f} s, reading the results {took_read:.3f} s")
        assert (d["accepted"], d["summary"]) == (BIG, "全部申报成功")
        assert await cursor(c) == start + BIG
        # speed is `sbtui bench wages`'s (medians beside a floor), never a timed assertion
