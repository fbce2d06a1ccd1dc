"""Pull step: the dues lines (SPEC D1, D2, D11), after the registry pull.

The service's whole list (tax-generated and collection lines) replaces the local ``dues`` table
in one transaction, so the 日常申报 list opens offline from the store.
"""
from __future__ import annotations

from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.progress import ProgressCallback, SyncProgress

MESSAGE = "更新应缴费信息"


async def pull_dues(store: Store, service: RemoteService, *,
                    progress: ProgressCallback | None = None) -> int:
    """Replace the local dues lines; returns their count."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("dues", 0, 1, MESSAGE))
    count = store.dues.replace(await service.dues())
    emit(SyncProgress("dues", 1, 1, MESSAGE))
    return count
