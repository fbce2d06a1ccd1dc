"""Line breaking for Chinese text at any width (issue 15 item 7), the one rule every dialog and
the home to-do use: a line never starts with closing punctuation (``？``, ``】``, ``，`` …), never
ends with an opening one (``【``, ``（`` …), and a number (``1,654,930.84``, ``2026-11``, a unit
number) is never split — unless it alone is wider than the line.

:func:`break_lines` is the rule; :class:`Prose` is a Rich renderable that applies it at whatever
width it is drawn (a ``Static``'s content, an ``OptionList`` option's prompt), so a resize keeps it.
"""
from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import StyleType
from rich.text import Text

from sbtui.domain.text import escape_output

CLOSING = frozenset("，。、；：？！）】》」』〕”’…·,.;:?!)]}%")
OPENING = frozenset("（【《「『〔“‘([{")
# a run of Latin letters and digits, with , . : / - between them (amounts, dates, codes)
_ATOM = re.compile(r"[0-9A-Za-z]+(?:[,.:/\-][0-9A-Za-z]+)*%?|\s|.")


def _groups(paragraph: str) -> list[str]:
    """The pieces a line may break between: a number whole, closing punctuation glued to what
    comes before it, opening punctuation to what comes after it."""
    groups: list[str] = []
    glue_next = False
    for atom in _ATOM.findall(paragraph):
        if groups and (glue_next or (atom[0] in CLOSING and not groups[-1].isspace())):
            groups[-1] += atom
        else:
            groups.append(atom)
        glue_next = atom[-1] in OPENING
    return groups


def _hard_split(text: str, width: int) -> list[str]:
    """``text`` in pieces of at most ``width`` cells (for a piece wider than the line)."""
    pieces, line = [], ""
    for char in text:
        if line and cell_len(line + char) > width:
            pieces.append(line)
            line = ""
        line += char
    return [*pieces, line] if line else pieces


def break_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells (its own newlines kept), by the rule above."""
    if width <= 0:
        return text.split("\n")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for group in _groups(paragraph):
            if cell_len(line) + cell_len(group) <= width:
                line += group
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = "" if group.isspace() else group
            if cell_len(line) > width:
                *whole, line = _hard_split(line, width)
                lines.extend(whole)
        lines.append(line.rstrip())
    return lines


class Prose:
    """Text that breaks its lines by :func:`break_lines` at the width it is drawn."""

    def __init__(self, text: str, style: StyleType = "") -> None:
        # a name or remark in a dialog: control and bidi characters escaped (issue 14 finding 4)
        self.text = escape_output(text)
        self.style = style

    def __str__(self) -> str:
        return self.text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = break_lines(self.text, options.max_width)
        yield Text("\n".join(lines), style=self.style, no_wrap=True, overflow="crop")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(p) for p in self.text.split("\n")), default=0)
        longest = max((cell_len(g) for p in self.text.split("\n") for g in _groups(p)), default=0)
        return Measurement(min(longest, widest), widest).clamp(max_width=options.max_width)
