"""Push: send the outbox to the service, oldest first, each item under its own key.

Per item: ``mark_sent`` (committed) → ``service.perform(kind, payload, key=item.key)`` with the
key made when the item was queued, never a new one. Then:

- an answer → ``store.confirm`` (item confirmed + the returned entity applied, one transaction);
- 409 (the same key still running) → wait with backoff (bounded), send again with the same key;
- 400/404/422 (:class:`RefusedError`, :class:`KeyReusedError`) → item refused with the reason
  (its local change undone), reported, next item;
- offline / 5xx / 409 past the bound → stop pushing; the item stays ``sent`` and is sent again,
  with its key, on the next run (the service then replays its stored answer).

An item found ``sent`` at the start (a crash mid-request) is simply sent again — except an
item of an :data:`~sbtui.remote.interface.ONLINE_ONLY` kind (a payment, a voucher: money moves,
and the answer depends on the day). For those:

- a ``sent`` item is first looked up by its key (``service.key_outcome``): a stored answer
  confirms it (or refuses it) without sending anything; a key still running is waited for
  like a 409; only a key the service never saw is sent again, with the same key (its payment
  ticket may have expired: then the service refuses it, and the refusal says so plainly);
- a ``queued`` item (never sent: a crash between queueing and sending) is not sent late: it is
  refused here, nothing having been paid;
- :func:`send_now` is how a service sends one at once: an unreachable service drops the item
  before anything is sent (never queued blind); once sent, an item is never dropped — a lost
  reply is resolved by its key, and a key the service has not seen (yet) is sent again under
  the same key.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sbtui.domain.models import KeyOutcome
from sbtui.domain.vocab import OUTBOX_PENDING
from sbtui.remote.errors import ConflictError, OfflineError, RefusedError, ServerError
from sbtui.remote.interface import ONLINE_ONLY, RemoteService
from sbtui.store import OutboxItem, Store
from sbtui.store.synclock import sync_lock
from sbtui.sync.progress import ProgressCallback, Refusal, SyncProgress, SyncResult

OFFLINE_PAY = "当前无法连接服务，缴费需要联网。未扣款，请联网后重试。"
NOT_SENT_IN_TIME = "缴费未在提交时发出，已取消，未扣款。请重新缴费。"
TICKET_EXPIRED = "缴费未完成，未扣款：安全认证已过期，请重新输入申报密码后重新缴费。"
UNKNOWN_RESULT = ("暂时无法确认缴费结果（网络中断）。请勿重复缴费：联网后同步（sbtui sync）"
                  "将按原请求确认结果，不会重复扣款。")


async def push(
    store: Store,
    service: RemoteService,
    result: SyncResult,
    *,
    progress: ProgressCallback,
    conflict_wait: float = 0.25,
    conflict_tries: int = 8,
) -> bool:
    """Send pending outbox items; returns ``False`` when the service could not be reached.
    Another process pushing this store → :class:`~sbtui.store.synclock.SyncBusy` before
    anything is sent (issue 14 finding 5)."""
    with sync_lock(store.path):
        return await _push(store, service, result, progress=progress,
                           conflict_wait=conflict_wait, conflict_tries=conflict_tries)


async def _push(store: Store, service: RemoteService, result: SyncResult, *,
                progress: ProgressCallback, conflict_wait: float, conflict_tries: int) -> bool:
    done = 0
    while (item := store.outbox.next_pending()) is not None:
        counts = store.outbox.counts()
        total = done + sum(counts[s] for s in OUTBOX_PENDING)
        progress(SyncProgress("push", done, total, f"发送 {item.kind} {item.entity}"))
        try:
            response = await _deliver(store, service, item, conflict_wait, conflict_tries)
        except RefusedError as exc:
            if _settled(store, item.key):  # answered meanwhile by another sender (send_now)
                continue
            message = _refuse(store, item, exc)
            if message is None:  # settled by another sender as this one refused it
                continue
            result.refused += 1
            result.refusals.append(Refusal(item.key, item.kind, item.entity, exc.code, message))
            progress(SyncProgress("push", done + 1, total, f"被拒绝：{message}"))
        except OfflineError as exc:
            _note(store, item.key, exc.message)
            result.offline = True
            result.error = exc.message
            return False
        except (ServerError, ConflictError) as exc:
            _note(store, item.key, exc.message)
            result.error = exc.message
            return True
        except BaseException as exc:  # auth, protocol …: keep the reason, let the caller see it
            if isinstance(exc, Exception):
                _note(store, item.key, str(exc))
            raise
        else:
            if _settled(store, item.key) or not _settle(store, item.key,
                                                        lambda: store.outbox.confirm(item, response)):
                continue
            result.pushed += 1
        done += 1
    if done:
        progress(SyncProgress("push", done, done, "发送完成"))
    return True


def _settled(store: Store, key: str) -> bool:
    """Was ``key`` answered while this sender awaited the service? (The TUI's background sync
    and a payment being sent at once may both be waiting for the same ONLINE_ONLY item: the
    first answer settles it, the other sender leaves it alone.)"""
    item = store.outbox.get(key)
    return item is None or not item.pending


def _settle(store: Store, key: str, apply: Callable[[], Any]) -> bool:
    """Apply a change of ``key``'s state unless another sender — in this process or another
    one on the same home — settled it first (between our check and our write): the later
    sender accepts the settled state instead of failing with "is confirmed, not queued or
    sent" (issue 14 finding 5). False when it was settled already."""
    try:
        apply()
    except ValueError:
        if _settled(store, key):
            return False
        raise
    return True


