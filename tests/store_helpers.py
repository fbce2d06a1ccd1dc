"""Small builders shared by the store and sync tests."""
from __future__ import annotations

from datetime import date

from sbtui.domain.models import Employee, Group, Registration, WagePeriod


def emp(n: int, *, seq: int = 1, status: str = "normal", group_id: str | None = None,
        name: str | None = None, units: tuple[str, ...] = ("110000123456",),
        types: tuple[str, ...] = ("110", "210", "410")) -> Employee:
    return Employee(
        id=f"E{n:07d}",
        name=name or f"职工{n}",
        id_number=f"11010119900101{n:04d}",
        status=status,
        group_id=group_id,
        registrations=[Registration(unit_number=u, agency="市社保中心", agency_system="enterprise",
                                    person_number=f"P{n}", insurance_types=list(types)) for u in units],
        wages=[WagePeriod(type="110", wage="8888.00", period_from="2024-01")],
        added_on=date(2024, 1, 1),
        changed_on=date(2024, 6, 1),
        seq=seq,
    )


GROUPS = [Group(id="G1", name="财务部"), Group(id="G2", name="会计组", parent_id="G1"),
          Group(id="G3", name="出纳", parent_id="G2"), Group(id="G4", name="人事部")]
