"""Local group edits (SPEC E4): rename, delete, batch assignment, tree import; each with its
outbox item, confirmation and undo on refusal; pulls keep pending local changes. The last
tests push through sync() to the in-process sandbox."""
from __future__ import annotations

import json
import time
from datetime import date

import pytest

from sandbox_helpers import activate, local_rows, server_rows
from sbtui.domain.models import Group
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app
from sbtui.store import open_store
from sbtui.store.groups import HAS_CHILDREN
from sbtui.sync import sync
from store_helpers import GROUPS, emp


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.groups.replace(GROUPS)  # G1 财务部 / G2 会计组 / G3 出纳; G4 人事部
    s.registry.upsert_employees([emp(1, group_id="G1"), emp(2, group_id="G2"), emp(3, group_id="G3"),
                        emp(4, group_id="G4"), emp(5)])
    yield s
    s.close()


def group_of(store, n):
    return store.registry.employee(f"E{n:07d}")["group_id"]


def names(store):
    return {g["id"]: g["name"] for g in store.groups.rows()}


def refuse(store, key, code="x"):
    store.outbox.mark_sent(key)
    store.outbox.mark_refused(key, code, "拒绝")


def confirm(store, key, body):
    item = store.outbox.get(key)
    store.outbox.mark_sent(key)
    store.outbox.confirm(item, {"status": 200, "body": body, "replayed": False})


# -- rename ----------------------------------------------------------------------------------

def test_rename_is_saved_with_its_item_and_undone_on_refusal(store):
    key = store.groups.rename("G2", " 核算组 ")
    assert names(store)["G2"] == "核算组"
    assert store.groups.ids_by_path()["财务部/核算组/出纳"] == "G3"
    item = store.outbox.get(key)
    assert (item.kind, item.entity, item.payload) == (
        "group.rename", "group:G2", {"group_id": "G2", "body": {"name": "核算组"}})
    assert next(g for g in store.groups.rows() if g["id"] == "G2")["pending"]
    refuse(store, key, "group_exists")
    assert names(store)["G2"] == "会计组"


def test_rename_refusals_save_nothing(store):
    store.groups.create("审计组", "G1")
    before = store.outbox.counts()
    with pytest.raises(ValueError, match="已存在"):
        store.groups.rename("G2", "审计组")  # a sibling has it
    with pytest.raises(ValueError, match="不能为空"):
        store.groups.rename("G2", "  ")
    with pytest.raises(KeyError):
        store.groups.rename("G404", "新名")
    assert store.outbox.counts() == before and names(store)["G2"] == "会计组"
    store.groups.rename("G4", "会计组")  # the same name under another parent is fine


def test_two_renames_refused_go_back_to_the_first_name(store):
    first = store.groups.rename("G4", "人力资源部")
    second = store.groups.rename("G4", "人力部")
    refuse(store, first)
    assert names(store)["G4"] == "人力部"
    refuse(store, second)
    assert names(store)["G4"] == "人事部"


def test_confirmed_rename_with_a_later_rename_pending_keeps_the_later(store):
    first = store.groups.rename("G4", "人力资源部")
    store.groups.rename("G4", "人力部")
    confirm(store, first, {"id": "G4", "name": "人力资源部", "parent_id": None})
    assert names(store)["G4"] == "人力部"
    store.groups.replace(GROUPS)
    assert names(store)["G4"] == "人力部"


# -- delete ----------------------------------------------------------------------------------

def test_delete_refused_locally_while_it_has_subgroups(store):
    with pytest.raises(ValueError, match=HAS_CHILDREN):
        store.groups.delete("G2")
    with pytest.raises(KeyError):
        store.groups.delete("G404")
    assert store.outbox.items() == [] and "G2" in names(store)


