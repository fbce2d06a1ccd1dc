"""The base of every sbtui screen: access to the service layer and the session, F1 help and
Esc back, and the screen's actions from the registry.

Contract (for everyone writing screens):
- ``self.employer`` — the menu areas of the employer worked in (``self.employer.wages`` …,
  :mod:`sbtui.services`): all data and IO go through them, always in a worker
  (``@work(exclusive=True, group=...)``; never touch widgets from a thread). ``self.ws`` — the
  :class:`sbtui.workspace.Workspace` that hands them out (login, employers, settings).
- ``self.session`` — the app's :class:`SessionState` (uscc, employer name, unit number, role,
  username, online). Watch ``self.app.online`` (a reactive) to react to going offline/online.
- ``SCREEN_ID`` matches the screen's :class:`ScreenSpec` id; the F1 help shows its spec's help
  and the keys of its actions. A screen that is not in the menu (the login steps) gives its F1
  text in ``TITLE`` / ``HELP``.
- One ``.tcss`` beside the module (``CSS_PATH``), UI text from ``sbtui.tui.strings``.
- The status bar (and a Footer, when the screen composes none) are added for you.
- Esc calls :meth:`go_back`: pop this screen (never the last one). A step of a flow that was
  pushed for a result overrides it to ``self.dismiss(None)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:
    from sbtui.services import Employer
    from sbtui.tui.host import Host
    from sbtui.workspace import Workspace


@dataclass
class SessionState:
    """Who is logged in where (shown in the status bar)."""

    uscc: str | None = None
    employer_name: str | None = None
    unit_number: str | None = None  # the registration worked in (SPEC L6)
    role: str | None = None  # admin / all / pay
    username: str | None = None
    offline: bool = False  # entered with local data only (离线使用): no service session yet

    @property
    def logged_in(self) -> bool:
        return self.uscc is not None


class BaseScreen(Screen):
    SCREEN_ID = ""
    TITLE = ""  # F1 title of a screen without a registry spec
    HELP = ""  # F1 text of a screen without a registry spec
    BINDINGS = [
        Binding("escape", "app.back", "返回", id="screen.back"),
    ]

    @property
    def host(self) -> "Host":
        """The app, typed as what a screen may ask of it (:class:`sbtui.tui.host.Host`)."""
        return cast("Host", self.app)

    @property
    def ws(self) -> "Workspace":
        return self.host.ws

    @property
    def employer(self) -> "Employer":
        """The menu areas of the employer worked in (:mod:`sbtui.services`): what a screen
        calls for its data and its actions."""
        assert self.session.uscc is not None, "no employer: the screen is shown before login"
        return self.ws.employer(self.session.uscc)

    @property
    def session(self) -> SessionState:
        return self.host.session

    LIST = ""  # the screen's list, when it has query fields above it (a selector)

    # -- shared data (issue 15 item 1) ------------------------------------------------------
    SHOWS_SHARED_DATA: ClassVar[bool] = False
    """True on a screen that shows what another screen or a sync changes (首页's to-do, the
    declaration and payment lists): when the host says :meth:`~sbtui.tui.host.Host.data_changed`
    it re-reads (its ``load`` worker) — at once if shown, else when shown again."""
    _data_seen = 0

    @on(events.Mount)
    def _follow_shared_data(self) -> None:
        if self.SHOWS_SHARED_DATA and hasattr(self.app, "data_version"):
            self._data_seen = self.app.data_version
            self.watch(self.app, "data_version", self._shared_data_changed, init=False)

    def _shared_data_changed(self, version: int) -> None:
        if self.in_view():  # else (under another screen): when resumed
            self._data_seen = version
            self.load()  # type: ignore[attr-defined]

    def in_view(self) -> bool:
        """Shown: the top screen, or seen behind the dialogs over it — a feedback that says
        全部申报成功 has the list behind it re-read, not still 待发送 (issue 15 item 8)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(isinstance(s, ModalScreen) for s in stack[stack.index(self) + 1:])

    @on(events.ScreenResume)
    def _reread_when_stale(self) -> None:
        version = getattr(self.app, "data_version", self._data_seen)
        if self.SHOWS_SHARED_DATA and version != self._data_seen:
            self._data_seen = version
            self.load()  # type: ignore[attr-defined]

    def go_back(self) -> None:
        """Esc: from a query field back to the screen's :attr:`LIST`; from the list (or on a
        screen without one) back to the screen below (the base screen of the stack stays)."""
        if self.LIST:
            main = self.query_one(self.LIST)
            if self.focused is not main:
                main.focus()
                return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def _extend_compose(self, widgets: list[Widget]) -> None:
        super()._extend_compose(widgets)
        from sbtui.tui.widgets.status_bar import BottomBar, StatusBar

        if any(isinstance(w, (StatusBar, BottomBar)) for w in widgets):
            return
        footer = next((w for w in widgets if isinstance(w, Footer)), None)
        if footer is not None:
            widgets.remove(footer)
        widgets.append(BottomBar(footer))
