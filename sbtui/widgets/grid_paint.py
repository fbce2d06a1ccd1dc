"""How :class:`sbtui.widgets.grid.Grid` paints: the Line API over a row cache.

:class:`GridPainter` holds the layout (column starts from the declared widths, the frozen
part), the cache of rendered rows (a :class:`Strip` per row id, one cell and one separator
segment per column, in the base style) and ``render_line``: line 0 is the header, the last
line the status line, the lines between show rows ``scroll_y …``. Scroll x always stands on a
column start, so a row is assembled from whole cell segments (never cut mid-character) and only
the cell at the right edge is shortened, by terminal cells (CJK counts two).
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
from sbtui.widgets.grid_source import Column, GridSource

GUTTER = 2  # "✓ " before each row
CACHE_ROWS = 2_000  # rendered rows kept (oldest dropped first)


def _fit(text: str, width: int, align: str) -> str:
    """``text`` cut or padded to exactly ``width`` cells (CJK is two cells)."""
    text = text.replace("\n", " ")
    pad = width - cell_len(text)
    if align == "left" or pad <= 0:
        return set_cell_size(text, width)
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


class GridPainter(ScrollView):
    """The painting half of the grid (state that keys change lives in the subclass)."""

    def __init__(self, source: GridSource, *, frozen: int = 0, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.frozen = frozen
        self.cursor_row = 0
        self.cursor_col = 0
        self.ticked: set[Any] = set()
        self._cache: dict[Any, Strip] = {}
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
        self._header = Strip([])  # rendered with the styles, on the first paint
        self._cache.clear()

    def _row_strip(self, texts: list[str], style: Style | None = None) -> Strip:
        """A row rendered: a cell and a one-space separator per column, in the base style."""
        style = style or self._look.base
        sep = Segment(" ", style)
        segments = []
        for t, c in zip(texts, self.source.columns):
            segments += (Segment(_fit(t, c.width, c.align), style), sep)
        return Strip(segments, self._row_width)

    def _sync_size(self) -> None:
        # wide enough that every scrolling column's start can be the left edge (scroll x stays
        # on column starts, so a CJK character is never cut in half on the left)
        room = max(0, self._view.width - GUTTER - self._frozen_width)
        width = GUTTER + max(self._row_width, self._x[-1] + room if self._x else 0)
        self.virtual_size = Size(width, len(self.source) + 2)

    def on_mount(self) -> None:
        self._sync_size()

    def on_resize(self) -> None:
        self._sync_size()

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
            self._cache[rid] = self._row_strip([c.text(v) for c, v in zip(cols, values)])
        while len(self._cache) > CACHE_ROWS:
            del self._cache[next(iter(self._cache))]

    def row_strip(self, row_id: Any) -> Strip | None:
        """The cached rendering of a row (None when it is not cached)."""
        return self._cache.get(row_id)

    def _line(self, segments: list[Segment], gutter: Segment, width: int, style: Style) -> Strip:
        """Gutter, frozen cells, then the scrolling cells from the one at scroll x (a row's
        strip is a cell and a separator per column, so only the cell at the right edge is cut)."""
        cols = self.source.columns
        first = bisect_left(self._x, self._frozen_width + self.scroll_offset.x, lo=self.frozen)
        out = [gutter, *segments[:2 * self.frozen]]
        used = GUTTER + self._frozen_width
        for i in range(first, len(cols)):
            w = cols[i].width
            if used + w + 1 > width:
                if used < width:
                    seg = segments[2 * i]
                    out.append(Segment(set_cell_size(seg.text, width - used), seg.style))
                    used = width
                break
            out += (segments[2 * i], segments[2 * i + 1])
            used += w + 1
        if used < width:
            out.append(Segment(" " * (width - used), style))
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
                               base + part("grid--tick", partial=True))
            self._header = self._row_strip([c.label for c in self.source.columns], self._look.header)
            self._cache.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        look = self._look
        width, height = self._view.width, self._view.height
        if y == 0:
            return self._line(list(self._header), Segment(" " * GUTTER, look.header), width, look.header)
        if y == height - 1:
            return Strip([Segment(set_cell_size(" " + self.status_text(), width), look.status)], width)
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
                row = self._row_strip([""] * len(self.source.columns))
        segments = list(row)
        if index != self.cursor_row:
            gutter = Segment("✓ ", look.tick) if rid in self.ticked else Segment("  ", look.base)
            return self._line(segments, gutter, width, look.base)
        style = look.cursor_row
        segments = [Segment(seg.text, style) for seg in segments]
        segments[2 * self.cursor_col] = Segment(segments[2 * self.cursor_col].text, look.cursor)
        gutter = Segment("✓ " if rid in self.ticked else "  ", style)
        return self._line(segments, gutter, width, style)

    def status_text(self) -> str:
        total = len(self.source)
        if not self.source.complete:
            return S.STATUS_LOADING.format(row=self.cursor_row + 1, ticked=len(self.ticked))
        if not total:
            return S.STATUS_EMPTY.format(ticked=len(self.ticked))
        return S.STATUS.format(row=self.cursor_row + 1, total=total, ticked=len(self.ticked))
