"""对账 (SPEC Q1; the view no official client has): per unit number and 费款所属期, the chain
dues → declared → paid → certificate issued, with every gap flagged.

The rule, line by line (a line is one dues line, known by its key; once declared it is the
declaration's line ``"{declaration_id}:{n}"``, what payments, vouchers and certificates name):

* **应缴** (``due``): every dues line not written off (销账), at its 应补(退)费额 (due − 减免);
  a declared line whose dues line is no longer listed counts at its declared 应补(退)费额
  (one whose dues line is not known, ``due_key`` None, is not counted as due again).
  A dues line still 初始 with something to pay and no declaration is :attr:`UNDECLARED`; one
  申报中 is :attr:`DECLARING`.
* **已申报** (``declared``): the lines of declarations 申报成功 (or 作废中: not void yet), at
  their 实际缴纳 (after 抵缴); a paid line whose declaration's lines are not held counts too.
* **已缴费** (``paid``): the lines booked by a successful TIPS debit or a collected voucher
  (入库), their amount and, apart, their 滞纳金 (``late_fee``). A declared line not paid is
  :attr:`OVERDUE` once its 缴款期限 has passed (today is later); on a voucher not yet
  collected it is also :attr:`ON_VOUCHER`. A paid amount other than the declared one is
  :attr:`MISMATCH`.
* **已开具证明** (``certified``): the paid amount of lines some 完税证明 covers; a paid line
  none covers is :attr:`UNCERTIFIED`.
* **已退费** (``refunded``): what refund applications gave back (已退库) of a paid line's
  amount (:attr:`REFUNDED`), and apart what they gave back of its 滞纳金 (``refunded_late``:
  like ``paid`` and ``late_fee``, so 已退费 never reads more than 已缴费); a line on an application still 受理中 or 核验通过 is :attr:`REFUNDING`
  (one 核验不通过 is nothing: the line is as it was).

Amounts are summed as given (each already a cent amount, half-up per employee and item where
it was computed). Pure: no IO; the caller passes what the local store holds.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import ZERO
from .vocab import DueStatus, ReconcileGap

__all__ = ["Declared", "Due", "Paid", "ReconcileRow", "reconcile"]

Gap = ReconcileGap


@dataclass(frozen=True)
class Due:
    """A dues line (社保费应缴信息, D11)."""

    key: str
    unit_number: str
    period_from: str
    period_to: str
    amount: Decimal  # 应补(退)费额 = 应缴费额 − 减免金额
    status: str = DueStatus.INITIAL


@dataclass(frozen=True)
class Declared:
    """A line of a declaration 申报成功 (or 作废中)."""

    line_key: str  # "{declaration_id}:{n}"
    due_key: str | None  # the dues line it declared; None: not known here (not counted as due)
    unit_number: str
    period_from: str
    period_to: str
    payable: Decimal  # 应补(退)费额
    amount: Decimal  # 实际缴纳
    deadline: date | None = None  # 缴款期限; None: not known (never flagged overdue)


@dataclass(frozen=True)
class Paid:
    """A booked line of a successful debit or a collected voucher."""

    line_key: str
    unit_number: str
    period_from: str
    period_to: str
    amount: Decimal
    late_fee: Decimal = ZERO


@dataclass
class ReconcileRow:
    """One unit number × 费款所属期: the sums of each stage and the gaps (gap → how many lines)."""

    unit_number: str
    period_from: str
    period_to: str
    lines: int = 0
    due: Decimal = ZERO
    declared: Decimal = ZERO
    paid: Decimal = ZERO
    late_fee: Decimal = ZERO
    certified: Decimal = ZERO
    refunded: Decimal = ZERO
    refunded_late: Decimal = ZERO
    gaps: dict[ReconcileGap, int] = field(default_factory=dict)

    @property
    def period(self) -> str:
        a, b = self.period_from, self.period_to
        return a if a == b else f"{a}至{b}"

    def flag(self, gap: ReconcileGap) -> None:
        self.gaps[gap] = self.gaps.get(gap, 0) + 1

    @property
    def flags(self) -> list[ReconcileGap]:
        """The gaps in the order of the chain (as :class:`ReconcileGap` declares them)."""
        return [g for g in ReconcileGap if g in self.gaps]


def reconcile(dues: Iterable[Due], declared: Iterable[Declared], paid: Iterable[Paid], *,
              certified: Iterable[str] = (), refunded: Mapping[str, Decimal] | None = None,
              refunded_late: Mapping[str, Decimal] | None = None,
              refunding: Iterable[str] = (), on_voucher: Iterable[str] = (), today: date,
              period_from: str | None = None, period_to: str | None = None) -> list[ReconcileRow]:
    """The rows (by 费款所属期, then unit number) whose period meets ``period_from``…``period_to``.

    ``certified``: the line keys some certificate covers; ``refunded`` / ``refunded_late``: line
    key → its amount / its 滞纳金 refunded (已退库); ``refunding``: line keys on an application not decided or not 退库 yet;
    ``on_voucher``: line keys on a voucher issued and not collected yet."""
    certified, on_voucher, refunding = set(certified), set(on_voucher), set(refunding)
    back = (dict(refunded or {}), dict(refunded_late or {}))
    rows: dict[tuple[str, str, str], ReconcileRow] = {}

    def row(unit: str, a: str, b: str) -> ReconcileRow:
        key = (a, b, unit)
        if key not in rows:
            rows[key] = ReconcileRow(unit_number=unit, period_from=a, period_to=b)
        return rows[key]

    declared = list(declared)
    declared_dues = {d.due_key for d in declared}
    dues_keys: set[str] = set()
    for d in dues:
        if d.status == DueStatus.SETTLED:
            continue
        dues_keys.add(d.key)
        r = row(d.unit_number, d.period_from, d.period_to)
        r.lines += 1
        r.due += d.amount
        if d.key in declared_dues:
            continue
        if d.status == DueStatus.DECLARING:
            r.flag(Gap.DECLARING)
        elif d.status == DueStatus.INITIAL and d.amount > 0:
            r.flag(Gap.UNDECLARED)

    paid_by_key = {p.line_key: p for p in paid}
    seen: set[str] = set()
    for ln in declared:
        r = row(ln.unit_number, ln.period_from, ln.period_to)
        if ln.due_key is not None and ln.due_key not in dues_keys:
            r.lines += 1
            r.due += ln.payable
        r.declared += ln.amount
        p = paid_by_key.get(ln.line_key)
        if p is None:
            if ln.line_key in on_voucher:
                r.flag(Gap.ON_VOUCHER)
            if ln.amount > 0 and ln.deadline is not None and today > ln.deadline:
                r.flag(Gap.OVERDUE)
            continue
        seen.add(p.line_key)
        _paid(r, p, certified, back, refunding)
        if p.amount != ln.amount:
            r.flag(Gap.MISMATCH)
    for p in paid_by_key.values():  # paid lines of declarations whose lines are not held here
        if p.line_key not in seen:
            r = row(p.unit_number, p.period_from, p.period_to)
            r.declared += p.amount  # paid, so declared
            _paid(r, p, certified, back, refunding)

    out = [r for r in rows.values() if _meets(r, period_from, period_to)]
    return sorted(out, key=lambda r: (r.period_from, r.period_to, r.unit_number))


def _paid(r: ReconcileRow, p: Paid, certified: set[str], back: tuple[dict[str, Decimal], dict[str, Decimal]],
          refunding: set[str]) -> None:
    r.paid += p.amount
    r.late_fee += p.late_fee
    if p.line_key in certified:
        r.certified += p.amount
    else:
        r.flag(Gap.UNCERTIFIED)
    fee, late = back[0].get(p.line_key, ZERO), back[1].get(p.line_key, ZERO)
    if fee > 0 or late > 0:
        r.refunded += fee
        r.refunded_late += late
        r.flag(Gap.REFUNDED)
    if p.line_key in refunding:
        r.flag(Gap.REFUNDING)


def _meets(r: ReconcileRow, period_from: str | None, period_to: str | None) -> bool:
    return (not period_from or r.period_to >= period_from) and (not period_to or r.period_from <= period_to)
