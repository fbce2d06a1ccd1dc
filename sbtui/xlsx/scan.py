"""A sheet's real extent, merged cells and uncached formulas, found BEFORE a backend loads it
(issue 14 findings 2, 3).

A backend sizes what it loads by the cells it finds: python-calamine allocates the whole
rectangle up to the farthest cell with a value (one value at XFD1048576 asks for half a
terabyte), openpyxl's read-only mode pads every row to the ``<dimension>`` tag, which may lie.
:func:`scan_sheet` streams the sheet's XML out of the zip in chunks (constant memory, a C
regular expression over the bytes) and

* stops at the first cell with content beyond :data:`MAX_ROWS` / :data:`MAX_COLUMNS` with an
  :class:`XlsxError` naming it — before anything is allocated for it;
* records the content extent (``max_row`` / ``max_col``), which bounds what the backend reads;
* records the merged ranges and the formula cells without a cached value, for the readers to
  report as errors in data rows (:meth:`SheetScan.bad`).

A cell counts as content when it has a value, an inline string or a formula; a style-only
cell (``<c r="XFD1048576" s="1"/>``) does not (neither backend reads it).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from sbtui.xlsx import strings as S
from sbtui.xlsx.errors import XlsxError

MAX_ROWS = 110_000  # 100,000 employees, the header rows and room to spare
MAX_COLUMNS = 64  # the wage file of every type is 31 (AE)
MAX_CELL_TEXT = 1_000  # characters in one cell a reader uses (Excel allows 32,767)
MAX_SHEET_BYTES = 1 << 30  # the sheet's XML, uncompressed
MAX_ROW_BYTES = 32 << 20  # one row's XML
MAX_MERGED_CELLS = 1_000_000  # data-row cells covered by merges, counted while indexing
CHUNK = 4 << 20

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_TOKEN = re.compile(rb"<(?:\w+:)?(row|c|mergeCell)\b([^>]*?)(/?)\s*>")
_CELL_END = re.compile(rb"</(?:\w+:)?c\s*>")
_ROW_END = re.compile(rb"</(?:\w+:)?row\s*>")
_ATTR_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ATTR_REF = re.compile(rb"""\bref\s*=\s*["']([A-Za-z]+)([0-9]+)(?::([A-Za-z]+)([0-9]+))?["']""")
_HAS_CONTENT = re.compile(rb"<(?:\w+:)?(?:v|is|f)\b")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/\s*>|>(.*?)</(?:\w+:)?v\s*>)", re.S)
_ATTR_T = re.compile(rb"""\bt\s*=\s*["']str["']""")
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f\b")


def column_index(letters: bytes | str) -> int:
    """``"A"`` → 1, ``"AE"`` → 31, ``"XFD"`` → 16384 (1-based)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


def letters(column: int) -> str:
    """1-based column → ``"A"`` …"""
    out = ""
    while column:
        column, rem = divmod(column - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class SheetScan:
    """What :func:`scan_sheet` found: the content extent (1-based, 0 when empty), merged
    ranges ``(row0, col0, row1, col1, "A5:A7")`` and uncached formula cells ``(row, col)``."""

    max_row: int = 0
    max_col: int = 0
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    _by_row: dict[int, dict[int, str]] | None = None

    def bad(self, row: int) -> dict[int, str]:
        """The cells of ``row`` a reader must refuse: 0-based column → Chinese reason (merged
        cells, formulas without a cached value). Empty for most rows."""
        if self._by_row is None:
            self._by_row = self._index()
        return self._by_row.get(row, {})

    def _index(self) -> dict[int, dict[int, str]]:
        out: dict[int, dict[int, str]] = {}
        count = 0
        for r0, c0, r1, c1, ref in self.merged:
            reason = S.MERGED_CELL.format(ref=ref)
            for r in range(r0, min(r1, max(self.max_row, r0)) + 1):
                row = out.setdefault(r, {})
                for c in range(c0, min(c1, MAX_COLUMNS) + 1):
                    row.setdefault(c - 1, reason)
                count += c1 - c0 + 1
                if count > MAX_MERGED_CELLS:
                    raise XlsxError(S.MERGED_TOO_MANY)
        for r, c in sorted(self.formulas):
            out.setdefault(r, {})[c - 1] = S.FORMULA_NO_VALUE
        return out


def sheet_part(zf: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The zip member of the named (else the first) sheet, None when the workbook lists none;
    :class:`XlsxError` for a named sheet that is missing."""
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None  # not the usual layout: leave it to the backend to refuse
    sheets = book.findall(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if sheet is not None:
        sheets = [s for s in sheets if s.get("name") == sheet]
        if not sheets:
            raise XlsxError(S.FILE_NO_SHEET.format(sheet=sheet))
    if not sheets:
        return None
    rid = sheets[0].get(f"{_NS_REL}id")
    for rel in rels.findall(f"{_NS_PKG}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target") or ""
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def scan_sheet(zf: zipfile.ZipFile, sheet: str | None) -> SheetScan:
    """Scan the sheet (see the module's docstring); :class:`XlsxError` naming the first cell
    with content beyond the limits, or for a sheet too large to read."""
    out = SheetScan()
    part = sheet_part(zf, sheet)
    if part is None:
        return out
    try:
        info = zf.getinfo(part)
    except KeyError:
        return out
    if info.file_size > MAX_SHEET_BYTES:
        raise XlsxError(S.SHEET_TOO_BIG.format(limit=MAX_SHEET_BYTES >> 20))
    state = [0, 0]  # the current row, the last cell's column
    tail = b""
    with zf.open(info) as f:
        while True:
            chunk = f.read(CHUNK)
            buf = tail + chunk
            if not chunk:
                _chunk(buf, out, state)
                break
            cut = buf.rfind(b"</row>") + 6
            if cut == 5:
                cut = 0
                for m in _ROW_END.finditer(buf):
                    cut = m.end()
            if cut == 0 and len(buf) > MAX_ROW_BYTES:
                raise XlsxError(S.ROW_TOO_BIG.format(row=state[0] + 1, limit=MAX_ROW_BYTES >> 20))
            _chunk(buf[:cut], out, state)
            tail = buf[cut:]
    return out


def _cached(body: bytes, attrs: bytes) -> bool:
    """A formula cell's cached value: a non-empty ``<v>``, or an empty one on a text result
    (``t="str"``). openpyxl writes a formula it set as ``<f>1+1</f><v />``: no value."""
    v = _VALUE.search(body)
    if v is None:
        return False
    return bool(v.group(1)) or _ATTR_T.search(attrs) is not None


def _far_columns() -> bytes:
    """Column letters beyond :data:`MAX_COLUMNS` (two letters, ``BL``: ``BM``–``BZ``,
    ``CA``–``ZZ``, three letters)."""
    last = letters(MAX_COLUMNS)
    assert len(last) == 2
    alts = [b"[A-Z]{3}"]
    if last[0] != "Z":
        alts.append(f"[{chr(ord(last[0]) + 1)}-Z][A-Z]".encode())
    if last[1] != "Z":
        alts.append(f"{last[0]}[{chr(ord(last[1]) + 1)}-Z]".encode())
    return b"|".join(alts)


_FAR_CELL = re.compile(rb' r="(?:' + _far_columns() + rb')[0-9]+"| r="[A-Z]+[0-9]{6,}"')
_COLUMNS = re.compile(rb' r="([A-Z]+)[0-9]')
_ROWS = re.compile(rb'<row r="([0-9]+)"')
_CELL_START = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)\s*>")


