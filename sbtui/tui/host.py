"""What a screen may ask of the app that shows it: the :class:`Host` protocol.

:class:`sbtui.tui.app.SbtuiApp` is the host in the shell; the tests' ``ScreenApp`` is one too.
A screen reaches it through ``self.host`` (a typed ``cast`` of ``self.app``, as posting does
with ``cast("Posting", self.app)``) instead of ``self.app.…  # type: ignore``; Textual's own
API (``push_screen``, ``notify`` …) stays on ``self.app``.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.screen import Screen

    from sbtui.sync.progress import SyncResult
    from sbtui.tui.screens.base import SessionState
    from sbtui.workspace import Workspace

T = TypeVar("T")


class Host(Protocol):
    """The app's side of the contract every screen relies on."""

    ws: Workspace  # builds and hands out the service layer (``self.employer`` on a screen)
    session: SessionState  # who is logged in where
    online: bool  # a reactive: watch it to react to going offline / online
    sync_text: str  # the status bar's sync progress

    async def service_ready(self) -> None:
        """Wait until the remote service is built (the embedded sandbox starts in a thread)."""

    def run_in_thread(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        """Run blocking IO off the UI loop, on the app's IO thread."""

    def screen_ready(self, screen: Screen) -> None:
        """The first interactive screen is up (the start-up benchmark's mark)."""

    def note_offline(self) -> None:
        """The service could not be reached: say so in the status bar, keep working locally."""

    def refresh_outbox(self) -> None:
        """Re-read the outbox counts of the status bar."""

    def data_changed(self) -> None:
        """Say that the employer's data changed (a sync, a submit, a payment, a void): the
        screens with ``SHOWS_SHARED_DATA`` re-read it (``data_version``, a reactive, goes up)."""

    def send_queued(self) -> bool:
        """Start sending what the outbox holds (False when offline or already sending)."""

    def after_sync(self, result: SyncResult, *, quiet: bool = False) -> None:
        """Show a sync's outcome."""

    def open_screen(self, screen_id: str) -> None:
        """Open a registered screen by id (the menu, the palette, a quick button)."""
