"""系统设置 kept on this machine for every employer (``config.json``): the home page's quick
buttons (SPEC H5). The per-employer login password is :mod:`sbtui.services.users`'."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sbtui.services.home import QUICK_ACTIONS

if TYPE_CHECKING:
    from sbtui.config import Config


class SettingsService:
    """The client's settings (``ws.settings``)."""

    def __init__(self, config: Config) -> None:
        self.config = config

    @property
    def quick_buttons(self) -> list[str]:
        return list(self.config.quick_buttons)

    def set_quick_buttons(self, action_ids: list[str]) -> None:
        """Save the home page's quick buttons (SPEC H5), ids of :data:`QUICK_ACTIONS`."""
        unknown = [a for a in action_ids if a not in QUICK_ACTIONS]
        if unknown:
            raise ValueError(f"未知的快捷按钮：{'、'.join(unknown)}（可选：{'、'.join(QUICK_ACTIONS)}）")
        self.config.quick_buttons = list(dict.fromkeys(action_ids))
        self.config.save()
