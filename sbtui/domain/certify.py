"""税收完税证明（非印刷） rows (SPEC C1; issue 13): the rows of a certificate from paid lines.

A paid line (:class:`sbtui.domain.models.PaymentLine` as a dict, booked: ``ticket_number`` and
``booked_on`` set) gives one row — 原凭证号 (the 电子税票号码), 税种 (征收项目), 品目名称 (征收品目),
税款所属时期, 入(退)库日期, 实缴(退)金额 — and, when it carried a late fee, a second row whose
品目名称 is the item's followed by "滞纳金" (e.g. 失业保险(单位缴纳)滞纳金).

**separate** mode: the rows as they are, one certificate per paid record (per 电子税票号码).
**merged** mode: rows with the same 原凭证号, 税种, 品目名称 and 入库日期, in one year (of the 所属
时期), whose periods follow each other without a gap, become one row whose period is the first
``period_from`` 至 the last ``period_to`` and whose amount is the sum. A gap, another year or
another 入库日期 keeps them apart.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sbtui.domain.period import add_months

MODES = ("separate", "merged")
LATE_FEE_ITEM = "滞纳金"


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def rows_of(lines: Iterable[dict]) -> list[dict]:
    """One row per paid line (and one per late fee), in the lines' order."""
    out: list[dict] = []
    for ln in lines:
        base = {"ticket_number": ln["ticket_number"], "tax_type": ln.get("type_name") or ln["item"],
                "period_from": ln["period_from"], "period_to": ln["period_to"],
                "booked_on": str(ln["booked_on"]), "keys": [ln["key"]]}
        out.append({**base, "item_name": ln["item_name"], "amount": _money(Decimal(str(ln["amount"])))})
        fee = Decimal(str(ln.get("late_fee") or "0"))
        if fee:
            out.append({**base, "item_name": ln["item_name"] + LATE_FEE_ITEM, "amount": _money(fee),
                        "of": ln["item_name"]})  # a late fee joins the late fees of its item
    return out


def _group(row: dict) -> tuple:
    return (row["ticket_number"], row["tax_type"], row["item_name"], row.get("of", ""),
            row["booked_on"], row["period_from"][:4])


def merge_rows(rows: Iterable[dict]) -> list[dict]:
    """merged mode (see the module doc); the result is ordered by 原凭证号, 税种, 品目, period."""
    rows = sorted(rows, key=lambda r: (_group(r), r["period_from"], r["period_to"]))
    out: list[dict] = []
    for row in rows:
        last = out[-1] if out else None
        if (last is not None and _group(last) == _group(row)
                and row["period_to"][:4] == last["period_from"][:4]
                and add_months(last["period_to"], 1) == row["period_from"]):
            last["period_to"] = row["period_to"]
            last["amount"] = _money(Decimal(last["amount"]) + Decimal(row["amount"]))
            last["keys"] = [*last["keys"], *row["keys"]]
        else:
            out.append({**row, "keys": list(row["keys"])})
    return out


def period_text(period_from: str, period_to: str) -> str:
    """税款所属时期: "2026-01" or "2026-01至2026-03"."""
    return period_from if period_from == period_to else f"{period_from}至{period_to}"


def within(period_from: str, period_to: str, start: str | None, end: str | None) -> bool:
    """A line of ``period_from``…``period_to`` lies wholly inside ``start``…``end`` (YYYY-MM;
    None: open on that side) — the lines a 所属时期 range certifies."""
    return (not start or start <= period_from) and (not end or period_to <= end)
