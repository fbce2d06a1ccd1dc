"""Sandbox groups: rename, delete, batch assignment; refusals, idempotent replay, seq bumps."""
from __future__ import annotations

import time

import pytest

from sbtui.domain.models import ChangesPage, Employee, Group
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

N = 137
BIG = 6000


@pytest.fixture
async def c(tmp_path):
    async with client(create_app(tmp_path, employees=N, clock=FakeClock())) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        yield c


async def post(c, path, body=None, key=None):
    return await c.post(path, json=body, headers={"Idempotency-Key": key or new_key()})


async def groups(c) -> dict[str, Group]:
    return {g["id"]: Group.model_validate(g) for g in (await c.get("/groups")).json()}


async def cursor(c) -> int:
    return (await c.get("/registry/employees", params={"limit": 1})).json()["cursor"]


async def changes(c, since) -> list[Employee]:
    items = []
    while True:
        page = ChangesPage.model_validate_json((await c.get("/registry/changes",
                                                            params={"since": since})).content)
        items += [Employee.model_validate(e) for e in page.items]
        since = page.cursor
        if not page.has_more:
            return items


async def all_employees(c) -> dict[str, Employee]:
    r = await c.get("/registry/employees", params={"limit": 5000})
    return {e["id"]: Employee.model_validate(e) for e in r.json()["items"]}


async def effects(c, kind):
    return (await c.get("/sandbox/effects", params={"kind": kind})).json()


