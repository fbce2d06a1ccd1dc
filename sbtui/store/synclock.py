"""One pusher per store across processes (issue 14 finding 5).

Two sbtui processes on one home (a `sync` beside the TUI, two `sync`s) would push the same
outbox items and pull into the same tables at once. :func:`sync_lock` is an exclusive
``flock`` on ``<store>.sync-lock`` held while a process syncs or pushes: a second process
does not wait behind it but is told :data:`BUSY`. Within one process the lock is shared
(re-entrant): the TUI's background sync and a payment sent at once may both push — the outbox
already lets the first answer settle an item and the other sender leave it alone. The kernel
drops the lock when its process dies (a SIGKILL leaves no stale lock).
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sbtui.remote.errors import ConflictError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process exclusion
    fcntl = None  # type: ignore[assignment]

BUSY = "另一个 sbtui 进程正在同步，请稍后再试。"

_guard = threading.Lock()
_held: dict[str, tuple[int, int]] = {}  # lock path → (fd, holders in this process)


class SyncBusy(ConflictError):
    """Another process holds the store's sync lock; ``str()`` is :data:`BUSY`. A
    :class:`~sbtui.remote.errors.ConflictError` (the CLI's exit 5, "try again later"), raised
    before anything is sent."""

    def __init__(self) -> None:
        super().__init__(BUSY, code="local_busy")


@contextlib.contextmanager
def sync_lock(store_path: Path | None) -> Iterator[None]:
    """Hold the sync lock of the store at ``store_path`` (None: an in-memory store, no lock);
    :class:`SyncBusy` at once when another process holds it."""
    if store_path is None or fcntl is None:
        yield
        return
    path = f"{store_path}.sync-lock"
    with _guard:
        if path in _held:
            fd, n = _held[path]
            _held[path] = (fd, n + 1)
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise SyncBusy() from None
            _held[path] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, n = _held[path]
            if n > 1:
                _held[path] = (fd, n - 1)
            else:
                del _held[path]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
