"""Progress of long work (an export, an import) in a worker thread, with Esc to cancel.

The worker calls :meth:`Progressing.report` (thread-safe; it hands the numbers to the UI loop)
and checks nothing itself: a cancelled run makes ``report`` raise :class:`Cancelled`, which
unwinds the work (the writers write to a temporary file, so nothing half-written is left).
"""
from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import employees as S


class Cancelled(Exception):
    """The user pressed Esc."""


class Progressing(ModalScreen[None]):
    """A modal progress bar; dismissed by the caller when the work is over."""

    CSS_PATH = "progress.tcss"
    BINDINGS = [keyed("progress", "cancel", "escape", "cancel", C.CANCEL, show=False)]

    def __init__(self, message: str, *, title: str = "") -> None:
        super().__init__()
        self.message = message
        self.title_text = title
        self.cancelled = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-box") as box:
            box.border_title = self.title_text or C.APP_TITLE
            box.border_subtitle = S.PROGRESS_HINT
            yield Static(self.message, id="progress-message")
            yield ProgressBar(total=None, id="progress-bar", show_eta=False)

    def report(self, done: int, total: int) -> None:
        """(From the worker thread.)"""
        if self.cancelled.is_set():
            raise Cancelled()
        self.app.call_from_thread(self._show, done, total)

    def _show(self, done: int, total: int) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=done)

    def action_cancel(self) -> None:
        self.cancelled.set()
        self.query_one("#progress-message", Static).update(S.CANCELLED)
