"""职工分组管理 (SPEC E4; manual 000 §2.2.2): the group tree (at most three levels) with
create, rename and delete; the batch template (existing groups and every employee with their
current group) and its import; a group tree from xlsx. Changes are saved locally at once and
queued for the service (outbox).
"""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static, Tree

from sbtui.domain.text import escape_text
from sbtui.domain.vocab import STAFF
from sbtui.services.registry import EmployeeFilter, default_path
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.strings import employees as S

MAX_LEVEL = 3
NAME_MAX = 30


def _check_name(text: str) -> str | None:
    if "/" in text or "／" in text:
        return "分组名称不能包含“/”。"
    if len(text) > NAME_MAX:
        return f"分组名称不能超过 {NAME_MAX} 个字。"
    return None


class GroupsScreen(ExportMixin, BaseScreen):
    SCREEN_ID = "groups"
    CSS_PATH = "groups.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("groups", "add", "a", "add(False)", S.G_KEY_ADD),
        keyed("groups", "add_top", "A", "add(True)", S.G_KEY_ADD_TOP),
        keyed("groups", "rename", "r", "rename", S.G_KEY_RENAME),
        keyed("groups", "delete", "delete", "delete", S.G_KEY_DELETE),
        keyed("groups", "template", "t", "template", S.G_KEY_TEMPLATE),
        keyed("groups", "import", "i", "import_assignments", S.G_KEY_IMPORT),
        keyed("groups", "tree_template", "T", "tree_template", S.G_KEY_TREE_TEMPLATE, show=False),
        keyed("groups", "tree_import", "b", "import_tree", S.G_KEY_TREE_IMPORT),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="groups-body") as body:
            body.border_title = f" {S.TITLE_GROUPS} "
            tree: Tree[str | None] = Tree(S.G_ROOT, id="groups-tree")
            tree.guide_depth = 3
            yield tree
            yield Static("", id="groups-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.load()

    @work(exclusive=True, group="groups-load")
    async def load(self, select: str | None = None) -> None:
        registry = self.employer.registry
        groups, members = await self.host.run_in_thread(lambda: (registry.groups(), registry.group_members()))
        self.groups = groups
        tree = self.query_one(Tree)
        keep = select or self._current_id()
        tree.clear()
        nodes = {None: tree.root}
        for g in groups:  # ordered by path: parents first
            parent = nodes.get(g["parent_id"], tree.root)
            label = f"{g['name']}  {S.G_MEMBERS.format(n=members.get(g['id'], 0))}"
            if g["pending"]:
                label += S.G_PENDING
            # plain text, control and bidi characters escaped: a name from the store is never
            # markup nor an escape sequence for the terminal (issue 14 finding 4)
            nodes[g["id"]] = parent.add(Text(escape_text(label)), data=g["id"], expand=True,
                                        allow_expand=False)
        tree.root.expand_all()
        empty = self.query_one("#groups-empty", Static)
        empty.update(S.G_EMPTY if not groups else "")
        empty.display = not groups
        if keep in nodes and keep is not None:
            _ = tree.last_line  # builds the tree's lines, so the node has its line now
            tree.move_cursor(nodes[keep])

    def _current_id(self) -> str | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    def _current(self) -> dict[str, Any] | None:
        gid = self._current_id()
        return next((g for g in self.groups if g["id"] == gid), None)

    # -- create, rename, delete --------------------------------------------------------------
    @work(exclusive=True, group="groups-edit")
    async def action_add(self, top: bool) -> None:
        parent = None if top else self._current()
        if parent is not None and parent["level"] >= MAX_LEVEL:
            self.notify(S.G_DEPTH, severity="warning")
            return
        message = S.G_NEW_UNDER.format(parent=parent["path"]) if parent else S.G_NEW_TOP
        name = await self.app.push_screen_wait(PromptDialog(message, title=S.G_NEW_TITLE, check=_check_name))
        if name is None:
            return
        parent_id = parent["id"] if parent else None
        registry = self.employer.registry
        temp = await self._save(lambda: registry.create_group(name, parent_id)[0])
        if temp is not None:
            self.load(select=temp)

    @work(exclusive=True, group="groups-edit")
    async def action_rename(self) -> None:
        group = self._current()
        if group is None:
            return
        name = await self.app.push_screen_wait(PromptDialog(
            S.G_RENAME_PROMPT.format(path=group["path"]), title=S.G_RENAME_TITLE, value=group["name"],
            check=_check_name))
        if name is None or name == group["name"]:
            return
        registry = self.employer.registry
        if await self._save(lambda: registry.rename_group(group["id"], name)) is not None:
            self.load(select=group["id"])

    @work(exclusive=True, group="groups-edit")
    async def action_delete(self) -> None:
        group = self._current()
        if group is None:
            return
        if any(g["parent_id"] == group["id"] for g in self.groups):
            self.notify(S.G_HAS_CHILDREN, severity="warning")
            return
        registry = self.employer.registry
        n = await self.host.run_in_thread(registry.group_member_count, group["id"])
        if not await self.app.push_screen_wait(ConfirmDialog(
                S.G_DELETE_CONFIRM.format(path=group["path"], n=n), title=S.G_KEY_DELETE, danger=True)):
            return
        if await self._save(lambda: registry.delete_group(group["id"])) is not None:
            self.load()

    async def _save(self, change) -> Any:
        try:
            result = await self.host.run_in_thread(change)
        except (KeyError, ValueError) as exc:
            self.notify(S.G_FAILED.format(error=exc.args[0] if exc.args else exc), severity="error")
            return None
        sending = self.host.send_queued()
        self.notify(S.G_SAVED_SENDING if sending else S.G_SAVED)
        return result if result is not None else True

    # -- xlsx --------------------------------------------------------------------------------
    def action_template(self) -> None:
        registry = self.employer.registry
        self.ask_and_write(S.G_TEMPLATE_PROMPT, default_path(S.STEM_GROUP_TEMPLATE),
                           lambda path, progress: registry.group_template(
                               path, flt=EmployeeFilter(), progress=progress),
                           title=S.G_KEY_TEMPLATE, done=S.G_WRITTEN)

    def action_tree_template(self) -> None:
        registry = self.employer.registry
        self.ask_and_write(S.G_TREE_TEMPLATE_PROMPT, default_path(S.STEM_TREE_TEMPLATE),
                           lambda path, progress: registry.group_tree_template(path),
                           title=S.G_KEY_TREE_TEMPLATE, done=S.G_WRITTEN)

    def action_import_assignments(self) -> None:
        registry = self.employer.registry
        self.ask_and_read(
            S.G_IMPORT_PROMPT, default_path(S.STEM_GROUP_TEMPLATE),
            lambda path, progress: registry.import_group_assignments(path, progress=progress),
            lambda o: S.G_IMPORTED.format(loaded=o.loaded, skipped=o.skipped, errors=len(o.errors)),
            title=S.G_KEY_IMPORT, after=self.load)

    def action_import_tree(self) -> None:
        registry = self.employer.registry
        self.ask_and_read(
            S.G_TREE_IMPORT_PROMPT, default_path(S.STEM_TREE_TEMPLATE),
            lambda path, progress: registry.import_group_tree(path, progress=progress),
            lambda o: S.G_TREE_IMPORTED.format(loaded=o.loaded, errors=len(o.errors)),
            title=S.G_KEY_TREE_IMPORT, after=self.load)


register_screen(ScreenSpec(id="groups", title=S.TITLE_GROUPS, menu=(S.MENU_GROUP, S.TITLE_GROUPS),
                           roles=STAFF, order=20, help=S.HELP_GROUPS,
                           factory=lambda app: GroupsScreen()))
