"""用户管理 (SPEC U1, manual 000 §1.5): the employer's sub-users, for the administrator only.

A table of 序号 / 用户名 / 功能权限 / 用户状态 / 备注, with 新增用户 (a), 修改 (e), 停用/启用 (d)
and 重置密码 (r). The service enforces the rules (only the administrator, user names, …); its
refusals are shown with its own message.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import ADMIN_ONLY, UserStatus
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.users_form import UserDraft, UserForm
from sbtui.tui.strings import users as S
from sbtui.tui.widgets.column_table import ColumnTable


def _status_label(user: Any) -> str:
    return S.STATUS_DISABLED if getattr(user, "status", UserStatus.NORMAL) == UserStatus.DISABLED else S.STATUS_NORMAL


class UsersScreen(BaseScreen):
    """用户管理."""

    SCREEN_ID = "users"
    CSS_PATH = "users.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("users", "add", "a", "add", S.ADD),
        keyed("users", "modify", "e", "modify", S.MODIFY),
        keyed("users", "toggle", "d", "toggle", f"{S.DISABLE}/{S.ENABLE}"),
        keyed("users", "reset", "r", "reset", S.RESET),
        keyed("users", "refresh", "f5", "refresh", S.REFRESH),
    ]

    class Loaded(Message):
        def __init__(self, users: list[Any] | None, *, error: str | None = None,
                     select: str | None = None) -> None:
            super().__init__()
            self.users = users
            self.error = error
            self.select = select  # the user to put the cursor on

    def __init__(self) -> None:
        super().__init__()
        self.users: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="users-body"):
            table: DataTable = ColumnTable(id="users-table", cursor_type="row", zebra_stripes=True)
            table.border_title = f" {S.TITLE} "
            yield table
            yield Static("", id="users-detail")
            yield Static(S.LOADING, id="users-state")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in zip(S.COLUMNS, (4, 12, 8, 8, 34)):
            table.add_column(label, width=width, key=label)
        table.focus()
        self.load()

    # -- loading --------------------------------------------------------------------------
    @work(exclusive=True, group="users")
    async def load(self, select: str | None = None) -> None:
        try:
            await self.host.service_ready()
            users = list(await self.ws.users.list())
        except OfflineError:
            self.post_message(self.Loaded(None, error=S.OFFLINE))
            return
        except ServiceError as exc:
            self.post_message(self.Loaded(None, error=S.FAILED.format(error=exc)))
            return
        self.post_message(self.Loaded(users, select=select))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        state = self.query_one("#users-state", Static)
        if message.users is None:
            state.update(message.error or "")
            state.display = True
            return
        self.users = message.users
        table = self.query_one(DataTable)
        keep = message.select or self._current_name()
        table.clear()
        for n, user in enumerate(self.users, start=1):
            table.add_row(str(n), user.username, S.ROLE_LABELS.get(user.permission, user.permission),
                          _status_label(user), user.remark or "", key=user.username)
        if keep is not None and keep in {u.username for u in self.users}:
            table.move_cursor(row=table.get_row_index(keep))
        state.update(S.EMPTY if not self.users else "")
        state.display = not self.users
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted user's whole remark, and whether its initial password is unchanged."""
        name = self._current_name()
        user = next((u for u in self.users if u.username == name), None)
        detail = self.query_one("#users-detail", Static)
        detail.display = user is not None
        if user is None:
            return
        lines = [f"{S.REMARK_DETAIL}{user.remark or ''}"]
        if getattr(user, "must_change_password", False):
            lines.append(S.MUST_CHANGE)
        detail.update("\n".join(lines))

    def _current_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.users or table.cursor_row is None or table.cursor_row >= len(self.users):
            return None
        return self.users[table.cursor_row].username

    def _current(self) -> Any | None:
        name = self._current_name()
        user = next((u for u in self.users if u.username == name), None)
        if user is None:
            self.notify(S.NO_SELECTION, severity="warning")
        return user

    def action_refresh(self) -> None:
        self.load()

    # -- actions --------------------------------------------------------------------------
    def action_add(self) -> None:
        async def submit(draft: UserDraft) -> Any:
            return await self.ws.users.add(draft.username, draft.permission, draft.remark)

        self.app.push_screen(UserForm(submit), self._added)

    def _added(self, draft: UserDraft | None) -> None:
        if draft is not None:
            self.notify(S.ADDED.format(username=draft.username))
            self.load(select=draft.username)

    def action_modify(self) -> None:
        user = self._current()
        if user is None:
            return

        async def submit(draft: UserDraft) -> Any:
            return await self.ws.users.modify(user.username, permission=draft.permission,
                                             remark=draft.remark)

        def done(draft: UserDraft | None) -> None:
            if draft is not None:
                self.notify(S.MODIFIED.format(username=user.username))
                self.load(select=user.username)

        self.app.push_screen(UserForm(submit, username=user.username, permission=user.permission,
                                      remark=user.remark or ""), done)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_modify()

    def action_toggle(self) -> None:
        user = self._current()
        if user is None:
            return
        name = user.username
        if getattr(user, "status", UserStatus.NORMAL) == UserStatus.DISABLED:
            question, call, done = S.CONFIRM_ENABLE, self.ws.users.enable, S.ENABLED
        else:
            question, call, done = S.CONFIRM_DISABLE, self.ws.users.disable, S.DISABLED
        self._confirm_then(question.format(username=name), lambda: call(name),
                           done.format(username=name), name, danger=call == self.ws.users.disable)

    def action_reset(self) -> None:
        user = self._current()
        if user is None:
            return
        name = user.username
        self._confirm_then(S.CONFIRM_RESET.format(username=name),
                           lambda: self.ws.users.reset_password(name),
                           S.RESET_DONE.format(username=name), name, danger=True)

    def _confirm_then(self, question: str, call: Callable[[], Awaitable[Any]], done: str,
                      name: str, *, danger: bool = False) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_call(call, done, name)

        self.app.push_screen(ConfirmDialog(question, title=S.TITLE, danger=danger), answered)

    @work(exclusive=True, group="users-call")
    async def run_call(self, call: Callable[[], Awaitable[Any]], done: str, name: str) -> None:
        try:
            await call()
        except ServiceError as exc:
            self.notify(S.FAILED.format(error=exc), severity="error", timeout=8)
            return
        self.notify(done, timeout=8)
        self.load(select=name)


register_screen(ScreenSpec(id="users", title=S.TITLE, menu=("系统设置", "用户管理"),
                           roles=ADMIN_ONLY, order=10, help=S.HELP,
                           factory=lambda app: UsersScreen()))