def test_delete_then_confirm_clears_the_employees(store):
    key = store.groups.delete("G4")
    assert "G4" not in names(store)
    row = store.registry.employee("E0000004")
    assert (row["group_id"], row["group"]) == ("G4", None)  # kept until confirmed, shown as none
    item = store.outbox.get(key)
    assert (item.kind, item.entity, item.payload) == ("group.delete", "group:G4", {"group_id": "G4"})
    where, params = store.registry.employee_where(ungrouped=True)
    ids = [r[0] for r in store.db.execute(f"SELECT id FROM employees WHERE {where} ORDER BY id", params)]
    assert ids == ["E0000004", "E0000005"]
    confirm(store, key, {"deleted": "G4", "ungrouped": 1, "changed_on": "2026-05-15",
                         "seqs": {"E0000004": 77}})
    row = store.registry.employee("E0000004")
    assert (row["group_id"], row["seq"], row["changed_on"]) == (None, 77, "2026-05-15")
    assert store.outbox.get(key).state == "confirmed" and store.outbox.get(key).last_error is None
    # the next pull brings the same row: nothing to count
    same = emp(4, seq=77).model_copy(update={"changed_on": date(2026, 5, 15)})
    assert store.registry.upsert_employees([same]) == (0, 0, 0)


def test_delete_refused_puts_the_group_back(store):
    key = store.groups.delete("G3")
    assert "G3" not in names(store)
    refuse(store, key, "group_not_found")
    g3 = next(g for g in store.groups.rows() if g["id"] == "G3")
    assert (g3["name"], g3["parent_id"], g3["path"]) == ("出纳", "G2", "财务部/会计组/出纳")
    assert store.registry.employee("E0000003")["group"] == "财务部/会计组/出纳"


def test_rename_then_delete_both_refused_restore_the_first_name(store):
    rename = store.groups.rename("G4", "人力部")
    delete = store.groups.delete("G4")
    refuse(store, rename)
    assert "G4" not in names(store)  # the delete is still pending
    refuse(store, delete)
    assert names(store)["G4"] == "人事部"


def test_delete_of_a_group_created_offline(store):
    temp, create = store.groups.create("临时组", None)
    delete = store.groups.delete(temp)
    confirm(store, create, {"id": "G9", "name": "临时组", "parent_id": None})
    assert "G9" not in names(store)  # the pending delete wins over the confirmed create
    assert store.outbox.get(delete).payload == {"group_id": "G9"}
    refuse(store, delete)
    assert names(store)["G9"] == "临时组"


# -- replace_groups (every pull) keeps pending local changes ---------------------------------

def test_pull_keeps_pending_rename_delete_and_create(store):
    store.groups.rename("G2", "核算组")
    store.groups.delete("G4")
    temp, _ = store.groups.create("新组", "G1")
    service = [*GROUPS, Group(id="G5", name="销售部")]
    store.groups.replace(service)
    assert names(store) == {"G1": "财务部", "G2": "核算组", "G3": "出纳", "G5": "销售部", temp: "新组"}
    # groups without pending changes follow the service (here: G1 renamed, G5 gone)
    store.groups.replace([Group(id="G1", name="财务中心"), *GROUPS[1:]])
    assert names(store) == {"G1": "财务中心", "G2": "核算组", "G3": "出纳", temp: "新组"}


# -- group paths -----------------------------------------------------------------------------

def test_group_paths_and_subgroups(store):
    assert store.groups.ids_by_path() == {"财务部": "G1", "财务部/会计组": "G2",
                                         "财务部/会计组/出纳": "G3", "人事部": "G4"}
    assert store.groups.subgroup_ids("G1") == ["G1", "G2", "G3"]
    assert store.groups.subgroup_ids("G3") == ["G3"]
    with pytest.raises(KeyError):
        store.groups.subgroup_ids("G404")


