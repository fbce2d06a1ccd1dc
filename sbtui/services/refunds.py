"""单位退费申请管理 (SPEC R1–R3; issue 13; manual 000 §4.3).

:class:`RefundsService` (``ws.employer(uscc).refunds``): the applications as last synced
(offline), refreshed from the service (which takes the due decisions on reading); the paid
records (税票退费, R1) and the employees' paid lines (职工明细退费, R2) asked of the service;
the amounts and the checks of :mod:`sbtui.domain.refund`, so a screen shows 退费金额合计 before
anything is sent; 提交申请 through the outbox under one idempotency key (sent at once when the
service can be reached, else queued for the next sync — SPEC §1).

No Textual.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain import refund as rules
from sbtui.domain.models import PaidLine, PaidRecord, Refund
from sbtui.domain.money import ZERO
from sbtui.domain.period import month_of
from sbtui.domain.refund import Amount, RefundError
from sbtui.domain.region import RegionNotFound, RegionProfile, load_region
from sbtui.domain.vocab import PaidLineKind, RefundKind
from sbtui.remote.errors import OfflineError, RefusedError
from sbtui.sync.progress import SyncResult
from sbtui.sync.push import push
from sbtui.sync.refunds import pull_refunds

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store.outbox import OutboxItem

__all__ = ["OFFLINE_QUERY", "QUEUED", "RefundError", "RefundsService", "Submitted"]

OFFLINE_QUERY = "当前无法连接服务，查询已缴款记录需要联网。请联网后重试。"
QUEUED = "当前无法连接服务：退费申请已保存在待发送队列，联网后同步时自动提交。"
EARLIEST = "2000-01"  # the CLI names paid lines by key: it asks for every period up to now


@dataclass(frozen=True)
class Submitted:
    """What 提交申请 gave: the service's ``refund`` (受理中), or ``queued`` (offline; the
    outbox ``key`` is sent by the next sync)."""

    key: str
    refund: Refund | None

    @property
    def queued(self) -> bool:
        return self.refund is None


class RefundsService:
    """单位退费申请管理: 税票退费 (R1), 职工明细退费 (R2), 退费账户 and 办理人 (R3)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- the applications (local) ----------------------------------------------------------------

    def refunds(self, date_from: date | str | None = None,
                date_to: date | str | None = None) -> list[Refund]:
        """The applications as last synced, newest first; the 申请日期 range."""
        return self.store.refunds.refunds(date_from, date_to)

    def refund(self, refund_id: str) -> Refund | None:
        return self.store.refunds.refund(refund_id)

    def pending(self) -> list[OutboxItem]:
        """Applications still waiting in the outbox (not yet numbered by the service)."""
        return self.store.refunds.pending()

    async def refresh(self) -> int:
        """Send what the outbox holds, then read the applications (the service takes the
        decisions that are due). OfflineError when the service cannot be reached."""
        store, service = self.store, self.area.remote()
        if store.outbox.next_pending() is not None:
            result = SyncResult()
            if not await push(store, service, result, progress=lambda event: None):
                raise OfflineError(result.error or "无法连接服务", code="offline")
        return await pull_refunds(store, service)

    # -- the queries (online) ---------------------------------------------------------------------

    async def paid_lines(self, period_from: str, period_to: str | None = None, *,
                         id_number: str | None = None, name: str | None = None) -> list[PaidLine]:
        """职工明细退费's query: the employees' booked lines of the 费款所属期 range."""
        try:
            return await self.area.remote().paid_lines(
                period_from=period_from, period_to=period_to or period_from,
                id_number=(id_number or "").strip() or None, name=(name or "").strip() or None)
        except OfflineError as exc:
            raise OfflineError(OFFLINE_QUERY, code="offline") from exc

    async def paid_records(self, period_from: str, period_to: str | None = None, *,
                           ticket_number: str | None = None) -> list[PaidRecord]:
        """税票退费's query: the booked records (per 电子税票号码) of the range."""
        try:
            return await self.area.remote().paid_records(
                period_from=period_from, period_to=period_to or period_from,
                ticket_number=(ticket_number or "").strip() or None)
        except OfflineError as exc:
            raise OfflineError(OFFLINE_QUERY, code="offline") from exc

    async def lines_by_key(self, keys: Iterable[str]) -> list[PaidLine]:
        """The paid lines named by ``keys`` (the CLI's ``--line``), in that order;
        RefundError naming a key that is not a booked line."""
        wanted = list(keys)
        lines = {ln.key: ln for ln in await self.paid_lines(EARLIEST, month_of(clock.today()))}
        for k in wanted:
            if k not in lines:
                raise RefundError(rules.NOT_REFUNDABLE.format(key=k), k)
        return [lines[k] for k in wanted]

    async def records_by_ticket(self, numbers: Iterable[str]) -> list[PaidRecord]:
        wanted = [n.strip() for n in numbers]
        records = {r.ticket_number: r for r in
                   await self.paid_records(EARLIEST, month_of(clock.today()))}
        for n in wanted:
            if n not in records:
                raise RefundError(rules.NOT_REFUNDABLE.format(key=n), n)
        return [records[n] for n in wanted]

    # -- the amounts (local, pure) ----------------------------------------------------------------

    def region(self) -> RegionProfile:
        try:
            return load_region(self.area.config.region or "nm")
        except (RegionNotFound, KeyError, ValueError):
            return load_region("nm")

    def employee_amounts(self, lines: Iterable[PaidLine],
                         bases: Mapping[str, Any]) -> list[Amount]:
        """R2: each ticked line's refund (RefundError for what cannot be asked)."""
        return rules.employee_refund(list(lines), bases, self.region())

    def line_amount(self, line: PaidLine, base: Any) -> Decimal | None:
        """One fee line's refund on the base typed so far, or None while it is not one."""
        if line.kind != PaidLineKind.FEE:
            return None
        try:
            value = rules.fee_refund(line, rules.parse_base(base, line.key), self.region())
        except (RefundError, ValueError):
            return None
        return value if value > ZERO else None

    @staticmethod
    def ticket_total(records: Iterable[PaidRecord]) -> Decimal:
        """R1: the records given back whole."""
        chosen = list(records)
        if not chosen:
            raise RefundError(rules.NOTHING_TICKED)
        for r in chosen:
            if not r.refundable:
                raise RefundError(rules.NOT_REFUNDABLE.format(key=r.ticket_number), r.ticket_number)
        return sum((r.total for r in chosen), ZERO)

    @staticmethod
    def check(form: Mapping[str, Any]) -> dict[str, Any]:
        """R3: the account, cause, explanation and handler, cleaned (RefundError)."""
        return rules.check_application(form)

    def defaults(self) -> dict[str, Any]:
        """A new application's account name: the employer's name, as last read."""
        name = ""
        for e in self.area.config.employers:
            if e.uscc == self.area.uscc:
                name = getattr(e, "name", "") or ""
        return {"account": {"name": name, "bank": "", "account": ""}, "cause": rules.REFUND_CAUSES[0]}

    # -- 提交申请 ------------------------------------------------------------------------------

    async def submit_employee(self, lines: Iterable[PaidLine], bases: Mapping[str, Any],
                              form: Mapping[str, Any]) -> Submitted:
        """职工明细退费: the ticked lines (fee lines with their 调整后缴费基数 in ``bases``)."""
        chosen = list(lines)
        amounts = self.employee_amounts(chosen, bases)
        clean = self.check(form)
        body = {**clean, "kind": RefundKind.EMPLOYEE.value, "total": str(rules.total(amounts)),
                "lines": [{"key": a.key, "adjusted_base": None if a.adjusted_base is None
                           else str(a.adjusted_base)} for a in amounts]}
        return await self._submit(body)

    async def submit_tickets(self, records: Iterable[PaidRecord],
                             form: Mapping[str, Any]) -> Submitted:
        """税票退费: the ticked records, whole."""
        chosen = list(records)
        total = self.ticket_total(chosen)
        clean = self.check(form)
        body = {**clean, "kind": RefundKind.TICKET.value, "total": str(total),
                "tickets": [r.ticket_number for r in chosen]}
        return await self._submit(body)

    async def _submit(self, body: dict[str, Any]) -> Submitted:
        store = self.store
        key = store.refunds.submit_queue(body)
        result = SyncResult()
        try:
            online = await push(store, self.area.remote(), result, progress=lambda event: None)
        except OfflineError:
            online = False
        item = store.outbox.get(key)
        if item is None or item.pending or not online:
            return Submitted(key, None)
        if item.state == "refused":
            response = item.response or {}
            answer = response.get("body") if isinstance(response, dict) else None
            answer = answer if isinstance(answer, dict) else {}
            raise RefusedError(store.outbox.refusal(item.entity) or item.last_error or "服务拒绝了退费申请",
                               code=answer.get("code"), status=response.get("status") or 400,
                               detail=answer.get("detail") if isinstance(answer.get("detail"), dict) else None)
        return Submitted(key, Refund.model_validate((item.response or {}).get("body")))
