"""The outbox: atomic with the local change, FIFO, one key per item, states, undo, held rows."""
from __future__ import annotations

import json
import uuid

import pytest

from sbtui.store import canonical_json, open_store
from store_helpers import GROUPS, emp


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.groups.replace(GROUPS)
    s.registry.upsert_employees([emp(n, group_id="G1") for n in range(1, 6)])
    yield s
    s.close()


def group_of(store, n):
    return store.registry.employee(f"E{n:07d}")["group_id"]


def test_assign_group_writes_change_and_item_together(store):
    key = store.groups.assign("E0000001", "G4")
    assert uuid.UUID(key).version == 4
    assert group_of(store, 1) == "G4"
    item = store.outbox.get(key)
    assert (item.kind, item.entity, item.state, item.attempts) == ("group.assign", "employee:E0000001", "queued", 0)
    assert item.payload == {"employee_id": "E0000001", "body": {"group_id": "G4"}}
    raw = store.db.execute("SELECT payload FROM outbox WHERE key = ?", [key]).fetchone()[0]
    assert raw == canonical_json(item.payload) == '{"body":{"group_id":"G4"},"employee_id":"E0000001"}'
    assert store.registry.employee("E0000001")["pending"] is True


def test_local_change_fails_no_outbox_row(store):
    with pytest.raises(KeyError):
        store.groups.assign("E9999999", "G4")
    with pytest.raises(ValueError):
        store.groups.assign("E0000001", "G-unknown")
    assert store.outbox.items() == []
    assert group_of(store, 1) == "G1"


def test_outbox_write_fails_local_change_rolled_back(store, monkeypatch):
    def broken(*args, **kwargs):
        store.db.execute("INSERT INTO outbox (key) VALUES (NULL)")  # violates NOT NULL

    monkeypatch.setattr(store.outbox, "enqueue", broken)
    with pytest.raises(Exception):
        store.groups.assign("E0000001", "G4")
    assert group_of(store, 1) == "G1"
    assert store.outbox.items() == []


def test_enqueue_inside_callers_transaction_rolls_back_with_it(store):
    with pytest.raises(RuntimeError):
        with store.db.atomic():
            store.outbox.enqueue("group.create", {"body": {"name": "x", "parent_id": None}}, entity="group:x")
            raise RuntimeError("caller failed")
    assert store.outbox.items() == []
    with pytest.raises(ValueError):
        store.outbox.enqueue("no.such.kind", {}, entity="x")


def test_fifo_and_states(store):
    keys = [store.groups.assign(f"E{n:07d}", "G4") for n in (3, 1, 2)]
    assert [i.key for i in store.outbox.pending()] == keys
    assert store.outbox.next_pending().key == keys[0]
    store.outbox.mark_sent(keys[0])
    store.outbox.mark_sent(keys[0])
    assert store.outbox.get(keys[0]).attempts == 2
    assert store.outbox.next_pending().key == keys[0]  # a sent item is still first
    store.outbox.mark_confirmed(keys[0], {"status": 200, "body": {}, "replayed": False})
    assert store.outbox.next_pending().key == keys[1]
    store.outbox.mark_sent(keys[1])
    store.outbox.mark_refused(keys[1], "not_found", "职工不存在")
    assert store.outbox.counts() == {"queued": 1, "sent": 0, "confirmed": 1, "refused": 1}
    assert [i.key for i in store.outbox.items("refused")] == [keys[1]]
    assert store.outbox.get(keys[1]).last_error == "[not_found] 职工不存在"
    assert [i.key for i in store.outbox.items()] == keys
    with pytest.raises(ValueError):
        store.outbox.mark_sent(keys[0])  # confirmed is final
    with pytest.raises(ValueError):
        store.outbox.mark_confirmed(keys[1], {})  # refused is final
    with pytest.raises(KeyError):
        store.outbox.mark_sent("missing")


