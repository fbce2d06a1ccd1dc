"""The text being typed into one cell of :class:`sbtui.widgets.grid.Grid`.

:class:`CellEditor` is only state: the text, the caret, the refusal to show, and what part of the
text fits the cell (by terminal cells: CJK counts two). The grid feeds it keys and paints it over
the cell; see the grid's module docstring for why it is not a child ``Input``.
"""
from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size

_SHOWN = str.maketrans("\n\r\t", "   ")  # control characters of a stored value, as shown


class CellEditor:
    """The editor open on the cell of row ``row_id`` (at ``row``) in column ``column``."""

    def __init__(self, row_id: Any, row: int, column: str, text: str) -> None:
        self.row_id, self.row, self.column = row_id, row, column
        self.text = text
        self.caret = len(text)  # index into text: the caret stands before text[caret]
        self.error: str | None = None  # the last refusal, shown in the status line

    # -- editing (each returns whether anything changed) ------------------------------------

    def insert(self, typed: str) -> bool:
        typed = typed.splitlines()[0] if typed else ""
        if not typed:
            return False
        self.text = self.text[:self.caret] + typed + self.text[self.caret:]
        self.caret += len(typed)
        return True

    def backspace(self) -> bool:
        if not self.caret:
            return False
        self.text = self.text[:self.caret - 1] + self.text[self.caret:]
        self.caret -= 1
        return True

    def delete(self) -> bool:
        if self.caret >= len(self.text):
            return False
        self.text = self.text[:self.caret] + self.text[self.caret + 1:]
        return True

    def move(self, caret: int) -> bool:
        caret = max(0, min(caret, len(self.text)))
        changed, self.caret = caret != self.caret, caret
        return changed

    def clear_before(self) -> bool:
        if not self.caret:
            return False
        self.text, self.caret = self.text[self.caret:], 0
        return True

    def clear_after(self) -> bool:
        if self.caret >= len(self.text):
            return False
        self.text = self.text[:self.caret]
        return True

    KEYS = {  # key -> what it does to the text
        "backspace": backspace,
        "delete": delete,
        "left": lambda self: self.move(self.caret - 1),
        "right": lambda self: self.move(self.caret + 1),
        "home": lambda self: self.move(0),
        "ctrl+a": lambda self: self.move(0),
        "end": lambda self: self.move(len(self.text)),
        "ctrl+e": lambda self: self.move(len(self.text)),
        "ctrl+u": clear_before,
        "ctrl+k": clear_after,
    }

    def key(self, key: str, character: str | None) -> bool | None:
        """Apply a key: True if the text or caret changed, False if the key is an editing key
        that did nothing here, None if it is not an editing key."""
        action = self.KEYS.get(key)
        if action is not None:
            return action(self)
        if character and character.isprintable():
            return self.insert(character)
        return None

    # -- display -----------------------------------------------------------------------------

    def window(self, width: int) -> tuple[str, str, str]:
        """(before, at, after): the text shown in ``width`` cells, the caret on ``at`` (a space
        at the end). As much as fits before the caret is shown; what follows is cut."""
        text, caret = self.text.translate(_SHOWN), self.caret
        at = text[caret] if caret < len(text) else " "
        room = width - cell_len(at)
        first = caret
        used = 0
        while first > 0 and used + cell_len(text[first - 1]) <= room:
            first -= 1
            used += cell_len(text[first])
        before = text[first:caret]
        if room < 0:  # a CJK caret character in a one-cell column
            return "", set_cell_size(at, width), ""
        after = set_cell_size(text[caret + 1:], room - used) if room - used > 0 else ""
        return before, at, after
