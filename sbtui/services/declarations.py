"""Fee declaration work of the service layer (SPEC D3–D10): the open dues lines of a kind with
the offsets and remarks typed here, ticks and totals, the checks before submitting, queueing
the declarations and their voids, and the records. No Textual; every function takes a Store.

The rules themselves are in :mod:`sbtui.domain.declare`; the remote side (sending, feedback,
pulls, forms, projects) is on :class:`sbtui.workspace.Workspace`.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain import declare as rules
from sbtui.domain.declare import KIND_SOURCES, DeclareError, Totals, UnitSummary
from sbtui.domain.vocab import DECLARATION_PENDING, DeclarationStatus, PaymentStatus

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store import Store

__all__ = ["DeclarationsService", "DeclareError", "Totals", "UnitSummary", "blocking", "declaration", "declarations",
           "insured_headcounts", "open_lines", "pending", "queue", "queue_void", "set_offset",
           "set_remark", "submit_checks", "summary", "ticks", "totals", "unpaid"]

KINDS = tuple(KIND_SOURCES)


def _sources(kind: str) -> tuple[str, ...]:
    if kind not in KIND_SOURCES:
        raise DeclareError(f"未知的申报类型：{kind}")
    return KIND_SOURCES[kind]


def open_lines(store: Store, kind: str, *, unit_number: str | None = None, agency: str | None = None,
               period_from: str | None = None, period_to: str | None = None,
               today: date | None = None) -> list[dict[str, Any]]:
    """The local dues lines of ``kind``'s sources still 初始 and not held by a declaration
    queued here, in the service's order, filtered (a period range that meets
    ``period_from``…``period_to``). Each is the DueLine's fields (money as text) plus
    ``offset`` (typed here, or ``"0.00"``), ``actual`` (payable − offset), ``remark`` (typed
    here, or the line's), ``expired`` (D9), ``late_fee`` and ``tick_keys`` (every open line of
    its tick, unfiltered: what :func:`blocking` checks a selection against)."""
    day = today or clock.today()
    rows = _open(store, kind)
    ticks_all: dict[str, list[str]] = {}
    for r in rows:
        ticks_all.setdefault(r["tick"], []).append(r["key"])
    out = []
    for r in rows:
        if unit_number and r["unit_number"] != unit_number:
            continue
        if agency and r["agency"] != agency:
            continue
        if period_from and r["period_to"] < period_from:
            continue
        if period_to and r["period_from"] > period_to:
            continue
        r["tick_keys"] = ticks_all[r["tick"]]
        r["expired"] = rules.is_expired(r, day)
        out.append(r)
    return out


def _open(store: Store, kind: str) -> list[dict[str, Any]]:
    """Every open line of the kind, with the local edits applied (no filter)."""
    held = store.declarations.held_keys()
    edits = store.declarations.due_edits()
    out = []
    for r in store.dues.lines(sources=_sources(kind), status=rules.INITIAL):
        if r["key"] in held:
            continue
        edit = edits.get(r["key"], {})
        r["offset"] = edit.get("offset") or "0.00"
        if edit.get("remark") is not None:
            r["remark"] = edit["remark"]
        r["remark"] = r.get("remark") or ""
        r["late_fee"] = r.get("late_fee") or "0.00"
        r["actual"] = f"{rules.actual(r):.2f}"
        out.append(r)
    return out


def ticks(lines: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """SPEC D3: lines by tick unit, in first-seen order."""
    return rules.ticks(lines)


def totals(lines: list[dict[str, Any]]) -> Totals:
    """Count, ticks, 缴费人数, 缴费基数合计, 应缴费额合计, 抵缴, 实际缴纳, 滞纳金 of ``lines`` (D4)."""
    return rules.totals(lines)


def summary(lines: list[dict[str, Any]]) -> list[UnitSummary]:
    """The 提交申报确认 summary: one entry (one declaration) per unit number."""
    return rules.summary(lines)


# -- offsets and remarks (D5, D9) -------------------------------------------------------------------

def _line(store: Store, key: str) -> dict[str, Any]:
    line = store.declarations.due_line(key)
    if line is None or line["status"] != rules.INITIAL or key in store.declarations.held_keys():
        raise DeclareError(rules.NOT_OPEN)
    return line


def offset_limit(store: Store, key: str) -> Decimal:
    """The most that may be offset on the line ``key``: its 最大可抵缴金额, and no more than the
    unit + item credit (when pulled) leaves after the offsets typed on its other lines."""
    line = _line(store, key)
    credit = store.declarations.credit_amounts().get((line["unit_number"], line["item"]))
    left = None
    if credit is not None:
        others = Decimal("0.00")
        edits = store.declarations.due_edits()
        for r in store.dues.lines(sources=(line["source"],), status=rules.INITIAL):
            if r["key"] != key and r["unit_number"] == line["unit_number"] and r["item"] == line["item"]:
                others += Decimal(edits.get(r["key"], {}).get("offset") or "0")
        left = credit - others
    return rules.offset_limit(line, left)


def set_offset(store: Store, key: str, text: Any) -> Decimal:
    """Keep the 抵缴金额 typed for line ``key`` (blank: 0.00); returns it. DeclareError when it
    is not an amount, negative or over the limit (D5: "抵缴金额超出可抵缴金额上限（最大可抵缴金额X元）")."""
    amount = rules.parse_offset(text, offset_limit(store, key))
    store.declarations.set_due_edit(key, offset=amount if amount else None)
    return amount


def set_remark(store: Store, key: str, text: str | None) -> str:
    """Keep the 备注 typed for line ``key`` (D9: printed on the certificate; ≤ 100 characters)."""
    _line(store, key)
    value = rules.check_remark(text)
    store.declarations.set_due_edit(key, remark=value or None)
    return value


# -- checks -------------------------------------------------------------------------------------------

def blocking(lines: list[dict[str, Any]], today: date | None = None) -> list[str]:
    """Refusals before any confirm: nothing ticked, an expired special / project line
    ("征集通知流水号…已超过征集有效日期，不能申报"), a tick only partly ticked (D3)."""
    return rules.blocking(lines, today or clock.today())


def insured_headcounts(store: Store, units: set[str] | None = None) -> dict[tuple[str, str], int]:
    """(unit number, type code) → normal employees registered under the unit number for the
    type (the local registry)."""
    sql = ("SELECT json_extract(r.value, '$.unit_number') AS unit, t.value AS code, count(DISTINCT e.id)"
           " FROM employees e, json_each(e.registrations) r, json_each(r.value, '$.insurance_types') t"
           " WHERE e.status = 'normal' GROUP BY unit, code")
    return {(u, c): n for u, c, n in store.db.execute(sql) if units is None or u in units}


def submit_checks(store: Store, kind: str, lines: list[dict[str, Any]]) -> list[str]:
    """SPEC D6: the confirms to ask, in order, with the official texts (see
    :func:`sbtui.domain.declare.submit_checks`)."""
    if kind != "daily" or not any(r.get("source") == "tax" for r in lines):
        return rules.submit_checks(kind, lines, [], {})
    units = {r["unit_number"] for r in lines}
    return rules.submit_checks(kind, lines, _open(store, kind), insured_headcounts(store, units))


# -- queueing -----------------------------------------------------------------------------------------

def queue(store: Store, kind: str, lines: list[dict[str, Any]]) -> list[str]:
    """Queue one ``declaration.submit`` per unit number (D3); returns the local declaration
    ids. The lines are held (not open) until the service answers; a refusal releases them.
    DeclareError when a blocking refusal applies or a line is not open any more."""
    sources = _sources(kind)
    if any(r["source"] not in sources for r in lines):
        raise DeclareError("所选应缴信息不属于该申报类型")
    now_open = _open(store, kind)
    keys = {r["key"] for r in now_open}
    gone = [r for r in lines if rules.key_of(r) not in keys]
    if gone:
        raise DeclareError(f"{gone[0].get('item_name') or ''}（{rules.tick_label(gone[0])}）：{rules.NOT_OPEN}")
    problems = rules.blocking(lines, clock.today(), open_lines=now_open)
    if problems:
        raise DeclareError(problems[0])
    return store.declarations.queue(kind, lines)


def queue_void(store: Store, ident: str) -> str:
    """Queue the void (作废) of a declaration 申报成功 and unpaid; returns its id. DeclareError
    "已缴费的申报不能作废" / "只有申报成功且未缴费的申报可以作废"."""
    return store.declarations.void_queue(ident)


# -- records (D8) ---------------------------------------------------------------------------------------

def declarations(store: Store, *, status: str | None = None, date_from: str | None = None,
                 date_to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """申报记录 here, newest first, without lines (status 待发送: queued, not sent yet)."""
    return store.declarations.rows(status=status, date_from=date_from, date_to=date_to, kind=kind)


def declaration(store: Store, ident: str) -> dict[str, Any] | None:
    """One declaration by the service's id or the local one, with its ``lines``."""
    return store.declarations.row(ident)


def unpaid(store: Store) -> list[dict[str, Any]]:
    """申报成功 and not fully paid (D7: "当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？")."""
    return [d for d in store.declarations.rows(status=DeclarationStatus.OK)
            if d.get("payment_status") != PaymentStatus.PAID]


def pending(store: Store) -> list[dict[str, Any]]:
    """Declarations waiting for the service: 待发送, 申报中, 作废中."""
    return store.declarations.rows(statuses=DECLARATION_PENDING)


class DeclarationsService:
    """费款申报 (SPEC D1–D12): dues, fee declarations, their records and forms, construction projects."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store
