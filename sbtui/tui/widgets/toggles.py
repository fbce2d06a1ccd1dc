"""Check boxes and radio buttons whose state reads without colour: ✓ / blank and ● / blank.

Textual draws the same "X" / "●" ticked or not and tells them apart by colour only, which a
monochrome terminal, a screen reader or a plain-text capture cannot see ("我已确认无误" must
be visibly ticked, SPEC L2)."""
from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Checkbox, RadioButton


class TickBox(Checkbox, inherit_bindings=False):
    """Space ticks; Enter is left to the screen (its 确定), as the step hints say."""

    BINDINGS = [Binding("space", "toggle_button", "勾选", show=False)]

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return "✓" if self.value else " "


class Radio(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "●" if self.value else " "
