"""Tax-generated dues (税务生成, SPEC D1): from each employee's contribution wages to the
per unit number × period × item lines of the fee declaration. Pure: no IO.

The rule, per employee, per unit number under which the employee is insured for a type, per
month, per catalogue item of that type (unit part and individual part are separate items):

- the **wage** is the one in force for that type and month (the employee's wage periods);
  no wage in force → no due for that type and month;
- the **base** is the wage clamped to the region's floor and cap of the month's year
  (``base_limits``, with per-type overrides) — 保底限高;
- the **due** is base × rate rounded ROUND_HALF_UP to 0.01 (rate items), the fixed amount
  (fixed items, e.g. ``330-p`` 5.00), or base × the work-injury class rate (``410-u``).

Lines are then **summed** per unit number × period × item: headcount, wage total, base total,
due total — the sum of the employees' rounded dues, never the rounded sum (8,888.00 × 0.2% =
17.78 per employee; two such employees owe 35.56).

Stopped employees (停止缴费): the registry has a status but **no stop date**. The choice made
here: a stopped employee generates no dues for the current month and later (``current``), but
still generates those of earlier unpaid months in which a wage was in force (they were insured
then and the back periods are still owed). A document with ``stopped_on`` (``YYYY-MM-DD``) would
stop at that month instead; the sandbox does not set it today.

Two implementations of the same rule: :func:`employee_dues` + :func:`aggregate` are the
plain, hand-checkable form (``Decimal`` per line; also the per-employee 明细), and
:class:`Preprocessor` is the one-pass form for 100,000 employees (integer cents, one difference
array per unit number × type, so the work grows with wage *spans*, not months). The tests hold
them equal.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .catalogue import catalogue
from .money import CENT
from .period import month_index, month_text
from .region import RegionProfile
from .vocab import EmployeeStatus

OPEN_END = "2099-12"


def months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``last`` < ``first``)."""
    return [month_text(i) for i in range(month_index(first), month_index(last) + 1)]


def _get(obj: Any, key: str) -> Any:
    return obj[key] if isinstance(obj, Mapping) else getattr(obj, key)


def wage_in_force(wages: Iterable[Any], type_code: str, period: str) -> Decimal | None:
    """The wage of ``type_code`` whose span covers ``period`` (dicts or ``WagePeriod``s)."""
    for w in wages:
        if _get(w, "type") == type_code and _get(w, "period_from") <= period <= _get(w, "period_to"):
            return Decimal(str(_get(w, "wage")))
    return None


def stop_period(doc: Any, current: str) -> str | None:
    """The first month without dues for this employee, or ``None`` (normal). See module doc."""
    if _get(doc, "status") != EmployeeStatus.STOPPED:
        return None
    stopped_on = doc.get("stopped_on") if isinstance(doc, Mapping) else getattr(doc, "stopped_on", None)
    return str(stopped_on)[:7] if stopped_on else current


@dataclass(frozen=True)
class EmployeeDue:
    """One employee's due for one item of one month under one unit number (a 明细 line)."""

    unit_number: str
    period: str
    item: str
    type_code: str
    wage: Decimal
    base: Decimal
    rate: Decimal | None  # None for a fixed item
    fixed: Decimal | None
    due: Decimal


@dataclass(frozen=True)
class DueTotal:
    """The summed line of one unit number × period × item (SPEC D1)."""

    unit_number: str
    period: str
    item: str
    headcount: int
    wage_total: Decimal
    base_total: Decimal
    rate: Decimal | None
    fixed: Decimal | None
    due: Decimal


