"""A virtual grid over the local SQLite that stays instant at any number of rows.

Only the visible rows are rendered (the Line API, in :mod:`sbtui.widgets.grid_paint`). The rows come
from a :class:`~sbtui.widgets.grid_source.GridSource` (ids in memory, rows fetched a page at a
time); each fetched row is rendered once into a :class:`Strip` and cached by row id, and an
edit drops only its own row from that cache. Column widths come from the schema, so nothing is
measured. Frozen left columns stay put while the rest scrolls sideways; CJK text is cut and
padded by terminal cells.

Line 0 is the header (▲/▼ after the sorted column's label), the last line the status line
("第 x 行，共 N 行 · 已勾选 k（h 行不在当前筛选中）"); the lines between show rows ``scroll_y …``.
Messages: :class:`Grid.CursorMoved` (replaceable), :class:`Grid.TicksChanged`,
:class:`Grid.CellEdited`, :class:`Grid.RowActivated`.

Keys are handled in the grid's own message queue, in the order they came: its bindings run
inline (not after the key has bubbled up to the app), so in a burst of keys (SSH) a character
typed after ↓ or Enter lands where it should (Textual issue #6605, as ``TextInput`` does).

Editing (:mod:`sbtui.widgets.grid_edit`): on an editable column Enter or F2 opens the editor on
the cell with its value, and a printable character that no binding claims opens it with that
character. The editor is painted by the grid over the cell rather than being a child ``Input``:
a Line API ``ScrollView`` shows no children, and a widget mounted onto the host screen would
join its DOM (its queries, its layout) and take the focus away; painting keeps every key in the
grid's queue, in order. Consequence: ``s``, ``n``, ``/`` and space keep their grid meaning (sort,
next match, search, tick); an entry starting with one of them starts with Enter or F2.

Enter on a column that is not editable is not consumed: the grid's ``edit`` binding is disabled
there (``check_action``), so the key goes on to the screen's own Enter binding (e.g. 详情), and
the grid posts :class:`Grid.RowActivated` as well. A screen uses one of the two, not both.

Ticks (:mod:`sbtui.widgets.grid_ticks`) are ids, kept across filter changes; the status line
counts those the filter hides.
"""
from __future__ import annotations

import sqlite3
from bisect import bisect_right
from typing import Any, ClassVar

from textual import events
from textual.message import Message

from sbtui.tui.keys import keyed
from sbtui.tui.strings import grid as S
from sbtui.widgets.grid_edit import GridEditing, Lock, Validator, Writer
from sbtui.widgets.grid_paint import GUTTER
from sbtui.widgets.grid_source import GridSource
from sbtui.widgets.grid_ticks import GridTicks

FIRST_PAGE = 200  # ids read before the first paint when the rest is read in the background
ACTIONS = frozenset({"cursor", "column", "page", "row_edge", "first_last", "search", "search_next",
                     "tick", "tick_move", "tick_all", "clear_ticks", "sort", "edit"})

__all__ = ["Grid", "Lock", "Validator", "Writer"]


