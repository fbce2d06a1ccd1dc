"""A fast row sink for openpyxl's write-only sheets (big exports such as the wage file).

openpyxl without lxml serializes every cell through ElementTree, about 10 µs a cell: a wage
export of 100,000 rows × 5 types (1.9 million cells) takes ~19 s that way. :class:`RowSink`
hooks the sheet's row writer: when the stream is et_xmlfile's (the no-lxml case) each data row
goes out as one XML string, the same XML openpyxl writes (inline strings, the column's style);
otherwise (lxml, an openpyxl whose internals differ, or :data:`FAST_WRITE` off) through
openpyxl's own cells. It leans on two private attributes (``ws._writer``, ``xf._file``) and
falls back when they are missing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sbtui.domain.text import escape_text
from sbtui.xlsx.common import column_letter

FAST_WRITE = True
"""False forces openpyxl's own cell writer (tests compare both)."""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RowSink:
    """Appends data rows to a write-only sheet whose first rows are already appended; cell
    ``i`` of every row gets the number format ``formats[i]`` (``"@"``, ``"0.00"`` …).
    Values: ``str``, ``int``, ``Decimal`` or ``None`` (an empty cell) take the fast path;
    a row holding anything else goes through openpyxl's cells."""

    def __init__(self, ws: Any, formats: Sequence[str]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._ws = ws
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._cells = []
        for fmt in formats:
            c = WriteOnlyCell(ws)
            c.number_format = fmt
            self._cells.append(c)
        self._styles = [c.style_id for c in self._cells]
        self._letters = [column_letter(i) for i in range(len(formats))]
        self._pending: list[Any] | None = None
        self._orig: Callable[..., None] | None = None
        writer = getattr(ws, "_writer", None)  # created by the first append
        if writer is not None and callable(getattr(writer, "write_row", None)):
            self._orig = writer.write_row
            writer.write_row = self._write_row

    def append(self, values: list[Any]) -> None:
        for i, v in enumerate(values):
            if isinstance(v, str):  # control/bidi characters visible, never an openpyxl error
                values[i] = self._illegal.sub("", escape_text(v))
        if self._orig is None:
            self._ws.append(self._styled(values))
            return
        self._pending = values
        try:
            self._ws.append(())  # the row itself goes out in _write_row
        finally:
            self._pending = None

    def _styled(self, values: list[Any]) -> list[Any]:
        """The row as openpyxl cells; None keeps its place (openpyxl numbers by position)."""
        cells: list[Any] = []
        for i, v in enumerate(values):
            c = None
            if v is not None:
                c = self._cells[i]
                c.value = v
            cells.append(c)
        return cells

    def _write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        values = self._pending
        assert self._orig is not None
        if values is None:  # not ours
            self._orig(xf, row, row_idx)
            return
        raw = getattr(xf, "_file", None)
        if FAST_WRITE and callable(raw) and type(xf).__module__.startswith("et_xmlfile"):
            text = self._xml(values, row_idx)
            if text is not None:
                raw(text)
                return
        self._orig(xf, self._ws._values_to_row(self._styled(values), row_idx), row_idx)

    def _xml(self, values: list[Any], r: int) -> str | None:
        parts = [f'<row r="{r}">']
        letters, styles = self._letters, self._styles
        for i, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                space = ' xml:space="preserve"' if v != v.strip() else ""
                parts.append(f'<c r="{letters[i]}{r}" s="{styles[i]}" t="inlineStr"><is>'
                             f'<t{space}>{_escape(v)}</t></is></c>')
            elif isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                parts.append(f'<c r="{letters[i]}{r}" s="{styles[i]}"><v>{v}</v></c>')
            else:
                return None
        parts.append("</row>")
        return "".join(parts)
