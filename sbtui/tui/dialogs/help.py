"""F1 help (posting's ``help_screen`` style): the current screen's spec help and its keys.

The keys are the screen's *active* bindings — so they follow the user keymap and show only
what works here — plus a line on the global keys.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from sbtui.tui.keys import keyed
from sbtui.tui.registry import REGISTRY
from sbtui.tui.strings import shell as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.wrap import Prose


def screen_help(screen: Screen) -> tuple[str, str]:
    """(title, help text) of a screen: its registry spec, else its own TITLE / HELP."""
    screen_id = getattr(screen, "SCREEN_ID", "")
    spec = REGISTRY.screens.get(screen_id)
    title = (spec.title if spec else "") or getattr(screen, "TITLE", "") or screen_id
    text = (spec.help if spec else "") or getattr(screen, "HELP", "")
    return title, text


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, description) of the keyed bindings active on ``screen``, one row per binding id."""
    app = screen.app
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id or not binding.description or not active.enabled or binding.id in seen:
            continue  # keyed actions only (a widget's own arrows etc. are standard)
        seen.add(binding.id)
        rows.append((app.get_key_display(binding), binding.description))
    return rows


class HelpDialog(ModalScreen[None]):
    """Help for the screen beneath."""

    CSS_PATH = "help.tcss"
    BINDINGS = [keyed("help", "close", "escape,f1", "dismiss", S.HELP_CLOSE, show=False)]

    def __init__(self, title: str, text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.text = text
        self.keys = keys

    @classmethod
    def for_screen(cls, screen: Screen) -> "HelpDialog":
        title, text = screen_help(screen)
        return cls(title, text, screen_keys(screen))

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = S.HELP_TITLE.format(title=self.help_title)
            box.border_subtitle = S.HELP_CLOSE
            with VerticalScroll(id="help-scroll"):
                if self.text:
                    yield Static(Prose(self.text), id="help-text")  # no line starts with ）or ？
                yield Static(S.HELP_KEYS, classes="help-heading")
                table = ColumnTable(id="help-keys", cursor_type="row", show_cursor=False)
                table.add_columns(S.HELP_KEY, S.HELP_ACTION)
                table.add_rows(self.keys)
                yield table
                yield Static(Prose(S.HELP_GLOBAL), id="help-global")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()
