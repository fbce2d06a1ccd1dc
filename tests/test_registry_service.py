"""RegistryService (职工参保信息, SPEC E1–E8) over a hand-built local store: the use cases the
screens and the CLI share — grid rows to employees, id or ID number, groups by id or path,
assignment of one or many rows, counts — all offline (the remote is never built), and
单位参保信息 「更新」, the one that asks the service."""
from __future__ import annotations

import pytest

from sbtui.domain.models import UnitRegistration
from sbtui.services.area import Area
from sbtui.services.registry import EmployeeFilter, RegistryService
from sbtui.store import open_store
from store_helpers import GROUPS, emp

USCC = "91110000000000000X"


def no_remote():
    raise AssertionError("offline work built the remote service")


def registration(unit: str, agency: str = "市社保中心") -> UnitRegistration:
    return UnitRegistration(unit_number=unit, agency=agency, agency_system="enterprise",
                            tax_authority="国家税务总局某区税务局", insurance_types=["110", "210"])


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.groups.replace(GROUPS)
    s.registry.upsert_employees([emp(1, group_id="G2"), emp(2), emp(3, status="stopped"), emp(4, group_id="G2")])
    s.registry.replace_registrations([registration("110000123456"), registration("110000654321", "区医保中心")])
    yield s
    s.close()


def service(store, remote=no_remote) -> RegistryService:
    return RegistryService(Area(uscc=USCC, store=store, remote=remote, config=None,  # type: ignore[arg-type]
                                session=lambda: None))


def rowid_of(store, ident: str) -> int:
    return store.db.execute("SELECT rowid FROM employees WHERE id = ?", [ident]).fetchone()[0]


def test_rows_and_employees(store):
    reg = service(store)
    rowid = rowid_of(store, "E0000003")
    assert reg.employee_ids([rowid]) == ["E0000003"]
    assert reg.employee_at(rowid)["status"] == "stopped"
    assert reg.employee_at(10_000) is None
    assert reg.find_employee("E0000002")["id"] == "E0000002"
    assert reg.find_employee(emp(4).id_number)["id"] == "E0000004"  # by ID number
    assert reg.find_employee("E0000099") is None
    assert reg.status_counts() == {"total": 4, "normal": 3, "stopped": 1}


def test_filter_and_rows(store):
    reg = service(store)
    where, params = reg.where(EmployeeFilter(status="stopped"))
    assert store.db.execute(f"SELECT id FROM employees WHERE {where}", params).fetchall() == [("E0000003",)]
    total, rows = reg.iter_employees(EmployeeFilter(group_id="G1"))  # with its subgroups
    assert total == 2 and [(r["id"], r["group"]) for r in rows] == [("E0000001", "财务部/会计组"),
                                                                     ("E0000004", "财务部/会计组")]


def test_groups_by_id_or_path(store):
    reg = service(store)
    assert reg.group_id("G3") == "G3"
    assert reg.group_id("财务部 / 会计组／出纳") == "G3"
    assert reg.group_id("财务部/没有") is None
    assert reg.group_members() == {"G2": 2}
    assert reg.group_member_count("G2") == 2 and reg.group_member_count("G1") == 0


def test_assign_rows_one_and_many(store):
    reg = service(store)
    assert reg.assign_rows([rowid_of(store, "E0000002")], "G4") == 1
    assert store.outbox.pending()[-1].kind == "group.assign"
    assert reg.assign_rows([rowid_of(store, "E0000001"), rowid_of(store, "E0000003")], None) == 2
    assert store.outbox.pending()[-1].kind == "group.assign_many"
    assert [reg.employee(f"E000000{n}")["group_id"] for n in (1, 2, 3)] == [None, "G4", None]
    with pytest.raises(ValueError):
        reg.assign("E0000002", "G99")


def test_group_changes_are_queued(store):
    reg = service(store)
    temp, key = reg.create_group("质检部")
    assert temp in {g["id"] for g in reg.groups() if g["pending"]}
    reg.rename_group(temp, "品控部")
    assert reg.group_paths()[temp] == "品控部"
    reg.delete_group(temp)
    assert temp not in reg.group_paths()
    assert [i.kind for i in store.outbox.pending()][-3:] == ["group.create", "group.rename", "group.delete"]


def test_units_offline(store):
    reg = service(store)
    assert [r["unit_number"] for r in reg.units()] == ["110000123456", "110000654321"]
    assert [r["unit_number"] for r in reg.units(agency="区医保中心")] == ["110000654321"]
    assert reg.registered_types() == ["110", "210"]


async def test_update_registrations_asks_the_service(store):
    class Remote:
        calls = 0

        async def registrations(self):
            Remote.calls += 1
            return [registration("110000999999", "新经办机构")]

    reg = service(store, remote=Remote)
    regs = await reg.update_registrations()
    assert Remote.calls == 1
    assert [(r["unit_number"], r["agency"]) for r in regs] == [("110000999999", "新经办机构")]
    assert reg.registrations() == regs
