"""单位信息 (SPEC U2, manual 001 §2.6.3): the employer's tax registration and its social
insurance (medical insurance) registrations, read-only. Offline, what this machine keeps."""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.strings import settings as S
from sbtui.tui.widgets.column_table import ColumnTable


def type_names(codes: list[str]) -> str:
    """``110 企业基本养老保险`` → the short names, joined (codes the catalogue lacks as they are)."""
    from sbtui.domain.catalogue import catalogue

    types = catalogue().types
    return "、".join(types[c].name if c in types else c for c in codes)


class EmployerInfoScreen(BaseScreen):
    """单位信息."""

    registrations: list[Any] = []

    SCREEN_ID = "settings.employer_info"
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("settings.employer_info", "refresh", "f5", "refresh", S.REFRESH),
    ]

    class Loaded(Message):
        def __init__(self, info: Any, error: str | None = None) -> None:
            super().__init__()
            self.info = info
            self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="employer-body"):
            yield Static(S.EMPLOYER_LOADING, id="employer-fields")
            yield ColumnTable(id="employer-regs", cursor_type="row", zebra_stripes=True)
            yield Static("", id="reg-detail")
            yield Static("", id="employer-state")

    def on_mount(self) -> None:
        self.query_one("#employer-fields").border_title = f" {S.EMPLOYER_TITLE} "
        table = self.query_one(DataTable)
        table.border_title = f" {S.REG_TITLE} "
        for label, width in zip(S.REG_COLUMNS, (14, 38, 10, 6)):
            table.add_column(label, width=width)
        table.focus()
        self.load()

    @work(exclusive=True, group="employer-info")
    async def load(self) -> None:
        try:
            await self.host.service_ready()
            info = await self.ws.employer_info()
        except ServiceError as exc:
            self.post_message(self.Loaded(None, S.EMPLOYER_FAILED.format(error=exc)))
            return
        self.post_message(self.Loaded(info))

    def action_refresh(self) -> None:
        self.load()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_registration(event.cursor_row)

    def _show_registration(self, index: int) -> None:
        detail = self.query_one("#reg-detail", Static)
        if not 0 <= index < len(self.registrations):
            detail.update("")
            return
        reg = self.registrations[index]
        types = type_names(list(value_of(reg, "insurance_types", []) or []))
        detail.update(f"{S.REG_AGENCY}：{value_of(reg, 'agency') or ''}\n{S.REG_TYPES}：{types}\n"
                      f"{S.REG_TAX}：{value_of(reg, 'tax_authority') or ''}")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        state = self.query_one("#employer-state", Static)
        if message.info is None:
            state.update(message.error or "")
            state.display = True
            return
        info = message.info
        lines = [f"{label}：{value_of(info, key) or ''}" for key, label in S.EMPLOYER_FIELDS]
        self.query_one("#employer-fields", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        table.clear()
        self.registrations = list(value_of(info, "registrations", []) or [])
        for reg in self.registrations:
            table.add_row(value_of(reg, "unit_number"), value_of(reg, "agency"),
                          value_of(reg, "payer_type"), value_of(reg, "status"))
        self._show_registration(0)
        state.update("")
        state.display = False


register_screen(ScreenSpec(id="settings.employer_info", title=S.EMPLOYER_TITLE,
                           menu=("系统设置", S.EMPLOYER_TITLE), order=40,
                           roles=STAFF, help=S.EMPLOYER_HELP,
                           factory=lambda app: EmployerInfoScreen()))
