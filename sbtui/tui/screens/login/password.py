"""修改申报密码, the forced change after the initial password (SPEC L2; manual 000 §1.3.1) and
after a sub-user's first login (SPEC U1): new twice, equal, not the initial one."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from sbtui.tui.widgets.text_input import TextInput
from sbtui.domain.passwords import PASSWORD_MAX, password_problem
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.wrap import Prose


def change_problem(new: str, again: str, old: str) -> str | None:
    """Why the new password cannot be used (client side; the service checks again)."""
    if new != again:
        return password_problem(new, again)
    if new == old:
        return S.CHANGE_SAME_AS_INITIAL
    return password_problem(new, again, initial=[old])


class ForcedChangeScreen(BaseScreen):
    """New password twice → the service's change → dismiss with the new session."""

    SCREEN_ID = "password_change"
    TITLE = S.CHANGE_TITLE
    HELP = S.CHANGE_HELP
    CSS_PATH = ["steps.tcss", "password.tcss"]
    BINDINGS = [
        keyed("password_change", "ok", "enter", "submit", S.KEY_OK),
        keyed("password_change", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, uscc: str, name: str, *, old: str, username: str | None = None) -> None:
        super().__init__()
        self.uscc = uscc
        self.employer_name = name
        self.old = old
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="change-box", classes="step-box") as box:
            box.border_title = S.CHANGE_TITLE
            box.border_subtitle = S.HINT_OK
            yield Static(S.CHANGE_USER_LEAD if self.username else S.CHANGE_LEAD, classes="step-lead")
            yield Static(Prose(S.CHANGE_RULE), id="change-rule", classes="step-hint")
            yield Label(S.CHANGE_NEW)
            yield TextInput(password=True, id="new", max_length=PASSWORD_MAX, placeholder=S.CHANGE_PLACEHOLDER)
            yield Label(S.CHANGE_AGAIN)
            yield TextInput(password=True, id="again", max_length=PASSWORD_MAX, placeholder=S.CHANGE_PLACEHOLDER)
            yield Static("", id="change-msg", classes="step-status")
            yield Static(Prose(S.CHANGE_NOTE), classes="step-hint")

    def on_mount(self) -> None:
        self.query_one("#new", Input).focus()

    def go_back(self) -> None:
        self.dismiss(None)

    def say(self, message: str, kind: str = "error") -> None:
        widget = self.query_one("#change-msg", Static)
        widget.update(message)
        widget.set_classes(f"step-status {kind}")

    @on(Input.Submitted, "#new")
    def _new_done(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    def _again_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        new = self.query_one("#new", Input).value
        again = self.query_one("#again", Input).value
        problem = change_problem(new, again, self.old)
        if problem:
            self.say(problem)
            self.query_one("#again", Input).value = ""
            if new == again:  # the new one itself is not allowed: type it anew
                self.query_one("#new", Input).value = ""
                self.query_one("#new", Input).focus()
            else:
                self.query_one("#again", Input).focus()
            return
        self.change(new)

    @work(exclusive=True, group="password-change")
    async def change(self, new: str) -> None:
        self.say(S.CHECKING, "info")
        try:
            session = await self.ws.change_password(self.old, new)
        except OfflineError:
            self.host.note_offline()
            self.say(S.LOGIN_NEEDS_SERVICE)
            return
        except ServiceError as exc:
            self.say(exc.message)
            return
        self.dismiss(session)
