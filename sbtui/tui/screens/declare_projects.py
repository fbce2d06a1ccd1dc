"""工程项目工伤保险费申报 › 承建单位参保缴费信息管理 (SPEC D10; manual 000 §3.3.1): the projects
linked to this employer (from the service); n 新增关联 asks the 工程项目ID, shows its
registration (社保经办机构 … 合同金额) with 主管税务机关 and 主管税务所（科、分局） to choose
(the employer's by default), and 「确认关联」 links it.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Select, Static

from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_dialogs import money
from sbtui.tui.strings import common as C
from sbtui.tui.strings import declare as S
from sbtui.tui.widgets.column_table import ColumnTable



def field_text(project: Any, name: str) -> str:
    value = getattr(project, name, None)
    if value is None:
        return ""
    if name in ("total_cost", "contract_amount"):
        return money(value)
    return str(value)


class LinksScreen(BaseScreen):
    SCREEN_ID = "project.links"
    CSS_PATH = "declare_projects.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *BaseScreen.BINDINGS,
        keyed("project.links", "link", "n", "link", S.KEY_LINK),
        keyed("project.links", "refresh", "f5", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.projects: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="links-body") as body:
            body.border_title = f" {S.TITLE_LINKS} "
            table: DataTable = ColumnTable(id="links-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.LINK_COLUMNS)
            yield table
            yield Static("", id="links-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    @work(exclusive=True, group="links-load")
    async def action_refresh(self) -> None:
        note = self.query_one("#links-note", Static)
        try:
            await self.host.service_ready()
            self.projects = await self.employer.declarations.projects()
        except OfflineError:
            note.update(S.LINKS_OFFLINE)
            return
        except ServiceError as exc:
            note.update(S.REFRESH_FAILED.format(error=exc))
            return
        table = self.query_one(DataTable)
        table.clear()
        for p in self.projects:
            table.add_row(p.project_id, p.name, p.unit_number, p.agency, p.tax_authority or "",
                          str(p.linked_at or "")[:10])
        note.update("" if self.projects else S.LINKS_EMPTY)

    @work(exclusive=True, group="links-link")
    async def action_link(self) -> None:
        """新增关联: 工程项目ID → its registration → 主管税务机关 / 所 → 确认关联."""
        app: Any = self.app
        value, error = "", ""
        while True:
            pid = await app.push_screen_wait(PromptDialog(S.LINK_ASK, title=S.LINK_TITLE, value=value,
                                                          error=error, empty=S.LINK_EMPTY, max_length=40))
            if pid is None:
                return
            try:
                await app.service_ready()
                project = await self.employer.declarations.project_lookup(pid)
                break
            except OfflineError:
                self.notify(S.LINKS_OFFLINE, severity="warning")
                return
            except ServiceError as exc:
                value, error = pid, str(exc)
        if project.linked:
            self.notify(S.LINK_ALREADY, severity="warning")
            return
        authorities, branches = await self.employer.declarations.tax_choices()
        chosen = await app.push_screen_wait(LinkDialog(project, authorities, branches))
        if chosen is None:
            return
        try:
            linked = await self.employer.declarations.link_project(project.project_id, *chosen)
        except OfflineError:
            app.refresh_outbox()
            self.notify(S.LINK_QUEUED, severity="warning", timeout=10)
            return
        except (ServiceError, ValueError) as exc:
            self.notify(S.LINK_FAILED.format(error=getattr(exc, "message", None) or exc), severity="error",
                        timeout=10)
            return
        self.notify(S.LINKED.format(project_id=linked.project_id, name=linked.name))
        self.action_refresh()
        app.send_queued()  # a sync pulls the project's dues for 工程项目社保费申报


class LinkDialog(ModalScreen[tuple[str, str] | None]):
    """新增单位参保关联登记: the project's registration, the two tax choices, 「确认关联」."""

    CSS_PATH = "declare_projects.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("project.link", "confirm", "ctrl+s", "confirm", S.LINK_CONFIRM, show=False),
        keyed("project.link", "cancel", "escape", "cancel", C.CANCEL, show=False),
    ]

    def __init__(self, project: Any, authorities: list[str], branches: list[str]) -> None:
        super().__init__()
        self.project = project
        self.authorities = authorities
        self.branches = branches

    def compose(self) -> ComposeResult:
        with Vertical(id="link-box") as box:
            box.border_title = S.LINK_TITLE
            box.border_subtitle = S.LINK_HINT
            yield Static(S.LINK_HEAD_TAX, classes="link-head")
            with Horizontal(classes="link-row"):
                yield Static(S.LINK_AUTHORITY, classes="link-label")
                yield Select([(a, a) for a in self.authorities], id="link-authority", compact=True,
                             value=self.authorities[0] if self.authorities else Select.NULL)
            with Horizontal(classes="link-row"):
                yield Static(S.LINK_BRANCH, classes="link-label")
                yield Select([(b, b) for b in self.branches], id="link-branch", compact=True,
                             value=self.branches[0] if self.branches else Select.NULL)
            yield Static(S.LINK_HEAD_REG, classes="link-head")
            with Grid(id="link-fields"):
                for name, label in S.LINK_FIELDS:
                    yield Static(f"{label}：{field_text(self.project, name)}", classes="link-field")
            yield Static("", id="link-error")
            with Horizontal(id="link-buttons"):
                yield Button(S.LINK_CONFIRM, id="link-ok", variant="primary", compact=True)
                yield Button(C.CANCEL, id="link-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#link-ok", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "link-ok":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        authority = self.query_one("#link-authority", Select).value
        branch = self.query_one("#link-branch", Select).value
        if authority is Select.NULL or branch is Select.NULL:
            self.query_one("#link-error", Static).update(S.LINK_PICK)
            return
        self.dismiss((str(authority), str(branch)))

    def action_cancel(self) -> None:
        self.dismiss(None)


register_screen(ScreenSpec(id="project.links", title=S.TITLE_LINKS, menu=(S.MENU_PROJECT, S.TITLE_LINKS),
                           roles=STAFF, order=10, help=S.HELP_LINKS, factory=lambda app: LinksScreen()))