def _note(store: Store, key: str, message: str) -> None:
    if not _settled(store, key):
        _settle(store, key, lambda: store.outbox.note_error(key, message))


def _refuse(store: Store, item: OutboxItem, exc: RefusedError) -> str | None:
    """Refuse ``item`` for good with the service's reason; returns the message kept (None:
    another sender settled it first)."""
    message = exc.message
    if item.kind in ONLINE_ONLY and exc.code == "ticket_invalid":
        message = TICKET_EXPIRED
    body = {"code": exc.code, "message": message, "detail": exc.detail}
    if not _settle(store, item.key, lambda: store.outbox.mark_refused(
            item.key, exc.code, message, {"status": exc.status, "body": body})):
        return None
    return message


async def _deliver(store: Store, service: RemoteService, item: OutboxItem,
                   conflict_wait: float, conflict_tries: int) -> dict[str, Any]:
    """The service's answer to ``item``: sent (again), or for an ONLINE_ONLY kind first looked
    up by its key (see the module's docstring). Raises like :func:`_send`."""
    if item.kind in ONLINE_ONLY:
        if item.state == "queued" and item.attempts == 0:
            raise RefusedError(NOT_SENT_IN_TIME, code="not_sent", status=400)
        if item.state == "sent":
            found = await _outcome(service, item.key, conflict_wait, conflict_tries)
            if found is not None:
                return answer_of(found)
    return await _send(store, service, item, conflict_wait, conflict_tries)


async def _outcome(service: RemoteService, key: str, conflict_wait: float,
                   conflict_tries: int) -> KeyOutcome | None:
    """The service's record of ``key`` once it is no longer running (ConflictError past the
    bound); ``None`` when it never saw it."""
    for attempt in range(conflict_tries + 1):
        found = await service.key_outcome(key)
        if found is None or found.state == "completed":
            return found
        if attempt < conflict_tries:
            await asyncio.sleep(min(conflict_wait * 2 ** attempt, 5.0))
    raise ConflictError("该操作正在处理中，请稍候", code="idempotency_in_progress", status=409)


def answer_of(found: KeyOutcome) -> dict[str, Any]:
    """A completed key's stored answer as :meth:`RemoteService.perform` gives it; a stored
    refusal raises :class:`RefusedError` (400/404/422) like the live one did."""
    status = found.status_code or 0
    body = found.response
    if 200 <= status < 300:
        return {"status": status, "body": body, "replayed": True}
    if 400 <= status < 500 and status not in (401, 403, 409, 410, 423, 429):
        info = body if isinstance(body, dict) else {}
        detail = info.get("detail")
        raise RefusedError(str(info.get("message") or f"服务拒绝了请求（HTTP {status}）"),
                           code=info.get("code"), status=status,
                           detail=detail if isinstance(detail, dict) else None)
    raise ServerError(f"服务暂时不可用（HTTP {status}），请稍后再试", status=status)


