"""L3 用人单位列表 (manual 000 §1.3.2, 001 §2.1.2): the start screen once employers exist, and
「单位管理」 after login. Enter 登录, a 添加, d 删除 (never the employer logged in; confirmed)."""
from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.strings import shell as SH
from sbtui.tui.widgets.column_table import ColumnTable


class EmployerListScreen(BaseScreen):
    """Employers on this machine."""

    SCREEN_ID = "employers"
    TITLE = S.EMPLOYERS_TITLE
    HELP = S.EMPLOYERS_HELP
    CSS_PATH = "employers.tcss"
    BINDINGS = [
        keyed("employers", "login", "enter", "login", S.KEY_LOGIN),
        keyed("employers", "add", "a", "add", S.KEY_ADD),
        keyed("employers", "delete", "d,delete", "delete", S.KEY_DELETE),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._store_lock = asyncio.Lock()
        self.rows: list[tuple[str, str]] = []  # (uscc, name) in table order
        self.first_load = True

    def compose(self) -> ComposeResult:
        with Vertical(id="employers-box") as box:
            box.border_title = S.EMPLOYERS_TITLE
            box.border_subtitle = S.HINT_EMPLOYERS
            table = ColumnTable(id="employers-table", cursor_type="row", zebra_stripes=True)
            table.add_column(S.COL_NO, key="no")
            table.add_column(S.COL_USCC, key="uscc")
            table.add_column(S.COL_STATE, key="state")
            table.add_column(S.COL_NAME, key="name")
            yield table
            yield Static(S.EMPLOYERS_EMPTY, id="employers-empty")

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(exclusive=True, group="employers")
    async def load(self) -> None:
        async with self._store_lock:  # never count rows in a store that a delete is closing
            rows = await self.host.run_in_thread(self._rows)
        self._show(rows)

    def _rows(self) -> list[tuple[str, str, int | None]]:
        ws = self.ws
        rows = []
        for entry in ws.config.employers:
            count = None
            if ws.config.store_path(entry.uscc).exists():
                count = ws.employer(entry.uscc).local_employees()
            rows.append((entry.uscc, entry.name, count))
        return rows

    def _show(self, rows: list[tuple[str, str, int | None]]) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        current = self.session.uscc
        self.rows = [(uscc, name) for uscc, name, _ in rows]
        for n, (uscc, name, count) in enumerate(rows, start=1):
            state = S.STATE_CURRENT if uscc == current else (
                S.STATE_LOCAL.format(n=count) if count else "")
            table.add_row(str(n), uscc, state, name, key=uscc)
        self.query_one("#employers-empty").display = not rows
        table.display = bool(rows)
        if rows:
            index = keep or 0
            if self.first_load:  # the employer logged in (or last used) first
                preferred = current or self.ws.config.current
                index = next((i for i, (u, _) in enumerate(self.rows) if u == preferred), 0)
            self.first_load = False
            table.move_cursor(row=min(index, len(rows) - 1))
            table.focus()
        self.host.screen_ready(self)

    def selected(self) -> tuple[str, str] | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_login()

    def action_login(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.action_add()
            return
        self.app.flow.login(*chosen)  # type: ignore[attr-defined]

    def action_add(self) -> None:
        self.app.flow.add_employer()  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        uscc, name = chosen
        if uscc == self.session.uscc:
            self.notify(S.DELETE_CURRENT, severity="error")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(uscc, name)

        self.app.push_screen(ConfirmDialog(S.DELETE_CONFIRM.format(name=name), default=False), answered)

    @work(group="employers-delete")
    async def delete(self, uscc: str, name: str) -> None:
        try:
            async with self._store_lock:
                await self.host.run_in_thread(
                    lambda: self.ws.remove_employer(uscc, logged_in=self.session.uscc))
        except ValueError:
            self.notify(S.DELETE_CURRENT, severity="error")
            return
        self.notify(S.DELETED.format(name=name))
        self.load()


register_screen(ScreenSpec(
    id="employers", title=SH.MENU_EMPLOYERS, menu=(SH.MENU_GROUP_UNIT, SH.MENU_EMPLOYERS), order=20,
    help=S.EMPLOYERS_HELP, factory=lambda app: EmployerListScreen()))
