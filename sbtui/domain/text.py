"""The one text rule (issue 14 finding 4): what a name, a remark or any other text a user
gives may not hold — control characters and the invisible bidirectional controls that make a
terminal or a spreadsheet show something else than what is stored.

* C0 controls U+0000–U+001F (NUL, BEL, ESC, TAB, CR, LF …), DEL U+007F and the C1 controls
  U+0080–U+009F (CSI, OSC …);
* bidi controls: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
  U+200E, U+200F, U+061C; the line and paragraph separators U+2028, U+2029.

The service refuses such text at its boundary, naming the field (:func:`check_text`); the
client refuses it before queueing and escapes it in what it prints or writes to a file
(:func:`escape_text`: each becomes ``\\uXXXX``, visible, and valid inside a JSON string).
"""
from __future__ import annotations

import re

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TERMINAL_OK = frozenset("\n")  # what a printed report itself is made of


class TextError(ValueError):
    """Text that breaks the rule; ``str()`` is the Chinese message naming the field."""

    def __init__(self, field: str, char: str, index: int) -> None:
        self.field, self.char, self.index = field, char, index
        super().__init__(f"{field}不能包含控制字符或双向文本控制符"
                         f"（第 {index + 1} 个字符 U+{ord(char):04X}）")


def first_forbidden(text: str) -> tuple[int, str] | None:
    """``(index, char)`` of the first forbidden character, or None."""
    m = FORBIDDEN.search(text)
    return None if m is None else (m.start(), m.group())


def check_text(text: str, field: str) -> str:
    """``text`` unchanged, or :class:`TextError` naming ``field``."""
    found = first_forbidden(text)
    if found is not None:
        raise TextError(field, found[1], found[0])
    return text


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def escape_text(text: str) -> str:
    """Each forbidden character as the visible ``\\uXXXX`` (for a cell, a table, a label)."""
    return FORBIDDEN.sub(_escape, text) if FORBIDDEN.search(text) else text


def escape_output(text: str) -> str:
    """:func:`escape_text` for a whole printed report: its own line breaks stay."""
    if FORBIDDEN.search(text) is None:
        return text
    return FORBIDDEN.sub(lambda m: m.group() if m.group() in _TERMINAL_OK else _escape(m), text)