def test_ensure_group_paths_creates_only_what_is_missing(store):
    got = store.groups.ensure_paths([["财务部", "会计组", "总账"], ["财务部"], [" 行政部 ", "后勤"],
                                    ["行政部", "后勤", "车队"]])
    assert got["财务部"] == "G1"
    paths = store.groups.ids_by_path()
    assert got == {p: paths[p] for p in ("财务部/会计组/总账", "财务部", "行政部/后勤", "行政部/后勤/车队")}
    creates = store.outbox.pending()
    assert [i.payload["body"]["name"] for i in creates] == ["总账", "行政部", "后勤", "车队"]
    assert creates[2].payload["body"]["parent_id"] == paths["行政部"]
    assert store.groups.ensure_paths([["行政部", "后勤"]]) == {"行政部/后勤": got["行政部/后勤"]}
    assert len(store.outbox.pending()) == 4  # nothing new


@pytest.mark.parametrize("paths", [[["甲"], ["乙", "丙", "丁", "戊"]], [["甲"], []], [["甲", " "]],
                                   [["财务部", "会计组", "出纳", "零钱"]]])
def test_ensure_group_paths_bad_input_saves_nothing(store, paths):
    with pytest.raises(ValueError):
        store.groups.ensure_paths(paths)
    assert store.outbox.items() == [] and len(names(store)) == 4


# -- batch assignment ------------------------------------------------------------------------

def test_assign_groups_chunks_items_and_undo(store):
    keys = store.groups.assign_many([("E0000001", "G4"), ("E0000002", None), ("E0000003", "G3"),
                                ("E0000005", "G2"), ("E0000004", "G1"), ("E0000002", "G3")],
                               chunk=2)
    assert [group_of(store, n) for n in range(1, 6)] == ["G4", "G3", "G3", "G1", "G2"]
    items = [store.outbox.get(k) for k in keys]
    assert len(items) == 2  # E3 was already in G3; E2 listed twice: the last wins
    assert all(i.kind == "group.assign_many" and i.entity.startswith("employees:batch-") for i in items)
    assert items[0].payload == {"body": {"assignments": [
        {"employee_id": "E0000001", "group_id": "G4"}, {"employee_id": "E0000002", "group_id": "G3"}]}}
    assert store.registry.employee("E0000001")["pending"] and not store.registry.employee("E0000003")["pending"]
    pending = {r["id"] for r in store.registry.employees() if r["pending"]}
    assert pending == {"E0000001", "E0000002", "E0000004", "E0000005"}
    refuse(store, keys[0], "group_not_found")
    assert [group_of(store, n) for n in range(1, 6)] == ["G1", "G2", "G3", "G1", "G2"]
    refuse(store, keys[1])
    assert [group_of(store, n) for n in range(1, 6)] == ["G1", "G2", "G3", "G4", None]
    assert store.groups.assign_many([("E0000001", "G1")]) == []  # nothing changes: nothing queued


def test_assign_groups_bad_input_saves_nothing(store):
    with pytest.raises(KeyError, match="E0000404"):
        store.groups.assign_many([("E0000001", "G4"), ("E0000404", "G4")])
    with pytest.raises(ValueError, match="G404"):
        store.groups.assign_many([("E0000001", "G4"), ("E0000002", "G404")])
    with pytest.raises(ValueError):
        store.groups.assign_many([("E0000001", "G4")], chunk=5001)
    assert store.outbox.items() == [] and group_of(store, 1) == "G1"


def test_batch_and_single_changes_of_one_employee(store):
    batch = store.groups.assign_many([("E0000001", "G2"), ("E0000005", "G2")])[0]
    single = store.groups.assign("E0000001", "G3")
    refuse(store, batch)
    assert (group_of(store, 1), group_of(store, 5)) == ("G3", None)  # the later change stays
    refuse(store, single)
    assert group_of(store, 1) == "G1"  # both refused: the value before both
    # the other order
    single = store.groups.assign("E0000002", "G4")
    batch = store.groups.assign_many([("E0000002", "G1")])[0]
    refuse(store, single)
    assert group_of(store, 2) == "G1"
    refuse(store, batch)
    assert group_of(store, 2) == "G2"


