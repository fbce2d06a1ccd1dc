"""登录密码: the local password that guards opening an employer on this machine, when one was
set in 系统设置 › 登录密码设置 (manual 001 §2.6.1). Asked before the security check and before
离线使用; only a salted hash is kept (``Workspace.check_login_password``)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S


class LoginPasswordScreen(BaseScreen):
    """Dismisses with True once the right login password was typed, None on Esc."""

    SCREEN_ID = "login_gate"
    TITLE = S.GATE_TITLE
    HELP = S.GATE_HELP
    CSS_PATH = ["steps.tcss"]
    BINDINGS = [
        keyed("login_gate", "ok", "enter", "submit", S.KEY_OK),
        keyed("login_gate", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, uscc: str, name: str) -> None:
        super().__init__()
        self.uscc = uscc
        self.employer_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="gate-box", classes="step-box") as box:
            box.border_title = f"{S.GATE_TITLE} · {self.employer_name}"
            box.border_subtitle = S.HINT_OK
            yield Static(S.GATE_LEAD, classes="step-lead")
            yield Label(S.GATE_LABEL)
            yield TextInput(password=True, id="gate", max_length=64)
            yield Static("", id="gate-msg", classes="step-status")

    def on_mount(self) -> None:
        self.query_one("#gate", Input).focus()

    def go_back(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#gate")
    def _typed(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        self.check(self.query_one("#gate", Input).value)

    @work(exclusive=True, group="login-gate", thread=True)
    def check(self, typed: str) -> None:
        ok = self.ws.users.check_login_password(self.uscc, typed)  # PBKDF2: off the UI loop
        self.app.call_from_thread(self._checked, ok)

    def _checked(self, ok: bool) -> None:
        if ok:
            self.dismiss(True)
            return
        field = self.query_one("#gate", Input)
        field.value = ""
        field.focus()
        msg = self.query_one("#gate-msg", Static)
        msg.update(S.GATE_WRONG)
        msg.set_classes("step-status error")
