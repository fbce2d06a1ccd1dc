"""The function menu (SPEC H1; manual 000 §1.4 ①): a keyboard tree of the screens the current
role may open, grouped by their registry menu path. Only registered (built) screens appear.
Enter on a function dismisses with its screen id; the app opens it (role-checked again).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, Tree

from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec
from sbtui.tui.strings import shell as S


def menu_tree(specs: list[ScreenSpec]) -> dict:
    """``{group: {subgroup: ..., spec.id: spec}}`` in the order of ``specs`` (the registry's
    menu order): a function of the top level (首页, 单位三方协议管理) sits between the groups
    where the official menu has it. A group is keyed by its name, a function by its
    :class:`ScreenSpec`."""
    root: dict = {}
    for spec in specs:
        node = root
        for part in spec.menu[:-1]:
            node = node.setdefault(part, {})
        node[spec] = spec
    return root


class MenuDialog(ModalScreen[str | None]):
    """Choose a function; dismiss with its screen id (or None)."""

    CSS_PATH = "menu.tcss"
    BINDINGS = [keyed("menu", "close", "escape,f2", "dismiss(None)", S.KEY_BACK, show=False)]

    def __init__(self, specs: list[ScreenSpec], *, current: str = "") -> None:
        super().__init__()
        self.specs = specs
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-box") as box:
            box.border_title = S.MENU_TITLE
            box.border_subtitle = S.MENU_HINT
            tree: Tree[str] = Tree(S.MENU_TITLE, id="menu-tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            if not self.specs:
                yield Static(S.MENU_EMPTY, id="menu-empty")

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        self._fill(tree.root, menu_tree(self.specs))
        tree.root.expand_all()
        tree.focus()
        self.call_after_refresh(self._to_current)

    def _to_current(self) -> None:
        """Put the cursor on the screen the menu was opened from (lines exist after a refresh)."""
        tree = self.query_one(Tree)
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and node.data == self.current:
                tree.move_cursor(node)
                break

    def _fill(self, parent, level: dict) -> None:
        for key, value in level.items():
            if isinstance(key, ScreenSpec):
                parent.add_leaf(key.menu[-1], data=key.id)
            else:
                self._fill(parent.add(key, data=None), value)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None:
            self.dismiss(event.node.data)
