"""Sandbox registry: keyset paging, the change feed, groups, simulate, compact, error envelope."""
from __future__ import annotations

import pytest
from stdnum.cn import ric

from sbtui.domain.models import ChangesPage, Employee, Group, RegistryPage
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

N = 137


@pytest.fixture
async def c(tmp_path):
    async with client(create_app(tmp_path, employees=N, clock=FakeClock())) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        yield c


async def download(c, limit):
    pages, after = [], None
    while True:
        r = await c.get("/registry/employees", params={"limit": limit, **({"after": after} if after else {})})
        assert r.status_code == 200, r.text
        page = RegistryPage.model_validate_json(r.content)
        pages.append(page)
        if page.next_after is None:
            return pages
        after = page.next_after


async def changes(c, since, limit=2000) -> list[Employee]:
    items = []
    while True:
        r = await c.get("/registry/changes", params={"since": since, "limit": limit})
        assert r.status_code == 200, r.text
        page = ChangesPage.model_validate_json(r.content)
        items += [Employee.model_validate(e) for e in page.items]
        since = page.cursor
        if not page.has_more:
            return items


async def test_paging_covers_everyone_once(c):
    pages = await download(c, 20)
    ids = [e["id"] for p in pages for e in p.items]
    assert len(pages) == 7
    assert ids == sorted(ids) and len(set(ids)) == N == pages[0].total
    assert all(p.cursor == N for p in pages)
    one_page = await download(c, 5000)
    assert [e["id"] for e in one_page[0].items] == ids and one_page[0].next_after is None


async def test_paging_limits_are_validated(c):
    r = await c.get("/registry/employees", params={"limit": 5001})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert r.json()["detail"]["errors"]


async def test_changes_after_group_assign(c):
    cursor = (await download(c, 5000))[0].cursor
    assert await changes(c, cursor) == []
    r = await c.post("/employees/E0000005/group", json={"group_id": "G0004"},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 200
    emp = Employee.model_validate(r.json())
    assert emp.group_id == "G0004" and emp.seq == cursor + 1 and str(emp.changed_on) == "2026-05-15"
    [changed] = await changes(c, cursor)
    assert changed == emp
    assert (await c.get("/employees/E0000005")).json()["seq"] == cursor + 1
    r = await c.post("/employees/E9999999/group", json={"group_id": None},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


async def test_simulate_changes_are_visible(c, tmp_path):
    cursor = (await download(c, 5000))[0].cursor
    r = await c.post("/sandbox/simulate", json={"changes": 100, "seed": 3})
    result = r.json()
    assert result["added"] + result["changed"] + result["stopped"] == 100
    assert result["added"] > 0 and result["changed"] > 0 and result["stopped"] > 0
    assert result["cursor"] == cursor + 100
    items = await changes(c, cursor, limit=7)
    assert [e.seq for e in items] == list(range(cursor + 1, cursor + 101))
    assert len({e.id for e in items}) == 100
    assert sum(e.status == "stopped" for e in items) >= result["stopped"]
    new = [e for e in items if e.id > f"E{N:07d}"]
    assert len(new) == result["added"]
    assert all(ric.is_valid(e.id_number) for e in new)
    pages = await download(c, 50)
    assert pages[0].total == N + result["added"]
    # deterministic: the same seed on the same state makes the same changes
    async with client(create_app(tmp_path / "twin", employees=N, clock=FakeClock())) as twin:
        await activate(twin, DEMO_USCC, "66259112241843")
        await twin.post("/sandbox/simulate", json={"changes": 100, "seed": 3})
        assert [e.model_dump() for e in await changes(twin, cursor)] == \
            [e.model_dump() for e in items]


async def test_wage_change_closes_the_open_period(c):
    cursor = (await download(c, 5000))[0].cursor
    await c.post("/sandbox/simulate", json={"changes": 60, "seed": 11})
    for e in await changes(c, cursor):
        for t in {w.type for w in e.wages}:
            periods = sorted((w for w in e.wages if w.type == t), key=lambda w: w.period_from)
            for a, b in zip(periods, periods[1:]):
                assert a.period_to < b.period_from
            assert periods[-1].period_to == "2099-12"


async def test_compact_then_old_cursor_is_gone(c):
    cursor = (await download(c, 5000))[0].cursor
    r = await c.post("/sandbox/simulate", json={"changes": 5, "seed": 1})
    await c.post("/sandbox/compact", json={"uscc": DEMO_USCC})
    r = await c.get("/registry/changes", params={"since": cursor})
    assert r.status_code == 410 and r.json()["code"] == "cursor_too_old"
    new_cursor = (await download(c, 5000))[0].cursor
    assert new_cursor == cursor + 5
    assert await changes(c, new_cursor) == []
    r = await c.get("/registry/changes", params={"since": new_cursor + 10})
    assert r.status_code == 410  # a cursor from the future: the service was reset


async def test_groups(c):
    groups = [Group.model_validate(g) for g in (await c.get("/groups")).json()]
    by_name = {g.name: g for g in groups}
    assert by_name["会计组"].parent_id == by_name["财务部"].id

    async def create(name, parent):
        return await c.post("/groups", json={"name": name, "parent_id": parent},
                            headers={"Idempotency-Key": new_key()})
    top = (await create("新部门", None)).json()
    mid = (await create("新科室", top["id"])).json()
    low = (await create("新小组", mid["id"])).json()
    assert low["parent_id"] == mid["id"]
    r = await create("第四级", low["id"])
    assert r.status_code == 400 and r.json()["code"] == "group_depth"
    r = await create("孤儿", "G9999")
    assert r.status_code == 400 and r.json()["code"] == "group_not_found"
    r = await create("新部门", None)
    assert r.status_code == 400 and r.json()["code"] == "group_exists"
    assert len((await c.get("/groups")).json()) == len(groups) + 3


async def test_fee_fixtures(c):
    notices = (await c.get("/notices")).json()
    assert {n["kind"] for n in notices} == {"notice", "message"}
    paid = (await c.get("/paid-periods")).json()
    assert {p["period"] for p in paid} == {"2026-01", "2026-02", "2026-03", "2026-04"}
    dues = (await c.get("/special-dues")).json()
    assert any(d["valid_until"] < "2026-05-15" for d in dues)
    assert any(d["valid_until"] > "2026-05-15" for d in dues)
    project = (await c.get("/projects/lookup/15069124000011")).json()  # linked: GET /projects
    assert project["rate"] == "0.001" and project["linked"] is False
    agreements = (await c.get("/agreements")).json()
    assert {a["status"] for a in agreements} == {"验证通过", "未验证"}
    assert sum(a["batch"] for a in agreements) == 0
    notices = (await c.get("/collection-notices")).json()
    assert notices and all(n["serial"] for n in notices)


async def test_error_envelope_and_openapi(c):
    r = await c.get("/no/such/route")
    assert r.status_code == 404 and set(r.json()) == {"code", "message", "detail"}
    r = await c.post("/groups", json={"parent_id": None}, headers={"Idempotency-Key": new_key()})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    health = (await c.get("/health")).json()
    assert health["ok"] is True and health["service"] == "sbtui-sandbox"
    spec = (await c.get("http://sandbox/openapi.json")).json()
    assert "/api/v1/registry/employees" in spec["paths"]
    assert "/api/v1/auth/login" in spec["paths"]
