"""A one-line question: ``PromptDialog(message, value=...) -> str | None`` (a file name, a
group name). ``check`` refuses a value with a message shown under the field; Enter accepts,
Esc cancels.
"""
from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import employees as S
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.wrap import Prose


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line of text; dismiss with it (stripped) or None (Esc). ``check`` may refuse
    an answer with a reason shown under the field; ``error`` is a reason to show from the start
    (the question asked again after a refusal); ``empty`` is the reason an empty answer is
    refused, None to accept it (a remark may be cleared)."""

    CSS_PATH = "prompt.tcss"
    BINDINGS = [keyed("prompt", "cancel", "escape", "cancel", C.CANCEL, show=False)]

    def __init__(self, message: str, *, title: str = "", value: str = "", error: str = "",
                 empty: str | None = S.P_EMPTY, check: Callable[[str], str | None] | None = None,
                 max_length: int = 0) -> None:
        super().__init__()
        self.message = message
        self.title_text = title
        self.value = value
        self.error = error
        self.empty = empty
        self.check = check
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box") as box:
            box.border_title = self.title_text or C.APP_TITLE
            box.border_subtitle = S.P_HINT
            yield Static(Prose(self.message), id="prompt-message")
            yield TextInput(self.value, id="prompt-input", max_length=self.max_length)
            yield Static(self.error, id="prompt-error")

    def on_mount(self) -> None:
        field = self.query_one("#prompt-input", Input)
        field.focus()
        field.cursor_position = len(self.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        error = (self.empty if not text else None) or (self.check(text) if self.check else None)
        if error:
            self.query_one("#prompt-error", Static).update(error)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
