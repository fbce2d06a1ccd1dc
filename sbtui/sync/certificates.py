"""证明打印 (SPEC C1–C3; issue 13): the pull of the certificates issued. A service without
the route (404: an older one) is skipped."""
from __future__ import annotations

from sbtui.remote.errors import RefusedError
from sbtui.remote.interface import RemoteService
from sbtui.store import Store
from sbtui.sync.progress import ProgressCallback, SyncProgress

CERTIFICATES = "更新完税证明"


async def pull_certificates(store: Store, service: RemoteService, *,
                            progress: ProgressCallback | None = None) -> int:
    """The service's certificates replace the local ones; returns how many."""
    emit = progress or (lambda event: None)
    emit(SyncProgress("payments", 0, 1, CERTIFICATES))
    try:
        count = store.certificates.replace(await service.certificates())
    except RefusedError as exc:
        if exc.status == 404 and exc.code in (None, "not_found", "Not Found"):
            return 0
        raise
    emit(SyncProgress("payments", 1, 1, CERTIFICATES))
    return count
