"""Wage declaration feedback (SPEC W8): ask the service about declarations it has taken and
apply the answers to the local store.

A submitted chunk (``wages.submit`` confirmed) waits for its ``feedback_at``; then
``service.wage_declaration(id)`` is read, and once ``done`` its per-row results are applied
(``store.wage_submissions.apply_feedback``): the grid rows become accepted / refused, the submission
record gets its summary. The accepted wages themselves reach the local registry with the next
pull (the service bumps the employees' ``seq``).
"""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from sbtui import clock
from sbtui.remote.errors import RefusedError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.progress import ProgressCallback, SyncProgress

POLL_SECONDS = 1.0


def _due(feedback_at: str | None, now: datetime) -> bool:
    if not feedback_at:
        return True
    try:
        when = datetime.fromisoformat(feedback_at)
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when <= now


async def fetch_feedback_once(store: Store, service: RemoteService, *, all_pending: bool = False,
                              progress: ProgressCallback | None = None) -> int:
    """Read every declaration whose feedback is due (all pending ones with ``all_pending``) and
    apply those that are done; returns how many were settled. A declaration the service no
    longer knows (404) refuses its rows. Other service errors propagate."""
    emit: ProgressCallback = progress or (lambda event: None)
    now = clock.now()
    due = [d for d, at in store.wage_submissions.pending_feedback() if all_pending or _due(at, now)]
    settled = 0
    for n, declaration_id in enumerate(due):
        emit(SyncProgress("feedback", n, len(due), "获取缴费工资申报反馈"))
        try:
            declaration = await service.wage_declaration(declaration_id)
        except RefusedError as exc:
            if exc.status == 404:
                store.wage_submissions.declaration_lost(declaration_id)
                settled += 1
                continue
            raise
        if declaration.status == "done":
            if store.wage_submissions.apply_feedback(declaration):
                settled += 1
        else:
            store.wage_submissions.feedback_at(declaration_id, declaration.feedback_at.isoformat())
    if due:
        emit(SyncProgress("feedback", len(due), len(due), "获取缴费工资申报反馈"))
    return settled


async def fetch_wage_feedback(store: Store, service: RemoteService, *, wait: bool = False,
                              timeout: float = 60, progress: ProgressCallback | None = None,
                              poll: float = POLL_SECONDS) -> int:
    """Fetch the feedback of the declarations the service has taken; returns how many were
    settled. Without ``wait`` only those whose ``feedback_at`` has passed are read, once.
    With ``wait`` every pending one is polled about every ``poll`` seconds until none is
    pending or ``timeout`` seconds have passed (what ``wages submit --wait`` does after a
    sync has pushed the submission; a chunk still in the outbox is not waited for).

    Run :func:`sbtui.sync.sync` afterwards to pull the accepted wages into the registry."""
    deadline = time.monotonic() + timeout
    settled = await fetch_feedback_once(store, service, all_pending=wait, progress=progress)
    while wait and store.wage_submissions.pending_feedback():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        await asyncio.sleep(min(poll, left))
        settled += await fetch_feedback_once(store, service, all_pending=True, progress=progress)
    return settled
