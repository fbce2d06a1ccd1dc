"""One call that makes a screen's key both a Textual :class:`Binding` and a registry
:class:`ActionSpec` with the same id, so the footer, the command palette, F1 help and the user
keymap (``App.set_keymap`` matches binding ids) all see the same key (STYLE.md "Keys are data").

::

    BINDINGS = [keyed("home", "refresh", "f5", "refresh", S.KEY_REFRESH)]

When the footer is cut at 80 columns, the most used keys come first (:data:`FOOTER_ORDER`,
``order=``): a screen's own keys in the order it declares them, then Esc (返回/取消), then the
app's F2 菜单 and F1 帮助 — F1 lists them all (issue 15 item 2).
"""
from __future__ import annotations

from textual.binding import Binding

from sbtui.tui.registry import ActionSpec, register_action


# a binding id -> its place in the footer (lower first; equal keeps the declared order)
FOOTER_ORDER: dict[str, int] = {}
ORDER_SCREEN = 50  # a screen's own keys
ORDER_ESCAPE = 80  # esc 返回 / 取消
ORDER_APP = {"f2": 85, "f1": 90}  # the app's 菜单, 帮助


def default_order(key: str) -> int:
    """Where a key goes in the footer when its binding does not say."""
    keys = key.split(",")
    if "escape" in keys:
        return ORDER_ESCAPE
    return min((ORDER_APP[k] for k in keys if k in ORDER_APP), default=ORDER_SCREEN)


def keyed(scope: str, name: str, key: str, action: str, description: str, *,
          show: bool = True, priority: bool = False, order: int | None = None) -> Binding:
    """Register ``{scope}.{name}`` and return the binding that carries it; ``order`` places it
    in the footer (default :func:`default_order`)."""
    action_id = f"{scope}.{name}"
    FOOTER_ORDER[action_id] = default_order(key) if order is None else order
    register_action(ActionSpec(id=action_id, key=key.split(",")[0], description=description,
                               scope=scope, show=show))
    return Binding(key, action, description, id=action_id, show=show, priority=priority)
