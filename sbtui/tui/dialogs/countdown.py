"""反馈提示: the countdown to an asynchronous feedback (SPEC W8, D7; the manual's 20-second
wait). It fetches by itself when the feedback is due, r fetches now, Esc closes it (the
feedback is still fetched by the next sync).

A subclass says what to fetch (:meth:`CountdownDialog.fetch`, which returns the state with its
``next_feedback_at``) and when it is over (:meth:`CountdownDialog.settled`), and gives its texts.
"""
from __future__ import annotations

import asyncio
from abc import abstractmethod
from datetime import UTC, datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from sbtui import clock
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.abstract import AbstractScreenMeta
from sbtui.tui.strings import common as C


def seconds_until(state: Any) -> float:
    """Seconds to the earliest pending ``feedback_at`` (0 when due; 1 when unknown)."""
    when = getattr(state, "next_feedback_at", None) if state is not None else None
    if not when:
        return 1.0
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - clock.now()).total_seconds())


class CountdownDialog(ModalScreen[Any], metaclass=AbstractScreenMeta):
    BOX_ID = "feedback-box"
    TEXT_ID = "feedback-text"
    TITLE = ""
    FETCH_KEY = ""  # the label of r
    FIRST = ""  # shown before the first answer
    POLLING = ""  # shown when r is pressed
    OFFLINE = ""

    def __init__(self) -> None:
        super().__init__()
        self._wake = asyncio.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id=self.BOX_ID) as box:
            box.border_title = self.TITLE
            box.border_subtitle = f"r {self.FETCH_KEY} · Esc {C.CLOSE}"
            yield Static(self.FIRST, id=self.TEXT_ID)

    def on_mount(self) -> None:
        self.run_worker(self._follow(), exclusive=True, group=self.BOX_ID)

    def say(self, text: str) -> None:
        self.query_one(f"#{self.TEXT_ID}", Static).update(text)

    @abstractmethod
    async def fetch(self) -> Any:
        """Send what is queued and read the feedback that is due; the state it returns has
        ``next_feedback_at``."""

    @abstractmethod
    async def settled(self) -> bool:
        """True when the feedback is in (the subclass has said it or dismissed the dialog)."""

    @abstractmethod
    def waiting(self, seconds: int) -> str:
        """What the dialog says while the feedback is ``seconds`` away."""

    async def _follow(self) -> None:
        while True:
            try:
                state = await self.fetch()
            except OfflineError:
                self.say(self.OFFLINE)
                return
            except ServiceError as exc:
                self.say(str(exc))
                return
            if await self.settled():
                return
            wait = seconds_until(state)
            self.say(self.waiting(max(0, round(wait))))
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(1.0, max(0.2, wait)))
            except TimeoutError:
                pass

    def action_fetch_now(self) -> None:
        self.say(self.POLLING)
        self._wake.set()

    def action_close(self) -> None:
        self.dismiss(None)
