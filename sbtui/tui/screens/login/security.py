"""安全认证: the declaration password, for adding an employer (SPEC L2, the initial password) and
for every login (SPEC L4: 单位密码登录 / 用户名密码登录, 20101 with the attempts left, the lock
with the local time it lifts). A kept session token is tried first at login; with the service
down and local data present, F5 离线使用 goes in on the local data."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.toggles import Radio
from sbtui.domain.models import Session
from sbtui.remote.errors import LockedError, OfflineError, ServiceError, WrongPasswordError
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.wrap import Prose


@dataclass
class Entered:
    """What the security check gives the flow: a session (and the password typed, for a
    forced change), or ``offline`` for 离线使用."""

    session: Session | None
    password: str
    offline: bool = False


def failure_text(exc: ServiceError) -> str:
    """The user's words for a failed login: 20101 with attempts left, or the lock's end."""
    if isinstance(exc, WrongPasswordError):
        left = exc.detail.get("attempts_left")
        return exc.message + (S.ATTEMPTS_LEFT.format(n=left) if left else "")
    if isinstance(exc, LockedError) and exc.locked_until is not None:
        until = exc.locked_until.astimezone()  # local time
        return S.LOCKED.format(time=until.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(exc, OfflineError):
        return S.LOGIN_NEEDS_SERVICE
    return exc.message


class SecurityScreen(BaseScreen):
    """Password (and, at login, the mode and user name) → dismiss with :class:`Entered`."""

    SCREEN_ID = "security"
    TITLE = S.SECURITY_TITLE
    CSS_PATH = ["steps.tcss", "security.tcss"]
    BINDINGS = [
        keyed("security", "ok", "enter", "submit", S.KEY_OK),
        keyed("security", "mode", "f8", "toggle_mode", S.KEY_MODE),
        keyed("security", "offline", "f5", "offline", S.KEY_OFFLINE),
        keyed("security", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, uscc: str, name: str, *, first_time: bool) -> None:
        super().__init__()
        self.uscc = uscc
        self.employer_name = name
        self.first_time = first_time
        self.local_count = 0
        self.users_known = False  # sub-users exist: offer 用户名密码登录 too (SPEC L4)
        self.HELP = S.SECURITY_HELP if first_time else S.LOGIN_HELP

    def compose(self) -> ComposeResult:
        with Vertical(id="security-box", classes="step-box") as box:
            box.border_title = S.SECURITY_TITLE
            box.border_subtitle = S.HINT_OK if self.first_time else S.HINT_LOGIN_SINGLE
            yield Static(f"{S.SECURITY_USCC}：{self.uscc}\n{S.SECURITY_NAME}：{self.employer_name}",
                         id="security-who")
            if not self.first_time:
                with RadioSet(id="mode"):
                    yield Radio(S.MODE_EMPLOYER, value=True, id="mode-employer")
                    yield Radio(S.MODE_USER, id="mode-user")
                yield Label(S.USERNAME, id="username-label")
                yield TextInput(id="username", max_length=12)
            yield Label(S.PASSWORD)
            yield TextInput(password=True, id="password", max_length=20)
            yield Static("", id="security-msg", classes="step-status")
            if self.first_time:
                yield Static(Prose(S.SECURITY_HINT), classes="step-hint")

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()
        if not self.first_time:
            self.query_one("#mode").display = False
            self._show_user_fields(False)
            self.prepare()

    def go_back(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "offline":
            return not self.first_time and self.local_count > 0
        if action == "toggle_mode":
            return not self.first_time and self.users_known
        return True

    def say(self, message: str, kind: str = "error") -> None:
        found = self.query("#security-msg").results(Static)
        widget = next(found, None)
        if widget is None:  # the screen is closing (the app quit while a worker waited)
            return
        widget.update(message)
        widget.set_classes(f"step-status {kind}")

    # -- login mode ------------------------------------------------------------------------
    @property
    def user_mode(self) -> bool:
        return not self.first_time and self.query_one("#mode-user", RadioButton).value

    def _show_user_fields(self, show: bool) -> None:
        self.query_one("#username-label").display = show
        self.query_one("#username").display = show

    @on(RadioSet.Changed)
    def _mode_changed(self) -> None:
        self._show_user_fields(self.user_mode)
        self.query_one("#username" if self.user_mode else "#password", Input).focus()

    def action_toggle_mode(self) -> None:
        target = "#mode-employer" if self.user_mode else "#mode-user"
        self.query_one(target, RadioButton).value = True

    @work(group="security-prepare")
    async def prepare(self) -> None:
        """Local data (for 离线使用), then a kept session token (no password needed)."""
        app = self.app
        self.local_count = await app.run_in_thread(self._local_count)  # type: ignore[attr-defined]
        self.users_known = await app.run_in_thread(self.ws.users.has_users, self.uscc)  # type: ignore[attr-defined]
        self.query_one("#mode").display = self.users_known
        if self.users_known:
            self.query_one("#security-box").border_subtitle = S.HINT_LOGIN
        self.refresh_bindings()
        try:
            await app.service_ready()  # type: ignore[attr-defined]
            self.say(S.LOGIN_WITH_TOKEN, "info")
            session = await self.ws.resume_token(self.uscc)
        except OfflineError:
            app.note_offline()  # type: ignore[attr-defined]
            self.say(S.LOGIN_NEEDS_SERVICE + "\n" + self._offline_hint(), "warning")
            return
        except ServiceError:
            session = None
        self.say("", "info")
        if session is not None:
            self.dismiss(Entered(session, ""))

    def _local_count(self) -> int:
        if not self.ws.config.store_path(self.uscc).exists():
            return 0
        return self.ws.employer(self.uscc).local_employees()

    def _offline_hint(self) -> str:
        return S.OFFLINE_HINT.format(n=self.local_count) if self.local_count else S.OFFLINE_NO_DATA

    def action_offline(self) -> None:
        if self.local_count:
            self.dismiss(Entered(None, "", offline=True))

    # -- submit ----------------------------------------------------------------------------
    @on(Input.Submitted, "#username")
    def _username_done(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _password_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        password = self.query_one("#password", Input).value
        username = self.query_one("#username", Input).value.strip() if self.user_mode else None
        if self.user_mode and not username:
            self.say(S.USERNAME + "不能为空")
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.say(S.PASSWORD + "不能为空")
            return
        self.submit(password, username)

    @work(exclusive=True, group="security-login")
    async def submit(self, password: str, username: str | None) -> None:
        self.say(S.CHECKING, "info")
        try:
            await self.host.service_ready()
            session = await self.ws.login(self.uscc, password, username=username)
        except ServiceError as exc:
            if isinstance(exc, OfflineError):
                self.host.note_offline()
                message = failure_text(exc) + ("" if self.first_time else "\n" + self._offline_hint())
            else:
                message = failure_text(exc)
            self.say(message)
            field = self.query_one("#password", Input)
            field.value = ""
            field.focus()
            return
        self.dismiss(Entered(session, password))
