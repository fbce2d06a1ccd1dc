"""The focused button is marked ``▶`` before its label — seen on a terminal without colour
(issue 15 items 1 and 5). One rule for every :class:`~textual.widgets.Button`, check box and
radio button of the app (我已确认无误 focused looked like unfocused in tmux): the
app calls :func:`mark_focus` on every focus change (``SbtuiApp.on_descendant_focus`` / ``_blur``),
so no screen or dialog can opt out; ``app.tcss`` makes the focused button bold reverse too.

A label that starts with a space (ConfirmDialog keeps one so its buttons do not move) has the
space replaced by the mark; any other label is prefixed with it.
"""
from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button
from textual.widgets._toggle_button import ToggleButton

MARK = "▶"


def mark_focus(widget: Widget, focused: bool) -> None:
    """Put the ``▶`` on a button (or check box, radio button) that has the focus, take it off one
    that lost it."""
    if not isinstance(widget, (Button, ToggleButton)):  # a check box or radio: the same ▶
        return
    label = str(widget.label)
    if focused and not label.startswith(MARK):
        widget.label = MARK + (label[1:] if label.startswith(" ") else label)
        widget._sbtui_unmarked = label  # type: ignore[attr-defined]
    elif not focused and label.startswith(MARK):
        widget.label = getattr(widget, "_sbtui_unmarked", label[1:])
    else:
        return
    # a Button's width is not re-measured when its label changes: without this a compact
    # 立即提交 focused read ▶立即提 (issue 15 item 5, seen in tmux at 80×24)
    widget.refresh(layout=True)