async def send_now(store: Store, service: RemoteService, queue: Callable[[], str], *,
                   conflict_wait: float = 0.25, conflict_tries: int = 8) -> OutboxItem:
    """Queue one ONLINE_ONLY item (``queue()`` enqueues it and returns its key) and send it at
    once; returns it settled: ``confirmed`` (the answer in ``response``) or ``refused`` (the
    service's message: :meth:`Outbox.refusal`).

    The service unreachable → nothing is queued, :class:`OfflineError` (:data:`OFFLINE_PAY`).
    A lost reply is resolved by the key at once: a stored answer settles the item; a key the
    service has not seen (the request may still be on its way) is sent again under the same key;
    when neither works the item stays ``sent`` (the next push resolves it by its key, never
    paying twice) and :class:`OfflineError` (:data:`UNKNOWN_RESULT`) is raised. Other errors (auth, 5xx) leave
    the item ``sent`` and propagate."""
    try:
        await service.health()
    except OfflineError as exc:
        raise OfflineError(OFFLINE_PAY, code="offline") from exc
    with store.db.atomic():  # queued and claimed (sent) in one transaction: no push, in this
        key = queue()  # process or another, ever sees it queued (issue 14 finding 5)
        store.outbox.mark_sent(key)
    item = store.outbox.get(key)
    if item is None:
        raise KeyError(key)
    try:
        response = await _send(store, service, item, conflict_wait, conflict_tries, claimed=True)
    except RefusedError as exc:
        if not _settled(store, key):
            _refuse(store, item, exc)
        return store.outbox.get(key)  # type: ignore[return-value]
    except OfflineError as exc:
        if _settled(store, key):  # a concurrent push resolved it by its key meanwhile
            return store.outbox.get(key)  # type: ignore[return-value]
        store.outbox.note_error(key, exc.message)
        try:
            found = await service.key_outcome(key)
        except (OfflineError, ConflictError, ServerError):
            raise OfflineError(UNKNOWN_RESULT, code="unknown_result", detail={"key": key}) from exc
        try:
            if found is None:
                # Not seen *yet*: the lost request may still be on its way, so the item is
                # never dropped here (that would lose the key of a debit that may still land);
                # it is sent again under the same key — the service applies one of the two.
                response = await _send(store, service, item, conflict_wait, conflict_tries)
            elif found.state != "completed":
                raise OfflineError(UNKNOWN_RESULT, code="unknown_result", detail={"key": key})
            else:
                response = answer_of(found)
        except RefusedError as refusal:
            if not _settled(store, key):
                _refuse(store, item, refusal)
            return store.outbox.get(key)  # type: ignore[return-value]
        except (OfflineError, ConflictError, ServerError) as again:
            if _settled(store, key):
                return store.outbox.get(key)  # type: ignore[return-value]
            raise OfflineError(UNKNOWN_RESULT, code="unknown_result", detail={"key": key}) from again
    if not _settled(store, key):
        _settle(store, key, lambda: store.outbox.confirm(item, response))
    return store.outbox.get(key)  # type: ignore[return-value]


async def _send(store: Store, service: RemoteService, item: OutboxItem,
                conflict_wait: float, conflict_tries: int, *, claimed: bool = False) -> dict[str, Any]:
    """Send one item, waiting out 409s; every attempt counts in ``attempts`` (``claimed``: the
    first one was counted when the item was queued). ``{}`` when another sender settled the
    item while this one waited."""
    for attempt in range(conflict_tries + 1):
        if attempt and _settled(store, item.key):  # answered by another sender meanwhile
            return {}
        if attempt == 0 and claimed:
            pass
        elif not _settle(store, item.key, lambda: store.outbox.mark_sent(item.key)):
            return {}  # settled by another sender (another process) before this one sent it
        try:
            return await service.perform(item.kind, item.payload, key=item.key)
        except ConflictError:
            if attempt == conflict_tries:
                raise
            await asyncio.sleep(min(conflict_wait * 2 ** attempt, 5.0))
    raise AssertionError("unreachable")  # pragma: no cover
