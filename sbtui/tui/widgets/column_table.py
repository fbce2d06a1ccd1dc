"""A ``DataTable`` that scrolls sideways by whole columns.

With fixed columns and a row cursor, Textual's DataTable scrolls ←/→/End by cells of the
screen, so a column can be shown cut on its left: 1,219,286.26 read as "9,286.26" beside the
fixed 单位编号. Here ←, →, Home and End stop at column edges, so what is shown of an amount is
never its tail. (The last column may be cut on its right when the table's width does not end
on an edge; text cut on the right reads as cut.)
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from textual.widgets import DataTable


class ColumnTable(DataTable):
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
