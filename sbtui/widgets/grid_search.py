"""The small input that ``/`` opens over a :class:`sbtui.widgets.grid.Grid`."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Label

from sbtui.tui.strings import grid as S
from sbtui.tui.widgets.text_input import TextInput


class GridSearch(ModalScreen[str | None]):
    """One line at the bottom: Enter gives the text, Esc gives None."""

    DEFAULT_CSS = """
    GridSearch { align: left bottom; background: transparent; }
    GridSearch > Horizontal { height: 1; width: 100%; background: $panel; }
    GridSearch Label { width: auto; padding: 0 1; }
    GridSearch TextInput { width: 1fr; height: 1; border: none; padding: 0; }
    """
    # a plain Binding with the registry's shape (id + description, so F1 lists it): the reusable
    # widgets do not import sbtui.tui.keys beyond the grid itself
    BINDINGS = [Binding("escape", "cancel", S.KEY_SEARCH_CANCEL, show=False, id="grid.search_cancel")]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(S.SEARCH_PROMPT)
            yield TextInput(self._text, id="grid-search")

    def on_input_submitted(self, event: TextInput.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
