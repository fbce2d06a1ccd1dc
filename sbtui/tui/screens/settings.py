"""系统设置 (SPEC U2, manual 001 §2.6): 申报密码设置 and 登录密码设置.

- 申报密码设置: 原密码, 新密码, 再次输入新密码 → the service (it checks the old password and the
  rules again); needs the service online.
- 登录密码设置: an optional local password that guards opening the client for this employer
  (kept as a salted hash on this machine, never the password itself); 启用 / 修改 / 停用.

单位信息 is in :mod:`sbtui.tui.screens.settings_employer`.
"""
from __future__ import annotations

from abc import abstractmethod

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from sbtui.domain.vocab import STAFF
from sbtui.tui.widgets.text_input import TextInput
from sbtui.domain.passwords import PASSWORD_MAX, password_problem
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.abstract import AbstractScreenMeta
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import settings as S


class _PasswordForm(BaseScreen, metaclass=AbstractScreenMeta):
    """Labelled masked inputs; Enter moves to the next one and saves on the last."""

    FIELDS: tuple[tuple[str, str], ...] = ()  # (input id, label)
    TITLE_TEXT = ""
    HAS_STATE = False  # a first line that says what is set

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-body", classes="password-form"):
            if self.HAS_STATE:
                yield Static("", id="form-state")
            for field_id, label in self.FIELDS:
                with Horizontal(classes="field-row", id=f"row-{field_id}"):
                    yield Label(label, classes="field-label")
                    yield TextInput(password=True, id=field_id, max_length=PASSWORD_MAX, compact=True,
                                    placeholder=S.NEW_PLACEHOLDER if field_id in ("new", "repeat") else "")
            yield Static("", id="form-message")
            yield Label(self.keys_text(), id="form-keys")

    def keys_text(self) -> str:
        return S.KEYS

    def on_mount(self) -> None:
        self.query_one("#settings-body").border_title = self.TITLE_TEXT
        self.first_input().focus()

    def first_input(self) -> Input:
        return next(i for i in self.query(Input) if i.parent.display)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        shown = [i for i in self.query(Input) if i.parent.display]
        index = shown.index(event.input)
        if index + 1 < len(shown):
            shown[index + 1].focus()
        else:
            self.action_save()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "error")
        message.set_class(not error and bool(text), "success")

    def clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.first_input().focus()

    @abstractmethod
    def action_save(self) -> None:
        """Check the fields and save (also on Enter in the last field)."""


class DeclarationPasswordScreen(_PasswordForm):
    """申报密码设置: 原密码, 新密码, 再次输入新密码, 保存."""

    SCREEN_ID = "settings.password"
    CSS_PATH = "settings.tcss"
    TITLE_TEXT = S.PASSWORD_TITLE
    FIELDS = (("old", S.OLD), ("new", S.NEW), ("repeat", S.REPEAT))
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("settings.password", "save", "ctrl+s", "save", S.SAVE, priority=True),
    ]

    class Done(Message):
        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def action_save(self) -> None:
        old, new, repeat = self.value("old"), self.value("new"), self.value("repeat")
        if not old:
            self.say(S.OLD_EMPTY, error=True)
            self.query_one("#old", Input).focus()
            return
        if not new:
            self.say(S.NEW_EMPTY, error=True)
            self.query_one("#new", Input).focus()
            return
        problem = password_problem(new, repeat, old=old)
        if problem:
            self.say(problem, error=True)
            self.query_one("#repeat" if new != repeat else "#new", Input).focus()
            return
        self.say(S.SAVING)
        self.send(old, new)

    @work(exclusive=True, group="settings-password")
    async def send(self, old: str, new: str) -> None:
        try:
            await self.host.service_ready()
            await self.ws.change_password(old, new)
        except OfflineError:
            self.post_message(self.Done(S.OFFLINE))
            return
        except ServiceError as exc:
            self.post_message(self.Done(str(exc)))
            return
        self.post_message(self.Done(None))

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.error:
            self.say(message.error, error=True)
            return
        self.clear()
        self.say(S.PASSWORD_DONE)
        self.notify(S.PASSWORD_DONE)


