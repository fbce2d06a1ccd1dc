"""费款缴纳 and 三方协议 (SPEC P1–P4, A1; issue 12): the pulls of the pay list, payments,
vouchers, deposit accounts and agreements, and the agreements' verification feedback.

An agreement is *verifying* (验证中) once its verify was taken; the bank's answer is decided
when it is read after its ``verify_at`` (like the declarations' feedback): 验证通过, or
验证失败 with the reason. A service without these routes (404: an older one) is skipped.
"""
from __future__ import annotations

import asyncio
import time

from sbtui import clock
from sbtui.domain.vocab import AgreementStatus
from sbtui.remote.errors import RefusedError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.feedback import POLL_SECONDS, _due
from sbtui.sync.progress import ProgressCallback, SyncProgress

PAY = "更新缴费信息"
AGREEMENTS = "更新三方协议"
VERIFY = "获取三方协议验证结果"


def _missing(exc: RefusedError) -> bool:
    return exc.status == 404 and exc.code in (None, "not_found", "Not Found")


async def pull_pay_list(store: Store, service: RemoteService) -> int:
    """The service's pay list replaces the local one; returns its length."""
    return store.payments.replace_pay_list(await service.pay_list())


async def pull_payments(store: Store, service: RemoteService, *,
                        progress: ProgressCallback | None = None) -> int:
    """The pay list, the payments, the vouchers and the deposit accounts; returns the number
    of pay lines (0 from a service without payments)."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("payments", 0, 4, PAY))
    try:
        count = await pull_pay_list(store, service)
    except RefusedError as exc:
        if _missing(exc):
            return 0
        raise
    emit(SyncProgress("payments", 1, 4, PAY))
    store.payments.replace_payments(await service.payments())
    emit(SyncProgress("payments", 2, 4, PAY))
    store.payments.replace_vouchers(await service.vouchers())
    emit(SyncProgress("payments", 3, 4, PAY))
    store.payments.replace_accounts(await service.deposit_accounts())
    emit(SyncProgress("payments", 4, 4, PAY))
    return count


async def pull_agreements(store: Store, service: RemoteService, *,
                          progress: ProgressCallback | None = None) -> int:
    """The service's agreements (reading them answers the verifications due)."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("payments", 0, 1, AGREEMENTS))
    try:
        items = await service.agreements()
    except RefusedError as exc:
        if _missing(exc):
            return 0
        raise
    count = store.agreements.replace(items)
    emit(SyncProgress("payments", 1, 1, AGREEMENTS))
    return count


async def fetch_agreement_feedback_once(store: Store, service: RemoteService, *, all_pending: bool = False,
                                        progress: ProgressCallback | None = None) -> list[str]:
    """Read every agreement whose verification is due (every one 验证中 with ``all_pending``);
    returns the ids settled (验证通过 / 验证失败). One the service no longer knows (404) goes."""
    emit = progress or (lambda event: None)
    now = clock.now()
    due = [i for i, at in store.agreements.awaiting() if all_pending or _due(at, now)]
    settled: list[str] = []
    for n, ident in enumerate(due):
        emit(SyncProgress("feedback", n, len(due), VERIFY))
        try:
            agreement = await service.agreement(ident)
        except RefusedError as exc:
            if exc.status == 404:
                store.agreements.lost(ident)
                settled.append(ident)
                continue
            raise
        store.agreements.put(agreement)
        if agreement.status != AgreementStatus.VERIFYING:
            settled.append(ident)
    if due:
        emit(SyncProgress("feedback", len(due), len(due), VERIFY))
    return settled


async def fetch_agreement_feedback(store: Store, service: RemoteService, *, wait: bool = False,
                                   timeout: float = 60, poll: float = POLL_SECONDS,
                                   progress: ProgressCallback | None = None) -> list[str]:
    """The verification results; without ``wait`` those due, once; with ``wait`` polled
    until none is 验证中 or ``timeout`` seconds have passed. Returns the ids settled."""
    deadline = time.monotonic() + timeout
    settled = await fetch_agreement_feedback_once(store, service, all_pending=wait, progress=progress)
    while wait and store.agreements.awaiting():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        await asyncio.sleep(min(poll, left))
        settled += await fetch_agreement_feedback_once(store, service, all_pending=True, progress=progress)
    return settled
