"""Sandbox demo data: deterministic, and every identifier valid."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

from stdnum.cn import ric, uscc

from sbtui.domain.catalogue import catalogue
from sbtui.domain.models import OPEN_END, Employee, UnitRegistration
from sbtui.remote.sandbox import DEMO_USCC, SECOND_USCC, create_app, info
from sbtui.remote.sandbox.testing import FakeClock

TABLES = ("employers", "registrations", "employees", "groups", "paid_periods",
          "collection_notices", "special_dues", "projects", "agreements", "bank_accounts", "notices")


def dump(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


def docs(path) -> list[dict]:
    conn = sqlite3.connect(path)
    try:
        return [json.loads(r[0]) for r in conn.execute("SELECT doc FROM employees ORDER BY uscc, id")]
    finally:
        conn.close()


def test_same_seed_same_data(tmp_path):
    clock = FakeClock()
    create_app(tmp_path / "a", employees=150, seed=7, clock=clock)
    create_app(tmp_path / "b", employees=150, seed=7, clock=clock)
    create_app(tmp_path / "c", employees=150, seed=8, clock=clock)
    a, b, c = (dump(tmp_path / d / "sandbox.db") for d in "abc")
    assert a == b
    assert a["employees"] != c["employees"]


def test_existing_db_is_reused(tmp_path):
    create_app(tmp_path, employees=30, seed=1, clock=FakeClock())
    create_app(tmp_path, employees=500, seed=2, clock=FakeClock())
    assert info(tmp_path)["employees"] == 30


def test_identifiers_are_valid(tmp_path):
    create_app(tmp_path, employees=200, clock=FakeClock())
    assert uscc.is_valid(DEMO_USCC) and uscc.is_valid(SECOND_USCC)
    employees = docs(tmp_path / "sandbox.db")
    numbers = [e["id_number"] for e in employees]
    assert len(set(numbers)) == len(numbers)
    for e in employees:
        Employee.model_validate(e)
        assert ric.is_valid(e["id_number"]), e["id_number"]
        born = ric.get_birth_date(e["id_number"])
        assert date(1965, 1, 1) <= born <= date(2004, 12, 31)
        assert e["id_type"] == "201"
        assert 1 <= len(e["registrations"]) <= 2
        assert date.fromisoformat(e["added_on"]) <= date.fromisoformat(e["changed_on"])


def test_wages_respect_binding_groups(tmp_path):
    clock = FakeClock()
    create_app(tmp_path, employees=200, clock=clock)
    cat = catalogue()
    empty = 0
    for e in docs(tmp_path / "sandbox.db"):
        insured = sorted({t for r in e["registrations"] for t in r["insurance_types"]})
        by_type: dict[str, list] = {}
        for w in e["wages"]:
            wage = Decimal(w["wage"])
            assert isinstance(w["wage"], str) and wage == wage.quantize(Decimal("0.01")) and wage > 0
            assert w["period_from"] <= w["period_to"]
            by_type.setdefault(w["type"], []).append((w["wage"], w["period_from"], w["period_to"]))
        if not e["wages"]:
            empty += 1
            assert e["added_on"][:7] == "2026-05"  # added this month with empty wages
            continue
        assert sorted(by_type) == insured
        for code in insured:
            periods = by_type[code]
            assert periods[-1][2] == OPEN_END
            for member in cat.bound_with(code, insured):
                assert by_type[member] == periods, (e["id"], code, member)
    assert empty < 20


def test_registrations_and_info(tmp_path):
    summary = info(tmp_path)  # seeds with the defaults
    assert summary["uscc"] == DEMO_USCC
    assert summary["employees"] == 2000
    assert summary["region"] == "nm"
    regs = [UnitRegistration.model_validate(r) for r in summary["registrations"]]
    systems = {r.agency_system for r in regs}
    assert systems == {"enterprise", "medical", "institution"}
    assert all(r.unit_number.isdigit() for r in regs)
    assert summary["unit_numbers"] == [r.unit_number for r in regs]
    assert [o["uscc"] for o in summary["other_employers"]] == [SECOND_USCC]
    statuses = [e["status"] for e in docs(tmp_path / "sandbox.db")]
    assert 40 < statuses.count("stopped") < 200
