"""单位退费申请管理 (SPEC R1–R3; issue 13): the pull of the refund applications. Reading them
is what makes the service take the decisions that are due (受理中 → 核验通过 / 核验不通过 →
已退库). A service without the route (404: an older one) is skipped."""
from __future__ import annotations

from sbtui.remote.errors import RefusedError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.progress import ProgressCallback, SyncProgress

REFUNDS = "更新退费申请"


async def pull_refunds(store: Store, service: RemoteService, *,
                       progress: ProgressCallback | None = None) -> int:
    """The service's refund applications replace the local ones; returns how many."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("payments", 0, 1, REFUNDS))
    try:
        count = store.refunds.replace(await service.refunds())
    except RefusedError as exc:
        if exc.status == 404 and exc.code in (None, "not_found", "Not Found"):
            return 0
        raise
    emit(SyncProgress("payments", 1, 1, REFUNDS))
    return count
