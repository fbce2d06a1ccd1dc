"""Offline reference lists for the three-party agreement form (SPEC A1): 行政区划 (GB/T 2260),
银行行别 and 开户网点, with substring search ("行政区划、开户网点可模糊搜索", manual 000 §4.2).

The data (``data/reference.json``) holds every province and the sandbox region's (内蒙古自治区)
cities, leagues, districts and banners; the branches are illustrative sandbox values.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    code: str  # GB/T 2260, 6 digits
    name: str  # 康巴什区
    full_name: str  # 内蒙古自治区鄂尔多斯市康巴什区


@dataclass(frozen=True)
class Branch:
    bank: str  # 银行行别
    name: str  # 开户网点
    region: str  # its 行政区划 code


def fold(text: str) -> str:
    """Full-width → half-width (NFKC), spaces removed, Latin letters lower-cased: what the
    searches and the bank's name comparison match on."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


@cache
def _data() -> dict:
    path = resources.files("sbtui.domain").joinpath("data/reference.json")
    return json.loads(path.read_text("utf-8"))


@cache
def _regions() -> tuple[Region, ...]:
    names = {code: name for code, name in _data()["regions"]}
    out = []
    for code, name in _data()["regions"]:
        parents = [names.get(code[:2] + "0000"), names.get(code[:4] + "00")]
        chain = [p for p in parents if p and p != name]
        out.append(Region(code, name, "".join(dict.fromkeys(chain + [name]))))
    return tuple(out)


def region(code: str) -> Region | None:
    """The region of a GB/T 2260 code, or None."""
    return next((r for r in _regions() if r.code == code), None)


def regions(query: str = "") -> list[Region]:
    """Regions whose code starts with ``query`` or whose full name contains it (folded), in
    code order; every region for an empty query."""
    q = fold(query)
    return [r for r in _regions() if not q or r.code.startswith(q) or q in fold(r.full_name)]


def banks() -> list[str]:
    """银行行别."""
    return list(_data()["banks"])


@cache
def _branches() -> tuple[Branch, ...]:
    return tuple(Branch(b["bank"], b["name"], b["region"]) for b in _data()["branches"])


def branches(bank: str | None = None, query: str = "") -> list[Branch]:
    """开户网点 of ``bank`` (any bank when None or empty) whose name contains ``query``
    (folded), or whose region's name does."""
    q = fold(query)
    out = []
    for b in _branches():
        if bank and b.bank != bank:
            continue
        place = region(b.region)
        if not q or q in fold(b.name) or (place is not None and q in fold(place.full_name)):
            out.append(b)
    return out
