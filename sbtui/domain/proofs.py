"""单位缴费证明 and 职工缴费证明 (SPEC C4; issue 13): what a payment proof lists, from the
employees' booked lines (:class:`sbtui.domain.models.PaidLine`, the 职工明细 the tax service
returns for a 费款所属期 range).

One row per 费款所属期 × 险种 (insurance type): 缴费人数 (employees with a fee line of that type
that month), 缴费基数 (each employee's base once per type and month — the unit and the personal
item of a type share it — summed over the employees), 单位缴纳 and 个人缴纳 (the ``paid`` of the
fee lines by the item's payer), 滞纳金 (the late fees paid with them) and 实缴金额 (the three
together). Amounts were rounded half-up per employee per item by the service; here they are only
summed. What refund applications took from the lines (``refunded``) is reported beside, not
subtracted: the proof says what was paid.

An employee proof is the same for one employee (one proof per ID number, in name order).
Collection notices and special dues have no employee detail and are not in these proofs.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sbtui.domain.catalogue import catalogue
from sbtui.domain.models import PaidLine
from sbtui.domain.money import ZERO
from sbtui.domain.vocab import PaidLineKind


@dataclass(frozen=True)
class ProofRow:
    """One 费款所属期 × 险种 of a proof."""

    period: str  # YYYY-MM
    type_code: str
    type_name: str  # 险种 (征收项目)
    headcount: int
    base: Decimal  # 缴费基数
    unit_paid: Decimal  # 单位缴纳
    person_paid: Decimal  # 个人缴纳
    late_fee: Decimal  # 滞纳金

    @property
    def paid(self) -> Decimal:
        """实缴金额: 单位缴纳 + 个人缴纳 + 滞纳金."""
        return self.unit_paid + self.person_paid + self.late_fee


@dataclass(frozen=True)
class Person:
    """Whom an employee proof is for."""

    employee_id: str
    name: str
    id_type: str
    id_number: str
    person_number: str | None = None
    unit_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proof:
    """A 单位缴费证明 (``person`` None) or one employee's 职工缴费证明."""

    uscc: str
    taxpayer_name: str
    period_from: str
    period_to: str
    issued_on: date
    rows: tuple[ProofRow, ...]
    refunded: Decimal = ZERO  # taken by refund applications not refused (reported, not subtracted)
    person: Person | None = None
    unit_numbers: tuple[str, ...] = field(default=())

    @property
    def unit_paid(self) -> Decimal:
        return sum((r.unit_paid for r in self.rows), ZERO)

    @property
    def person_paid(self) -> Decimal:
        return sum((r.person_paid for r in self.rows), ZERO)

    @property
    def late_fee(self) -> Decimal:
        return sum((r.late_fee for r in self.rows), ZERO)

    @property
    def total(self) -> Decimal:
        """实缴金额合计."""
        return sum((r.paid for r in self.rows), ZERO)


def payer_of(line: PaidLine) -> str:
    """``unit`` or ``person``: who pays the line's item (the catalogue; else its name says)."""
    item = catalogue().items.get(line.item)
    if item is not None:
        return item.payer
    return "person" if "个人" in line.item_name else "unit"


def proof_rows(lines: Iterable[PaidLine]) -> list[ProofRow]:
    """The rows of a proof from booked employee lines (any employees), by period then type."""
    base: dict[tuple[str, str], dict[str, Decimal]] = {}  # (period, type) -> employee -> base
    sums: dict[tuple[str, str], list[Decimal]] = {}  # (period, type) -> [unit, person, late]
    names: dict[str, str] = {}
    for ln in lines:
        key = (ln.period_from, ln.type_code or ln.item.split("-")[0])
        names.setdefault(key[1], ln.type_name or ln.item_name)
        acc = sums.setdefault(key, [ZERO, ZERO, ZERO])
        if ln.kind == PaidLineKind.LATE_FEE:
            acc[2] += ln.paid
            continue
        base.setdefault(key, {}).setdefault(ln.employee_id, ln.base)  # once per employee and type
        acc[0 if payer_of(ln) == "unit" else 1] += ln.paid
    return [ProofRow(period=p, type_code=t, type_name=names[t], headcount=len(base.get((p, t), {})),
                     base=sum(base.get((p, t), {}).values(), ZERO), unit_paid=u, person_paid=pp, late_fee=lf)
            for (p, t), (u, pp, lf) in sorted(sums.items())]


def unit_proof(lines: Iterable[PaidLine], *, uscc: str, taxpayer_name: str, period_from: str,
               period_to: str, issued_on: date) -> Proof:
    """单位缴费证明 of every employee line in the range."""
    lines = list(lines)
    return Proof(uscc=uscc, taxpayer_name=taxpayer_name, period_from=period_from, period_to=period_to,
                 issued_on=issued_on, rows=tuple(proof_rows(lines)),
                 refunded=sum((ln.refunded for ln in lines), ZERO),
                 unit_numbers=tuple(sorted({ln.unit_number for ln in lines})))


def employee_proofs(lines: Iterable[PaidLine], *, uscc: str, taxpayer_name: str, period_from: str,
                    period_to: str, issued_on: date) -> list[Proof]:
    """职工缴费证明: one proof per employee (by ID number), in name then ID number order."""
    by_person: dict[str, list[PaidLine]] = {}
    for ln in lines:
        by_person.setdefault(ln.id_number.upper(), []).append(ln)
    out = []
    for own in by_person.values():
        first = own[0]
        units = tuple(sorted({ln.unit_number for ln in own}))
        person = Person(employee_id=first.employee_id, name=first.name, id_type=first.id_type,
                        id_number=first.id_number, person_number=first.person_number, unit_numbers=units)
        out.append(Proof(uscc=uscc, taxpayer_name=taxpayer_name, period_from=period_from, period_to=period_to,
                         issued_on=issued_on, rows=tuple(proof_rows(own)),
                         refunded=sum((ln.refunded for ln in own), ZERO), person=person, unit_numbers=units))
    return sorted(out, key=lambda p: (p.person.name, p.person.id_number) if p.person else ("", ""))
