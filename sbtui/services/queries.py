"""查询统计 (SPEC Q1; issue 13): 社保费到账信息查询 (what was received: per 电子税票号码 and
line, its 入库日期 and amounts), 社保费批扣情况查询 (the 费批扣 agreement, its state, the debits
made through it and their results, the dues put on a batch list), and 对账 — the view no
official client has: per unit number and 费款所属期, dues → declared → paid → certificate
issued, refunded, every gap flagged (:mod:`sbtui.domain.reconcile`).

:class:`QueriesService` (``ws.employer(uscc).queries``) reads the local store (offline: as last
synced); :meth:`QueriesService.refresh` pulls what they read from the service. Each list is also
a :class:`~sbtui.services.tables.Table` for its xlsx export.

No Textual.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.deadline import collection_deadline
from sbtui.domain.models import PaymentLine
from sbtui.domain.money import ZERO
from sbtui.domain.reconcile import Declared, Due, Paid, ReconcileRow, reconcile
from sbtui.domain.vocab import (AgreementStatus, DeclarationStatus, DueStatus, PaidLineKind, PaymentResult, PayMethod,
                                RefundStatus, Role, VoucherStatus, label)
from sbtui.services.home import deadline_day
from sbtui.services.tables import Table
from sbtui.sync.certificates import pull_certificates
from sbtui.sync.declarations import pull_declarations
from sbtui.sync.dues import pull_dues
from sbtui.sync.payments import pull_agreements, pull_payments
from sbtui.sync.refunds import pull_refunds

if TYPE_CHECKING:
    from sbtui.services.area import Area

__all__ = ["BatchDebit", "BatchStatus", "QueriesService", "Received"]

TITLE_RECEIVED = "社保费到账信息查询"
TITLE_BATCH = "社保费批扣情况查询"
TITLE_RECONCILE = "对账"
DECLARED = (DeclarationStatus.OK, DeclarationStatus.VOIDING)
RECEIVED_HEADERS = ("电子税票号码", "入库日期", "单位编号", "费款所属期起", "费款所属期止", "征收项目", "征收品目",
                    "实缴金额（元）", "滞纳金（元）", "合计（元）", "缴费方式", "缴费日期", "缴费记录/凭证序号")
BATCH_HEADERS = ("扣款时间", "协议书号", "扣款结果", "原因", "应缴费款（元）", "滞纳金（元）", "合计（元）",
                 "条数", "费款所属期", "开户银行", "扣款账号", "账户名称")
RECONCILE_HEADERS = ("单位编号", "费款所属期", "条数", "应缴（元）", "已申报（元）", "已缴费（元）", "滞纳金（元）",
                     "已开具证明（元）", "已退费（元）", "已退滞纳金（元）", "差异")


@dataclass
class Received:
    """One received line (到账): a booked line of a successful debit or a collected voucher."""

    ticket_number: str  # 电子税票号码
    booked_on: date  # 入库日期
    unit_number: str
    period_from: str
    period_to: str
    type_name: str  # 征收项目
    item_name: str  # 征收品目
    amount: Decimal
    late_fee: Decimal
    method: str  # PayMethod: tips / voucher
    paid_on: date  # the debit's day / the voucher's 填开日期
    source: str  # the payment id / the voucher's 凭证序号
    key: str  # the line's key "{declaration_id}:{n}"

    @property
    def total(self) -> Decimal:
        return self.amount + self.late_fee

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total, "method_label": label(self.method, PayMethod)}


@dataclass
class BatchDebit:
    """A debit made through a 费批扣 agreement, and its result."""

    id: str
    paid_at: datetime
    agreement_id: str
    status: str  # PaymentResult
    reason: str
    amount: Decimal
    late_fee: Decimal
    total: Decimal
    lines: int
    period_from: str
    period_to: str
    bank: str
    account: str
    account_name: str

    @property
    def period(self) -> str:
        a, b = self.period_from, self.period_to
        return a if a == b else f"{a}至{b}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class BatchStatus:
    """社保费批扣情况: the 费批扣 agreements (the live one first; ended ones after), the debits
    made through them (newest first), and the dues lines on a batch list (批扣清册生成)."""

    agreements: list[dict[str, Any]] = field(default_factory=list)
    debits: list[BatchDebit] = field(default_factory=list)
    listed: int = 0  # dues lines 批扣清册生成
    listed_amount: Decimal = ZERO

    @property
    def agreement(self) -> dict[str, Any] | None:
        """The 费批扣 agreement in force (not 协议终止), if any."""
        return next((a for a in self.agreements if a.get("status") != AgreementStatus.ENDED), None)

    def as_json(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "agreements": self.agreements,
                "debits": [d.as_json() for d in self.debits], "listed": self.listed,
                "listed_amount": self.listed_amount}


def reconcile_json(row: ReconcileRow) -> dict[str, Any]:
    return {"unit_number": row.unit_number, "period_from": row.period_from, "period_to": row.period_to,
            "lines": row.lines, "due": row.due, "declared": row.declared, "paid": row.paid,
            "late_fee": row.late_fee, "certified": row.certified, "refunded": row.refunded,
            "refunded_late_fee": row.refunded_late,
            "gaps": {str(g): row.gaps[g] for g in row.flags}}


def gaps_text(row: ReconcileRow) -> str:
    """The gaps as one cell: “已缴费未开具完税证明 2条；已退费 1条”."""
    return "；".join(f"{g} {row.gaps[g]}条" for g in row.flags)


def _meets(a: str, b: str, period_from: str | None, period_to: str | None) -> bool:
    return (not period_from or b >= period_from) and (not period_to or a <= period_to)


class QueriesService:
    """查询统计: 到账, 批扣, 对账 (SPEC Q1)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    async def refresh(self) -> None:
        """Payments, vouchers, agreements, dues, declarations (with the lines of every declared
        one not known here yet), certificates and refund applications, from the service into
        the store. A 缴费 user
        (SPEC P5) may see only 费款缴纳: the payments and vouchers."""
        store, service = self.store, self.area.remote()
        await pull_payments(store, service)
        session = self.area.session()
        if session is not None and session.uscc == self.area.uscc and session.role == Role.PAY:
            return
        await pull_agreements(store, service)
        await pull_dues(store, service)
        await pull_declarations(store, service)
        for row in store.declarations.rows(statuses=DECLARED):
            full = store.declarations.row(row["id"])
            if full is not None and not full.get("lines"):
                store.declarations.put(await service.declaration(row["id"]))
        await pull_certificates(store, service)
        await pull_refunds(store, service)

    # -- 社保费到账信息查询 ----------------------------------------------------------------------

    def received(self, period_from: str | None = None, period_to: str | None = None,
                 ticket: str | None = None) -> list[Received]:
        """What was received: every booked line (TIPS debits 缴费成功, vouchers 已入库) whose
        费款所属期 meets the range and whose 电子税票号码 contains ``ticket``; newest 入库日期 first,
        then by ticket and line."""
        out: list[Received] = []
        for p in self.store.payments.payments():
            if p.status == PaymentResult.OK:
                day = p.paid_at.astimezone(clock.CST).date()
                out += [self._received(ln, PayMethod.TIPS, day, p.id) for ln in p.lines]
        for v in self.store.payments.vouchers():
            if v.status == VoucherStatus.BOOKED:
                out += [self._received(ln, PayMethod.VOUCHER, v.issued_on, v.number) for ln in v.lines]
        ticket = (ticket or "").strip()
        kept = [r for r in out if r.ticket_number and _meets(r.period_from, r.period_to, period_from, period_to)
                and (not ticket or ticket in r.ticket_number)]
        kept.sort(key=lambda r: (r.ticket_number, r.key))
        kept.sort(key=lambda r: r.booked_on, reverse=True)
        return kept

    @staticmethod
    def _received(ln: PaymentLine, method: str, day: date, source: str) -> Received:
        return Received(ticket_number=ln.ticket_number or "", booked_on=ln.booked_on or day,
                        unit_number=ln.unit_number, period_from=ln.period_from, period_to=ln.period_to,
                        type_name=ln.type_name, item_name=ln.item_name, amount=ln.amount,
                        late_fee=ln.late_fee, method=method, paid_on=day, source=source, key=ln.key)

    @staticmethod
    def received_table(rows: Iterable[Received]) -> Table:
        return Table(TITLE_RECEIVED, RECEIVED_HEADERS, [
            (r.ticket_number, r.booked_on, r.unit_number, r.period_from, r.period_to, r.type_name, r.item_name,
             r.amount, r.late_fee, r.total, label(r.method, PayMethod), r.paid_on, r.source) for r in rows])

    # -- 社保费批扣情况查询 ----------------------------------------------------------------------

    def batch(self) -> BatchStatus:
        """The 费批扣 agreements, the debits made through them, the dues on a batch list."""
        batch = [a for a in self.store.agreements.rows() if a.get("batch")]
        batch.sort(key=lambda a: a.get("status") == AgreementStatus.ENDED)
        ids = {a["id"] for a in batch}
        debits = []
        for p in self.store.payments.payments():
            if p.agreement_id in ids:
                periods = sorted({ln.period_from for ln in p.lines} | {ln.period_to for ln in p.lines})
                debits.append(BatchDebit(
                    id=p.id, paid_at=p.paid_at, agreement_id=p.agreement_id or "", status=p.status,
                    reason=p.reason or "", amount=p.amount, late_fee=p.late_fee, total=p.total,
                    lines=len(p.lines), period_from=periods[0] if periods else "",
                    period_to=periods[-1] if periods else "", bank=p.bank, account=p.account,
                    account_name=p.account_name))
        listed = self.store.dues.lines(status=DueStatus.BATCH_LISTED)
        amount = sum((Decimal(d["due"]) - Decimal(d["reduction"] or "0") for d in listed), ZERO)
        return BatchStatus(agreements=batch, debits=debits, listed=len(listed), listed_amount=amount)

    @staticmethod
    def batch_table(debits: Iterable[BatchDebit]) -> Table:
        return Table(TITLE_BATCH, BATCH_HEADERS, [
            (d.paid_at.astimezone(clock.CST).replace(tzinfo=None), d.agreement_id, d.status, d.reason, d.amount,
             d.late_fee, d.total, d.lines, d.period, d.bank, d.account, d.account_name) for d in debits])

    # -- 对账 ------------------------------------------------------------------------------------

    def reconcile(self, period_from: str | None = None, period_to: str | None = None, *,
                  today: date | None = None) -> list[ReconcileRow]:
        """Per unit number × 费款所属期: dues → declared → paid → certificate, gaps flagged
        (:func:`sbtui.domain.reconcile.reconcile`), from what the store holds."""
        store = self.store
        today = today or clock.today()
        day = deadline_day(store.meta_get("region") or self.area.config.region)
        dues_rows = store.dues.lines()
        dues = [Due(key=d["key"], unit_number=d["unit_number"], period_from=d["period_from"],
                    period_to=d["period_to"], amount=Decimal(d["due"]) - Decimal(d["reduction"] or "0"),
                    status=d["status"] or DueStatus.INITIAL) for d in dues_rows]
        deadlines = {d["key"]: date.fromisoformat(d["deadline"]) for d in dues_rows if d.get("deadline")}
        deadlines.update({ln.key: ln.deadline for ln in store.payments.pay_list()})
        declared: list[Declared] = []
        for row in store.declarations.rows(statuses=DECLARED):
            full = store.declarations.row(row["id"]) or {}
            for ln in full.get("lines") or []:
                line_key = f"{row['id']}:{ln['n']}"
                deadline = (deadlines.get(line_key) or deadlines.get(ln["key"])
                            or collection_deadline(ln["period_to"], day))
                declared.append(Declared(
                    line_key=line_key, due_key=ln["key"], unit_number=ln["unit_number"],
                    period_from=ln["period_from"], period_to=ln["period_to"],
                    payable=Decimal(str(ln["payable"])), amount=Decimal(str(ln["actual"])), deadline=deadline))
        known = {d.line_key for d in declared}
        for ln in store.payments.pay_list():  # declared unpaid lines of declarations whose lines are not here
            if ln.key not in known:
                declared.append(Declared(line_key=ln.key, due_key=None, unit_number=ln.unit_number,
                                         period_from=ln.period_from, period_to=ln.period_to,
                                         payable=ln.amount, amount=ln.amount, deadline=ln.deadline))
        paid: list[Paid] = []
        on_voucher: set[str] = set()
        for p in store.payments.payments():
            if p.status == PaymentResult.OK:
                paid += [_paid(ln) for ln in p.lines]
        for v in store.payments.vouchers():
            if v.status == VoucherStatus.BOOKED:
                paid += [_paid(ln) for ln in v.lines]
            elif v.status == VoucherStatus.ISSUED:
                on_voucher |= {ln.key for ln in v.lines}
        certified = {k for c in store.certificates.certificates() for r in c.rows for k in r.keys}
        refunded: dict[str, Decimal] = {}
        refunded_late: dict[str, Decimal] = {}
        refunding: set[str] = set()
        for refund in store.refunds.refunds():
            if refund.status == RefundStatus.REFUSED:
                continue  # 核验不通过: its lines are as they were
            for rl in refund.lines:
                line_key = f"{rl.declaration_id}:{rl.n}"  # a per-employee or late-fee line → its paid line
                if refund.status == RefundStatus.REFUNDED:
                    into = refunded_late if rl.kind == PaidLineKind.LATE_FEE else refunded
                    into[line_key] = into.get(line_key, ZERO) + rl.amount
                else:
                    refunding.add(line_key)
        return reconcile(dues, declared, paid, certified=certified, refunded=refunded,
                         refunded_late=refunded_late, refunding=refunding,
                         on_voucher=on_voucher, today=today, period_from=period_from, period_to=period_to)

    @staticmethod
    def reconcile_table(rows: Iterable[ReconcileRow]) -> Table:
        return Table(TITLE_RECONCILE, RECONCILE_HEADERS, [
            (r.unit_number, r.period, r.lines, r.due, r.declared, r.paid, r.late_fee, r.certified, r.refunded,
             r.refunded_late, gaps_text(r)) for r in rows])


def _paid(ln: PaymentLine) -> Paid:
    return Paid(line_key=ln.key, unit_number=ln.unit_number, period_from=ln.period_from, period_to=ln.period_to,
                amount=ln.amount, late_fee=ln.late_fee)
