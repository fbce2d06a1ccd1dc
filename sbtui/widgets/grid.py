"""A virtual grid over the local SQLite that stays instant at any number of rows.

Only the visible rows are rendered (the Line API, in :mod:`sbtui.widgets.grid_paint`). The rows come
from a :class:`~sbtui.widgets.grid_source.GridSource` (ids in memory, rows fetched a page at a
time); each fetched row is rendered once into a :class:`Strip` and cached by row id, and an
edit drops only its own row from that cache. Column widths come from the schema, so nothing is
measured. Frozen left columns stay put while the rest scrolls sideways; CJK text is cut and
padded by terminal cells.

Line 0 is the header, the last line the status line ("第 x 行，共 N 行 · 已勾选 k"); the lines
between show rows ``scroll_y …``. Messages: :class:`Grid.CursorMoved` (replaceable),
:class:`Grid.TicksChanged`, :class:`Grid.CellEdited`.
"""
from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.geometry import Region
from textual.message import Message

from sbtui.tui.keys import keyed
from sbtui.tui.strings import grid as S
from sbtui.widgets.grid_paint import GUTTER, GridPainter
from sbtui.widgets.grid_source import GridSource

FIRST_PAGE = 200  # ids read before the first paint when the rest is read in the background
Validator = Callable[[Any, str, Any], "str | None"]  # (row_id, column, value) -> error or None