def test_pull_holds_batch_rows_until_the_batch_is_answered(store):
    [key] = store.groups.assign_many([("E0000001", "G4"), ("E0000002", "G4")])
    counts = store.registry.upsert_employees([emp(1, seq=5, name="服务端改名", group_id="G1"),
                                     emp(2, seq=6, group_id="G2"), emp(3, seq=5, name="丙", group_id="G3")])
    assert counts == (0, 1, 0)  # only E3 written; E1 and E2 held
    assert (group_of(store, 1), store.registry.employee("E0000001")["name"]) == ("G4", "职工1")
    confirm(store, key, {"assigned": 2, "unchanged": 0, "changed_on": "2026-05-15",
                         "seqs": {"E0000001": 9, "E0000002": 4}})
    one, two = store.registry.employee("E0000001"), store.registry.employee("E0000002")
    # E1: the held row is older than the batch's seq: dropped (the next pull brings seq 9)
    assert (one["group_id"], one["name"], one["seq"], one["changed_on"]) == ("G4", "职工1", 9, "2026-05-15")
    # E2: the held row (seq 6) is newer than the batch's (4): it wins
    assert (two["group_id"], two["seq"]) == ("G2", 6)
    assert store.db.execute("SELECT count(*) FROM held").fetchone()[0] == 0


def test_refused_batch_applies_held_rows(store):
    [key] = store.groups.assign_many([("E0000001", "G4")])
    store.registry.upsert_employees([emp(1, seq=5, name="服务端改名", group_id="G2")])
    refuse(store, key)
    row = store.registry.employee("E0000001")
    assert (row["group_id"], row["name"], row["pending"]) == ("G2", "服务端改名", False)


def test_full_pull_does_not_remove_batch_rows(store):
    store.groups.assign_many([("E0000005", "G4")])
    assert store.registry.remove_missing(["E0000001"], after=None, upto=None) == 3
    assert [r["id"] for r in store.registry.employees()] == ["E0000001", "E0000005"]