def _chunk(buf: bytes, out: SheetScan, state: list[int]) -> None:
    """Scan whole rows. The usual layout (``<row r="3">``, ``<c r="A3" …>`` with ``r`` first,
    no namespace prefix) is read by literal searches that look only at what may matter — a far
    cell, a formula, a merge — so 100,000 rows cost about a second; anything else is read
    token by token."""
    cols_found = _COLUMNS.findall(buf)
    rows_found = _ROWS.findall(buf)
    if len(cols_found) != buf.count(b"<c ") + buf.count(b"<c>") \
            or len(rows_found) != buf.count(b"<row ") + buf.count(b"<row>"):
        _tokens(buf, out, state)  # prefixes, other attribute orders, cells without r
        return
    for m in _FAR_CELL.finditer(buf):
        _cell_at(buf, buf.rfind(b"<c ", 0, m.start() + 1), out, state)  # raises if it has content
    if rows_found:
        rows = [int(n) for n in rows_found]
        state[0] = rows[-1]
        out.max_row = max(out.max_row, max((n for n in rows if n <= MAX_ROWS), default=0))
    cols = {column_index(c) for c in set(cols_found)}
    out.max_col = max(out.max_col, max((c for c in cols if c <= MAX_COLUMNS), default=0))
    for tag in (b"<f>", b"<f ", b"<f/>"):
        at = buf.find(tag)
        while at >= 0:
            _cell_at(buf, buf.rfind(b"<c ", 0, at), out, state)
            at = buf.find(tag, at + 1)
    at = buf.find(b"<mergeCell ")
    while at >= 0:
        end = buf.find(b">", at)
        _tokens(buf[at: end + 1], out, state)
        at = buf.find(b"<mergeCell ", at + 1)


def _cell_at(buf: bytes, start: int, out: SheetScan, state: list[int]) -> None:
    if start < 0:
        return
    m = _CELL_START.match(buf, start)
    if m is not None:
        end = _CELL_END.search(buf, m.end())
        _tokens(buf[start: end.end() if end else len(buf)], out, list(state), extent=False)


def _tokens(buf: bytes, out: SheetScan, state: list[int], extent: bool = True) -> None:
    for m in _TOKEN.finditer(buf):
        kind, attrs, closed = m.group(1), m.group(2), m.group(3)
        if kind == b"row":
            a = _ATTR_R.search(attrs)
            state[0] = int(a.group(2)) if a and a.group(2) else state[0] + 1
            state[1] = 0
        elif kind == b"c":
            a = _ATTR_R.search(attrs)
            if a and a.group(1) and a.group(2):
                col, row = column_index(a.group(1)), int(a.group(2))
                state[0] = row
            else:
                col, row = state[1] + 1, state[0]
            state[1] = col
            if closed:
                continue
            end = _CELL_END.search(buf, m.end())
            body = buf[m.end(): end.start() if end else len(buf)]
            if not _HAS_CONTENT.search(body):
                continue
            if row > MAX_ROWS or col > MAX_COLUMNS:
                raise XlsxError(S.BEYOND_LIMITS.format(
                    row=row, column=letters(col), cell=f"{letters(col)}{row}",
                    max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, last=letters(MAX_COLUMNS)))
            if extent:
                out.max_row = max(out.max_row, row)
                out.max_col = max(out.max_col, col)
            if _HAS_FORMULA.search(body) and not _cached(body, attrs):
                out.formulas.add((row, col))
        else:
            a = _ATTR_REF.search(attrs)
            if a is None:
                continue
            r0, c0 = int(a.group(2)), column_index(a.group(1))
            r1, c1 = (int(a.group(4)), column_index(a.group(3))) if a.group(3) else (r0, c0)
            ref = a.group(0).split(b"=", 1)[1].strip(b"\"' ").decode("ascii").upper()
            out.merged.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1), ref))
