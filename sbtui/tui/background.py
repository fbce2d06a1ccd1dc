"""Work the app does by itself: the service's health every few seconds (offline → online brings
the session back and syncs, SPEC §1), the sync on demand (F7) with its progress in the status
bar, and the outbox counts. Workers only; nothing here blocks the UI loop.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from sbtui.remote.errors import OfflineError, ServiceError, SessionExpired
from sbtui.sync.progress import SyncProgress, SyncResult
from sbtui.tui.strings import shell as S
from sbtui.tui.widgets.status_bar import OutboxCounts

if TYPE_CHECKING:
    from textual.worker import Worker

    from sbtui.tui.app import SbtuiApp

HEALTH_INTERVAL = 10.0  # seconds; $SBTUI_HEALTH_INTERVAL overrides
OUTBOX_INTERVAL = 5.0


class Background:
    """Timers and workers of the app shell."""

    def __init__(self, app: "SbtuiApp", *, health_interval: float | None = None) -> None:
        self.app = app
        env = os.environ.get("SBTUI_HEALTH_INTERVAL")
        self.health_interval = health_interval or (float(env) if env else HEALTH_INTERVAL)
        self._health: Worker | None = None
        # per employer: the outbox items confirmed when the last sync was reported, so that a
        # report counts what a submit sent itself just before (issue 15 item 8)
        self._confirmed_told: dict[str, int] = {}

    def start(self) -> None:
        app = self.app
        self.check_health()
        app.set_interval(self.health_interval, self.check_health)
        app.set_interval(OUTBOX_INTERVAL, self.refresh_outbox)

    # -- health ---------------------------------------------------------------------------
    def check_health(self) -> None:
        """One check at a time: the next one never cuts short a slow one (going back online
        resumes the session over the network, which may take longer than the interval)."""
        if self._health is None or self._health.is_finished:
            self._health = self.app.run_worker(self._check, group="health", exclusive=True)

    async def _check(self) -> None:
        app = self.app
        try:
            await app.service_ready()
            await app.ws.service().health()
        except ServiceError:
            self.went_offline()
            return
        if not app.online:
            app.online = True
            await self._back_online()

    def went_offline(self) -> None:
        app = self.app
        if app.online:
            app.online = False
            if app.session.logged_in:
                app.notify(S.WENT_OFFLINE, severity="warning")

    async def _back_online(self) -> None:
        """The service answers again: resume the session with the kept token, then sync."""
        app = self.app
        session = app.session
        if not session.logged_in:
            return
        if session.offline:
            try:
                resumed = await app.ws.resume_token(session.uscc)
            except ServiceError:
                resumed = None
            if resumed is None:
                app.notify(S.BACK_ONLINE_LOGIN, severity="warning", timeout=10)
                return
            session.offline = False
            session.role = resumed.role
        app.notify(S.BACK_ONLINE)
        self.sync_now()

    # -- sync -----------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.app.session.logged_in:
            self.app.run_worker(self._sync(), group="sync", exclusive=True)

    def _progress(self, event: SyncProgress) -> None:
        total = f"/{event.total}" if event.total else ""
        self.app.sync_text = f"{S.SYNCING} {event.done}{total}"

    async def _sync(self) -> None:
        app = self.app
        if app.session.offline:
            await self._check()
            return
        try:
            result = await app.ws.sync(app.session.uscc, progress=self._progress)
        except SessionExpired as exc:
            app.notify(S.SYNC_FAILED.format(error=exc.message), severity="error")
            return
        except OfflineError:
            self.went_offline()
            return
        except ServiceError as exc:
            app.notify(S.SYNC_FAILED.format(error=exc.message), severity="error")
            return
        finally:
            app.sync_text = ""
        uscc = app.session.uscc
        confirmed = (await app.run_in_thread(self._confirmed, uscc)) if uscc else None
        self.after_sync(result, confirmed=confirmed)

    def _confirmed(self, uscc: str) -> int:
        return OutboxCounts.from_states(self.app.ws.employer(uscc).outbox_counts()).confirmed

    def confirmed_since_told(self, result: SyncResult, confirmed: int | None) -> int:
        """The items confirmed since the last report: the sync's own, and those a submit's
        feedback sent just before (its 同步完成 said 0 right after a submit that sent one)."""
        uscc = self.app.session.uscc
        if confirmed is None or uscc is None:
            return result.pushed
        before = self._confirmed_told.get(uscc)
        self._confirmed_told[uscc] = confirmed
        return result.pushed if before is None else max(result.pushed, confirmed - before)

    def after_sync(self, result: SyncResult, *, quiet: bool = False,
                   confirmed: int | None = None) -> None:
        """Say what a sync did (``quiet``: the caller shows it, e.g. the initialization);
        ``confirmed``: the employer's confirmed outbox items now (:meth:`confirmed_since_told`)."""
        app = self.app
        pushed = self.confirmed_since_told(result, confirmed)
        if result.offline:
            self.went_offline()
            app.notify(S.SYNC_OFFLINE, severity="warning")
        else:
            app.online = True
            if not quiet:
                app.notify(S.SYNC_DONE.format(pushed=pushed, added=result.added,
                                              changed=result.changed, stopped=result.stopped))
        if result.refused:
            app.notify(S.SYNC_REFUSED.format(n=result.refused), severity="error", timeout=10)
        self.refresh_outbox()
        if not result.offline:
            app.data_changed()

    # -- outbox ---------------------------------------------------------------------------
    def refresh_outbox(self) -> None:
        if self.app.session.logged_in:
            self.app.run_worker(self._count, thread=True, group="outbox-count", exclusive=True)

    def _count(self) -> None:
        app = self.app
        uscc = app.session.uscc
        if uscc is None:
            return
        counts = OutboxCounts.from_states(app.ws.employer(uscc).outbox_counts())
        self._confirmed_told.setdefault(uscc, counts.confirmed)  # the first count is the baseline
        app.call_from_thread(setattr, app, "outbox_counts", counts)
