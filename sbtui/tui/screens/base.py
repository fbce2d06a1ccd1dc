"""The base of every sbtui screen: access to the service layer and the session, F1 help and
Esc back, and the screen's actions from the registry.

Contract (for everyone writing screens):
- ``self.ws`` — the :class:`sbtui.workspace.Workspace` (service layer; all IO goes through it,
  always in a worker: ``@work(exclusive=True, group=...)``; never touch widgets from a thread).
- ``self.session`` — the app's :class:`SessionState` (uscc, employer name, unit number, role,
  username, online). Watch ``self.app.online`` (a reactive) to react to going offline/online.
- ``SCREEN_ID`` matches the screen's :class:`ScreenSpec` id; the F1 help shows its spec's help
  and the keys of its actions.
- One ``.tcss`` beside the module (``CSS_PATH``), UI text from ``sbtui.tui.strings``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from sbtui.workspace import Workspace


@dataclass
class SessionState:
    """Who is logged in where (shown in the status bar)."""

    uscc: str | None = None
    employer_name: str | None = None
    unit_number: str | None = None  # the registration worked in (SPEC L6)
    role: str | None = None  # admin / all / pay
    username: str | None = None


class BaseScreen(Screen):
    SCREEN_ID = ""
    BINDINGS = [
        Binding("escape", "app.back", "返回", id="screen.back"),
    ]

    @property
    def ws(self) -> "Workspace":
        return self.app.ws  # type: ignore[attr-defined]

    @property
    def session(self) -> SessionState:
        return self.app.session  # type: ignore[attr-defined]
