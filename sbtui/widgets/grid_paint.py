"""How :class:`sbtui.widgets.grid.Grid` paints: the Line API over a row cache.

:class:`GridPainter` holds the layout (column starts from the declared widths, the frozen
part), the cache of rendered rows (per row id, each column's text already cut or padded to its
width) and ``render_line``: line 0 is the header, the last line the status line, the lines
between show rows ``scroll_y …``. Scroll x always stands on a column start, so a line is
assembled from whole cells (never cut mid-character) and only the cell at the right edge is
shortened, by terminal cells (CJK counts two). A line is a few segments, one per run of one
style (a plain row is one or two), which keeps Textual's work per line small; the pages above
and below the view are rendered into the cache after each scroll, while the app is idle.

The header shows ▲/▼ after the label of the column the rows are sorted by; the status line the
position, the count and the ticks (with how many ticked rows the filter hides), or, while a cell
is being edited, the editor's keys or its refusal. An open editor (:mod:`sbtui.widgets.grid_editor`)
is painted over its cell, the caret in reverse.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Any, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sbtui.tui.strings import grid as S
from sbtui.widgets.grid_editor import CellEditor
from sbtui.widgets.grid_source import Column, GridSource

GUTTER = 2  # "✓ " before a ticked row; "▶✓" / "▶ " before the cursor's row
CURSOR_MARK = "▶"  # = sbtui.tui.focus.MARK: the current row seen without colour (issue 15)
TICK_MARK = "✓"
CACHE_ROWS = 2_000  # rendered rows kept (oldest dropped first)


CUT = "…"  # the last cell of a cut text (issue 15 item 3: a cut number never reads as another)


def cut_to(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells; when what is left out is not blank, the last cell
    shows :data:`CUT` — ``8056.75`` in 5 cells is ``8056…``, never ``80567``-like ``8056.``."""
    if cell_len(text.rstrip()) <= width or width <= 0:
        return set_cell_size(text, max(width, 0))
    body = set_cell_size(text, width - 1).rstrip()  # a wide character split leaves a blank
    return set_cell_size(body + CUT, width)