@pytest.mark.slow
def test_assign_groups_100k(tmp_path):
    s = open_store(tmp_path / "big.db")
    s.groups.replace(GROUPS)
    n = 100_000
    docs = [json.loads(emp(1).model_dump_json())]
    base = docs[0]
    rows = [{**base, "id": f"E{i:07d}", "id_number": f"X{i:017d}", "group_id": "G1" if i % 3 else None}
            for i in range(1, n + 1)]
    s.registry.upsert_employees(rows)
    groups = ["G2", "G3", "G4", None]
    pairs = [(f"E{i:07d}", groups[i % 4]) for i in range(1, n + 1)]
    t0 = time.perf_counter()
    keys = s.groups.assign_many(pairs)
    took = time.perf_counter() - t0
    print(f"\nassign_groups: {n} pairs in {took:.3f} s ({len(keys)} items)")
    before = {f"E{i:07d}": "G1" if i % 3 else None for i in range(1, n + 1)}
    changes = [(e, g) for e, g in pairs if before[e] != g]
    assert len(keys) == -(-len(changes) // 5000) == 19
    got = dict(s.db.execute("SELECT id, group_id FROM employees"))
    assert got == dict(pairs)
    items = [s.outbox.get(k) for k in keys]
    sent = [(a["employee_id"], a["group_id"]) for i in items for a in i.payload["body"]["assignments"]]
    assert sent == changes
    target = dict(pairs)
    assert all(r["pending"] == (before[r["id"]] != target[r["id"]])
               for r in s.registry.employees(detail=False, limit=50))
    t0 = time.perf_counter()
    for k in keys:
        s.outbox.mark_refused(k, "x", "拒绝")
    print(f"refusing all {len(keys)} batch items (undo): {time.perf_counter() - t0:.3f} s")
    assert dict(s.db.execute("SELECT id, group_id FROM employees")) == before
    s.close()


# -- end to end through sync() against the in-process sandbox ---------------------------------

@pytest.fixture
async def env(tmp_path):
    data = tmp_path / "sandbox"
    app = create_app(data, employees=150)
    service = HttpService.in_process(app, backoff_base=0, retries=2)
    await activate(service, data)
    local = open_store(tmp_path / "client" / "store.db")
    await sync(local, service)
    yield type("Env", (), {"service": service, "store": local})
    local.close()
    await service.aclose()


def group_tuples(groups):
    return sorted((g["id"], g["name"], g["parent_id"]) if isinstance(g, dict) else
                  (g.id, g.name, g.parent_id) for g in groups)


async def test_group_tree_import_pushed_in_one_sync(env):
    got = env.store.groups.ensure_paths([["工程部", "设计科", "结构组"], ["工程部", "施工科"],
                                        ["财务部", "预算组"]])
    assert all(gid.startswith("local-") for gid in got.values())
    assign = env.store.groups.assign("E0000010", got["工程部/设计科/结构组"])
    result = await sync(env.store, env.service)
    assert (result.pushed, result.refused) == (6, 0), result.refusals
    service_groups = await env.service.groups()
    assert group_tuples(env.store.groups.rows()) == group_tuples(service_groups)
    paths = env.store.groups.ids_by_path()
    assert not any(gid.startswith("local-") for gid in paths.values())
    leaf = paths["工程部/设计科/结构组"]
    assert env.store.groups.subgroup_ids(paths["工程部"]) == [paths["工程部"], paths["工程部/设计科"],
                                                     leaf, paths["工程部/施工科"]]
    assert env.store.outbox.get(assign).payload["body"]["group_id"] == leaf
    assert env.store.registry.employee("E0000010")["group_id"] == leaf
    assert local_rows(env.store) == await server_rows(env.service)


async def test_rename_delete_and_batch_pushed(env):
    paths = env.store.groups.ids_by_path()
    env.store.groups.rename(paths["销售部"], "市场部")
    env.store.groups.delete(paths["人力资源部/招聘组/校园招聘小组"])
    with pytest.raises(ValueError, match=HAS_CHILDREN):
        env.store.groups.delete(paths["人力资源部"])
    pairs = [(r["id"], paths["生产部/一车间"] if n % 2 else None)
             for n, r in enumerate(env.store.registry.employees(limit=120, detail=False))]
    keys = env.store.groups.assign_many(pairs, chunk=50)
    assert len(keys) >= 2
    t0 = time.perf_counter()
    result = await sync(env.store, env.service)
    print(f"\nsync with {len(keys)} batch items: {time.perf_counter() - t0:.3f} s")
    assert result.refused == 0 and result.pushed == 2 + len(keys)
    assert (result.added, result.changed, result.stopped) == (0, 0, 0)  # our own changes: not news
    assert group_tuples(env.store.groups.rows()) == group_tuples(await env.service.groups())
    assert local_rows(env.store) == await server_rows(env.service)
    # a refused batch (a group deleted meanwhile on the service) is undone locally
    gone = env.store.groups.ids_by_path()["生产部/二车间"]
    await env.service.perform("group.delete", {"group_id": gone}, key="other-client")
    before = {r["id"]: r["group_id"] for r in env.store.registry.employees(detail=False)}
    [bad] = env.store.groups.assign_many([("E0000001", gone), ("E0000002", None)])
    assert env.store.registry.employee("E0000001")["group_id"] == gone
    result = await sync(env.store, env.service)
    assert [(r.key, r.code) for r in result.refusals] == [(bad, "group_not_found")]
    assert local_rows(env.store) == await server_rows(env.service)
    assert env.store.registry.employee("E0000001")["group_id"] == (None if before["E0000001"] == gone
                                                          else before["E0000001"])
