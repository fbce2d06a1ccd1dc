"""Reading and writing xlsx tables: the shared core of the templates and exports (SPEC E4, E7).

Writes use openpyxl's write-only mode (streamed rows, constant memory until the final zip) and
land atomically: the workbook is saved to a temporary file beside ``path`` and renamed over it,
so a crash or a failing row source never leaves half a file at ``path``. Reads go through
python-calamine, or openpyxl's read-only mode without it (:mod:`sbtui.xlsx.backends`), and
hand back raw cell values (strings stripped, empty cells ``None``): deciding that a number
where text belongs is an error is the reader's job (an ID number typed into Excel as a number
has already lost its last digits).

openpyxl and calamine are imported lazily: importing :mod:`sbtui.xlsx` costs nothing at
start-up.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui.domain.text import escape_text
from sbtui.xlsx import strings as S
from sbtui.xlsx.backends import open_source
from sbtui.xlsx.errors import CellError, XlsxError  # CellError: for importers of this module
from sbtui.xlsx.scan import MAX_CELL_TEXT, SheetScan

if TYPE_CHECKING:
    from openpyxl import Workbook

Progress = Callable[[int, int], None]
"""``progress(done, total)``; ``total`` is 0 when unknown. Called at most every
:data:`PROGRESS_EVERY` rows, and once at the end."""

PROGRESS_EVERY = 1000
HEADER_SEARCH_ROWS = 5
MAX_ROW = 1048576  # Excel's last row


def column_letter(index: int) -> str:
    """0-based column index → Excel letter: 0 → ``"A"``, 26 → ``"AA"``."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def header_key(text: Any) -> str:
    """A header cell compared loosely: NFKC, surrounding spaces and a leading ``*`` dropped."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    return s.lstrip("*").strip()


# -- writing --------------------------------------------------------------------------------

@contextlib.contextmanager
def atomic_workbook(path: str | os.PathLike[str]) -> Iterator[Workbook]:
    """A write-only workbook saved to ``path`` atomically when the block ends without error.

    On error nothing is left: neither ``path`` (an existing file there is untouched), nor our
    temporary file, nor openpyxl's per-sheet temporary files."""
    from openpyxl import Workbook

    target = Path(path)
    wb = Workbook(write_only=True)
    tmp: str | None = None
    try:
        yield wb
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            wb.save(tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        except OSError as e:
            raise XlsxError(S.WRITE_FAILED.format(error=e)) from e
        os.replace(tmp, target)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.remove(tmp)
        _drop_sheet_tempfiles(wb)


def _drop_sheet_tempfiles(wb: Workbook) -> None:
    """Remove the temporary files of write-only sheets that were never saved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None or getattr(ws, "closed", True):
            continue
        with contextlib.suppress(Exception):
            if ws._rows is not None:
                ws._rows.close()
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def add_sheet(wb: Workbook, name: str, *, title: str | None, headers: Sequence[str],
              widths: Sequence[int] | None = None, text_columns: Sequence[int] = (),
              freeze: bool = True) -> Any:
    """A new write-only sheet with its column widths, an optional bold title row (merged over
    the headers) and a bold header row. ``text_columns`` (0-based) get the text format "@",
    so what a user types there later stays text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title=name)
    ncols = max(len(headers), 1)
    for i in range(ncols):
        dim = ws.column_dimensions[column_letter(i)]
        if widths and i < len(widths) and widths[i]:
            dim.width = widths[i]
        if i in text_columns:
            dim.number_format = "@"
    header_row = 2 if title else 1
    if freeze:
        ws.freeze_panes = f"A{header_row + 1}"
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.append([cell])
        if ncols > 1:
            ws.merged_cells.add(f"A1:{column_letter(ncols - 1)}1")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        c.fill = fill
        c.alignment = Alignment(horizontal="center")
        cells.append(c)
    ws.append(cells)
    return ws


def append_rows(ws: Any, rows: Iterable[Sequence[Any]], *, total: int = 0,
                progress: Progress | None = None) -> int:
    """Append data rows to a write-only sheet; return how many."""
    n = 0
    append = ws.append
    for row in rows:
        # control and bidi characters as visible \uXXXX: openpyxl refuses some (its
        # IllegalCharacterError) and the others would mislead in Excel (issue 14 finding 4)
        append([escape_text(v) if isinstance(v, str) else v for v in row])
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    if progress is not None:
        progress(n, max(total, n) if total else 0)
    return n


def write_table(path: str | os.PathLike[str], *, title: str | None, headers: list[str],
                rows: Iterable[Sequence[Any]], total: int = 0, progress: Progress | None = None,
                widths: list[int] | None = None, sheet: str = S.SHEET_DEFAULT,
                text_columns: Sequence[int] = ()) -> int:
    """Write one table (title row, header row, data rows) to ``path`` atomically; return the
    number of data rows. Values go in as given: strings stay text (18-digit ID numbers and
    unit numbers must be passed as ``str``), ``None`` is an empty cell."""
    with atomic_workbook(path) as wb:
        ws = add_sheet(wb, sheet, title=title, headers=headers, widths=widths,
                       text_columns=text_columns)
        return append_rows(ws, rows, total=total, progress=progress)