def employee_dues(doc: Any, region: RegionProfile, periods: Iterable[str], *, current: str,
                  industry_class: int | None = None, unit_number: str | None = None,
                  types: Iterable[str] | None = None) -> list[EmployeeDue]:
    """One employee's lines for ``periods`` (an ``Employee`` or its document), optionally only
    under ``unit_number`` and for ``types``. Catalogue item order within a type."""
    cat = catalogue().types
    wanted = set(types) if types is not None else None
    stop = stop_period(doc, current)
    wages = list(_get(doc, "wages"))
    out: list[EmployeeDue] = []
    for reg in _get(doc, "registrations"):
        unit = _get(reg, "unit_number")
        if unit_number is not None and unit != unit_number:
            continue
        for code in _get(reg, "insurance_types"):
            if (wanted is not None and code not in wanted) or code not in cat:
                continue
            for period in periods:
                if stop is not None and period >= stop:
                    continue
                wage = wage_in_force(wages, code, period)
                if wage is None:
                    continue
                for c in region.charges(code, wage, period, industry_class):
                    out.append(EmployeeDue(unit, period, c.item_id, code, c.wage, c.base,
                                           c.rate, c.fixed, c.amount))
    return out


def aggregate(lines: Iterable[EmployeeDue]) -> list[DueTotal]:
    """Sum employee lines per unit number × period × item (rounded dues summed, never
    re-rounded). Sorted by unit number, period, catalogue item order."""
    order = {item_id: n for n, item_id in enumerate(catalogue().items)}
    acc: dict[tuple[str, str, str], list[Any]] = {}
    for ln in lines:
        key = (ln.unit_number, ln.period, ln.item)
        a = acc.get(key)
        if a is None:
            acc[key] = [1, ln.wage, ln.base, ln.rate, ln.fixed, ln.due]
        else:
            a[0] += 1
            a[1] += ln.wage
            a[2] += ln.base
            a[5] += ln.due
    return [DueTotal(u, p, i, a[0], a[1].quantize(CENT), a[2].quantize(CENT), a[3], a[4],
                     a[5].quantize(CENT))
            for (u, p, i), a in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                    order.get(kv[0][2], 999)))]


# -- the one-pass form ---------------------------------------------------------------------------

def _cents(text: Any) -> int:
    s = str(text)
    # the canonical "8888.00" (every stored wage): its digits are the cents, exactly
    if len(s) > 3 and s[-3] == "." and s.isascii() and s[:-3].isdigit() and s[-2:].isdigit():
        return int(s[:-3] + s[-2:])
    d = Decimal(s)
    return int((d * 100).to_integral_value())


# (item id, rate numerator, rate denominator, fixed cents or -1, the rate as Decimal or None)
_ItemRow = tuple[str, int, int, int, "Decimal | None"]


class _Acc:
    """Difference arrays of one unit number × type over the window's months."""

    __slots__ = ("base", "dues", "hc", "wage")

    def __init__(self, n: int, items: int) -> None:
        self.hc = [0] * (n + 1)
        self.wage = [0] * (n + 1)
        self.base = [0] * (n + 1)
        self.dues = [[0] * (n + 1) for _ in range(items)]


