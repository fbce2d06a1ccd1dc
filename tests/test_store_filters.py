"""employee_where (SPEC E2, E5): every filter against hand-built rows, and the list using it."""
from __future__ import annotations

import time
from datetime import date

import pytest

from sbtui.domain.models import Group, UnitRegistration
from sbtui.store import open_store
from store_helpers import GROUPS, emp

A, B, C, D = "110000123456", "310000654321", "410000111111", "510000222222"


def reg(unit, agency, types=("110",)):
    return UnitRegistration(unit_number=unit, agency=agency, agency_system="enterprise",
                            tax_authority="国家税务总局某区税务局", insurance_types=list(types))


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.groups.replace([*GROUPS, Group(id="G5", name="销售部")])  # G1 > G2 > G3; G4; G5
    s.registry.replace_registrations([reg(A, "市社保中心"), reg(B, "市医保中心"), reg(C, "市社保中心"),
                             reg(D, "区社保中心")])

    def person(n, **kw):
        dates = {k: kw.pop(k) for k in ("added_on", "changed_on", "id_number") if k in kw}
        return emp(n, **kw).model_copy(update=dates)

    s.registry.upsert_employees([
        person(1, name="张三", units=(A, B), types=("110", "310"), group_id="G2"),
        person(2, name="李四", units=(C,), types=("410",), status="stopped"),
        person(3, name="张三丰", units=(B,), types=("310",), group_id="G3",
               changed_on=date(2026, 5, 3)),
        person(4, name="王五", units=(A + "7",), types=("1100",), group_id="G-gone",
               added_on=date(2026, 5, 10), changed_on=date(2026, 5, 10),
               id_number="11010119900101123X"),
        person(5, name="赵六", units=(A,), types=("110",), group_id="G1",
               changed_on=date(2026, 6, 1)),
        person(6, name="钱七", units=(D + "0",), types=("210",), group_id="G4",
               added_on=date(2026, 4, 30), changed_on=date(2026, 4, 30)),
    ])
    yield s
    s.close()


def ids(store, **kw):
    where, params = store.registry.employee_where(**kw)
    sql = "SELECT id FROM employees" + (f" WHERE {where}" if where else "") + " ORDER BY id"
    return [int(r[0][1:]) for r in store.db.execute(sql, params)]


def test_no_filter(store):
    assert store.registry.employee_where() == ("", [])
    assert store.registry.employee_where(name="", id_number="  ", unit_number="", agency=None) == ("", [])
    assert ids(store) == [1, 2, 3, 4, 5, 6]


def test_text_filters(store):
    assert ids(store, name="张三") == [1, 3]
    assert ids(store, name=" 三丰 ") == [3]
    assert ids(store, id_number="123x") == [4]  # upper-cased
    assert ids(store, id_number="0101000") == [1, 2, 3, 5, 6]
    assert ids(store, name="张", id_number="0003") == [3]


def test_unit_number_is_a_whole_number_of_the_list(store):
    assert ids(store, unit_number=A) == [1, 5]  # not E4's A + "7"
    assert ids(store, unit_number=B) == [1, 3]
    assert ids(store, unit_number=A[:-1]) == []


def test_agency_through_the_registrations(store):
    assert store.registry.agencies() == sorted(["市社保中心", "市医保中心", "区社保中心"])
    assert ids(store, agency="市社保中心") == [1, 2, 5]  # units A and C, whole numbers only
    assert ids(store, agency="市医保中心") == [1, 3]
    assert ids(store, agency="区社保中心") == []  # D + "0" is another number
    assert ids(store, agency="没有的机构") == []
    assert ids(store, agency="市社保中心", status="stopped") == [2]


def test_type_and_status(store):
    assert ids(store, type_code="110") == [1, 5]  # not "1100"
    assert ids(store, type_code="310") == [1, 3]
    assert ids(store, status="stopped") == [2]
    assert ids(store, status="normal") == [1, 3, 4, 5, 6]


def test_groups_with_and_without_subgroups(store):
    assert ids(store, group_id="G1") == [1, 3, 5]
    assert ids(store, group_id="G1", subgroups=False) == [5]
    assert ids(store, group_id="G2") == [1, 3]
    assert ids(store, group_id="G3") == [3]
    assert ids(store, group_id="G-gone") == [4]  # a group that is gone: its id alone
    assert ids(store, ungrouped=True) == [2, 4]  # no group, or one that no longer exists
    store.groups.delete("G4")  # pending: the row is gone locally, employees keep the id
    assert ids(store, ungrouped=True) == [2, 4, 6]
    assert ids(store, group_id="G2", name="张三丰") == [3]


def test_changed_since_and_month(store):
    assert ids(store, changed_since="2026-05-01") == [3, 4, 5]
    assert ids(store, changed_since="2026-04-30") == [3, 4, 5, 6]
    assert ids(store, changed_since="2026-06-02") == []
    where, params = store.registry.month_changes_where("2026-05")
    assert [r[0] for r in store.db.execute(f"SELECT id FROM employees WHERE {where} ORDER BY id",
                                           params)] == ["E0000003", "E0000004"]
    where, params = store.registry.month_changes_where("2026-12")
    assert params == ["2026-12-01", "2027-01-01"] * 2
    for bad in ("2026-5-1", "20260501", "2026-02-30"):
        with pytest.raises(ValueError):
            store.registry.employee_where(changed_since=bad)
    for bad in ("2026-13", "2026/05", ""):
        with pytest.raises(ValueError):
            store.registry.month_changes_where(bad)


def test_employees_list_uses_the_same_condition(store):
    assert [r["id"] for r in store.registry.employees(group_id="G1")] == ["E0000005"]  # exact by default
    assert [r["id"] for r in store.registry.employees(group_id="G1", subgroups=True)] == \
        ["E0000001", "E0000003", "E0000005"]
    assert [r["id"] for r in store.registry.employees(agency="市医保中心", changed_since="2026-05-01",
                                             detail=False)] == ["E0000003"]
    row = store.registry.employees(ungrouped=True, limit=2)[1]
    assert (row["id"], row["group_id"], row["group"]) == ("E0000004", "G-gone", None)


@pytest.mark.slow
def test_filters_at_100k_rows(tmp_path):
    s = open_store(tmp_path / "big.db")
    s.groups.replace(GROUPS)
    s.registry.replace_registrations([reg(A, "市社保中心"), reg(B, "市医保中心"), reg(C, "市社保中心")])
    base = emp(1, units=(A, B)).to_doc()
    units = [(A, B), (C,), (B,)]
    rows = []
    for i in range(1, 100_001):
        regs = [{**base["registrations"][0], "unit_number": u} for u in units[i % 3]]
        rows.append({**base, "id": f"E{i:07d}", "id_number": f"X{i:017d}", "registrations": regs,
                     "group_id": ("G1", "G2", "G3", None)[i % 4],
                     "changed_on": "2026-05-02" if i % 100 == 0 else "2024-01-01"})
    s.registry.upsert_employees(rows)
    for kw, expected in [({"agency": "市社保中心"}, 66_667), ({"group_id": "G1"}, 75_000),
                         ({"ungrouped": True}, 25_000), ({"changed_since": "2026-05-01"}, 1000),
                         ({"unit_number": B}, 66_666)]:
        where, params = s.registry.employee_where(**kw)
        t0 = time.perf_counter()
        count = s.db.execute(f"SELECT count(*) FROM employees WHERE {where}", params).fetchone()[0]
        print(f"\n{kw}: {count} rows counted in {time.perf_counter() - t0:.3f} s", end="")
        assert count == expected
    s.close()
