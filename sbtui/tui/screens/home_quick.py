"""快捷按钮 (SPEC H5): which buttons (up to four) the home page shows, and the 快捷按钮设置
dialog.

The choice is a list of action ids of :data:`sbtui.services.home.QUICK_ACTIONS` kept in config.json
(``ws.settings.set_quick_buttons``); an action id is also the id of the screen it opens. A button whose
screen is not built yet stays on the page, dimmed, and says so when pressed; an action the role
may not use is left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from sbtui.config import DEFAULT_QUICK_BUTTONS
from sbtui.services.home import QUICK_ACTIONS
from sbtui.tui.keys import keyed
from sbtui.tui.registry import REGISTRY
from sbtui.tui.strings import common as C
from sbtui.tui.strings import home as S


@dataclass(frozen=True)
class QuickButton:
    screen_id: str
    label: str
    built: bool  # its screen is registered


def _allowed(action_id: str, role: str) -> bool:
    spec = REGISTRY.screens.get(action_id)
    roles = spec.roles if spec is not None else QUICK_ACTIONS[action_id][1]
    return role in roles


def quick_buttons(ws: Any, role: str) -> list[QuickButton]:
    """The buttons ``role`` sees, in the configured order, at most four."""
    buttons = []
    for action_id in ws.config.quick_buttons or DEFAULT_QUICK_BUTTONS:
        if action_id in QUICK_ACTIONS and _allowed(action_id, role):
            buttons.append(QuickButton(action_id, QUICK_ACTIONS[action_id][0],
                                       action_id in REGISTRY.screens))
    return buttons[: S.QUICK_MAX]


def save_quick_buttons(ws: Any, ids: list[str]) -> None:
    """Keep the choice in config.json (file IO: call it from a worker thread)."""
    ws.settings.set_quick_buttons(list(ids))


def candidates(role: str) -> list[tuple[str, str]]:
    """(action id, label) of every action ``role`` could put on a quick button."""
    return [(a, label if a in REGISTRY.screens else f"{label}{S.NOT_BUILT_SHORT}")
            for a, (label, _roles) in QUICK_ACTIONS.items() if _allowed(a, role)]


class QuickSettings(ModalScreen[list[str] | None]):
    """Choose up to four quick buttons; dismisses with the ids in order, or ``None``."""

    CSS_PATH = "home_quick.tcss"
    BINDINGS = [
        keyed("home.quick_settings", "save", "ctrl+s", "save", C.SAVE, priority=True),
        keyed("home.quick_settings", "defaults", "ctrl+r", "defaults", S.QUICK_RESTORE),
        keyed("home.quick_settings", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, current: list[str], role: str) -> None:
        super().__init__()
        self.order = list(current)
        self.role = role

    def compose(self) -> ComposeResult:
        with Vertical(id="quick-dialog"):
            yield SelectionList[str](*[(label, sid, sid in self.order)
                                       for sid, label in candidates(self.role)], id="quick-choices")
            yield Label(S.QUICK_DIALOG_HINT, id="quick-hint")

    def on_mount(self) -> None:
        self.query_one("#quick-dialog").border_title = S.QUICK_DIALOG_TITLE
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        chosen = list(event.selection_list.selected)
        added = [sid for sid in chosen if sid not in self.order]
        self.order = [sid for sid in self.order if sid in chosen] + added
        if len(self.order) > S.QUICK_MAX:
            extra = self.order.pop()
            event.selection_list.deselect(extra)
            self.notify(S.QUICK_TOO_MANY, severity="warning")

    def action_defaults(self) -> None:
        choices = self.query_one(SelectionList)
        offered = {sid for sid, _ in candidates(self.role)}
        choices.deselect_all()
        self.order = []
        for sid in DEFAULT_QUICK_BUTTONS:
            if sid in offered:  # a default the role may not use is not in the list
                choices.select(sid)

    def action_save(self) -> None:
        self.dismiss(list(self.order))

    def action_cancel(self) -> None:
        self.dismiss(None)