class Preprocessor:
    """Sum the dues of many employees in one pass: ``add(doc)`` each employee document, then
    :meth:`totals`. ``scope`` maps a unit number to ``{type: first month}``: only those unit
    numbers and types, from that month on (the regeneration points); ``None`` = every unit
    number and type over the whole window ``first``…``last``."""

    def __init__(self, region: RegionProfile, first: str, last: str, *, current: str,
                 industry_class: int | None = None,
                 scope: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.region = region
        self.lo, self.hi = month_index(first), month_index(last)
        self.n = max(self.hi - self.lo + 1, 0)
        self.current = current
        self.scope = scope
        self._acc: dict[tuple[str, str], _Acc] = {}
        cat = catalogue()
        self._items: dict[str, list[_ItemRow]] = {}
        for code, t in cat.types.items():
            rows = []
            for item in t.items:
                if item.id not in region.items:
                    continue
                fixed = region.fixed(item.id)
                if fixed is not None:
                    rows.append((item.id, 0, 1, _cents(fixed), None))
                else:
                    rate = region.rate(item.id, industry_class)
                    assert rate is not None
                    num, den = rate.as_integer_ratio()
                    rows.append((item.id, num, den, -1, rate))
            self._items[code] = rows
        self._limits: dict[tuple[int, str], tuple[int, int]] = {}
        self._months: dict[str, int] = {}  # "YYYY-MM" → month_index, memoized
        self._wage_cents: dict[str, int] = {}  # wage text → cents, memoized

    def _month(self, text: str) -> int:
        i = self._months.get(text)
        if i is None:
            i = self._months[text] = month_index(text)
        return i

    def _limit(self, year: int, code: str) -> tuple[int, int]:
        key = (year, code)
        lim = self._limits.get(key)
        if lim is None:
            floor, cap = self.region.base_limits(f"{year:04d}-01", code)
            lim = self._limits[key] = (_cents(floor), _cents(cap))
        return lim

    def add(self, doc: Mapping[str, Any]) -> None:
        """One employee document (``Employee.to_doc()`` shape)."""
        if self.n == 0:
            return
        lo, hi = self.lo, self.hi
        stop = stop_period(doc, self.current)
        if stop is not None:
            hi = min(hi, month_index(stop) - 1)
        if hi < lo:
            return
        # the employee's wage spans per type, clipped to the window, once (not per registration)
        spans: dict[str, list[tuple[int, int, int]]] = {}
        month, cents = self._month, self._wage_cents
        for w in doc["wages"]:
            a = month(w["period_from"])
            b = month(w["period_to"])
            if a < lo:
                a = lo
            if b > hi:
                b = hi
            if a > b:
                continue
            text = w["wage"]
            c = cents.get(text) if isinstance(text, str) else None
            if c is None:
                c = _cents(text)
                if isinstance(text, str):
                    cents[text] = c
            spans.setdefault(w["type"], []).append((a, b, c))
        if not spans:
            return
        scope = self.scope
        for reg in doc["registrations"]:
            unit = reg["unit_number"]
            kinds = None
            if scope is not None:
                kinds = scope.get(unit)
                if kinds is None:
                    continue
            for code in reg["insurance_types"]:
                of_type = spans.get(code)
                if of_type is None:
                    continue
                start = lo
                if kinds is not None:
                    first = kinds.get(code)
                    if first is None:
                        continue
                    start = max(lo, month(first))
                items = self._items.get(code)
                if not items:
                    continue
                for a, b, c in of_type:
                    if a < start:
                        a = start
                    if a > b:
                        continue
                    self._span(unit, code, items, c, a, b)

    def _span(self, unit: str, code: str, items: list[_ItemRow], wage: int,
              a: int, b: int) -> None:
        acc = self._acc.get((unit, code))
        if acc is None:
            acc = self._acc[(unit, code)] = _Acc(self.n, len(items))
        while a <= b:
            year = a // 12
            seg_end = min(b, year * 12 + 11)
            floor, cap = self._limit(year, code)
            base = floor if wage < floor else min(wage, cap)
            i, j = a - self.lo, seg_end - self.lo + 1
            acc.hc[i] += 1
            acc.hc[j] -= 1
            acc.wage[i] += wage
            acc.wage[j] -= wage
            acc.base[i] += base
            acc.base[j] -= base
            for k, (_, num, den, fixed, _r) in enumerate(items):
                due = fixed if fixed >= 0 else (base * num * 2 + den) // (2 * den)
                d = acc.dues[k]
                d[i] += due
                d[j] -= due
            a = seg_end + 1

    def totals(self) -> list[DueTotal]:
        """The summed lines (months with at least one employee), sorted like :func:`aggregate`."""
        order = {item_id: n for n, item_id in enumerate(catalogue().items)}
        out: list[DueTotal] = []
        for (unit, code), acc in self._acc.items():
            items = self._items[code]
            hc = wage = base = 0
            dues = [0] * len(items)
            for m in range(self.n):
                hc += acc.hc[m]
                wage += acc.wage[m]
                base += acc.base[m]
                for k in range(len(items)):
                    dues[k] += acc.dues[k][m]
                if hc <= 0:
                    continue
                period = month_text(self.lo + m)
                for k, (item_id, _n, _d, fixed, rate) in enumerate(items):
                    out.append(DueTotal(unit, period, item_id, hc, _money(wage), _money(base),
                                        rate, _money(fixed) if fixed >= 0 else None,
                                        _money(dues[k])))
        out.sort(key=lambda t: (t.unit_number, t.period, order.get(t.item, 999)))
        return out


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENT)

