"""费款缴纳 (SPEC P1–P4, D12; issue 12): the pay list, paying by three-party agreement (TIPS),
bank vouchers, payment records.

:class:`PaymentsService` (``ws.employer(uscc).payments``) holds the area's use cases over the
employer's local store and the remote service:

- the pay list as last synced (offline), refreshed from the service; ticks by declaration and
  the totals (count, 应缴, 滞纳金, 合计);
- 安全认证 (the declaration password again → a :class:`PayTicket`), then 三方协议缴费
  (:meth:`pay`) or 银行端凭证缴费 (:meth:`issue_voucher`): each an ONLINE_ONLY outbox item,
  queued with its idempotency key and sent at once (:func:`sbtui.sync.push.send_now`) —
  refused when the service cannot be reached (nothing queued, nothing paid), a lost reply
  resolved by its key before anything is sent again;
- 缴费凭证打印记录: vouchers, void, the PDF; 缴费记录 and its export.

No Textual.
"""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain import pay as rules
from sbtui.domain.models import DepositAccount, EmployerRecord, PayLine, Payment, PayTicket, Voucher
from sbtui.domain.pay import PaymentError, PayTotals
from sbtui.domain.vocab import AgreementStatus, PaymentResult, PayMethod, VoucherStatus, label
from sbtui.remote.errors import OfflineError, RefusedError, ServiceError
from sbtui.sync.declarations import pull_declarations
from sbtui.sync.payments import pull_agreements, pull_pay_list, pull_payments
from sbtui.sync.progress import SyncResult
from sbtui.sync.push import OFFLINE_PAY, UNKNOWN_RESULT, push, send_now
from sbtui.store.payments import PAY as PAY_KIND

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store.outbox import OutboxItem

__all__ = ["OFFLINE_PAY", "PayTotals", "PaymentError", "PaymentsService"]

EXPORT_HEADERS = ["缴费日期", "缴费方式", "缴费结果", "原因", "三方协议号", "开户银行", "缴费账号", "账户名称",
                  "单位编号", "费款所属期起", "费款所属期止", "征收项目", "征收品目", "金额", "滞纳金",
                  "电子税票号码", "入库日期", "缴费记录号"]


