"""An ``Input`` whose editing keys keep their order with the characters typed around them.

Textual handles printable characters in ``Input._on_key`` (the widget's queue) but bound keys
(backspace, arrows, Enter, Tab …) only after the key event has bubbled up to the app. When
keys arrive in one burst — over SSH, a slow link coalesces keystrokes into one read — the next
characters are inserted before the backspace or Tab before them runs: typing ``ABC⌫D`` gave
``ABC``, and ``EF⇥GH`` put ``GH`` into the first field (seen in tmux; Textual issue #6605,
open PR #6631 takes the same approach). Here the widget's own bindings, and Tab / Shift+Tab,
run inline, in order; keys already queued here when a Tab moved the focus go on to the
newly focused widget.

It also keeps the one look of a field (issue 15 item 4): its edges show, not only a background
colour. A one-row field is ``compact=True`` and reads ``▏value     ▕`` on any terminal (the
three-row one has Textual's box) — in every dialog and form; a screen's .tcss sets widths and
colours only, never an input's border (tests/test_tui_rules.py checks).
"""
from __future__ import annotations

from textual import events
from textual.binding import NoBinding
from textual.widgets import Input


class TextInput(Input):
    DEFAULT_CSS = """
    TextInput.-textual-compact {
        border-left: vkey $foreground 50% !important;
        border-right: vkey $foreground 50% !important;
    }
    TextInput.-textual-compact:focus {
        border-left: vkey $accent !important;
        border-right: vkey $accent !important;
    }
    """

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not self and focused is not None:
            # keys that were already queued here when a Tab (run inline below) moved the
            # focus on: hand them, in order, to the widget that has the focus now
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.is_printable:
            await super()._on_key(event)
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return
        try:
            bindings = self._bindings.get_bindings_for_key(event.key)
        except NoBinding:
            return  # not an editing key of ours: let it bubble to the screen and app
        event.stop()
        event.prevent_default()
        self._restart_blink()
        for binding in bindings:
            await self.run_action(binding.action)