class LoginPasswordScreen(_PasswordForm):
    """登录密码设置: 启用登录密码 (新密码 twice), or with one set: change it (原登录密码 + new
    twice) or 停用 it (原登录密码)."""

    SCREEN_ID = "settings.login_password"
    CSS_PATH = "settings.tcss"
    TITLE_TEXT = S.LOGIN_TITLE
    HAS_STATE = True
    FIELDS = (("current", S.LOGIN_CURRENT), ("new", S.NEW), ("repeat", S.REPEAT))
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("settings.login_password", "save", "ctrl+s", "save", S.SAVE, priority=True),
        keyed("settings.login_password", "disable", "ctrl+d", "disable", S.LOGIN_DISABLE,
              priority=True),
    ]

    class Known(Message):
        """Whether a login password is set (read in a worker)."""

        def __init__(self, enabled: bool) -> None:
            super().__init__()
            self.enabled = enabled

    class Done(Message):
        def __init__(self, error: str | None, ok: str = "", *, enabled: bool | None = None) -> None:
            super().__init__()
            self.error = error
            self.ok = ok
            self.enabled = enabled  # whether a login password is set now

    enabled: bool | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.show_state()
        self.read_state()

    @work(exclusive=True, group="settings-login", thread=True)
    def read_state(self) -> None:
        self.post_message(self.Known(self.ws.users.has_login_password(self.session.uscc)))

    @on(Known)
    def _known(self, message: Known) -> None:
        self.enabled = message.enabled
        self.show_state()

    def show_state(self) -> None:
        on_ = bool(self.enabled)
        self.query_one("#form-state", Static).update(S.LOGIN_STATE_ON if on_ else S.LOGIN_STATE_OFF)
        self.query_one("#row-current").display = on_
        self.query_one("#form-keys", Label).update(S.LOGIN_KEYS_ON if on_ else S.LOGIN_KEYS_OFF)
        self.first_input().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "disable":
            return bool(self.enabled)
        return True

    def action_save(self) -> None:
        if self.enabled is None:
            return
        current, new, repeat = self.value("current"), self.value("new"), self.value("repeat")
        if self.enabled and not current:
            self.say(S.OLD_EMPTY, error=True)
            self.query_one("#current", Input).focus()
            return
        if not new:
            self.say(S.NEW_EMPTY, error=True)
            self.query_one("#new", Input).focus()
            return
        self.change(current if self.enabled else None, new, repeat)

    def action_disable(self) -> None:
        current = self.value("current")
        if not current:
            self.say(S.OLD_EMPTY, error=True)
            self.query_one("#current", Input).focus()
            return
        self.change(current, None, None)

    @work(exclusive=True, group="settings-login", thread=True)
    def change(self, current: str | None, new: str | None, repeat: str | None) -> None:
        """Set (``new``) or clear (``new=None``) the login password: the local store, in a
        thread. The workspace checks the old password and the rules (LoginPasswordError)."""
        from sbtui.services.users import LoginPasswordError

        ws, uscc = self.ws, self.session.uscc
        try:
            if new is None:
                ws.users.clear_login_password(uscc, current)
                ok = S.LOGIN_CLEARED
            else:
                ws.users.set_login_password(uscc, new, repeat, old=current)
                ok = S.LOGIN_CHANGED if current is not None else S.LOGIN_ENABLED
        except LoginPasswordError as exc:
            self.post_message(self.Done(str(exc)))
            return
        except OSError as exc:
            self.post_message(self.Done(S.FAILED.format(error=exc)))
            return
        self.post_message(self.Done(None, ok, enabled=new is not None))

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.error:
            self.say(message.error, error=True)
            return
        self.clear()
        self.say(message.ok)
        self.notify(message.ok)
        self.enabled = message.enabled
        self.show_state()


register_screen(ScreenSpec(id="settings.password", title=S.PASSWORD_TITLE,
                           menu=("系统设置", S.PASSWORD_TITLE), order=20,
                           roles=STAFF, help=S.PASSWORD_HELP,
                           factory=lambda app: DeclarationPasswordScreen()))
register_screen(ScreenSpec(id="settings.login_password", title=S.LOGIN_TITLE,
                           menu=("系统设置", S.LOGIN_TITLE), order=30,
                           roles=STAFF, help=S.LOGIN_HELP,
                           factory=lambda app: LoginPasswordScreen()))