async def test_rename(c):
    key = new_key()
    r = await post(c, "/groups/G0004", {"name": " 核算组 "}, key)
    assert r.status_code == 200 and r.json() == {"id": "G0004", "name": "核算组", "parent_id": "G0003"}
    again = await post(c, "/groups/G0004", {"name": " 核算组 "}, key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == r.json()
    assert len(await effects(c, "group.rename")) == 1
    other = await post(c, "/groups/G0004", {"name": "别的名字"}, key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert (await groups(c))["G0004"].name == "核算组"
    # a sibling's name, an empty name, an unknown group
    r = await post(c, "/groups/G0004", {"name": "出纳组"})
    assert r.status_code == 400 and r.json()["code"] == "group_exists"
    assert r.json()["detail"]["group_id"] == "G0005"
    for blank in ("", "   "):
        r = await post(c, "/groups/G0004", {"name": blank})
        assert r.status_code == 400 and r.json()["code"] == "bad_request"
    r = await post(c, "/groups/G9999", {"name": "新名"})
    assert r.status_code == 404 and r.json()["code"] == "group_not_found"
    # the same name elsewhere in the tree is fine; renaming to its own name too
    assert (await post(c, "/groups/G0012", {"name": "会计组"})).status_code == 200
    assert (await post(c, "/groups/G0012", {"name": "会计组"})).status_code == 200


async def test_refusal_is_stored_and_replayed(c):
    key = new_key()
    r = await post(c, "/groups/G0004", {"name": "出纳组"}, key)
    assert r.status_code == 400
    (await post(c, "/groups/G0005", {"name": "出纳二组"})).raise_for_status()
    again = await post(c, "/groups/G0004", {"name": "出纳组"}, key)  # would succeed now
    assert again.status_code == 400 and again.headers["Idempotent-Replayed"] == "true"
    assert (await groups(c))["G0004"].name == "会计组"


async def test_delete(c):
    before = await all_employees(c)
    members = sorted(e.id for e in before.values() if e.group_id == "G0004")
    assert members  # the seed puts people in every group
    start = await cursor(c)
    r = await post(c, "/groups/G0003/delete")
    assert r.status_code == 400 and r.json()["code"] == "group_has_children"
    assert r.json()["message"] == "该分组下还有下级分组，不能删除。"
    assert await cursor(c) == start
    key = new_key()
    r = await post(c, "/groups/G0004/delete", None, key)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["deleted"], body["ungrouped"], body["changed_on"]) == ("G0004", len(members), "2026-05-15")
    assert sorted(body["seqs"]) == members
    assert sorted(body["seqs"].values()) == list(range(start + 1, start + len(members) + 1))
    assert "G0004" not in await groups(c)
    changed = await changes(c, start)
    assert sorted(e.id for e in changed) == members
    assert all(e.group_id is None and e.seq == body["seqs"][e.id] for e in changed)
    assert all(str(e.changed_on) == "2026-05-15" for e in changed)
    one = Employee.model_validate((await c.get(f"/employees/{members[0]}")).json())
    assert one.group_id is None and one.seq == body["seqs"][members[0]]
    again = await post(c, "/groups/G0004/delete", None, key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == body
    assert await cursor(c) == start + len(members)  # applied once
    assert [e["key"] for e in await effects(c, "group.delete")] == [key]
    r = await post(c, "/groups/G0004/delete")
    assert r.status_code == 404 and r.json()["code"] == "group_not_found"
    # the parent is a leaf now
    assert (await post(c, "/groups/G0005/delete")).status_code == 200
    assert (await post(c, "/groups/G0003/delete")).status_code == 200


async def test_assign_many(c):
    before = await all_employees(c)
    ids = sorted(before)[:40]
    target = {eid: ("G0012" if n % 2 else None) for n, eid in enumerate(ids)}
    unchanged = [eid for eid in ids if before[eid].group_id == target[eid]]
    start = await cursor(c)
    body = {"assignments": [{"employee_id": e, "group_id": g} for e, g in target.items()]}
    key = new_key()
    r = await post(c, "/employees/group-assignments", body, key)
    assert r.status_code == 200, r.text
    answer = r.json()
    n = len(ids) - len(unchanged)
    assert (answer["assigned"], answer["unchanged"]) == (n, len(unchanged))
    assert set(answer["seqs"]) == set(ids) - set(unchanged)
    changed = await changes(c, start)
    assert [e.id for e in changed] == [e for e in ids if e not in unchanged]  # request order
    assert [e.seq for e in changed] == list(range(start + 1, start + n + 1))
    assert all(e.group_id == target[e.id] and e.seq == answer["seqs"][e.id] for e in changed)
    # the document is the one source: everything else about the employee stayed
    after = await all_employees(c)
    for e in changed:
        assert after[e.id].model_dump(exclude={"group_id", "seq", "changed_on"}) == \
            before[e.id].model_dump(exclude={"group_id", "seq", "changed_on"})
    again = await post(c, "/employees/group-assignments", body, key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == answer
    assert await cursor(c) == start + n
    assert len(await effects(c, "group.assign_many")) == n


@pytest.mark.parametrize("bad, code, field", [
    ({"employee_id": "E9999998", "group_id": "G0001"}, "employee_not_found", "employee_ids"),
    ({"employee_id": "E0000003", "group_id": "G9999"}, "group_not_found", "group_ids"),
])
async def test_assign_many_is_all_or_nothing(c, bad, code, field):
    start = await cursor(c)
    body = {"assignments": [{"employee_id": "E0000001", "group_id": "G0001"},
                            {"employee_id": "E0000002", "group_id": None}, bad]}
    r = await post(c, "/employees/group-assignments", body)
    assert r.status_code == 400 and r.json()["code"] == code
    assert r.json()["detail"][field] == [list(bad.values())[0 if code == "employee_not_found" else 1]]
    assert await cursor(c) == start and await changes(c, start) == []


async def test_assign_many_limits(c):
    start = await cursor(c)
    too_many = {"assignments": [{"employee_id": f"E{n:07d}", "group_id": None} for n in range(1, 5002)]}
    r = await post(c, "/employees/group-assignments", too_many)
    assert r.status_code == 400 and r.json()["code"] == "bad_request" and r.json()["detail"]["max"] == 5000
    twice = {"assignments": [{"employee_id": "E0000001", "group_id": None},
                             {"employee_id": "E0000001", "group_id": "G0001"}]}
    r = await post(c, "/employees/group-assignments", twice)
    assert r.status_code == 400 and r.json()["detail"]["employee_ids"] == ["E0000001"]
    r = await post(c, "/employees/group-assignments", {"assignments": []})
    assert r.status_code == 200 and r.json()["assigned"] == 0
    r = await post(c, "/employees/group-assignments", {"assignments": [{"group_id": None}]})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert await cursor(c) == start


async def test_routes_do_not_swallow_each_other(c):
    # ".../delete" is the delete route, not a rename of a group called "delete"
    r = await post(c, "/groups/G0012/delete")
    assert r.status_code == 200 and r.json()["deleted"] == "G0012"
    r = await post(c, "/groups/delete", {"name": "x"})
    assert r.status_code == 404 and r.json()["code"] == "group_not_found"
    # "group-assignments" is not an employee id
    r = await c.get("/employees/group-assignments")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await post(c, "/employees/E0000001/group", {"group_id": None})
    assert r.status_code == 200
    r = await post(c, "/groups/G0001/delete/more")
    assert r.status_code == 404
    spec = (await c.get("http://sandbox/openapi.json")).json()["paths"]
    for path in ("/api/v1/groups/{group_id}", "/api/v1/groups/{group_id}/delete",
                 "/api/v1/employees/group-assignments"):
        assert "post" in spec[path]


async def test_assign_5000_in_one_request(tmp_path):
    async with client(create_app(tmp_path, employees=BIG, clock=FakeClock())) as c:
        await activate(c, DEMO_USCC, "66259112241843")
        start = await cursor(c)
        body = {"assignments": [{"employee_id": f"E{n:07d}", "group_id": "G0012"}
                                for n in range(1, 5001)]}
        t0 = time.perf_counter()
        r = await post(c, "/employees/group-assignments", body)
        took = time.perf_counter() - t0
        assert r.status_code == 200, r.text
        n = r.json()["assigned"]
        print(f"\nsandbox: 5000 assignments ({n} changed) in {took:.3f} s")
        assert n > 4000 and await cursor(c) == start + n
        assert len(await changes(c, start)) == n
