"""A ``DataTable`` that scrolls sideways by whole columns.

With fixed columns and a row cursor, Textual's DataTable scrolls ←/→/End by cells of the
screen, so a column can be shown cut on its left: 1,219,286.26 read as "9,286.26" beside the
fixed 单位编号. Here ←, →, Home and End stop at column edges, so what is shown of an amount is
never its tail. The last column may be cut on its right when the table's width does not end
on an edge: then its last shown cell is ``…`` wherever text is left out (issue 15 item 3:
``应缴费款（元`` and ``315202612`` read as whole), the rule the grid keeps too
(:func:`sbtui.widgets.grid_paint.cut_to`).

The row cursor is seen without colour (issue 15's focus rule, as app.tcss does for the other
lists): the cursor row is bold, and its first cell — the cell padding, never text — is ``▶``
(the same mark as a focused button), so ``capture-pane`` without colours and ``TERM=xterm-mono``
both show which row Enter acts on.

A text cell is shown as plain text with the control and bidi characters of the one text rule
escaped (:func:`sbtui.domain.text.escape_text`; issue 14 finding 4): a group name or remark
from the store holding ESC, BEL or U+202E reaches the terminal as ``\u001b`` …, and ``[/b]``
is shown, not read as Rich markup (an unmatched closing tag raised MarkupError).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widgets import DataTable

from sbtui.tui.focus import MARK
from sbtui.domain.text import FORBIDDEN, escape_text

CUT = "…"


def _splits_wide(text: str, cells: int) -> bool:
    """Whether the first ``cells`` cells of ``text`` end inside a wide (CJK) character."""
    used = 0
    for char in text:
        used += cell_len(char)
        if used >= cells:
            return used > cells
    return False


def safe_cell(value: object) -> object:
    """A cell as it may reach the terminal: text plain and escaped, a Text escaped (its style
    kept), anything else as it is."""
    if isinstance(value, str):
        return Text(escape_text(value), end="")
    if isinstance(value, Text) and FORBIDDEN.search(value.plain):
        return Text(escape_text(value.plain), style=value.style, end="")
    return value


class ColumnTable(DataTable):
    """Keys scroll sideways by whole columns, a cut column ends in …, and there is no
    horizontal scrollbar: at the bottom of a short list its thumb read as a stray cursor block
    (``▊`` in the middle of nothing, issue 15 item 9); the … says there is more to the right."""

    DEFAULT_CSS = """
    ColumnTable { scrollbar-size-horizontal: 0; }
    ColumnTable > .datatable--cursor, ColumnTable:focus > .datatable--cursor { text-style: bold; }
    """

    # every way a cell or a label gets in goes through safe_cell (see the module doc)
    def add_column(self, label, *args, **kwargs):
        return super().add_column(safe_cell(label), *args, **kwargs)

    def add_row(self, *cells, **kwargs):
        return super().add_row(*(safe_cell(c) for c in cells), **kwargs)

    def update_cell(self, row_key, column_key, value, **kwargs):
        return super().update_cell(row_key, column_key, safe_cell(value), **kwargs)

    def update_cell_at(self, coordinate, value, **kwargs):
        return super().update_cell_at(coordinate, safe_cell(value), **kwargs)

    def render_line(self, y: int) -> Strip:
        return self._mark_cursor(y, self._cut_right(y, super().render_line(y)))

    def _mark_cursor(self, y: int, strip: Strip) -> Strip:
        """``▶`` in the cursor row's first cell (its padding: no text is covered)."""
        if (self.cursor_type != "row" or not self.show_cursor or self.cell_padding < 1
                or not self.row_count or strip.cell_length < 2):
            return strip
        header = 1 if self.show_header else 0
        if y < header or y - header + round(self.scroll_y) != self.cursor_row:
            return strip
        first = next(iter(strip), None)
        if first is None or not first.text.startswith(" "):
            return strip
        return Strip([Segment(MARK, first.style), *strip.crop(1, strip.cell_length)], strip.cell_length)

    def _cut_right(self, y: int, strip: Strip) -> Strip:
        width = self.scrollable_content_region.width  # what shows: a scrollbar takes a cell
        if width < 2 or not self._cut_at_edge(y, width):
            return strip
        keep = width - 1
        if _splits_wide(strip.crop(0, width).text, keep):
            keep -= 1  # … right after the text, not after half a character
        segments = list(strip.crop(0, keep))
        style = segments[-1].style if segments else None
        return Strip([*segments, Segment(CUT, style)]).adjust_cell_length(strip.cell_length, style)

    def _cut_at_edge(self, y: int, width: int) -> bool:
        """Whether the column the right edge falls inside leaves text out on line ``y``."""
        columns = self.ordered_columns
        fixed = sum(c.get_render_width(self) for c in columns[:self.fixed_columns])
        edge = round(self.scroll_x) + width  # in the row's cells, fixed ones included
        x = fixed
        for index in range(self.fixed_columns, len(columns)):
            w = columns[index].get_render_width(self)
            if x < edge < x + w:
                break
            x += w
        else:
            return False
        header = 1 if self.show_header else 0
        if y < header:
            value: object = columns[index].label
        else:
            row = y - header + round(self.scroll_y)
            if row >= self.row_count:
                return False
            value = self.get_row_at(row)[index]
        text = value.plain if isinstance(value, Text) else str(value)
        return cell_len(text.rstrip()) > edge - x - self.cell_padding

    def column_edges(self) -> list[int]:
        """Scroll offsets at which a scrolled (not fixed) column starts, up to the most the
        table can scroll."""
        edges, x = [0], 0
        for column in self.ordered_columns[self.fixed_columns:]:
            x += column.get_render_width(self)
            edges.append(x)
        limit = self.max_scroll_x
        return [e for e in edges if e <= limit] or [0]

    def _to(self, x: int) -> None:
        self._set_hover_cursor(False)
        self.scroll_to(x=x, animate=False, immediate=True)

    def action_cursor_right(self) -> None:
        if self.cursor_type != "row":
            return super().action_cursor_right()
        edges = self.column_edges()
        at = bisect_right(edges, round(self.scroll_x))
        self._to(edges[min(at, len(edges) - 1)])

    def action_cursor_left(self) -> None:
        if self.cursor_type != "row":
            return super().action_cursor_left()
        edges = self.column_edges()
        at = bisect_left(edges, round(self.scroll_x)) - 1
        self._to(edges[max(at, 0)])

    def action_scroll_end(self) -> None:
        if self.cursor_type != "row":
            return super().action_scroll_end()
        self._to(self.column_edges()[-1])

    def action_scroll_home(self) -> None:
        if self.cursor_type != "row":
            return super().action_scroll_home()
        self._to(0)
