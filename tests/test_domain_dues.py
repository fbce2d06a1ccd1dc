"""Tax-generated dues (SPEC D1), against hand-computed figures of region nm:
2024 floor/cap 4,200/21,000, 2025 4,400/22,000, 2026 4,600/23,000; 110-u 16 %, 110-p 8 %,
210 0.5 % + 0.5 %, 410-u class 1 0.2 %, 310 7 % + 2 %, 330-u 0.5 % + 330-p fixed 5.00."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D

import pytest

from sbtui.domain.dues import (
    Preprocessor,
    aggregate,
    employee_dues,
    months,
    wage_in_force,
)
from sbtui.domain.region import load_region
from sbtui.remote.sandbox.seed import EMPLOYERS, make_employee

NM = load_region("nm")
ENT = "66259112241843"  # 110, 210, 410
MED = "15069120180327"  # 310, 330


def doc(eid="E1", wages=(), *, status="normal", units=((ENT, ("110", "210", "410")),)):
    return {"id": eid, "name": "李", "id_number": f"X{eid}", "status": status,
            "registrations": [{"unit_number": u, "agency": "a", "agency_system": "enterprise",
                               "person_number": f"P{eid}", "insurance_types": list(t)} for u, t in units],
            "wages": [{"type": t, "wage": w, "period_from": f, "period_to": to} for t, w, f, to in wages]}


def trio(wage, start="2024-01", end="2099-12", types=("110", "210", "410")):
    return [(t, wage, start, end) for t in types]


def by_item(totals):
    return {(t.unit_number, t.period, t.item): t for t in totals}


def both(docs, first, last, current, **kw):
    """The plain and the one-pass forms must agree; returns the totals."""
    plain = aggregate(x for d in docs for x in employee_dues(d, NM, months(first, last), current=current))
    pre = Preprocessor(NM, first, last, current=current, **kw)
    for d in docs:
        pre.add(d)
    assert pre.totals() == plain
    return plain


def test_manual_example_two_months():
    """Manual 000 §3.1: 8,888.00 in 2024-01 and 2024-02."""
    t = by_item(both([doc(wages=trio("8888.00"))], "2024-01", "2024-02", "2024-02"))
    assert len(t) == 2 * 5  # 110-u, 110-p, 210-u, 210-p, 410-u per month
    for p in ("2024-01", "2024-02"):
        assert t[(ENT, p, "110-u")].due == D("1422.08")
        assert t[(ENT, p, "110-p")].due == D("711.04")
        assert t[(ENT, p, "210-u")].due == D("44.44")
        assert t[(ENT, p, "210-p")].due == D("44.44")
        w = t[(ENT, p, "410-u")]
        assert (w.headcount, w.wage_total, w.base_total, w.rate, w.due) == (
            1, D("8888.00"), D("8888.00"), D("0.002"), D("17.78"))


def test_rounded_per_employee_then_summed():
    docs = [doc("E1", trio("8888.00")), doc("E2", trio("8888.00"))]
    w = by_item(both(docs, "2024-01", "2024-01", "2024-01"))[(ENT, "2024-01", "410-u")]
    # 17.776 → 17.78 each: 35.56; rounding the sum (35.552) would give 35.55
    assert (w.headcount, w.wage_total, w.due) == (2, D("17776.00"), D("35.56"))


def test_floor_and_cap():
    docs = [doc("E1", trio("3000.00")), doc("E2", trio("30000.00"))]
    t = by_item(both(docs, "2026-03", "2026-03", "2026-05"))
    u = t[(ENT, "2026-03", "110-u")]
    # bases 4,600.00 (floor) + 23,000.00 (cap); dues 736.00 + 3,680.00
    assert (u.wage_total, u.base_total, u.due) == (D("33000.00"), D("27600.00"), D("4416.00"))
    assert t[(ENT, "2026-03", "110-p")].due == D("368.00") + D("1840.00")
    lines = employee_dues(docs[0], NM, ["2026-03"], current="2026-05")
    assert {x.item: (x.wage, x.base, x.due) for x in lines}["410-u"] == (D("3000.00"), D("4600.00"), D("9.20"))


def test_unit_and_person_items_and_fixed_amount():
    d = doc(wages=trio("8888.00", types=("310", "330")), units=((MED, ("310", "330")),))
    t = by_item(both([d], "2024-05", "2024-05", "2024-05"))
    assert {k[2]: v.due for k, v in t.items()} == {
        "310-u": D("622.16"), "310-p": D("177.76"), "330-u": D("44.44"), "330-p": D("5.00")}
    fixed = t[(MED, "2024-05", "330-p")]
    assert (fixed.rate, fixed.fixed, fixed.base_total) == (None, D("5.00"), D("8888.00"))


def test_several_unit_numbers():
    d = doc(wages=trio("8888.00") + trio("5666.00", types=("310", "330")),
            units=((ENT, ("110", "210", "410")), (MED, ("310", "330"))))
    t = by_item(both([d, doc("E2", trio("6000.00"))], "2024-01", "2024-01", "2024-01"))
    assert t[(ENT, "2024-01", "110-u")].headcount == 2
    assert t[(ENT, "2024-01", "110-u")].due == D("1422.08") + D("960.00")
    assert t[(MED, "2024-01", "310-u")].headcount == 1
    assert t[(MED, "2024-01", "310-u")].due == D("396.62")  # 5666 × 7 % = 396.62
    assert {k[0] for k in t} == {ENT, MED}


def test_back_periods_across_a_year_and_a_raise():
    """A wage from an earlier month covers those months; the floor follows each month's year."""
    wages = [(t, "4500.00", "2025-11", "2025-12") for t in ("110", "210", "410")] + \
            [(t, "4500.00", "2026-01", "2026-02") for t in ("110", "210", "410")] + \
            [(t, "9000.00", "2026-03", "2099-12") for t in ("110", "210", "410")]
    t = by_item(both([doc(wages=wages)], "2025-10", "2026-04", "2026-05"))
    assert (ENT, "2025-10", "110-u") not in t  # no wage in force
    assert t[(ENT, "2025-12", "110-u")].base_total == D("4500.00")  # 2025 floor 4,400
    assert t[(ENT, "2026-01", "110-u")].base_total == D("4600.00")  # 2026 floor 4,600
    assert t[(ENT, "2026-01", "110-u")].due == D("736.00")
    assert t[(ENT, "2026-04", "110-u")].due == D("1440.00")
    assert wage_in_force(doc(wages=wages)["wages"], "110", "2026-02") == D("4500.00")


