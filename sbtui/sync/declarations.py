"""Fee declarations (SPEC D5–D10): the feedback of the declarations the service has taken,
and the pull of the records, the linked projects and the credit balances.

A declaration is *settled* once the service's status is no longer 申报中 / 作废中 (the service
decides when it is read after its ``feedback_at``, like the wage declarations). The service's
version replaces the local row (``store.declarations.put``), and the local dues lines follow.
"""
from __future__ import annotations

import asyncio
import time

from sbtui import clock
from sbtui.domain.vocab import DECLARATION_UNSETTLED
from sbtui.remote.errors import RefusedError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.feedback import POLL_SECONDS, _due
from sbtui.sync.progress import ProgressCallback, SyncProgress

UNSETTLED = DECLARATION_UNSETTLED
FEEDBACK = "获取社保费申报反馈"
RECORDS = "更新申报记录"


async def fetch_declaration_feedback_once(store: Store, service: RemoteService, *,
                                          all_pending: bool = False,
                                          progress: ProgressCallback | None = None) -> list[str]:
    """Read every declaration whose feedback is due (every one waiting, with ``all_pending``)
    and store what the service says; returns the ids settled. A declaration the service no
    longer knows (404) is 申报失败. Other service errors propagate."""
    emit: ProgressCallback = progress or (lambda event: None)
    now = clock.now()
    due = [i for i, at in store.declarations.awaiting() if all_pending or _due(at, now)]
    settled: list[str] = []
    for n, ident in enumerate(due):
        emit(SyncProgress("feedback", n, len(due), FEEDBACK))
        try:
            declaration = await service.declaration(ident)
        except RefusedError as exc:
            if exc.status == 404:
                store.declarations.lost(ident)
                settled.append(ident)
                continue
            raise
        store.declarations.put(declaration)
        if declaration.status not in UNSETTLED:
            settled.append(ident)
    if due:
        emit(SyncProgress("feedback", len(due), len(due), FEEDBACK))
    return settled


async def fetch_declaration_feedback(store: Store, service: RemoteService, *, wait: bool = False,
                                     timeout: float = 60, poll: float = POLL_SECONDS,
                                     progress: ProgressCallback | None = None) -> list[str]:
    """The feedback of the declarations waiting; without ``wait`` only those due, once; with
    ``wait`` every one is polled about every ``poll`` seconds until none waits or ``timeout``
    seconds have passed. Returns the ids settled."""
    deadline = time.monotonic() + timeout
    settled = await fetch_declaration_feedback_once(store, service, all_pending=wait, progress=progress)
    while wait and store.declarations.awaiting():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        await asyncio.sleep(min(poll, left))
        settled += await fetch_declaration_feedback_once(store, service, all_pending=True,
                                                         progress=progress)
    return settled


async def pull_declarations(store: Store, service: RemoteService, *,
                            progress: ProgressCallback | None = None) -> int:
    """The service's declaration records (list: no lines; the lines known here are kept),
    linked projects and credit balances; returns how many records."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("declarations", 0, 3, RECORDS))
    records = await service.declarations()
    with store.db.atomic():
        for declaration in records:
            store.declarations.put(declaration)
    emit(SyncProgress("declarations", 1, 3, RECORDS))
    store.projects.replace(await service.projects())
    emit(SyncProgress("declarations", 2, 3, RECORDS))
    store.declarations.replace_credits(await service.credits())
    emit(SyncProgress("declarations", 3, 3, RECORDS))
    return len(records)
