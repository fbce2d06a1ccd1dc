"""A reusable yes/no question: ``ConfirmDialog(message) -> bool`` (frogmouth's pattern).

``await app.push_screen_wait(ConfirmDialog("确认删除？"))`` in a worker, or
``app.push_screen(ConfirmDialog(...), callback)``. Enter presses the focused button; y / n
answer directly; Esc is "no". ``danger=True`` (deletions) or ``default=False`` puts the focus on 取消.

Two rules every confirm keeps (issue 15 item 5): the focused button is visible without colour
(bold reverse video and a ``▶`` mark: the app's one rule, :mod:`sbtui.tui.focus`; the labels
keep a space for the mark so the buttons do not move), and answering
"no" says so — a notice ``已取消：{title}`` (or ``cancelled``; ``cancelled=""`` for an offer
whose decline needs no word).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.wrap import Prose


class ConfirmDialog(ModalScreen[bool]):
    """Ask; dismiss with True (确定) or False (取消)."""

    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        keyed("confirm", "yes", "y", "answer(True)", C.OK, show=False),
        keyed("confirm", "no", "n,escape", "answer(False)", C.CANCEL, show=False),
        keyed("confirm", "left", "left", "app.focus_previous", C.KEY_PREV_BUTTON, show=False),
        keyed("confirm", "right", "right", "app.focus_next", C.KEY_NEXT_BUTTON, show=False),
    ]

    def __init__(self, message: str, *, title: str = "", ok: str = C.OK, cancel: str = C.CANCEL,
                 default: bool | None = None, danger: bool = False,
                 cancelled: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.title_text = title
        self.ok = ok
        self.cancel = cancel
        self.danger = danger
        self.default = (not danger) if default is None else default
        self.cancelled = (cancelled if cancelled is not None
                          else C.CANCELLED_WHAT.format(what=title) if title else C.CANCELLED)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.title_text or C.APP_TITLE
            yield Static(Prose(self.message), id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(f" {self.ok}", id="confirm-ok", variant="error" if self.danger else "primary",
                             compact=True)
                yield Button(f" {self.cancel}", id="confirm-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-ok" if self.default else "#confirm-cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "confirm-ok")

    def action_answer(self, yes: bool) -> None:
        if not yes and self.cancelled:
            self.app.notify(self.cancelled)
        self.dismiss(yes)


Confirm = ConfirmDialog  # the short name