def test_stopped_employee_owes_back_months_but_not_the_current_one():
    d = doc(wages=trio("8888.00", "2026-01"), status="stopped")
    t = by_item(both([d], "2026-03", "2026-05", "2026-05"))
    assert {k[1] for k in t} == {"2026-03", "2026-04"}
    d["stopped_on"] = "2026-04-10"
    assert {x.period for x in employee_dues(d, NM, months("2026-03", "2026-05"), current="2026-05")} == {"2026-03"}


def test_scope_regenerates_from_a_point():
    d = doc(wages=trio("8888.00", "2026-01"))
    pre = Preprocessor(NM, "2026-01", "2026-05", current="2026-05", scope={ENT: {"110": "2026-04"}})
    pre.add(d)
    assert {(t.period, t.item) for t in pre.totals()} == {
        (p, i) for p in ("2026-04", "2026-05") for i in ("110-u", "110-p")}


@pytest.mark.parametrize("seed", [1, 2])
def test_one_pass_equals_plain_on_seeded_people(seed):
    rng = random.Random(seed)
    uscc, _, _, regs, prefix = EMPLOYERS[0]
    units = [{"unit_number": u, "agency": a, "agency_system": s, "insurance_types": t, "system_digit": dg}
             for u, a, s, t, dg in regs]
    taken: set[str] = set()
    docs = [make_employee(rng, uscc=uscc, serial=i, units=units, prefix=prefix, today=date(2026, 5, 15),
                          taken=taken, group_ids=[]) for i in range(1, 300)]
    totals = both(docs, "2025-06", "2026-05", "2026-05")
    assert len({t.unit_number for t in totals}) >= 3
    assert sum(t.headcount for t in totals if t.item == "110-u" and t.period == "2026-05") > 100
