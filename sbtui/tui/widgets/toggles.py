"""Check boxes and radio buttons whose state reads without colour: ✓ / blank and ● / blank.

Textual draws the same "X" / "●" ticked or not and tells them apart by colour only, which a
monochrome terminal, a screen reader or a plain-text capture cannot see ("我已确认无误" must
be visibly ticked, SPEC L2)."""
from __future__ import annotations

from textual.widgets import Checkbox, RadioButton

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C


class TickBox(Checkbox, inherit_bindings=False):
    """Space ticks; Enter is left to the screen (its 确定), as the step hints say."""

    BINDINGS = [keyed("tickbox", "toggle", "space", "toggle_button", C.KEY_TICK, show=False)]

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return "✓" if self.value else " "


class Radio(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "●" if self.value else " "
