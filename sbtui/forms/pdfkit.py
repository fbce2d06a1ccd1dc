"""A small PDF layer over fpdf2 for the forms: an A4-landscape page with "第 n 页 共 m 页" and a
ruled table that wraps over pages, repeating its header row.

Rows are drawn as they come (nothing is kept per row once drawn: a 100,000-row form holds only
fpdf2's page buffers). Text is broken into lines by character widths (Chinese breaks anywhere);
the breaks of the values that repeat on every row (an agency, an item name) are cached.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import TextMode

from sbtui.forms import strings as S
from sbtui.forms.font import FONT_FAMILY, font_path

MARGIN = 10.0  # mm, every side
FOOTER_SPACE = 8.0  # mm kept free at the bottom for the page number
PAD = 1.0  # mm, horizontal padding inside a cell
LEADING = 1.25  # line height / font size
PT = 25.4 / 72  # mm per point
HEADER_FILL = (235, 235, 235)
MISSING = "□"  # printed for a character the font lacks
NO_END = "(（[【《“‘〈「『"  # never last on a line
NO_START = ")）]】》”’〉」』，。、；：！？,.;:!?%"  # never first on a line


class FormPDF(FPDF):
    """A4 landscape, the CJK font loaded, page numbers in the footer, no automatic breaks (the
    table decides where a page ends)."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.add_font(FONT_FAMILY, fname=str(font_path()))
        self.set_font(FONT_FAMILY, size=9)
        self.set_title(title)
        self.set_creator("sbtui")
        self.set_line_width(0.2)
        self.set_draw_color(0, 0, 0)
        self._font = self.current_font
        self._cw: dict[str, float] = {}  # mm per point of font size
        self._sw: dict[str, float] = {}  # strings' widths, mm per point
        self._encoded: dict[str, str] = {}
        self._raw = callable(getattr(self, "_out", None)) and hasattr(
            self, "current_font_is_set_on_page")
        self.continued: Callable[[], None] | None = None
        """Drawn at the top of every page after the first (a voucher's number, say); it
        leaves ``y`` below what it drew, where a table then goes on."""

    def header(self) -> None:
        if self.continued is not None and self.page_no() > 1:
            self.continued()

    def reserve_pages(self, pages: int) -> None:
        """Reserve room for a page total of up to ``pages`` (fpdf2 sets the total in a space
        as wide as its alias: "{nb}" holds 3 digits; 100,000 employees take 4,000 pages)."""
        digits = len(str(pages))
        if digits > 3:
            self.alias_nb_pages("{" + "n" * (digits - 2) + "}")

    @property
    def bottom(self) -> float:
        """The lowest y a table row may reach."""
        return self.h - MARGIN - FOOTER_SPACE

    def footer(self) -> None:
        """The page number, "第 n 页 共 m 页", centred (fpdf2 fills the total into ``cell``)."""
        size = self.font_size_pt
        self.set_font(FONT_FAMILY, size=8)
        self.set_xy(self.l_margin, self.h - MARGIN - 4)
        self.cell(self.w - self.l_margin - self.r_margin, 4,
                  S.PAGE.format(page=self.page_no(), pages=self.str_alias_nb_pages), align="C")
        self.set_font(FONT_FAMILY, size=size)

    # -- text ------------------------------------------------------------------------------
    def width(self, text: str, size: float) -> float:
        """The width of ``text`` in mm at ``size`` points (the font's advance widths, cached
        per character; no kerning or shaping, as fpdf2 sets it)."""
        known = self._sw.get(text)
        if known is not None:
            return known * size
        cw = self._cw
        total = 0.0
        for ch in text:
            w = cw.get(ch)
            if w is None:
                w = cw[ch] = self._font.cw[ord(ch)] / 1000 * PT
            total += w
        if len(self._sw) < 20000:
            self._sw[text] = total
        return total * size

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` mm (at least one character a line;
        an explicit newline breaks too). Chinese breaks anywhere, but an opening bracket does
        not end a line and closing punctuation does not begin one (it takes the character
        before it along)."""
        lines: list[str] = []
        for para in text.split("\n"):
            line, used = "", 0.0
            for ch in para:
                w = self.width(ch, size)
                if line and used + w > width:
                    carry = ""
                    if ch in NO_START and len(line) > 1:
                        line, carry = line[:-1], line[-1]
                    while len(line) > 1 and line[-1] in NO_END:
                        line, carry = line[:-1], line[-1] + carry
                    lines.append(line)
                    line = carry
                    used = self.width(carry, size)
                line += ch
                used += w
            lines.append(line)
        return lines

    def balanced(self, text: str, width: float, size: float) -> list[str]:
        """As :meth:`wrap`, in as many lines, but of even lengths (a header "征收子目" as
        "征收 / 子目" rather than "征收子 / 目")."""
        lines = self.wrap(text, width, size)
        if len(lines) < 2:
            return lines
        target = self.width(text, size) / len(lines)
        step = max(self.width(ch, size) for ch in text) / 4
        while target < width:
            even = self.wrap(text, target, size)
            if len(even) == len(lines):
                return even
            target += step
        return lines

    @contextlib.contextmanager
    def bold(self, on: bool = True) -> Iterator[None]:
        """Faux bold (fill and stroke the glyphs: the subset font has one weight), in a local
        graphics state so that neither the text mode nor the line width outlives it."""
        if not on:
            yield
            return
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.12):
            yield

    def put(self, x: float, y: float, text: str) -> None:
        """:meth:`FPDF.text` (``x`` and the baseline ``y`` in mm), made fast for plain text: a
        form sets some 200,000 strings for 10,000 employees, most of them the same few. The
        glyphs are encoded once per distinct string (fpdf2 notes them for its subset then) and
        the text operator is written straight into the page; bold text, a font not yet set on
        the page, or an fpdf2 without these internals go through :meth:`FPDF.text`."""
        if self.plain():
            self.put_plain(x, y, text)
        else:
            self.text(x, y, self.printable(text))

    def plain(self) -> bool:
        """Whether :meth:`put_plain` may be used now (see :meth:`put`)."""
        return bool(self._raw and self.current_font_is_set_on_page
                    and self.text_mode == TextMode.FILL and self.fill_color == self.text_color)

    def put_plain(self, x: float, y: float, text: str) -> None:
        enc = self._encoded.get(text)
        if enc is None:
            enc = self._font.encode_text(self.printable(text))
            if len(self._encoded) < 20000:
                self._encoded[text] = enc
        k = self.k
        self._out(f"BT {x * k:.2f} {(self.h - y) * k:.2f} Td {enc} ET")

    def segments(self, segs: Sequence[tuple[float, float, float, float]]) -> None:
        """Straight lines ``(x1, y1, x2, y2)`` (mm) in the current line width, as one path."""
        if not self._raw:
            for x1, y1, x2, y2 in segs:
                self.line(x1, y1, x2, y2)
            return
        k, h = self.k, self.h
        ops = [f"{x1 * k:.2f} {(h - y1) * k:.2f} m {x2 * k:.2f} {(h - y2) * k:.2f} l"
               for x1, y1, x2, y2 in segs]
        self._out(" ".join(ops) + " S")

    def printable(self, text: str) -> str:
        """``text`` with the characters the font lacks shown as □ (fpdf2 would drop them: a
        name would lose a character without a trace)."""
        cmap = self._font.cmap
        if all(ord(ch) in cmap for ch in text):
            return text
        return "".join(ch if ord(ch) in cmap or ch.isspace() else MISSING for ch in text)

    def lines_at(self, x: float, y: float, w: float, h: float, lines: Sequence[str], size: float,
                 align: str = "L", valign: str = "M", *, plain: bool | None = None) -> None:
        """Draw ``lines`` in the box (x, y, w, h): aligned L/C/R, vertically M(iddle)/T(op).
        ``plain``: :meth:`plain` as the caller found it (asked here when not given)."""
        put = self.put_plain if (self.plain() if plain is None else plain) else self.put
        lh = size * PT * LEADING
        top = y + (h - lh * len(lines)) / 2 if valign == "M" else y + PAD
        base = size * PT * 0.88  # baseline below the line's top (ascent of the font)
        for i, line in enumerate(lines):
            if not line:
                continue
            if align == "L":
                tx = x + PAD
            else:
                tw = self.width(line, size)
                tx = x + (w - tw) / 2 if align == "C" else x + w - PAD - tw
            put(tx, top + i * lh + base + (lh - size * PT) / 2, line)


@dataclass(frozen=True)
class Col:
    header: str
    width: float  # mm
    align: str  # L, C, R
    cache: bool = False


class Table:
    """A ruled table: ``header()`` draws the header row, ``row(cells)`` a row, breaking the
    page (footer, new page, header again) when the row does not fit."""

    def __init__(self, pdf: FormPDF, cols: Sequence[Col], *, size: float = 8.0,
                 header_size: float | None = None, repeat_header: bool = True,
                 min_height: float = 0.0) -> None:
        self.pdf = pdf
        self.min_height = min_height
        self.repeat_header = repeat_header
        self.cols = list(cols)
        self.size = size
        self.header_size = header_size or size
        self.x0 = pdf.l_margin
        self.xs = []
        x = self.x0
        for c in self.cols:
            self.xs.append(x)
            x += c.width
        self.x1 = x
        self._cache: list[dict[str, list[str]]] = [{} for _ in self.cols]
        self._lh = size * PT * LEADING
        self._last: tuple[int, float] | None = None  # (page, y) of the bottom rule last drawn

    def _wrap(self, i: int, text: str, size: float) -> list[str]:
        col = self.cols[i]
        if not text:
            return []
        if col.cache and size == self.size:
            hit = self._cache[i].get(text)
            if hit is None:
                hit = self._cache[i][text] = self.pdf.wrap(text, col.width - 2 * PAD, size)
            return hit
        if self.pdf.width(text, size) <= col.width - 2 * PAD:
            return [text]
        return self.pdf.wrap(text, col.width - 2 * PAD, size)

    def header(self) -> None:
        pdf = self.pdf
        size = self.header_size
        wrapped = [self.pdf.balanced(c.header, c.width - 2 * PAD, size) for c in self.cols]
        lh = size * PT * LEADING
        h = max(len(w) for w in wrapped) * lh + 2 * PAD
        y = pdf.y
        pdf.set_fill_color(*HEADER_FILL)
        pdf.set_font_size(size)
        pdf.rect(self.x0, y, self.x1 - self.x0, h, style="F")
        pdf.set_fill_color(0)  # = the text colour: fpdf2 then sets text without q … Q
        self.rule(y, h, top=True)
        with pdf.bold():
            for lines, c, x in zip(wrapped, self.cols, self.xs, strict=True):
                pdf.lines_at(x, y, c.width, h, lines, size, "C")
        pdf.set_font_size(self.size)
        pdf.set_y(y + h)

    def rule(self, y: float, h: float, *, top: bool) -> None:
        """The lines of a row at ``y``, ``h`` high: its left and right and the column
        separators, its bottom, and its top unless a row above drew it (each line once, so
        that shared edges are not drawn twice)."""
        pdf = self.pdf
        segs = [(self.x0, y + h, self.x1, y + h)]
        if top:
            segs.append((self.x0, y, self.x1, y))
        segs += [(x, y, x, y + h) for x in (*self.xs, self.x1)]
        pdf.segments(segs)
        self._last = (pdf.page, y + h)

    def _below_row(self, y: float) -> bool:
        return self._last == (self.pdf.page, y)

    def fits(self, h: float) -> bool:
        return self.pdf.y + h <= self.pdf.bottom

    def row(self, cells: Sequence[str], *, total: bool = False) -> None:
        """One row; ``total``: the 合计 row, bold, its text centred (the sums stay right)."""
        pdf = self.pdf
        size = self.size
        wrapped = [self._wrap(i, t, size) for i, t in enumerate(cells)]
        h = max(max(1, *(len(w) for w in wrapped)) * self._lh + 2 * PAD * 0.6, self.min_height)
        if not self.fits(h):
            pdf.add_page()
            if self.repeat_header:
                self.header()
        y = pdf.y
        self.rule(y, h, top=not self._below_row(y))
        with pdf.bold(total):
            plain = pdf.plain()
            for lines, c, x in zip(wrapped, self.cols, self.xs, strict=True):
                if lines:
                    align = "C" if total and c.align != "R" else c.align
                    pdf.lines_at(x, y, c.width, h, lines, size, align, plain=plain)
        pdf.set_y(y + h)


def fit_widths(widths: Sequence[float], total: float) -> list[float]:
    """Scale column widths so they fill ``total`` mm."""
    s = sum(widths)
    return [w * total / s for w in widths]
