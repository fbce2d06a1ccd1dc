"""指定分组 (SPEC E4, 单个职工分组): choose a group (or 不分组) for one employee or the ticked
ones. Dismisses with the group id, ``""`` for 不分组, or ``None`` (cancelled).
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import employees as S


class GroupPick(ModalScreen[str | None]):
    CSS_PATH = "group_pick.tcss"
    BINDINGS = [keyed("employees.group_pick", "cancel", "escape", "cancel", C.CANCEL)]

    def __init__(self, groups: list[dict[str, Any]], *, count: int = 1, name: str | None = None,
                 title: str | None = None, question: str | None = None, none: bool = True) -> None:
        """Also a plain chooser of other things shaped like groups (``id, name, level``):
        ``title``, ``question`` and ``none=False`` (no 不分组 choice)."""
        super().__init__()
        self.groups = groups
        self.count = count
        self.name_text = name
        self.title_text = title or S.PICK_TITLE
        self.question = question
        self.none = none

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = S.PICK_HINT
            question = self.question or (
                S.PICK_FOR_ONE.format(name=self.name_text) if self.count == 1 and self.name_text
                else S.PICK_FOR_MANY.format(n=self.count))
            yield Static(question)
            options = [Option(S.PICK_NONE, id="")] if self.none else []
            options += [Option(("  " * (g["level"] - 1)) + g["name"] + (S.G_PENDING if g.get("pending") else ""),
                               id=g["id"]) for g in self.groups]
            yield OptionList(*options, id="pick-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)
