"""Push: send the outbox to the service, oldest first, each item under its own key.

Per item: ``mark_sent`` (committed) → ``service.perform(kind, payload, key=item.key)`` with the
key made when the item was queued, never a new one. Then:

- an answer → ``store.confirm`` (item confirmed + the returned entity applied, one transaction);
- 409 (the same key still running) → wait with backoff (bounded), send again with the same key;
- 400/404/422 (:class:`RefusedError`, :class:`KeyReusedError`) → item refused with the reason
  (its local change undone), reported, next item;
- offline / 5xx / 409 past the bound → stop pushing; the item stays ``sent`` and is sent again,
  with its key, on the next run (the service then replays its stored answer).

An item found ``sent`` at the start (a crash mid-request) is simply sent again.
"""
from __future__ import annotations

import asyncio
from typing import Any

from sbtui.domain.vocab import OUTBOX_PENDING
from sbtui.remote.errors import ConflictError, OfflineError, RefusedError, ServerError
from sbtui.remote.interface import RemoteService
from sbtui.store import OutboxItem, Store
from sbtui.sync.progress import ProgressCallback, Refusal, SyncProgress, SyncResult


async def push(
    store: Store,
    service: RemoteService,
    result: SyncResult,
    *,
    progress: ProgressCallback,
    conflict_wait: float = 0.25,
    conflict_tries: int = 8,
) -> bool:
    """Send pending outbox items; returns ``False`` when the service could not be reached."""
    done = 0
    while (item := store.outbox.next_pending()) is not None:
        counts = store.outbox.counts()
        total = done + sum(counts[s] for s in OUTBOX_PENDING)
        progress(SyncProgress("push", done, total, f"发送 {item.kind} {item.entity}"))
        try:
            response = await _send(store, service, item, conflict_wait, conflict_tries)
        except RefusedError as exc:
            body = {"code": exc.code, "message": exc.message, "detail": exc.detail}
            store.outbox.mark_refused(item.key, exc.code, exc.message,
                                      {"status": exc.status, "body": body})
            result.refused += 1
            result.refusals.append(Refusal(item.key, item.kind, item.entity, exc.code, exc.message))
            progress(SyncProgress("push", done + 1, total, f"被拒绝：{exc.message}"))
        except OfflineError as exc:
            store.outbox.note_error(item.key, exc.message)
            result.offline = True
            result.error = exc.message
            return False
        except (ServerError, ConflictError) as exc:
            store.outbox.note_error(item.key, exc.message)
            result.error = exc.message
            return True
        except BaseException as exc:  # auth, protocol …: keep the reason, let the caller see it
            if isinstance(exc, Exception):
                store.outbox.note_error(item.key, str(exc))
            raise
        else:
            store.outbox.confirm(item, response)
            result.pushed += 1
        done += 1
    if done:
        progress(SyncProgress("push", done, done, "发送完成"))
    return True


async def _send(store: Store, service: RemoteService, item: OutboxItem,
                conflict_wait: float, conflict_tries: int) -> dict[str, Any]:
    """Send one item, waiting out 409s; every attempt counts in ``attempts``."""
    for attempt in range(conflict_tries + 1):
        store.outbox.mark_sent(item.key)
        try:
            return await service.perform(item.kind, item.payload, key=item.key)
        except ConflictError:
            if attempt == conflict_tries:
                raise
            await asyncio.sleep(min(conflict_wait * 2 ** attempt, 5.0))
    raise AssertionError("unreachable")  # pragma: no cover