def _fit(text: str, width: int, align: str) -> str:
    """``text`` cut (marked :data:`CUT`) or padded to exactly ``width`` cells (CJK is two cells)."""
    text = text.replace("\n", " ")
    pad = width - cell_len(text)
    if align == "left" or pad <= 0:
        return cut_to(text, width)
    if align == "right":
        return " " * pad + text
    return " " * (pad // 2) + text + " " * (pad - pad // 2)


class _Look(NamedTuple):
    """The grid's resolved styles (from its CSS and component classes)."""

    base: Style | None = None
    header: Style | None = None
    status: Style | None = None
    cursor_row: Style | None = None
    cursor: Style | None = None
    tick: Style | None = None
    editor: Style | None = None
    error: Style | None = None


class GridPainter(ScrollView):
    """The painting half of the grid (state that keys change lives in the subclass)."""

    def __init__(self, source: GridSource, *, frozen: int = 0, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.frozen = frozen
        self.cursor_row = 0
        self.cursor_col = 0
        self.ticked: set[Any] = set()  # all ticked ids, in the filter or not (read-only)
        self._visible_ticks: int | None = 0  # how many of them pass the filter (None: not known)
        self.sort_column: str | None = None
        self.sort_descending = False
        self.editor: CellEditor | None = None
        self._cache: dict[Any, tuple[str, ...]] = {}  # row id -> its cells, fitted
        self._prefetching = False
        self._look = _Look()
        self._set_columns(source.columns)

    def _set_columns(self, columns: list[Column]) -> None:
        self._x: list[int] = []  # each column's start in the full row (after the gutter)
        x = 0
        for c in columns:
            self._x.append(x)
            x += c.width + 1
        self._row_width = x
        self._frozen_width = self._x[self.frozen] if self.frozen < len(columns) else x
        self._header: tuple[str, ...] | None = None  # rendered on the next paint
        self._cache.clear()

    def _header_cells(self) -> tuple[str, ...]:
        texts = []
        for c in self.source.columns:
            label = c.label
            if c.key == self.sort_column and c.width > 1:
                arrow = "▼" if self.sort_descending else "▲"
                if cell_len(label) >= c.width:
                    label = set_cell_size(label, c.width - 1)
                label += arrow
            texts.append(label)
        return self._row_cells(texts)

    def _row_cells(self, texts: list[str]) -> tuple[str, ...]:
        """A row rendered: each column's text cut or padded to its width (styles come later)."""
        return tuple(_fit(t, c.width, c.align) for t, c in zip(texts, self.source.columns))

    def _sync_size(self) -> None:
        # wide enough that every scrolling column's start can be the left edge (scroll x stays
        # on column starts, so a CJK character is never cut in half on the left)
        room = max(0, self._view.width - GUTTER - self._frozen_width)
        width = GUTTER + max(self._row_width, self._x[-1] + room if self._x else 0)
        self.virtual_size = Size(width, len(self.source) + 2)

    def on_mount(self) -> None:
        self._sync_size()
        self._prefetch_soon()

    def on_resize(self) -> None:
        self._sync_size()

    @property
    def cursor_row_id(self) -> Any:
        ids = self.source.ids
        return ids[self.cursor_row] if 0 <= self.cursor_row < len(ids) else None

    @property
    def cursor_column(self) -> str:
        return self.source.columns[self.cursor_col].key

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self._view.height - 1:
            self.refresh(Region(0, y, self._view.width, 1))

    def _refresh_status(self) -> None:
        self.refresh(Region(0, self._view.height - 1, self._view.width, 1))

    @property
    def _view(self) -> Region:
        return self.scrollable_content_region

    @property
    def page_rows(self) -> int:
        return max(1, self._view.height - 2)

    # -- rendering ---------------------------------------------------------------------------

    def _rows(self, first: int, count: int) -> None:
        """Render into the cache the rows ``first … first+count`` that are not there yet."""
        ids = self.source.ids[first:first + count]
        missing = [rid for rid in ids if rid not in self._cache]
        if not missing:
            return
        cols = self.source.columns
        for rid, values in self.source.fetch(missing).items():
            self._cache[rid] = self._row_cells([c.text(v) for c, v in zip(cols, values)])
        while len(self._cache) > CACHE_ROWS:
            del self._cache[next(iter(self._cache))]

    def _prefetch_soon(self) -> None:
        """After the next paint, render the pages above and below the view into the cache, so
        that a page key finds its rows ready (fetching and rendering are ~2 ms of a page's paint)."""
        if not self._prefetching:
            self._prefetching = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        self._prefetching = False
        top, page = self.scroll_offset.y, self.page_rows
        self._rows(top + page, page)
        self._rows(max(0, top - page), min(page, top))

    def row_strip(self, row_id: Any) -> tuple[str, ...] | None:
        """The cached rendering of a row, its fitted cells (None when it is not cached)."""
        return self._cache.get(row_id)

    def _line(self, cells: tuple[str, ...], gutter: str, gutter_style: Style | None, width: int,
              style: Style | None, cursor: int = -1, cursor_style: Style | None = None) -> Strip:
        """Gutter, frozen cells, then the scrolling cells from the one at scroll x (only the
        cell at the right edge is cut, and shows it: :func:`cut_to`). Runs of one style are joined into one segment (a plain
        row is one or two), which keeps the compositor's work per line small."""
        cols = self.source.columns
        first = bisect_left(self._x, self._frozen_width + self.scroll_offset.x, lo=self.frozen)
        out: list[Segment] = []
        run = [gutter]
        if gutter_style is not style:
            out.append(Segment(gutter, gutter_style))
            run = []
        used = GUTTER
        for i in (*range(self.frozen), *range(first, len(cols))):
            text = cells[i]
            w = cols[i].width
            last = used + w + 1 > width
            if last:
                if used >= width:
                    break
                text = cut_to(text, width - used)
            if i == cursor:
                if run:
                    out.append(Segment("".join(run), style))
                out.append(Segment(text, cursor_style))
                run = []
            else:
                run.append(text)
            if last:
                used = width
                break
            run.append(" ")
            used += w + 1
        if used < width:
            run.append(" " * (width - used))
        if run:
            out.append(Segment("".join(run), style))
        return Strip(out, width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._look = _Look()  # styles are resolved again on the next paint, rows re-rendered
        self._cache.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._look.base is None:  # resolve the styles once per style change, not per line
            base = self.rich_style
            part = self.get_component_rich_style
            self._look = _Look(base, base + part("grid--header", partial=True),
                               base + part("grid--status", partial=True),
                               base + part("grid--cursor-row", partial=True),
                               base + part("grid--cursor-row", partial=True) + part("grid--cursor", partial=True),
                               base + part("grid--tick", partial=True),
                               base + part("grid--editor", partial=True),
                               base + part("grid--status", partial=True) + part("grid--error", partial=True))
            self._header = None
            self._cache.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        look = self._look
        width, height = self._view.width, self._view.height
        if y == 0:
            if self._header is None:
                self._header = self._header_cells()
            return self._line(self._header, " " * GUTTER, look.header, width, look.header)
        if y == height - 1:
            refused = (self.editor is not None and self.editor.error) or (self.editor is None and self.flash)
            style = look.error if refused else look.status
            return Strip([Segment(set_cell_size(" " + self.status_text(), width), style)], width)
        index = self.scroll_offset.y + y - 1
        ids = self.source.ids
        if index >= len(ids):
            return Strip.blank(width, look.base)
        rid = ids[index]
        row = self._cache.get(rid)
        if row is None:
            self._rows(self.scroll_offset.y, self.page_rows)
            row = self._cache.get(rid)
            if row is None:  # vanished from the table since the last re-query
                row = self._row_cells([""] * len(self.source.columns))
        tick = TICK_MARK if rid in self.ticked else " "
        if index != self.cursor_row:
            if rid in self.ticked:
                return self._line(row, tick + " ", look.tick, width, look.base)
            return self._line(row, "  ", look.base, width, look.base)
        style = look.cursor_row
        gutter = CURSOR_MARK + tick
        line = self._line(row, gutter, style, width, style, self.cursor_col, look.cursor)
        if self.editor is not None and self.editor.row_id == rid:
            line = self._paint_editor(line, self.editor, width)
        return line

    def _paint_editor(self, line: Strip, editor: CellEditor, width: int) -> Strip:
        """``line`` with the editor over its cell (when the cell is in view)."""
        index = next(i for i, c in enumerate(self.source.columns) if c.key == editor.column)
        x = GUTTER + self._x[index]
        if index >= self.frozen:
            x -= self.scroll_offset.x
            if x < GUTTER + self._frozen_width:
                return line  # scrolled off to the left
        cells = min(self.source.columns[index].width, width - x)
        if cells <= 0:
            return line
        before, at, after = editor.window(cells)
        style = self._look.editor
        caret = style + Style(reverse=True) if style is not None else Style(reverse=True)
        cell = Strip([Segment(before, style), Segment(at, caret), Segment(after, style)])
        return Strip.join([line.crop(0, x), cell.crop(0, cells), line.crop(x + cells, width)])

    def status_text(self) -> str:
        editor = self.editor
        if editor is not None:
            if editor.error:
                return S.EDIT_REFUSED.format(error=editor.error)
            return S.EDITING.format(label=self.source.column(editor.column).label)
        if self.flash:
            return S.LOCKED.format(error=self.flash)
        total = len(self.source)
        ticked = len(self.ticked)
        if not self.source.complete:
            return S.STATUS_LOADING.format(row=self.cursor_row + 1, ticked=ticked)
        hidden = ticked - self._visible_ticks if self._visible_ticks is not None else 0
        ticks = S.TICKS_HIDDEN.format(ticked=ticked, hidden=hidden) if hidden else S.TICKS.format(ticked=ticked)
        if not total:
            return S.STATUS_EMPTY.format(ticks=ticks)
        return S.STATUS.format(row=self.cursor_row + 1, total=total, ticks=ticks)
