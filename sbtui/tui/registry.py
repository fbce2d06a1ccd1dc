"""One registry of screens and actions: it feeds the function menu, the footer, the command
palette (only what makes sense on the current screen), F1 help, and the user keymap.

Keys are data (STYLE.md): every action has an id, a default key and a description; a user
keymap in config.json (``"keymap": {"action.id": "ctrl+k"}``) overrides the key.

A screen module registers itself at import time::

    register_screen(ScreenSpec(id="users", title=S.USERS_TITLE, menu=("系统设置", "用户管理"),
                               roles=ADMIN_ONLY, factory=lambda app: UsersScreen()))

Only registered screens appear in the menu, so a screen that is not built is not in the menu.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sbtui.domain.vocab import EVERYONE

if TYPE_CHECKING:
    from textual.screen import Screen

# the official function menu's order of its groups (manual 000 §1.4 ①); others after, by name
GROUP_ORDER = ("首页", "单位管理", "参保信息管理", "缴费工资申报", "社保费申报", "工程项目工伤保险费申报", "费款缴纳",
               "单位退费申请管理", "证明打印", "单位三方协议管理", "查询统计", "系统设置")


def _group_rank(path: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
    head = path[0] if path else ""
    return (GROUP_ORDER.index(head) if head in GROUP_ORDER else len(GROUP_ORDER), path)


@dataclass(frozen=True)
class ScreenSpec:
    """A screen reachable from the function menu (SPEC H1)."""

    id: str
    title: str
    menu: tuple[str, ...]  # path in the function menu, e.g. ("系统设置", "用户管理")
    factory: Callable[[Any], "Screen"]  # app -> a new screen
    roles: frozenset[str] = EVERYONE  # who may open it (the service enforces it too)
    order: int = 100  # position among its siblings
    help: str = ""  # one paragraph for F1, in the official client's words


@dataclass(frozen=True)
class ActionSpec:
    """A keyed action. ``scope`` is "app" or a screen id."""

    id: str
    key: str
    description: str
    scope: str = "app"
    show: bool = True  # in the footer


@dataclass
class Registry:
    screens: dict[str, ScreenSpec] = field(default_factory=dict)
    actions: dict[str, ActionSpec] = field(default_factory=dict)

    def register_screen(self, spec: ScreenSpec) -> ScreenSpec:
        self.screens[spec.id] = spec
        return spec

    def register_action(self, spec: ActionSpec) -> ActionSpec:
        self.actions[spec.id] = spec
        return spec

    def menu_for(self, role: str) -> list[ScreenSpec]:
        """The screens ``role`` may open, in menu order."""
        specs = [s for s in self.screens.values() if role in s.roles]
        return sorted(specs, key=lambda s: (_group_rank(s.menu[:-1] or s.menu), s.order, s.menu[-1]))

    def actions_for(self, scope: str) -> list[ActionSpec]:
        return [a for a in self.actions.values() if a.scope in ("app", scope)]


REGISTRY = Registry()
register_screen = REGISTRY.register_screen
register_action = REGISTRY.register_action
