"""Build the CJK font sbtui embeds in its PDF forms (reproducible; see assets/README.md).

Source: Noto Sans CJK SC Regular from the Noto CJK project (SIL OFL 1.1), as packaged by
Debian (fonts-noto-cjk 1:20220127, /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc,
font version 2.004). The subset keeps what the forms need: printable ASCII and Latin-1, general
punctuation, CJK symbols and punctuation, full-width forms, every character of GB2312 (its
6,763 hanzi cover the names in common use) and a short list of name characters outside GB2312.

The CFF outlines are converted to TrueType (glyf) quadratic outlines with fontTools' cu2qu, so
every fpdf2 ≥ 2.7 embeds the font (CID-keyed CFF embedding only came with fpdf2 2.8.6) and
every PDF viewer renders it; hinting and OpenType layout tables are dropped (the forms are set
horizontally, without shaping). The family is renamed, as the OFL asks of a modified version.
fpdf2 subsets the font again when it writes a PDF: a form carries only the glyphs it uses.

    python assets/fonts/make_subset.py [path/to/NotoSansCJK-Regular.ttc]

writes assets/fonts/SbtuiSansSC-Regular.ttf beside this script (same input, same bytes).
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = "Noto Sans CJK SC"
OUT = Path(__file__).with_name("SbtuiSansSC-Regular.ttf")
FAMILY = "Sbtui Sans SC"
PS_NAME = "SbtuiSansSC-Regular"
MAX_ERROR = 1.0  # cu2qu approximation error, font units (of 1000 per em)

# Name characters outside GB2312 that turn up in registers (given names above all).
EXTRA = (
    "堃喆玥珺昇彧旻琎淏祎赟镕垚犇燚頔璟暐晟晞昀昶曌玙瑄瑀琇琤琦璠珩珝璐瑢骎骐"
    "钖铖锘锴钰钊钜炜炅焜熠烜煜熳婕婧嫣妤妘姝娅媛嬿芃芮苒荪莛菁萁蓁蔚蕙蘅"
    "翀翚翮羿舸艋珈珅珣瑨瑧瑭琬琰琨琮琛瑱璇璨滢沄沨泓洺浛淇渟溍潆澂濛"
    "筠箐籽桉梓棪楦榆槿樾檀柘栎栩桦梽楠楷榕焓晔晗昱晢暄曦皞皓"
    "彦彬悦恺恒慜懋戬攸敩斐旸昉昕祺禛禧秾稷穆竑竤笃筱"
    "鹍鹏鸾鸿麒麟镛锦锋锐铭铮镇韬颢颙頲顼骁骅骏骞鲲"
    "冇仝佘佟俣倞偲傧儋冼劼勍卲厐叕吋呙哿嘉囡垲埕埙堉塽墒"
    "奭媞嫚孖宓宬宸寯尧屺岍岑岚峣峤嵘嵩嶙巍"
    "·•‧・"
)


def codepoints() -> set[int]:
    """The Unicode code points the subset keeps (when the source has them)."""
    cps: set[int] = set(range(0x20, 0x7F))  # ASCII
    cps |= set(range(0xA0, 0x100))  # Latin-1 (¥ · × ÷ …)
    cps |= set(range(0x2010, 0x2028)) | set(range(0x2030, 0x205F))  # general punctuation
    cps |= set(range(0x2100, 0x2150)) | set(range(0x2160, 0x2180))  # ℃ № Ⅰ …
    cps |= set(range(0x2190, 0x21A0)) | set(range(0x2460, 0x24A0))  # arrows, ①
    cps |= set(range(0x2500, 0x2580)) | set(range(0x25A0, 0x2600))  # box drawing, shapes
    cps |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    cps |= set(range(0xFF01, 0xFF5F)) | set(range(0xFFE0, 0xFFE7))  # full-width forms
    for hi in range(0xA1, 0xF8):  # every GB2312 character (rows 1-9 symbols, 16-87 hanzi)
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            cps.add(ord(ch))
    cps |= {ord(c) for c in EXTRA}
    return cps


def _subset(source: str) -> TTFont:
    collection = TTCollection(source)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FACE)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GDEF", "GPOS", "GSUB"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(codepoints() & set(font.getBestCmap())))
    sub.subset(font)
    return font


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf outlines (in place)."""
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                 "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                 "maxComponentDepth"):
        setattr(maxp, attr, 0)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names (CID names mean nothing outside the source)
    font.sfntVersion = "\0\1\0\0"


def _rename(font: TTFont) -> None:
    """A modified version takes another name (OFL §3); copyright and licence stay."""
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = f"{FAMILY} Regular"
        elif rec.nameID == 3:
            rec.string = f"2.004;{PS_NAME};subset of NotoSansCJKsc-Regular"
        elif rec.nameID == 6:
            rec.string = PS_NAME
    name.names = [r for r in name.names if r.nameID != 17 or r.string != "Regular"]


def main(source: str = SOURCE) -> Path:
    font = _subset(source)
    _to_truetype(font)
    _rename(font)
    font["head"].modified = font["head"].created  # reproducible bytes
    font.recalcTimestamp = False
    font.save(OUT)
    return OUT


if __name__ == "__main__":
    out = main(*sys.argv[1:2])
    print(f"{out} {out.stat().st_size:,} bytes")
