"""Pull: groups, unit registrations and the employee registry from the service.

**Full download** (first time, ``full=True``, or after :class:`ResyncRequired`): registry pages
in id order; each page's upsert, its reconcile and ``sync_state.full_after`` (plus the first
page's cursor as ``full_cursor``) are committed in one transaction, so a killed pull resumes
after the last committed page. Then the changes since ``full_cursor``; then ``cursor`` is set
and the ``full_*`` keys are cleared.

**Reconcile rule**: a local employee that a full download does not return is deleted (the
service no longer has it; stopped employees are still returned, with status ``stopped``). It is
done page by page over the id range each page covers, so it survives a resume. Rows with a
pending local change are never deleted or overwritten by a pull.

**Incremental**: ``changes?since=cursor`` pages, each page and the new cursor in one transaction.
"""
from __future__ import annotations

import asyncio

from sbtui import clock
from sbtui.remote.errors import ResyncRequired
from sbtui.remote.interface import RemoteService
from sbtui.store import Counts, Store
from sbtui.sync.progress import ProgressCallback, SyncProgress, SyncResult

FULL_KEYS = ("full_phase", "full_after", "full_cursor", "full_done")


def _now() -> str:
    return clock.now().isoformat(timespec="seconds")


def _add(result: SyncResult, counts: Counts) -> None:
    result.added += counts.added
    result.changed += counts.changed
    result.stopped += counts.stopped


async def pull(store: Store, service: RemoteService, result: SyncResult, *, full: bool,
               progress: ProgressCallback, page_size: int = 2000) -> None:
    """Refresh groups and registrations, then the registry (full or incremental)."""
    progress(SyncProgress("groups", 0, 2, "更新分组和单位参保信息"))
    store.groups.replace(await service.groups())
    progress(SyncProgress("groups", 1, 2, "更新分组和单位参保信息"))
    store.registry.replace_registrations(await service.registrations())
    progress(SyncProgress("groups", 2, 2, "更新分组和单位参保信息"))

    cursor = store.sync_get("cursor")
    if not (full or cursor is None or store.sync_get("full_phase")):
        try:
            await _changes(store, service, result, cursor, "cursor", progress, page_size)
            return
        except ResyncRequired:
            _clear_full(store)  # the cursor is too old: start a fresh full download
    await _full(store, service, result, progress, page_size)


async def _full(store: Store, service: RemoteService, result: SyncResult,
                progress: ProgressCallback, page_size: int) -> None:
    """A full download, resumed if one was interrupted; restarted once on 410."""
    result.full = True
    try:
        await _full_once(store, service, result, progress, page_size)
    except ResyncRequired:
        _clear_full(store)
        await _full_once(store, service, result, progress, page_size)


async def _full_once(store: Store, service: RemoteService, result: SyncResult,
                     progress: ProgressCallback, page_size: int) -> None:
    if store.sync_get("full_phase") is None:
        with store.db.atomic():
            _clear_full(store)
            store.sync_set("full_phase", "pages")
    if store.sync_get("full_phase") == "pages":
        after = store.sync_get("full_after")
        done = store.sync_get("full_done", 0)
        # The next page is fetched while this one is written: the server (another process, or
        # the in-process sandbox's thread) builds it while the client validates and commits.
        fetch = asyncio.ensure_future(service.employees_page(after=after, limit=page_size))
        try:
            while True:
                page = await fetch
                last = page.next_after is None or page.next_after == after
                if not last:
                    fetch = asyncio.ensure_future(service.employees_page(after=page.next_after, limit=page_size))
                    for _ in range(8):  # let the request go out before the CPU-bound write
                        await asyncio.sleep(0)
                with store.db.atomic():
                    counts = store.registry.upsert_employees(page.items)
                    result.removed += store.registry.remove_missing([e["id"] for e in page.items],
                                                           after=after, upto=page.next_after)
                    if store.sync_get("full_cursor") is None:
                        store.sync_set("full_cursor", page.cursor)
                    done += len(page.items)
                    store.sync_set("full_done", done)
                    store.sync_set("full_after", page.next_after)
                    if page.next_after is None:
                        store.sync_set("full_phase", "changes")
                _add(result, counts)
                progress(SyncProgress("full", done, max(page.total, done), "全量下载职工信息"))
                if last:
                    break
                after = page.next_after
        finally:
            if not fetch.done():
                fetch.cancel()
    await _changes(store, service, result, store.sync_get("full_cursor"), "full_cursor",
                   progress, page_size)
    with store.db.atomic():
        store.sync_set("cursor", store.sync_get("full_cursor"))
        _clear_full(store)
        store.sync_set("last_full_at", _now())


async def _changes(store: Store, service: RemoteService, result: SyncResult, since: int,
                   state_key: str, progress: ProgressCallback, page_size: int) -> None:
    """Pull changes since ``since``; each page and its cursor (``state_key``) in one commit."""
    done = 0
    cursor = since
    while True:
        page = await service.employee_changes(since=cursor, limit=page_size)
        with store.db.atomic():
            counts = store.registry.upsert_employees(page.items)
            store.sync_set(state_key, page.cursor)
        _add(result, counts)
        done += len(page.items)
        progress(SyncProgress("changes", done, None, "下载职工变动信息"))
        if not page.has_more or page.cursor == cursor:
            break
        cursor = page.cursor


def _clear_full(store: Store) -> None:
    with store.db.atomic():
        for key in FULL_KEYS:
            store.sync_set(key, None)