def test_keys_are_unique_and_never_change(store):
    keys = {store.groups.assign("E0000001", g) for g in ("G2", "G3", "G4", None)}
    assert len(keys) == 4
    item = store.outbox.next_pending()
    store.outbox.mark_sent(item.key)
    store.outbox.note_error(item.key, "无法连接到服务")
    again = store.outbox.next_pending()
    assert again.key == item.key and again.state == "sent" and again.last_error == "无法连接到服务"


def test_refusal_undoes_the_local_change(store):
    key = store.groups.assign("E0000002", "G4")
    store.outbox.mark_sent(key)
    store.outbox.mark_refused(key, "bad_request", "不可分组")
    assert group_of(store, 2) == "G1"
    assert store.registry.employee("E0000002")["pending"] is False


def test_refusal_hands_undo_to_later_item_of_same_entity(store):
    first = store.groups.assign("E0000002", "G2")
    second = store.groups.assign("E0000002", "G3")
    store.outbox.mark_refused(first, "x", "拒绝")
    assert group_of(store, 2) == "G3"  # the later local change stays
    store.outbox.mark_refused(second, "x", "拒绝")
    assert group_of(store, 2) == "G1"  # both refused: back to the service's value


def test_pull_holds_rows_with_pending_change_then_confirm_applies_newest(store):
    key = store.groups.assign("E0000001", "G4")
    counts = store.registry.upsert_employees([emp(1, seq=5, name="服务端改名"), emp(2, seq=5, name="乙")])
    assert counts == (0, 1, 0)
    assert group_of(store, 1) == "G4" and store.registry.employee("E0000001")["name"] == "职工1"
    item = store.outbox.get(key)
    store.outbox.mark_sent(key)
    # a (replayed) answer older than what the pull saw: the held, newer row wins for the data
    store.outbox.confirm(item, {"status": 200, "replayed": True,
                         "body": json.loads(emp(1, seq=3, group_id="G4").model_dump_json())})
    row = store.registry.employee("E0000001")
    assert row["name"] == "服务端改名" and row["seq"] == 5
    assert store.db.execute("SELECT count(*) FROM held").fetchone()[0] == 0
    assert store.outbox.get(key).state == "confirmed"


def test_confirm_applies_answer_when_newer(store):
    key = store.groups.assign("E0000003", "G4")
    store.outbox.mark_sent(key)
    store.outbox.confirm(store.outbox.get(key), {"status": 200, "replayed": False,
                                          "body": json.loads(emp(3, seq=9, group_id="G4").model_dump_json())})
    row = store.registry.employee("E0000003")
    assert (row["group_id"], row["seq"], row["pending"]) == ("G4", 9, False)


def test_refusal_applies_held_service_row(store):
    key = store.groups.assign("E0000001", "G4")
    store.registry.upsert_employees([emp(1, seq=5, name="服务端改名", group_id="G1")])
    store.outbox.mark_refused(key, "x", "拒绝")
    row = store.registry.employee("E0000001")
    assert (row["name"], row["group_id"], row["seq"]) == ("服务端改名", "G1", 5)


def test_confirmed_group_create_replaces_temp_id_everywhere(store):
    temp, create_key = store.groups.create("新组", "G1")
    assign_key = store.groups.assign("E0000004", temp)
    store.outbox.mark_sent(create_key)
    store.outbox.confirm(store.outbox.get(create_key), {"status": 200, "replayed": False,
                                                 "body": {"id": "G9", "name": "新组", "parent_id": "G1"}})
    assert temp not in {g["id"] for g in store.groups.rows()}
    assert group_of(store, 4) == "G9"
    assert store.outbox.get(assign_key).payload == {"employee_id": "E0000004", "body": {"group_id": "G9"}}
    assert store.registry.employee("E0000004")["group"] == "财务部/新组"


def test_full_pull_reconcile_spares_pending_rows(store):
    store.groups.assign("E0000005", "G4")
    assert store.registry.remove_missing([], after=None, upto=None) == 4
    assert [r["id"] for r in store.registry.employees()] == ["E0000005"]