# -- reading --------------------------------------------------------------------------------

def _clean(value: Any) -> Any:
    """Strings stripped, empty ones ``None``; integral floats as ``int`` (both backends agree:
    calamine reads every number as a float)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def read_rows(path: str | os.PathLike[str], *, header_names: list[str], sheet: str | None = None,
              ) -> tuple[int, dict[str, int], Iterator[tuple[int, tuple[Any, ...]]]]:
    """Open a table for reading: ``(header_row, column_map, rows)``.

    The header row is found among the first :data:`HEADER_SEARCH_ROWS` rows by
    ``header_names`` (compared by :func:`header_key`: a leading ``*`` and spaces don't
    matter), so a title row above it is fine. ``column_map`` maps each name *as passed* to its
    0-based column. ``rows`` yields ``(excel_row, values)`` for every row after the header
    row, ``values`` padded to cover every mapped column, strings stripped and empty cells
    ``None``; numbers, dates and booleans as read (a number where text belongs is for the
    caller to refuse). ``sheet`` defaults to the first sheet. The file is closed when
    ``rows`` is exhausted or closed. Raises :class:`XlsxError` for a file that can't be read
    or lacks a header. :func:`read_table` also returns the row count (for progress)."""
    header_row, cmap, rows, _total = read_table(path, header_names=header_names, sheet=sheet)
    return header_row, cmap, rows


def read_table(path: str | os.PathLike[str], *, header_names: list[str], sheet: str | None = None,
               ) -> tuple[int, dict[str, int], Iterator[tuple[int, tuple[Any, ...]]], int]:
    """:func:`read_rows` plus the number of rows after the header (0 when unknown: an
    openpyxl-read file that states no dimension)."""
    src = open_source(path, sheet)
    try:
        head: list[Sequence[Any]] = []
        for row in src.rows:
            head.append(row)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        header_row, cmap = _find_header(head, header_names)
    except BaseException:
        src.close()
        raise
    width = max(cmap.values()) + 1
    total = max(src.total - header_row, 0)
    rows = _rows(src.rows, head[header_row:], header_row + 1, width, src.close, src.scan)
    return header_row, cmap, rows, total


def _find_header(head: list[Sequence[Any]], names: list[str]) -> tuple[int, dict[str, int]]:
    keys = [header_key(n) for n in names]
    best: tuple[int, int, dict[str, int]] = (-1, 0, {})
    for r, row in enumerate(head, start=1):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            k = header_key(value)
            if not k:
                continue
            for name, key in zip(names, keys, strict=True):
                if key == k and name not in found:
                    found[name] = c
        if len(found) == len(names):
            return r, found
        if len(found) > best[0]:
            best = (len(found), r, found)
    missing = next(n for n in names if n not in best[2])
    raise XlsxError(S.MISSING_HEADER.format(header=missing))


class Cells(tuple):  # noqa: SLOT001 - an attribute on the rare row that needs it
    """A data row's values with ``bad``: 0-based column → why the cell is refused (merged,
    a formula without a cached value, text too long; issue 14 finding 3). Rows without a bad
    cell are plain tuples: use :func:`bad_cells`."""

    bad: dict[int, str]


def bad_cells(values: Sequence[Any]) -> dict[int, str]:
    """The refused cells of a row read by :func:`read_rows` (``{}`` for most rows)."""
    return getattr(values, "bad", None) or {}


def refuse(r: int, errors: list[CellError], bad: dict[int, str]) -> list[CellError]:
    """Row ``r``'s errors with its refused cells (``bad``) in place of what was said of them
    (a merged cell's empty part is not "不能为空"), in column order."""
    named = {column_letter(c) for c in bad}
    kept = [e for e in errors if e.column not in named]
    out = kept + [CellError(r, column_letter(c), why) for c, why in bad.items()]
    return sorted(out, key=lambda e: (len(e.column), e.column))


def check_cells(r: int, values: Sequence[Any], width: int, scan: SheetScan) -> dict[int, str]:
    """The cells of data row ``r`` (its first ``width`` columns) a reader must refuse."""
    bad = {c: why for c, why in scan.bad(r).items() if c < width}
    for c, v in enumerate(values[:width]):
        if isinstance(v, str) and len(v) > MAX_CELL_TEXT:
            bad[c] = S.CELL_TOO_LONG.format(length=len(v), limit=MAX_CELL_TEXT)
    return bad


def _rows(it: Iterator[Sequence[Any]], leftover: list[Sequence[Any]], first: int, width: int,
          close: Callable[[], None], scan: SheetScan) -> Iterator[tuple[int, tuple[Any, ...]]]:
    clean = _clean
    try:
        r = first
        for src in (leftover, it):
            for row in src:
                values = tuple([clean(v) for v in row])
                if len(values) < width:
                    values += (None,) * (width - len(values))
                bad = check_cells(r, values, width, scan)
                if bad:
                    values = Cells(values)
                    values.bad = bad  # type: ignore[attr-defined]
                yield r, values
                r += 1
    finally:
        close()


def cell_text(value: Any) -> str | None:
    """A cell as text where a number is harmless (a name, a type code, a group name):
    integral floats lose their ``.0``. ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip()
    return s or None
