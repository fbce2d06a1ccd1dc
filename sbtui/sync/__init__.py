"""Sync between the local store and the service: push the outbox, fetch the due feedback of
wage and fee declarations, then pull.

``await sync(store, service)`` is what the CLI's ``sync`` command and the TUI's initialization
step (SPEC L5) run. See :mod:`sbtui.sync.push`, :mod:`sbtui.sync.feedback` and
:mod:`sbtui.sync.pull` for the rules.
"""
from __future__ import annotations

from sbtui import clock
from sbtui.remote.errors import OfflineError, ProtocolError, ServerError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.store.synclock import sync_lock
from sbtui.sync.declarations import (
    fetch_declaration_feedback,
    fetch_declaration_feedback_once,
    pull_declarations,
)
from sbtui.sync.dues import pull_dues
from sbtui.sync.certificates import pull_certificates
from sbtui.sync.payments import fetch_agreement_feedback_once, pull_agreements, pull_payments
from sbtui.sync.feedback import fetch_feedback_once, fetch_wage_feedback
from sbtui.sync.progress import ProgressCallback, Refusal, SyncProgress, SyncResult
from sbtui.sync.pull import pull
from sbtui.sync.push import push
from sbtui.sync.refunds import pull_refunds

__all__ = ["Refusal", "SyncProgress", "SyncResult", "fetch_declaration_feedback", "fetch_wage_feedback",
           "sync"]


async def sync(
    store: Store,
    service: RemoteService,
    *,
    full: bool = False,
    progress: ProgressCallback | None = None,
    page_size: int = 2000,
    conflict_wait: float = 0.25,
    conflict_tries: int = 8,
    payments_only: bool = False,
) -> SyncResult:
    """Push the outbox, fetch the feedback of wage and fee declarations whose ``feedback_at``
    has passed (``result.wage_feedback`` / ``result.declaration_feedback`` count those
    settled), then pull (full the first time, when ``full`` or when the service asks for it;
    incremental otherwise) — which brings the accepted wages —, the dues lines
    (:mod:`sbtui.sync.dues`), the declaration records, projects and credits
    (:mod:`sbtui.sync.declarations`) and last the pay list, payments, vouchers, deposit
    accounts and three-party agreements (:mod:`sbtui.sync.payments`; the verifications due
    are read with the feedback).

    Unreachable service → the result has ``offline=True`` (no exception). Refused outbox items
    are in ``result.refusals``. Other service errors (session expired, protocol, a 5xx during
    the pull …) raise; everything committed so far stays, and the next run goes on from there.
    An exception raised by ``progress`` stops the sync the same way.

    ``payments_only`` (a 缴费 sub-user, SPEC P5: the service refuses it everything else): push,
    the agreements' verifications, then only the pay list, payments, vouchers, accounts and
    agreements.

    Another process syncing or pushing this store → :class:`~sbtui.store.synclock.SyncBusy`
    (a ConflictError: "另一个 sbtui 进程正在同步…") before anything is sent or pulled."""
    with sync_lock(store.path):  # one process syncs a store at a time (issue 14 finding 5)
        return await _sync(store, service, full=full, progress=progress, page_size=page_size,
                           conflict_wait=conflict_wait, conflict_tries=conflict_tries,
                           payments_only=payments_only)


async def _sync(store: Store, service: RemoteService, *, full: bool, progress: ProgressCallback | None,
                page_size: int, conflict_wait: float, conflict_tries: int,
                payments_only: bool) -> SyncResult:
    emit: ProgressCallback = progress or (lambda event: None)
    result = SyncResult()
    online = await push(store, service, result, progress=emit,
                        conflict_wait=conflict_wait, conflict_tries=conflict_tries)
    if online and payments_only:
        try:
            result.agreement_feedback = len(await fetch_agreement_feedback_once(store, service, progress=emit))
            await pull_payments(store, service, progress=emit)
            await pull_agreements(store, service, progress=emit)
            # no certificates, no refunds: not §7, the service refuses a 缴费 user them (P5)
        except OfflineError as exc:
            result.offline = True
            result.error = exc.message
        else:
            store.sync_set("last_sync_at", clock.now().isoformat(timespec="seconds"))
        result.total = store.registry.employee_count()
        return result
    if online:
        try:
            try:
                result.wage_feedback = await fetch_feedback_once(store, service, progress=emit)
                settled = await fetch_declaration_feedback_once(store, service, progress=emit)
                result.declaration_feedback = len(settled)
                result.agreement_feedback = len(await fetch_agreement_feedback_once(store, service, progress=emit))
            except (ServerError, ProtocolError) as exc:  # feedback can wait; the pull need not
                result.error = exc.message
            await pull(store, service, result, full=full, progress=emit, page_size=page_size)
            await pull_dues(store, service, progress=emit)  # after the registry (SPEC D1)
            await pull_declarations(store, service, progress=emit)  # after the dues (SPEC D8)
            try:  # after the declarations (SPEC P1, A1); the rest of the sync does not wait on them
                await pull_payments(store, service, progress=emit)
                await pull_agreements(store, service, progress=emit)
                await pull_certificates(store, service, progress=emit)
                await pull_refunds(store, service, progress=emit)  # takes the due decisions (R3)
            except (ServerError, ProtocolError) as exc:
                result.error = exc.message
        except OfflineError as exc:
            result.offline = True
            result.error = exc.message
        else:
            store.sync_set("last_sync_at", clock.now().isoformat(timespec="seconds"))
    result.total = store.registry.employee_count()
    return result
