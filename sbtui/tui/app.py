"""The application shell: the workspace and the session, the app-wide keys (one registry feeds
the footer, the command palette, the function menu and F1 help), the screen stack, and the
state the status bar shows (online, outbox, sync). The login flows live in
:mod:`sbtui.tui.screens.login.flow`; background work (health, sync, outbox counts) in
:mod:`sbtui.tui.background`.

Screen stack: ``[default, base, …]`` where the base is the start screen before login (region
choice or the employer list) and the home screen after; function screens open one at a time
above the base.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import importlib
import os
import pkgutil
import time
from typing import Any, Callable

from textual import events
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from sbtui.domain.text import escape_output, escape_text
from sbtui.domain.vocab import Role
from sbtui.tui.background import Background
from sbtui.tui.commands import SbtuiCommands
from sbtui.tui.focus import mark_focus
from sbtui.tui.keys import keyed
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.base import SessionState
from sbtui.tui.screens.login.flow import LoginFlow
from sbtui.tui.strings import common as C
from sbtui.tui.strings import login as SL
from sbtui.tui.strings import shell as S
from sbtui.tui.widgets.status_bar import OutboxCounts

STARTED = time.time()
THEMES = ("textual-dark", "textual-light")
NEEDS_SESSION = {"menu", "sync", "open_screen"}


def import_screens() -> None:
    """Import every module under :mod:`sbtui.tui.screens` so each registers itself."""
    import sbtui.tui.screens as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)


class EscapedToasts:
    """Every toast (a widget's and a screen's notify come to the app's): plain text, its control
    and bidi characters escaped — a message quoting a group name or remark from the store
    neither writes ESC to the terminal nor is read as markup (issue 14 finding 4)."""

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = True) -> None:
        super().notify(escape_output(str(message)), title=escape_text(str(title)),  # type: ignore[misc]
                       severity=severity, timeout=timeout, markup=False)


class SbtuiApp(EscapedToasts, App[float | None]):
    """社保费管理客户端 in the terminal."""

    TITLE = C.APP_TITLE
    CSS_PATH = "app.tcss"
    COMMANDS = {SbtuiCommands}
    BINDINGS = [
        keyed("app", "help", "f1", "help", S.KEY_HELP),
        keyed("app", "menu", "f2", "menu", S.KEY_MENU),
        keyed("app", "outbox", "f3", "open_screen('outbox')", S.KEY_OUTBOX, show=False),
        keyed("app", "switch_unit", "f4", "open_screen('switch_unit')", S.KEY_SWITCH_UNIT, show=False),
        keyed("app", "employers", "f6", "open_screen('employers')", S.KEY_SWITCH_EMPLOYER, show=False),
        keyed("app", "sync", "f7", "sync", S.KEY_SYNC, show=False),
        keyed("app", "theme", "f9", "toggle_theme", S.KEY_THEME, show=False),
        keyed("app", "palette", "ctrl+p", "command_palette", S.KEY_PALETTE, show=False, priority=True),
        keyed("app", "quit", "ctrl+q", "quit", S.KEY_QUIT, show=False, priority=True),
    ]

    online: reactive[bool] = reactive(True)
    outbox_counts: reactive[OutboxCounts] = reactive(OutboxCounts)
    sync_text: reactive[str] = reactive("")
    session_rev: reactive[int] = reactive(0)  # bumped when the session changes
    data_version: reactive[int] = reactive(0)  # bumped when the employer's data changed (issue 15 item 1)

    def __init__(self, ws, *, health_interval: float | None = None) -> None:
        super().__init__()
        self.ws = ws
        self.session = SessionState()
        self.flow = LoginFlow(self)
        self.background = Background(self, health_interval=health_interval)
        self._service_task: asyncio.Future | None = None
        self._told_token = False
        self._ready_seen = False
        self.ready_at: float | None = None

    # -- start ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        # Every thread this app starts (thread workers, asyncio.to_thread) runs in one executor
        # of its own, so that on exit the local stores are closed only after the last thread
        # using them has finished (closing a SQLite connection under a running query crashes).
        self._io = ThreadPoolExecutor(thread_name_prefix="sbtui-io")
        asyncio.get_running_loop().set_default_executor(self._io)
        import_screens()
        if self.ws.config.keymap:
            self.set_keymap(self.ws.config.keymap)
        if self.ws.config.theme in THEMES:
            self.theme = self.ws.config.theme
        self.push_screen(self.flow.first_screen())
        self.background.start()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        mark_focus(event.widget, True)  # the focused button's ▶, for every button (issue 15 item 1)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        mark_focus(event.widget, False)

    async def on_unmount(self) -> None:
        self.workers.cancel_all()
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor())  # for whatever runs after this app
        await loop.run_in_executor(None, self._io.shutdown, True)  # wait for running threads
        await self.ws.aclose()

    def screen_ready(self, screen: Screen) -> None:
        """A start screen has its content: the app is interactive (``sbtui bench start``)."""
        if self._ready_seen:
            return
        self._ready_seen = True
        t0 = float(os.environ.get("SBTUI_BENCH_T0") or STARTED)
        self.ready_at = time.time() - t0
        if os.environ.get("SBTUI_BENCH_EXIT_ON_READY"):
            self.exit(self.ready_at)

    async def service_ready(self) -> None:
        """Make the service (the embedded sandbox seeds its database the first time) in a
        thread, once; every screen awaits this before its first call."""
        if self._service_task is None:
            self._service_task = asyncio.ensure_future(asyncio.to_thread(self.ws.service))
        await asyncio.shield(self._service_task)

    async def run_in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Blocking IO (SQLite, files, keyring) off the UI loop, from an async worker."""
        return await asyncio.to_thread(fn, *args)

    # -- the session ----------------------------------------------------------------------
    async def begin_session(self, *, uscc: str, name: str, unit: str | None, role: str | None,
                            username: str | None, offline: bool) -> None:
        """Logged in (or 离线使用): remember the choice, land on the home screen."""
        self.session = SessionState(uscc=uscc, employer_name=name, unit_number=unit,
                                    role=role or Role.ADMIN, username=username, offline=offline)
        await self.run_in_thread(self._remember, uscc, unit)
        if offline:
            self.online = False
        self.session_rev += 1
        await self.land(self.home_screen())
        self.background.refresh_outbox()

    def _remember(self, uscc: str, unit: str | None) -> None:
        config = self.ws.config
        config.current = uscc
        entry = config.employer(uscc)
        if entry is not None and unit:
            entry.unit_number = unit
        config.save()

    def switch_unit(self, unit: str) -> None:
        """切换单位 (SPEC L6) without logging out."""
        self.session.unit_number = unit
        self.session_rev += 1
        self.run_worker(self.run_in_thread(self._remember, self.session.uscc, unit), group="config")
        self.notify(SL.SWITCHED_UNIT.format(unit=unit))

    def home_screen(self) -> Screen:
        return REGISTRY.screens["home"].factory(self)

    async def land(self, screen: Screen) -> None:
        """Make ``screen`` the base of the stack (everything above it is closed)."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def choose_region(self, region_id: str) -> None:
        """L1 confirmed: save the region, go on to the employer list (or straight to 添加)."""
        from sbtui.tui.screens.login.employers import EmployerListScreen

        async def chosen() -> None:
            self.ws.config.region = region_id
            await self.run_in_thread(self.ws.config.save)
            await self.land(EmployerListScreen())
            if not self.ws.config.employers:
                self.flow.add_employer()

        self.run_worker(chosen(), group="start")

    def tell_token_not_kept(self) -> None:
        if not self._told_token:
            self._told_token = True
            self.notify(SL.TOKEN_NOT_KEPT, severity="warning", timeout=12)

    # -- online state, sync, outbox (see Background) --------------------------------------
    def note_offline(self) -> None:
        self.background.went_offline()

    def after_sync(self, result, *, quiet: bool = False) -> None:
        self.background.after_sync(result, quiet=quiet)

    def refresh_outbox(self) -> None:
        self.background.refresh_outbox()

    def data_changed(self) -> None:
        """A sync, a submit, a payment or a void changed what screens show: the screens that
        show shared data re-read it — now if shown, else when shown again."""
        self.data_version += 1

    def send_queued(self) -> bool:
        """A screen queued work in the outbox: send it now when online (True), else it waits
        for the service to come back (the health check then syncs)."""
        self.background.refresh_outbox()
        if self.online and not self.session.offline:
            self.background.sync_now()
            return True
        return False

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_SESSION and not self.session.logged_in:
            return False
        if action == "back":  # nothing below the base screen
            return len(self.screen_stack) > 2
        return True

    def open_screen(self, screen_id: str) -> None:
        """Open a registered screen (role-checked) above the home screen."""
        spec = REGISTRY.screens.get(screen_id)
        if spec is None:
            self.notify(S.NOT_ALLOWED, severity="warning")
            return
        if not self.session.logged_in:
            self.notify(S.NEED_LOGIN, severity="warning")
            return
        if (self.session.role or Role.ADMIN) not in spec.roles:
            self.notify(S.NOT_ALLOWED, severity="warning")
            return
        if getattr(self.screen, "SCREEN_ID", None) == screen_id:
            return
        self.workers.cancel_group(self, "flow")

        async def open_it() -> None:
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            if screen_id != "home":
                await self.push_screen(spec.factory(self))

        self.run_worker(open_it(), group="open", exclusive=True)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=S.PALETTE_PLACEHOLDER))

    def action_open_screen(self, screen_id: str) -> None:
        self.open_screen(screen_id)

    def action_back(self) -> None:
        go_back = getattr(self.screen, "go_back", None)
        if go_back is not None:
            go_back()
        elif len(self.screen_stack) > 2:
            self.pop_screen()

    def action_help(self) -> None:
        from sbtui.tui.dialogs.help import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog.for_screen(self.screen))

    def action_menu(self) -> None:
        from sbtui.tui.dialogs.menu import MenuDialog

        if isinstance(self.screen, MenuDialog):
            return
        specs = REGISTRY.menu_for(self.session.role or Role.ADMIN)

        def chosen(screen_id: str | None) -> None:
            if screen_id:
                self.open_screen(screen_id)

        self.push_screen(MenuDialog(specs, current=getattr(self.screen, "SCREEN_ID", "")), chosen)

    def action_sync(self) -> None:
        self.background.sync_now()

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        self.ws.config.theme = self.theme
        self.run_worker(self.run_in_thread(self.ws.config.save), group="config")
        self.notify(S.THEME_SAVED.format(name=S.THEME_LIGHT if self.theme == THEMES[1] else S.THEME_DARK))
