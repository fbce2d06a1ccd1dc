"""新增用户信息 / 修改用户信息 (SPEC U1): 用户名 (4–12 letters or digits, checked as you type),
功能权限 全部功能 / 缴费, 备注.

The form sends itself through ``submit`` (an async callable given by the users screen) in a
worker and closes only when the service accepted it; a refusal stays on the form with the
service's message.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Function
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from sbtui.domain.vocab import Role
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.toggles import Radio
from sbtui.domain.passwords import username_problem
from sbtui.remote.errors import ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.strings import users as S


@dataclass(frozen=True)
class UserDraft:
    username: str
    permission: str  # "all" | "pay"
    remark: str


Submit = Callable[[UserDraft], Awaitable[object]]


class UserForm(ModalScreen[UserDraft | None]):
    """Add (``username=None``) or modify a user."""

    CSS_PATH = "users_form.tcss"
    BINDINGS = [
        keyed("users.form", "save", "ctrl+s", "save", S.FORM_KEYS.split(" · ")[0], priority=True),
        keyed("users.form", "cancel", "escape", "cancel", "取消"),
    ]

    def __init__(self, submit: Submit, *, username: str | None = None, permission: str = Role.ALL,
                 remark: str = "") -> None:
        super().__init__()
        self.submit = submit
        self.editing = username
        self.initial = UserDraft(username or "", permission, remark)

    def compose(self) -> ComposeResult:
        with Vertical(id="user-form"):
            with Horizontal(classes="row"):
                yield Label(S.USERNAME, classes="field")
                yield TextInput(self.initial.username, id="username", max_length=12, compact=True,
                            disabled=self.editing is not None,
                            validators=[Function(lambda v: username_problem(v) is None, S.USERNAME_RULE)],
                            placeholder=S.USERNAME_RULE)
            if self.editing is None:
                yield Static(S.USERNAME_RULE, id="username-check")
            with Horizontal(classes="row"):
                yield Label(S.ROLE, classes="field")
                with RadioSet(id="permission", compact=True):
                    yield Radio(S.ROLE_LABELS[Role.ALL], value=self.initial.permission == Role.ALL,
                                      id="perm-all")
                    yield Radio(S.ROLE_LABELS[Role.PAY], value=self.initial.permission == Role.PAY,
                                      id="perm-pay")
            with Horizontal(classes="row"):
                yield Label(S.REMARK, classes="field")
                yield TextInput(self.initial.remark, id="remark", max_length=100, compact=True)
            if self.editing is None:
                yield Static(S.INITIAL_PASSWORD_NOTE, id="user-note")
            yield Static("", id="user-error")
            yield Label(S.FORM_KEYS, id="user-keys")

    def on_mount(self) -> None:
        form = self.query_one("#user-form")
        form.border_title = S.FORM_MODIFY_TITLE if self.editing else S.FORM_ADD_TITLE
        (self.query_one("#permission") if self.editing else self.query_one("#username")).focus()

    @on(Input.Changed, "#username")
    def _username_changed(self, event: Input.Changed) -> None:
        if self.editing is not None:
            return
        check = self.query_one("#username-check", Static)
        ok = event.validation_result is None or event.validation_result.is_valid
        check.update(S.USERNAME_OK if ok and event.value else S.USERNAME_RULE)
        check.set_class(bool(event.value) and not ok, "invalid")
        check.set_class(ok and bool(event.value), "valid")

    def draft(self) -> UserDraft:
        pay = self.query_one("#perm-pay", RadioButton).value
        return UserDraft(
            username=self.query_one("#username", Input).value.strip(),
            permission=Role.PAY if pay else Role.ALL,
            remark=self.query_one("#remark", Input).value.strip(),
        )

    def action_save(self) -> None:
        draft = self.draft()
        problem = username_problem(draft.username)
        if problem:
            self._error(problem)
            self.query_one("#username", Input).focus()
            return
        self._error("")
        self.send(draft)

    @work(exclusive=True, group="users-form")
    async def send(self, draft: UserDraft) -> None:
        try:
            await self.submit(draft)
        except ServiceError as exc:
            self._error(str(exc))
            return
        self.dismiss(draft)

    def _error(self, text: str) -> None:
        self.query_one("#user-error", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