class Grid(GridPainter, can_focus=True):
    """A keyboard-driven table of a :class:`GridSource`.

    ``frozen`` is how many of the leading columns stay in place; ``validator`` is asked before
    every edit and refuses it by returning a message."""

    DEFAULT_CSS = """
    Grid { height: 1fr; scrollbar-size-horizontal: 0; background: $surface; }
    Grid > .grid--header { background: $panel; text-style: bold; }
    Grid > .grid--status { background: $panel; color: $text-muted; }
    Grid > .grid--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
                           text-style: bold; }
    Grid > .grid--cursor-row { background: $boost; }
    Grid > .grid--tick { color: $success; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header", "grid--status", "grid--cursor", "grid--cursor-row", "grid--tick"}
    BINDINGS = [
        keyed("grid", "up", "up", "cursor(-1)", S.KEY_UP, show=False),
        keyed("grid", "down", "down", "cursor(1)", S.KEY_DOWN, show=False),
        keyed("grid", "left", "left", "column(-1)", S.KEY_LEFT, show=False),
        keyed("grid", "right", "right", "column(1)", S.KEY_RIGHT, show=False),
        keyed("grid", "page_up", "pageup", "page(-1)", S.KEY_PAGE_UP, show=False),
        keyed("grid", "page_down", "pagedown", "page(1)", S.KEY_PAGE_DOWN, show=False),
        keyed("grid", "home", "home", "row_edge(0)", S.KEY_HOME, show=False),
        keyed("grid", "end", "end", "row_edge(1)", S.KEY_END, show=False),
        keyed("grid", "first", "ctrl+home", "first_last(0)", S.KEY_FIRST, show=False),
        keyed("grid", "last", "ctrl+end", "first_last(1)", S.KEY_LAST, show=False),
        keyed("grid", "search", "slash", "search", S.KEY_SEARCH),
        keyed("grid", "search_next", "n", "search_next", S.KEY_SEARCH_NEXT, show=False),
        keyed("grid", "tick", "space", "tick", S.KEY_TICK),
        keyed("grid", "tick_up", "shift+up", "tick_move(-1)", S.KEY_TICK_UP, show=False),
        keyed("grid", "tick_down", "shift+down", "tick_move(1)", S.KEY_TICK_DOWN, show=False),
        keyed("grid", "tick_all", "ctrl+a", "tick_all", S.KEY_TICK_ALL),
        keyed("grid", "clear_ticks", "ctrl+u", "clear_ticks", S.KEY_CLEAR_TICKS),
    ]

    class CursorMoved(Message):
        """The cursor is on another cell (high-frequency: a newer one replaces a queued one)."""

        def __init__(self, grid: "Grid", row_id: Any, row: int, column: str) -> None:
            super().__init__()
            self.grid, self.row_id, self.row, self.column = grid, row_id, row, column

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Grid.CursorMoved) and message.grid is self.grid

        @property
        def control(self) -> "Grid":
            return self.grid

    class TicksChanged(Message):
        """The set of ticked rows changed."""

        def __init__(self, grid: "Grid", count: int) -> None:
            super().__init__()
            self.grid, self.count = grid, count

        @property
        def control(self) -> "Grid":
            return self.grid

    class CellEdited(Message):
        """An edit was validated and saved (the row is already in SQLite)."""

        def __init__(self, grid: "Grid", row_id: Any, column: str, old: Any, value: Any) -> None:
            super().__init__()
            self.grid, self.row_id, self.column, self.old, self.value = grid, row_id, column, old, value

        @property
        def control(self) -> "Grid":
            return self.grid

    def __init__(self, source: GridSource, *, frozen: int = 0, validator: Validator | None = None,
                 background: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """``background``: paint the first page at once and read the full id list in a thread
        (for a source made with ``eager=False``; "共 … 行" until it is in)."""
        super().__init__(source, frozen=frozen, name=name, id=id, classes=classes)
        self.validator = validator
        self.background = background
        self.search_text = ""
        self._anchor: int | None = None
        self._generation = 0  # bumped by every re-query

    def on_mount(self) -> None:  # (GridPainter.on_mount runs too: Textual calls both)
        if self.background:
            self.source.first_page(FIRST_PAGE)
            self._sync_size()
            path, generation = self.source.path, self._generation
            self.run_worker(lambda: self._read_ids(path, generation), thread=True, exclusive=True,
                            group="grid-ids")

    def _read_ids(self, path: str, generation: int) -> None:
        """(In a thread, on a connection of its own.)"""
        conn = sqlite3.connect(path)
        try:
            ids = self.source.query_ids(conn, packed=True)
        finally:
            conn.close()
        self.app.call_from_thread(self._ids_read, ids, generation)

    def _ids_read(self, ids: list, generation: int) -> None:
        if generation != self._generation:
            return  # the filter or sort changed meanwhile: that re-query is newer
        self.source.set_ids(ids)
        self._sync_size()
        self.refresh()

    # -- refreshing --------------------------------------------------------------------------

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self._view.height - 1:
            self.refresh(Region(0, y, self._view.width, 1))

    def _refresh_status(self) -> None:
        self.refresh(Region(0, self._view.height - 1, self._view.width, 1))

    @property
    def cursor_row_id(self) -> Any:
        ids = self.source.ids
        return ids[self.cursor_row] if 0 <= self.cursor_row < len(ids) else None

    @property
    def cursor_column(self) -> str:
        return self.source.columns[self.cursor_col].key

    # -- cursor ------------------------------------------------------------------------------

    def move_to(self, row: int, column: int | None = None) -> None:
        """Put the cursor on ``row`` (and ``column``), scrolling it into view."""
        total = len(self.source)
        row = max(0, min(row, total - 1)) if total else 0
        column = self.cursor_col if column is None else max(0, min(column, len(self.source.columns) - 1))
        old_row, old_col = self.cursor_row, self.cursor_col
        self.cursor_row, self.cursor_col = row, column
        scrolled = self._scroll_into_view()
        if not scrolled:
            self._refresh_row(old_row)
            self._refresh_row(row)
            self._refresh_status()
        if (old_row, old_col) != (row, column) and total:
            self.post_message(self.CursorMoved(self, self.source.ids[row], row, self.cursor_column))

    def _scroll_into_view(self) -> bool:
        sy, sx = self.scroll_offset.y, self.scroll_offset.x
        y = sy
        if self.cursor_row < sy:
            y = self.cursor_row
        elif self.cursor_row >= sy + self.page_rows:
            y = self.cursor_row - self.page_rows + 1
        x = 0 if self.cursor_col < self.frozen else sx  # left into the frozen part: back to the start
        if self.cursor_col >= self.frozen:
            room = max(1, self._view.width - GUTTER - self._frozen_width)
            start = self._x[self.cursor_col] - self._frozen_width
            end = start + self.source.columns[self.cursor_col].width + 1
            if start < sx:
                x = start
            elif end > sx + room:  # the first column start from which the cursor's column fits
                starts = [self._x[i] - self._frozen_width for i in range(self.frozen, self.cursor_col + 1)]
                x = next((s for s in starts if end - s <= room), start)
        if (x, y) == (sx, sy):
            return False
        self.scroll_to(x=x, y=y, animate=False, immediate=True)
        self.refresh()
        return True

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the cell under the pointer."""
        y, x = event.y, event.x - GUTTER
        if not 1 <= y < self._view.height - 1 or x < 0:
            return
        if x >= self._frozen_width:
            x += self.scroll_offset.x
        column = bisect_right(self._x, x) - 1
        self._anchor = None
        self.move_to(self.scroll_offset.y + y - 1, column)

    def action_cursor(self, delta: int) -> None:
        self._anchor = None
        self.move_to(self.cursor_row + delta)

    def action_column(self, delta: int) -> None:
        self.move_to(self.cursor_row, self.cursor_col + delta)

    def action_page(self, delta: int) -> None:
        self._anchor = None
        step = self.page_rows * delta
        target = self.cursor_row + step
        top = max(0, min(self.scroll_offset.y + step, len(self.source) + 2 - self._view.height))
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, immediate=True)
            self.refresh()
        self.move_to(target)

    def action_row_edge(self, end: int) -> None:
        self.move_to(self.cursor_row, len(self.source.columns) - 1 if end else 0)

    def action_first_last(self, last: int) -> None:
        self._anchor = None
        self.move_to(len(self.source) - 1 if last else 0)

    # -- ticks -------------------------------------------------------------------------------

    def _ticks_changed(self) -> None:
        self._refresh_status()
        self.post_message(self.TicksChanged(self, len(self.ticked)))

    def action_tick(self) -> None:
        rid = self.cursor_row_id
        if rid is None:
            return
        self.ticked.symmetric_difference_update({rid})
        self._refresh_row(self.cursor_row)
        self._ticks_changed()

    def action_tick_move(self, delta: int) -> None:
        """Shift+↑/↓: tick every row from where the shift-move began to the new cursor."""
        if not len(self.source):
            return
        if self._anchor is None:
            self._anchor = self.cursor_row
        self.move_to(self.cursor_row + delta)
        lo, hi = sorted((self._anchor, self.cursor_row))
        self.ticked.update(self.source.ids[lo:hi + 1])
        self.refresh()
        self._ticks_changed()

    def action_tick_all(self) -> None:
        self.ticked.update(self.source.ids)
        self.refresh()
        self._ticks_changed()

    def action_clear_ticks(self) -> None:
        self.ticked.clear()
        self.refresh()
        self._ticks_changed()

    # -- search, filter, sort ----------------------------------------------------------------

    def search(self, text: str) -> bool:
        """Move to the next row (after the cursor, wrapping) containing ``text``, found in SQL."""
        self.search_text = text
        pos = self.source.find(text, after=self.cursor_row)
        if pos is None:
            if text:
                self.notify(S.SEARCH_NOT_FOUND.format(text=text), severity="warning")
            return False
        self._anchor = None
        self.move_to(pos)
        return True

    def action_search(self) -> None:
        from sbtui.widgets.grid_search import GridSearch

        def done(text: str | None) -> None:
            if text:
                self.search(text)

        self.app.push_screen(GridSearch(self.search_text), done)

    def action_search_next(self) -> None:
        if self.search_text:
            self.search(self.search_text)

    def reload(self) -> None:
        """Re-query the ids (after the filter or sort changed, or the table was rewritten)."""
        keep = self.cursor_row_id
        self.source.requery()
        self._after_requery(keep)

    def set_filter(self, where: str = "", params: tuple = ()) -> None:
        keep = self.cursor_row_id
        self.source.set_filter(where, params)
        self._after_requery(keep)

    def set_order(self, column: str | None, *, descending: bool = False) -> None:
        keep = self.cursor_row_id
        self.source.set_order(column, descending=descending)
        self._after_requery(keep)

    def _after_requery(self, keep: Any) -> None:
        self._generation += 1
        self._cache.clear()
        self._sync_size()
        pos = self.source.index_of(keep) if keep is not None else None
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.move_to(pos or 0)

    # -- editing -----------------------------------------------------------------------------

    def edit_cell(self, row_id: Any, column: str, value: Any) -> str | None:
        """Validate, save (UPDATE + commit) and repaint one cell; return the refusal or None.

        Only that row's rendering is dropped from the cache; :class:`CellEdited` is posted."""
        col = self.source.column(column)
        if not col.editable:
            raise ValueError(f"column {column!r} is not editable")
        if self.validator is not None:
            error = self.validator(row_id, column, value)
            if error:
                return error
        old = self.source.value(row_id, column)
        self.source.update(row_id, column, value)
        self._cache.pop(row_id, None)
        index = self.source.index_of(row_id)
        if index is not None:
            self._refresh_row(index)
        self.post_message(self.CellEdited(self, row_id, column, old, value))
        return None