class PaymentsService:
    """费款缴纳 (SPEC P1–P4, D12): the pay list, payments, vouchers, payment records."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- the pay list (P1) ---------------------------------------------------------------------

    def due_lines(self) -> list[PayLine]:
        """The pay list as last synced (offline), without the lines of a payment or voucher
        still waiting for the service."""
        return self.store.payments.due_lines()

    async def refresh(self) -> int:
        """The pay list (late fees as of the service's today), payments, vouchers and deposit
        accounts from the service into the store; returns the number of pay lines. Also keeps
        the employer's registration (the voucher PDF, the agreements' defaults) when not known.
        A payment or voucher whose reply was lost is resolved by its key first (the push asks
        the service before sending anything), so 刷新 also settles 暂时无法确认缴费结果."""
        service = self.area.remote()
        if self.pending():
            try:
                await push(self.store, service, SyncResult(), progress=lambda event: None)
            except ServiceError:
                pass  # still unknown: the lines stay held; the pull below still runs
        count = await pull_payments(self.store, service)
        if not self.store.meta_get("employer_record"):
            try:
                await self.employer_record()
            except ServiceError:
                pass
        return count

    @staticmethod
    def by_declaration(lines: Iterable[PayLine]) -> dict[str, list[PayLine]]:
        """The tick unit of 缴费: the lines per declaration, in first-seen order."""
        return rules.by_declaration(lines)

    @staticmethod
    def totals(lines: Iterable[PayLine]) -> PayTotals:
        """count, amount (应缴), late_fee (滞纳金), total (合计, what is debited)."""
        return rules.totals(lines)

    def lines(self, keys: Iterable[str]) -> list[PayLine]:
        """The pay lines of ``keys``; PaymentError when one is not payable here any more."""
        return rules.pick(self.due_lines(), keys)

    async def _current(self, keys: Iterable[str]) -> list[PayLine]:
        """The lines of ``keys``, their late fee as of today (D12): a pay list pulled on an
        earlier day is pulled again first (then a total confirmed before says it changed)."""
        wanted = list(keys)
        chosen = self.lines(wanted)
        if any(ln.as_of < clock.today() for ln in chosen):
            try:
                await pull_pay_list(self.store, self.area.remote())
            except OfflineError as exc:
                raise OfflineError(OFFLINE_PAY, code="offline") from exc
            chosen = self.lines(wanted)
        return chosen

    # -- 安全认证 and paying (P2, P3) ----------------------------------------------------------

    async def authorize(self, password: str) -> PayTicket:
        """安全认证: the declaration password (a sub-user: its own) again → a ticket valid for a
        few minutes. WrongPasswordError / LockedError carry the service's Chinese message;
        OfflineError: "当前无法连接服务，缴费需要联网。未扣款，请联网后重试。"."""
        if not password:
            raise PaymentError("请输入申报密码")
        try:
            return await self.area.remote().authorize_payment(password)
        except OfflineError as exc:
            raise OfflineError(OFFLINE_PAY, code="offline") from exc

    async def pay(self, keys: Iterable[str], agreement_id: str, ticket: PayTicket | str,
                  total: Decimal | str) -> Payment:
        """三方协议缴费: debit the lines ``keys`` (their 合计 must be ``total``) through the
        verified agreement ``agreement_id``. Returns the Payment: 缴费成功, or 缴费失败 with
        the bank's ``reason`` (nothing changed; try again — a new key). PaymentError before
        anything is sent; RefusedError when the service refuses (e.g. 安全认证已过期);
        OfflineError when it cannot be reached (nothing queued, nothing paid) or a lost reply
        cannot be resolved yet (the next sync resolves it by its key, never paying twice)."""
        chosen = await self._current(keys)
        amount = rules.check_total(chosen, total)
        if not agreement_id:
            raise PaymentError(rules.NO_AGREEMENT)
        row = self.store.agreements.row(agreement_id)
        if row is None or row["status"] != AgreementStatus.VERIFIED:  # not known verified here: ask
            try:
                await pull_agreements(self.store, self.area.remote())
            except OfflineError as exc:
                raise OfflineError(OFFLINE_PAY, code="offline") from exc
            row = self.store.agreements.row(agreement_id)
        if row is None or row["status"] != AgreementStatus.VERIFIED or row["pending"]:
            raise PaymentError(rules.AGREEMENT_NOT_VERIFIED.format(id=agreement_id))
        code = _ticket(ticket)
        line_keys = [ln.key for ln in chosen]
        item = await send_now(self.store, self.area.remote(),
                              lambda: self.store.payments.pay_queue(line_keys, row["id"], code, f"{amount:.2f}"))
        payment = self._answer(item, Payment)
        if payment.status == PaymentResult.OK:
            await self._after_change()
        return payment

    async def issue_voucher(self, keys: Iterable[str], ticket: PayTicket | str, total: Decimal | str,
                            account: DepositAccount | dict[str, str] | None = None) -> Voucher:
        """银行端凭证缴费: issue 《银行端查询缴税凭证》 for ``keys`` (their 合计 must be
        ``total``), with an optional payer account (bank, name, account). Its lines leave the
        pay list while it is open. Errors as :meth:`pay`."""
        chosen = await self._current(keys)
        amount = rules.check_total(chosen, total)
        acct = _account(account)
        code = _ticket(ticket)
        line_keys = [ln.key for ln in chosen]
        item = await send_now(self.store, self.area.remote(),
                              lambda: self.store.payments.voucher_queue(line_keys, code, f"{amount:.2f}", acct))
        return self._answer(item, Voucher)

    async def void_voucher(self, number: str) -> Voucher:
        """作废 a voucher 已开具: its lines return to the pay list. RefusedError with the
        official "作废失败，税票号码X已经入库，不能进行此操作" once collected; PaymentError for an
        unknown or voided one; OfflineError (nothing queued)."""
        voucher = self.voucher(number)
        if voucher is None:
            raise PaymentError(f"缴费凭证{number}不存在")
        if voucher.status == VoucherStatus.VOIDED:
            raise PaymentError(f"缴费凭证{number}已作废")
        service = self.area.remote()
        try:
            await service.health()
        except OfflineError as exc:
            raise OfflineError("当前无法连接服务，作废凭证需要联网，请联网后重试。", code="offline") from exc
        key = self.store.payments.void_queue(number)
        result = SyncResult()
        if not await push(self.store, service, result, progress=lambda event: None):
            raise OfflineError(result.error or "无法连接服务")
        item = self.store.outbox.get(key)
        if item is None or item.pending:
            raise OfflineError(result.error or "无法连接服务")
        answer = self._answer(item, Voucher)
        await self._after_change()
        return answer

    def _answer(self, item: OutboxItem, model: Any) -> Any:
        if item.state == "refused":
            response = item.response or {}
            body = response.get("body") or {}
            raise RefusedError(self.store.outbox.refusal(item.entity) or item.last_error or "服务拒绝了请求",
                               code=body.get("code"), status=response.get("status") or 400,
                               detail=body.get("detail") if isinstance(body.get("detail"), dict) else None)
        return model.model_validate((item.response or {}).get("body"))

    async def _after_change(self) -> None:
        """After money moved: the pay list and the declarations' payment status from the
        service (best effort; the next sync does it anyway)."""
        service = self.area.remote()
        try:
            await pull_pay_list(self.store, service)
            await pull_declarations(self.store, service)
        except ServiceError:
            pass

    async def resolve(self, key: str, *, timeout: float = 60.0, poll: float = 1.0) -> Payment | Voucher:
        """A payment or voucher whose reply was lost (OfflineError ``unknown_result``, its key
        in ``detail["key"]``): push the outbox (which asks the service by the key first) until
        it is answered or ``timeout`` seconds have passed. Returns the answer; RefusedError
        when it was refused; OfflineError when still unknown (never paid twice)."""
        deadline = time.monotonic() + timeout
        while True:
            result = SyncResult()
            try:
                await push(self.store, self.area.remote(), result, progress=lambda event: None)
            except ServiceError:
                pass
            item = self.store.outbox.get(key)
            if item is None:
                raise PaymentError("缴费请求不存在")
            if not item.pending:
                return self._answer(item, Payment if item.kind == PAY_KIND else Voucher)
            if time.monotonic() >= deadline:
                raise OfflineError(UNKNOWN_RESULT, code="unknown_result", detail={"key": key})
            await asyncio.sleep(poll)

    def pending(self) -> list[OutboxItem]:
        """Payments and vouchers sent whose answer was lost (the next sync resolves them by
        their keys; their lines are held meanwhile)."""
        return self.store.payments.pending()

    # -- records (P3, P4) ----------------------------------------------------------------------

    def payments(self, date_from: date | str | None = None, date_to: date | str | None = None) -> list[Payment]:
        """缴费记录 as last synced, newest first; the 缴费日期 range (China days)."""
        return self.store.payments.payments(date_from, date_to)

    def payment(self, ident: str) -> Payment | None:
        return self.store.payments.payment(ident)

    def vouchers(self, date_from: date | str | None = None, date_to: date | str | None = None) -> list[Voucher]:
        """缴费凭证打印记录 as last synced, newest first; the 填开日期 range."""
        return self.store.payments.vouchers(date_from, date_to)

    def voucher(self, number: str) -> Voucher | None:
        return self.store.payments.voucher(number)

    async def refresh_voucher(self, number: str) -> Voucher:
        """One voucher as the service has it now (collected? 已入库) into the store."""
        voucher = await self.area.remote().voucher(number)
        self.store.payments.put_voucher(voucher)
        return voucher

    def deposit_accounts(self) -> list[DepositAccount]:
        """缴费人存款账户 as last synced (the voucher's optional account)."""
        return self.store.payments.accounts()

    def write_voucher_pdf(self, number: str, path: str | os.PathLike) -> Path:
        """打印 《银行端查询缴税凭证》 of voucher ``number`` to ``path`` (PDF)."""
        voucher = self.voucher(number)
        if voucher is None:
            raise PaymentError(f"缴费凭证{number}不存在")
        from sbtui.forms.voucher import write_voucher_pdf

        return Path(write_voucher_pdf(voucher, self.employer_record_local(), Path(path)))

    def export_payments(self, path: str | os.PathLike, date_from: date | str | None = None,
                        date_to: date | str | None = None) -> int:
        """缴费记录 to xlsx, one row per paid line (a failed payment: one row with its reason);
        returns the row count."""
        from sbtui.xlsx.common import write_table

        rows: list[list[Any]] = []
        for p in self.payments(date_from, date_to):
            head = [p.paid_at.astimezone(clock.CST).strftime("%Y-%m-%d %H:%M:%S"), label(p.method, PayMethod),
                    p.status, p.reason or "", p.agreement_id or "", p.bank, p.account, p.account_name]
            if not p.lines:
                rows.append([*head, "", "", "", "", "", f"{p.amount:.2f}", f"{p.late_fee:.2f}", "", "", p.id])
            for ln in p.lines:
                rows.append([*head, ln.unit_number, ln.period_from, ln.period_to, ln.type_name, ln.item_name,
                             f"{ln.amount:.2f}", f"{ln.late_fee:.2f}", ln.ticket_number or "",
                             ln.booked_on.isoformat() if ln.booked_on else "", p.id])
        return write_table(path, title="缴费记录", headers=EXPORT_HEADERS, rows=rows,
                           text_columns=list(range(len(EXPORT_HEADERS))))

    # -- the employer as registered ----------------------------------------------------------------

    async def employer_record(self) -> EmployerRecord:
        """The employer's registration (kept in the store once read): the voucher's 纳税人名称
        and 税务机关, the agreements' default tax authority."""
        return await _employer_record(self.area)

    def employer_record_local(self) -> EmployerRecord:
        return _employer_local(self.area)


def _ticket(ticket: PayTicket | str) -> str:
    code = ticket.ticket if isinstance(ticket, PayTicket) else str(ticket or "")
    if not code:
        raise PaymentError("请先输入申报密码完成安全认证")
    return code


def _account(account: DepositAccount | dict[str, str] | None) -> dict[str, str] | None:
    if account is None:
        return None
    data = account.model_dump() if isinstance(account, DepositAccount) else dict(account)
    out = {k: str(data.get(k) or "").strip() for k in ("bank", "name", "account")}
    if not any(out.values()):
        return None
    if not out["account"]:
        raise PaymentError("请输入缴费人存款账户的账号")
    if not out["bank"]:
        raise PaymentError("请输入缴费人存款账户的开户银行")
    return out


async def _employer_record(area: Area) -> EmployerRecord:
    store = area.store
    kept = store.meta_get("employer_record")
    if kept:
        return EmployerRecord.model_validate(kept)
    try:
        record = EmployerRecord.model_validate((await area.remote().employer_info()).model_dump())
    except OfflineError:
        return _employer_local(area)
    store.meta_set("employer_record", record.model_dump(mode="json"))
    return record


def _employer_local(area: Area) -> EmployerRecord:
    kept = area.store.meta_get("employer_record")
    if kept:
        return EmployerRecord.model_validate(kept)
    return EmployerRecord(uscc=area.uscc, name=area.store.meta_get("name") or "", tax_authority="",
                          tax_branch="", region=area.store.meta_get("region") or "nm")

