"""Keys that arrive in one burst (SSH coalesces keystrokes) keep their order in our inputs:
backspace, Tab and Enter between typed characters (Textual #6605)."""
from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from sbtui.tui.widgets.text_input import TextInput
from tui_pilot import until


class Two(App):
    submitted: list[str]

    def compose(self) -> ComposeResult:
        self.submitted = []
        yield TextInput(id="a")
        yield TextInput(id="b")

    def on_input_submitted(self, event: TextInput.Submitted) -> None:
        self.submitted.append(event.value)


def burst(app: App, keys: list[str]) -> None:
    """Post every key at once, as one read of the terminal would."""
    for key in keys:
        char = key if len(key) == 1 else {"tab": "\t", "enter": "\r", "backspace": "\x7f"}.get(key)
        app.post_message(events.Key(key, char))


async def test_burst_keeps_backspace_tab_and_enter_in_order():
    app = Two()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, ["A", "B", "C", "backspace", "D", "tab", "E", "F", "backspace", "G", "enter"])
        await until(pilot, lambda: app.submitted)  # the last key handled
        assert app.query_one("#a", TextInput).value == "ABD"
        assert app.query_one("#b", TextInput).value == "EG"
        assert app.submitted == ["EG"]