class Grid(GridTicks, GridEditing, can_focus=True):
    """A keyboard-driven table of a :class:`GridSource`.

    ``frozen`` is how many of the leading columns stay in place; ``validator`` is asked before
    every edit and refuses it by returning a message; ``writer`` (row id, column, value), when
    given, saves an edit instead of the source's one-cell UPDATE — e.g. a store method that
    also sets bound cells of the row in the same transaction — and refuses it by raising
    ValueError with the reason; ``lock`` (row id, column) names why a cell of an editable
    column can never be edited in that row (e.g. a type the employee is not insured for):
    typing there is refused at once and Enter moves on instead of trapping the entry."""

    DEFAULT_CSS = """
    Grid { height: 1fr; scrollbar-size-horizontal: 0; background: $surface; }
    Grid > .grid--header { background: $panel; text-style: bold; }
    Grid > .grid--status { background: $panel; color: $text-muted; }
    Grid > .grid--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
                           text-style: bold; }
    Grid > .grid--cursor-row { background: $boost; }
    Grid > .grid--tick { color: $success; text-style: bold; }
    Grid > .grid--editor { background: $surface-darken-1; color: $foreground; text-style: bold; }
    Grid > .grid--error { color: $text-error; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header", "grid--status", "grid--cursor", "grid--cursor-row", "grid--tick",
        "grid--editor", "grid--error"}
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
        keyed("grid", "edit", "enter,f2", "edit", S.KEY_EDIT),
        keyed("grid", "sort", "s", "sort", S.KEY_SORT, show=False),
        keyed("grid", "search", "slash", "search", S.KEY_SEARCH),
        keyed("grid", "search_next", "n", "search_next", S.KEY_SEARCH_NEXT, show=False),
        keyed("grid", "tick", "space", "tick", S.KEY_TICK),
        keyed("grid", "tick_up", "shift+up", "tick_move(-1)", S.KEY_TICK_UP, show=False),
        keyed("grid", "tick_down", "shift+down", "tick_move(1)", S.KEY_TICK_DOWN, show=False),
        keyed("grid", "tick_all", "ctrl+a", "tick_all", S.KEY_TICK_ALL, show=False),
        keyed("grid", "clear_ticks", "ctrl+u", "clear_ticks", S.KEY_CLEAR_TICKS, show=False),
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
        """The set of ticked rows changed: ``count`` ticked in all, ``visible`` of them in the
        current filter (None while the filtered id list is still being read)."""

        def __init__(self, grid: "Grid", count: int, visible: int | None = None) -> None:
            super().__init__()
            self.grid, self.count, self.visible = grid, count, visible

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

    class RowActivated(Message):
        """Enter on a row whose cursor column is not editable (the key still goes on to the
        screen's bindings)."""

        def __init__(self, grid: "Grid", row_id: Any, row: int) -> None:
            super().__init__()
            self.grid, self.row_id, self.row = grid, row_id, row

        @property
        def control(self) -> "Grid":
            return self.grid

    def __init__(self, source: GridSource, *, frozen: int = 0, validator: Validator | None = None,
                 writer: Writer | None = None, lock: Lock | None = None,
                 background: bool = False, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        """``background``: paint the first page at once and read the full id list in a thread
        (for a source made with ``eager=False``; "共 … 行" until it is in), also after each
        filter or sort change."""
        super().__init__(source, frozen=frozen, name=name, id=id, classes=classes)
        self.validator = validator
        self.writer = writer
        self.lock = lock
        self.background = background
        self.search_text = ""
        self._anchor: int | None = None
        self._keep: Any = None  # the row to put the cursor back on when the ids are in
        self._generation = 0  # bumped by every re-query
        self._editable_here = False  # for refreshing the footer when that changes

    def on_mount(self) -> None:  # (GridPainter.on_mount runs too: Textual calls both)
        if self.background:
            self._read_in_background()
        else:
            self._count_visible_ticks()
        self._editable_here = self._editable_column() is not None

    def _read_in_background(self) -> None:
        self.source.first_page(FIRST_PAGE)
        self._visible_ticks = None
        self._sync_size()
        path, generation = self.source.path, self._generation
        self.run_worker(lambda: self._read_ids(path, generation), thread=True, exclusive=True,
                        group="grid-ids")

    def _read_ids(self, path: str, generation: int) -> None:
        """(In a thread, on a connection of its own.)"""
        conn = sqlite3.connect(path)
        try:
            ids = self.source.query_ids(conn)
        finally:
            conn.close()
        self.app.call_from_thread(self._ids_read, ids, generation)

    def _ids_read(self, ids: Any, generation: int) -> None:
        if generation != self._generation:
            return  # the filter or sort changed meanwhile: that re-query is newer
        self.source.set_ids(ids)
        self._count_visible_ticks()
        self._sync_size()
        self.refresh()
        keep, self._keep = self._keep, None
        if keep is not None and self.editor is None:
            pos = self.source.index_of(keep)
            if pos is not None:
                self.move_to(pos)

    # -- keys --------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        """Every key in order (see the module docstring): the editor's, then the grid's own
        bindings inline, then Enter (RowActivated) and typing (opens the editor)."""
        if self.editor is not None:
            if self._editor_key(event) or event.key in self._bindings.key_to_bindings:
                event.stop()
                event.prevent_default()
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        if event.key == "enter":
            if self.cursor_row_id is not None:
                self.post_message(self.RowActivated(self, self.cursor_row_id, self.cursor_row))
            return  # not stopped: the screen's Enter binding runs too
        if (event.is_printable and event.character and self._editable_column() is not None
                and event.key not in self.screen.active_bindings):
            reason = self._locked()
            if reason is not None:
                self._flash(reason)  # a cell this row can never take: say so, keep the key
            elif not self.open_editor(event.character):
                return
            event.stop()
            event.prevent_default()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.editor is None and self._editable_column() is not None
        if self.editor is not None and action in ACTIONS:
            return False  # the cursor stays under the editor
        return True

    def action_edit(self) -> None:
        reason = self._locked()
        if reason is None:
            self.open_editor()
            return
        self.move_to(self.cursor_row + 1)  # Enter on a locked cell moves on, as after an entry
        self._flash(reason)

    # -- cursor ------------------------------------------------------------------------------

    def move_to(self, row: int, column: int | None = None) -> None:
        """Put the cursor on ``row`` (and ``column``), scrolling it into view (an editor open on
        another cell is cancelled)."""
        self._keep = None
        total = len(self.source)
        row = max(0, min(row, total - 1)) if total else 0
        column = self.cursor_col if column is None else max(0, min(column, len(self.source.columns) - 1))
        if self.editor is not None and (row, column) != (self.cursor_row, self.cursor_col):
            self.cancel_edit()
        if (row, column) != (self.cursor_row, self.cursor_col):
            self.flash = None
        old_row, old_col = self.cursor_row, self.cursor_col
        self.cursor_row, self.cursor_col = row, column
        scrolled = self._scroll_into_view()
        if not scrolled:
            self._refresh_row(old_row)
            self._refresh_row(row)
            self._refresh_status()
        if old_col != column:
            editable = self._editable_column() is not None
            if editable != self._editable_here:
                self._editable_here = editable
                self.refresh_bindings()  # Enter/F2 编辑 in the footer or not
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
        if y != sy:
            self._prefetch_soon()
        return True

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the cell under the pointer (committing an open editor)."""
        y, x = event.y, event.x - GUTTER
        if not 1 <= y < self._view.height - 1 or x < 0:
            return
        if x >= self._frozen_width:
            x += self.scroll_offset.x
        column = bisect_right(self._x, x) - 1
        row = self.scroll_offset.y + y - 1
        if self.editor is not None and (row, column) != (self.cursor_row, self.cursor_col):
            if not self.commit_edit():
                return
        self._anchor = None
        self.move_to(row, column)

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
            self._prefetch_soon()
        self.move_to(target)

    def action_row_edge(self, end: int) -> None:
        self.move_to(self.cursor_row, len(self.source.columns) - 1 if end else 0)

    def action_first_last(self, last: int) -> None:
        self._anchor = None
        self.move_to(len(self.source) - 1 if last else 0)

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

    def action_sort(self) -> None:
        """``s``: by the cursor's column ascending, then descending, then the default order."""
        column = self.cursor_column
        if self.sort_column != column:
            self.set_order(column)
        elif not self.sort_descending:
            self.set_order(column, descending=True)
        else:
            self.set_order(None)

    def clear_cache(self) -> None:
        """Drop every rendered row (the table was written elsewhere) and repaint."""
        self._cache.clear()
        self.refresh()

    def reload(self) -> None:
        """Re-query the ids (after the filter or sort changed, or the table was rewritten)."""
        self._requery()

    def set_filter(self, where: str = "", params: tuple = ()) -> None:
        """Filter in SQL; ticks stay (those the filter hides are counted in the status line)."""
        self._requery(lambda: self.source.set_filter(where, params, requery=False))

    def set_order(self, column: str | None, *, descending: bool = False) -> None:
        """Sort by ``column`` (None: the default order); the cursor stays on its row."""
        self._requery(lambda: self.source.set_order(column, descending=descending, requery=False))
        self.sort_column, self.sort_descending = column, bool(column and descending)
        self._header = None
        self.refresh()

    def _requery(self, change=None) -> None:
        keep = self.cursor_row_id
        self.cancel_edit()
        if change is not None:
            change()
        self._generation += 1
        if self.background:
            self._read_in_background()
        else:
            self.source.requery()
            self._count_visible_ticks()
        self._cache.clear()
        self._sync_size()
        pos = self.source.index_of(keep) if keep is not None else None
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.move_to(pos or 0)
        if pos is None and not self.source.complete:
            self._keep = keep  # the rest of the ids may have it
