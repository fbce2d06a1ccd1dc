"""One call that makes a screen's key both a Textual :class:`Binding` and a registry
:class:`ActionSpec` with the same id, so the footer, the command palette, F1 help and the user
keymap (``App.set_keymap`` matches binding ids) all see the same key (STYLE.md "Keys are data").

::

    BINDINGS = [keyed("home", "refresh", "f5", "refresh", S.KEY_REFRESH)]
"""
from __future__ import annotations

from textual.binding import Binding

from sbtui.tui.registry import ActionSpec, register_action


def keyed(scope: str, name: str, key: str, action: str, description: str, *,
          show: bool = True, priority: bool = False) -> Binding:
    """Register ``{scope}.{name}`` and return the binding that carries it."""
    action_id = f"{scope}.{name}"
    register_action(ActionSpec(id=action_id, key=key.split(",")[0], description=description,
                               scope=scope, show=show))
    return Binding(key, action, description, id=action_id, show=show, priority=priority)
