"""The local store: opening, migrations, meta, employees, groups, registrations."""
from __future__ import annotations

import sqlite3

import pytest

from sbtui.domain.models import UnitRegistration
from sbtui.store import open_store
from sbtui.store.migrations import migrations
from store_helpers import GROUPS, emp


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "deep" / "dir" / "store.db")
    yield s
    s.close()


def test_open_creates_dirs_sets_pragmas_and_records_migrations(tmp_path):
    path = tmp_path / "a" / "b" / "s.db"
    store = open_store(path)
    assert path.exists()
    assert store.db.journal_mode == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == ["m001_initial", "m002_change_dates", "m003_wages", "m004_dues", "m005_declarations",
                       "m006_payments", "m007_certificates", "m008_refunds"]
    rows = store.db.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
    assert rows == [("sbtui", "m001_initial"), ("sbtui", "m002_change_dates"), ("sbtui", "m003_wages"),
                    ("sbtui", "m004_dues"), ("sbtui", "m005_declarations"),
                    ("sbtui", "m006_payments"), ("sbtui", "m007_certificates"), ("sbtui", "m008_refunds")]
    store.close()
    again = open_store(path)
    assert [m.name for m in migrations.applied(again.db)] == applied
    assert migrations.pending(again.db) == []
    again.close()


def test_meta_and_sync_state_roundtrip(store):
    assert store.meta_get("uscc") is None
    store.meta_set("uscc", "91110000000000000X")
    store.meta_set("name", "测试公司")
    store.sync_set("cursor", 42)
    assert store.meta_get("uscc") == "91110000000000000X"
    assert store.meta() == {"uscc": "91110000000000000X", "name": "测试公司"}
    assert store.sync_get("cursor") == 42
    store.sync_set("cursor", None)
    assert store.sync_get("cursor", "none") == "none"


def test_upsert_counts_added_changed_stopped(store):
    assert store.registry.upsert_employees([emp(1), emp(2), emp(3)]) == (3, 0, 0)
    assert store.registry.upsert_employees([emp(1), emp(2), emp(3)]) == (0, 0, 0)
    counts = store.registry.upsert_employees([emp(1, seq=2, name="改名"), emp(2, seq=3, status="stopped"), emp(4)])
    assert (counts.added, counts.changed, counts.stopped) == (1, 1, 1)
    assert store.registry.employee_count() == 4
    assert store.registry.employee("E0000001")["name"] == "改名"


def test_employee_rows_and_filters(store):
    store.groups.replace(GROUPS)
    store.registry.upsert_employees([
        emp(1, group_id="G2", units=("110000123456", "310000654321"), types=("110", "310")),
        emp(2, status="stopped", name="李四"),
        emp(3, group_id="G4", types=("410",)),
    ])
    row = store.registry.employees(group_id="G2")[0]
    assert row["unit_numbers"] == ["110000123456", "310000654321"]
    assert row["insured_types"] == ["110", "310"]
    assert row["group"] == "财务部/会计组"
    assert row["registrations"][0]["person_number"] == "P1"
    assert row["wages"][0]["wage"] == "8888.00"
    assert row["pending"] is False
    raw = store.db.execute("SELECT unit_numbers, insured_types FROM employees WHERE id='E0000001'").fetchone()
    assert raw == ("110000123456，310000654321", "110,310")
    assert [r["id"] for r in store.registry.employees(status="stopped")] == ["E0000002"]
    assert [r["name"] for r in store.registry.employees(name="李")] == ["李四"]
    assert [r["id"] for r in store.registry.employees(id_number="0003")] == ["E0000003"]
    assert [r["id"] for r in store.registry.employees(unit_number="310000654321")] == ["E0000001"]
    assert store.registry.employees(unit_number="31000065432") == []  # whole unit numbers only
    assert [r["id"] for r in store.registry.employees(type_code="410")] == ["E0000002", "E0000003"]
    assert store.registry.employees(type_code="41") == []
    assert len(store.registry.employees(limit=2)) == 2
    assert store.registry.employees(group_id="G4")[0]["group"] == "人事部"
    assert store.registry.employees(status="normal", group_id="G4", name="职工3")[0]["id"] == "E0000003"


def test_groups_paths_and_replace(store):
    store.groups.replace(GROUPS)
    paths = {g["id"]: (g["path"], g["level"]) for g in store.groups.rows()}
    assert paths["G3"] == ("财务部/会计组/出纳", 3)
    assert paths["G4"] == ("人事部", 1)
    store.groups.replace(GROUPS[:1])
    assert [g["id"] for g in store.groups.rows()] == ["G1"]


def test_create_group_locally_and_depth_limit(store):
    store.groups.replace(GROUPS)
    temp, key = store.groups.create("新组", "G2")
    assert temp.startswith("local-")
    group = next(g for g in store.groups.rows() if g["id"] == temp)
    assert group["path"] == "财务部/会计组/新组" and group["pending"]
    item = store.outbox.get(key)
    assert (item.kind, item.entity, item.payload) == ("group.create", f"group:{temp}",
                                                     {"body": {"name": "新组", "parent_id": "G2"}})
    with pytest.raises(ValueError):
        store.groups.create("第四级", "G3")
    with pytest.raises(ValueError):
        store.groups.create("  ", None)
    # a refresh from the service keeps the unconfirmed local group
    store.groups.replace(GROUPS)
    assert temp in {g["id"] for g in store.groups.rows()}


def test_registrations_replace(store):
    regs = [UnitRegistration(unit_number="110000123456", agency="市社保中心", agency_system="enterprise",
                             tax_authority="税务局", insurance_types=["110", "210", "410"]),
            UnitRegistration(unit_number="310000654321", agency="市医保中心", agency_system="medical",
                             tax_authority="税务局", insurance_types=["310"])]
    store.registry.replace_registrations(regs)
    rows = store.registry.registrations()
    assert [r["unit_number"] for r in rows] == ["110000123456", "310000654321"]
    assert rows[0]["insurance_types"] == ["110", "210", "410"]
    assert rows[0]["payer_type"] == "单位缴费人"
    store.registry.replace_registrations(regs[1:])
    assert len(store.registry.registrations()) == 1


def test_remove_missing_by_id_range(store):
    store.registry.upsert_employees([emp(n) for n in range(1, 8)])
    removed = store.registry.remove_missing(["E0000002", "E0000004"], after="E0000001", upto="E0000004")
    assert removed == 1  # E0000003
    removed = store.registry.remove_missing(["E0000006"], after="E0000004", upto=None)
    assert removed == 2  # E0000005, E0000007
    assert [r["id"] for r in store.registry.employees()] == ["E0000001", "E0000002", "E0000004", "E0000006"]


def test_store_survives_reopen_with_data(tmp_path):
    path = tmp_path / "s.db"
    store = open_store(path)
    store.registry.upsert_employees([emp(1)])
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert open_store(path).registry.employee_count() == 1
