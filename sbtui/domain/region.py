"""Region profiles (SPEC L1, D1, H3): rates per insurance item, contribution-base floor and cap
per year ("保底限高"), work-injury rates by industry class and the collection deadline day.

Profiles are data: ``data/regions/<id>.json``. Every figure there carries a ``source``; figures
that no document in this repo gives are marked ``"illustrative sandbox value"``. A profile may
say ``"inherits": "<id>"``: every top-level section it does not give is taken from that profile
with its sources rewritten to say so.

Base year: limits are looked up by the *calendar year* of the period (January–December). Some
regions run the base year from July to June; that is not modelled. For a year the profile does
not list, the latest earlier year applies (new limits are published late in practice); before
the first listed year, the first year applies.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .money import charge, format_money, format_rate, parse_rate, to_money
from .period import Period

ILLUSTRATIVE = "illustrative sandbox value"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class RegionNotFound(LookupError):
    """No profile with that id or name; ``str()`` is a Chinese message."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _money_field(v: Any) -> Decimal:
    if isinstance(v, float):
        raise ValueError("write money as a string in region files, not a float")
    return to_money(v)


def _rate_field(v: Any) -> Decimal | None:
    if v is None:
        return None
    if isinstance(v, float):
        raise ValueError("write rates as strings such as \"0.2%\", not floats")
    return parse_rate(v)


class ItemRate(_Frozen):
    """How one item (``110-u``…) is charged: a ``rate`` of the base, a ``fixed`` monthly amount
    per employee, or ``work_injury`` (the rate of the employer's industry class)."""

    rate: Decimal | None = None
    fixed: Decimal | None = None
    work_injury: bool = False
    source: str

    v_rate = field_validator("rate", mode="before")(_rate_field)

    @field_validator("fixed", mode="before")
    @classmethod
    def _fixed(cls, v: Any) -> Decimal | None:
        return None if v is None else _money_field(v)

    @model_validator(mode="after")
    def _one_kind(self) -> ItemRate:
        kinds = (self.rate is not None) + (self.fixed is not None) + self.work_injury
        if kinds != 1:
            raise ValueError("an item needs exactly one of rate, fixed, work_injury")
        if self.fixed is not None and self.fixed < 0:
            raise ValueError("a fixed amount cannot be negative")
        return self


class InjuryClass(_Frozen):
    klass: int = Field(alias="class", ge=1, le=8)
    name: str
    rate: Decimal
    source: str

    v_rate = field_validator("rate", mode="before")(_rate_field)


class WorkInjury(_Frozen):
    default_class: int
    default_class_source: str
    classes: list[InjuryClass]

    @model_validator(mode="after")
    def _default_known(self) -> WorkInjury:
        if self.default_class not in {c.klass for c in self.classes}:
            raise ValueError(f"default_class {self.default_class} is not among the classes")
        return self

    def rate(self, klass: int | None = None) -> Decimal:
        k = self.default_class if klass is None else klass
        for c in self.classes:
            if c.klass == k:
                return c.rate
        raise KeyError(f"工伤保险行业类别{k}未配置")


class Limits(_Frozen):
    floor: Decimal
    cap: Decimal
    source: str

    v_limits = field_validator("floor", "cap", mode="before")(_money_field)

    @model_validator(mode="after")
    def _order(self) -> Limits:
        if not (0 < self.floor <= self.cap):
            raise ValueError(f"need 0 < floor <= cap, got {self.floor} / {self.cap}")
        return self


class YearLimits(Limits):
    """Floor and cap of one calendar year; ``types`` overrides them for some type codes
    (manual 004: "各险种上下限标准")."""

    year: int
    types: dict[str, Limits] = Field(default_factory=dict)


class Province(_Frozen):
    name: str
    code: str
    source: str


class Deadline(_Frozen):
    day: int = Field(ge=1, le=28)
    source: str


@dataclass(frozen=True)
class Charge:
    """One employee's due for one item of one period."""

    item_id: str
    wage: Decimal
    base: Decimal  # the wage clamped to floor and cap
    rate: Decimal | None  # None for a fixed item
    fixed: Decimal | None
    amount: Decimal


class RegionProfile(_Frozen):
    id: str
    inherits: str | None = None
    notes: str = ""
    province: Province
    deadline: Deadline
    base_year: str = "calendar year"
    limits: list[YearLimits] = Field(alias="base_limits", min_length=1)
    items: dict[str, ItemRate]
    work_injury: WorkInjury | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RegionProfile:
        years = [y.year for y in self.limits]
        if len(set(years)) != len(years):
            raise ValueError("a year is listed twice in base_limits")
        if any(i.work_injury for i in self.items.values()) and self.work_injury is None:
            raise ValueError("an item uses work_injury but the profile has no work_injury section")
        return self

    # --- identity -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.province.name

    @property
    def province_code(self) -> str:
        return self.province.code

    @property
    def deadline_day(self) -> int:
        return self.deadline.day

    # --- base -----------------------------------------------------------------------------
    def year_limits(self, period: Period | str) -> YearLimits:
        """The limits entry that applies to the period's calendar year (see module doc)."""
        year = Period.coerce(period).year
        ordered = sorted(self.limits, key=lambda y: y.year)
        chosen = ordered[0]
        for y in ordered:
            if y.year <= year:
                chosen = y
        return chosen

    def base_limits(self, period: Period | str, type_code: str | None = None) -> tuple[Decimal, Decimal]:
        """``(floor, cap)`` of the contribution base for a period (and a type, if overridden)."""
        y = self.year_limits(period)
        lim: Limits = y.types.get(type_code, y) if type_code else y
        return lim.floor, lim.cap

    def clamp(self, wage: str | int | Decimal, period: Period | str, type_code: str | None = None) -> Decimal:
        """保底限高: the wage raised to the floor or lowered to the cap."""
        w = to_money(wage)
        if w <= 0:
            raise ValueError(f"缴费工资必须大于0：{w}")
        floor, cap = self.base_limits(period, type_code)
        return min(max(w, floor), cap)

    # --- rates ----------------------------------------------------------------------------
    def item(self, item_id: str) -> ItemRate:
        try:
            return self.items[item_id]
        except KeyError:
            raise KeyError(f"地区{self.name}未配置征收品目{item_id}的费率") from None

    def rate(self, item_id: str, industry_class: int | None = None) -> Decimal | None:
        """The item's rate as a fraction (``Decimal("0.16")``); ``None`` for a fixed-amount item.
        ``410-u`` uses the industry class (default: the profile's default class)."""
        it = self.item(item_id)
        if it.work_injury:
            assert self.work_injury is not None
            return self.work_injury.rate(industry_class)
        return it.rate

    def fixed(self, item_id: str) -> Decimal | None:
        return self.item(item_id).fixed

    def due(self, item_id: str, base: str | int | Decimal, industry_class: int | None = None) -> Decimal:
        """One employee's due for one item and month: base × rate (half-up) or the fixed amount."""
        it = self.item(item_id)
        if it.fixed is not None:
            return it.fixed
        rate = self.rate(item_id, industry_class)
        assert rate is not None
        return charge(base, rate)

    def charges(self, type_code: str, wage: str | int | Decimal, period: Period | str,
                industry_class: int | None = None) -> list[Charge]:
        """Per item of the type (catalogue order): wage → base → due (SPEC D1)."""
        from .catalogue import catalogue

        t = catalogue().types[type_code]
        w = to_money(wage)
        base = self.clamp(w, period, type_code)
        out = []
        for item in t.items:
            it = self.item(item.id)
            out.append(Charge(item.id, w, base, self.rate(item.id, industry_class), it.fixed,
                              self.due(item.id, base, industry_class)))
        return out

    # --- presentation ---------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for ``sbtui region show --json``: money as ``"8888.00"`` strings,
        rates as ``"16%"`` text plus the exact fraction, every figure with its source.

        Shape: ``id, name, province_code, deadline_day, …``; ``limits`` maps ``"2024"`` to
        ``{floor, cap, source, types}``; ``items`` is a list in catalogue order of
        ``{id, name, type_code, payer, rate | fixed, source}``; ``work_injury`` lists the classes."""

        def lim(x: Limits) -> dict[str, Any]:
            return {"floor": str(x.floor), "cap": str(x.cap), "source": x.source}

        from .catalogue import catalogue

        known = catalogue().items
        order = {item_id: i for i, item_id in enumerate(known)}
        items: list[dict[str, Any]] = []
        for item_id in sorted(self.items, key=lambda i: (order.get(i, len(order)), i)):
            it = self.items[item_id]
            cat = known.get(item_id)
            entry: dict[str, Any] = {"id": item_id, "name": cat.name if cat else item_id,
                                     "type_code": cat.type_code if cat else item_id.split("-")[0],
                                     "payer": cat.payer if cat else None}
            if it.fixed is not None:
                entry.update(fixed=str(it.fixed), fixed_text=format_money(it.fixed))
            else:
                r = self.rate(item_id)
                assert r is not None
                entry.update(rate=format_rate(r), rate_fraction=str(r))
                if it.work_injury:
                    entry["by_industry_class"] = True
            entry["source"] = it.source
            items.append(entry)
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "province_code": self.province_code,
            "province_source": self.province.source,
            "inherits": self.inherits,
            "deadline_day": self.deadline_day,
            "deadline_source": self.deadline.source,
            "base_year": self.base_year,
            "limits": {
                str(y.year): {**lim(y), "types": {k: lim(v) for k, v in y.types.items()}}
                for y in sorted(self.limits, key=lambda y: y.year)
            },
            "items": items,
            "notes": self.notes,
        }
        if self.work_injury is not None:
            wi = self.work_injury
            out["work_injury"] = {
                "default_class": wi.default_class,
                "default_class_source": wi.default_class_source,
                "classes": [{"class": c.klass, "name": c.name, "rate": format_rate(c.rate),
                             "rate_fraction": str(c.rate), "source": c.source} for c in wi.classes],
            }
        return out


# --- loading -------------------------------------------------------------------------------

def _regions_dir():
    return resources.files("sbtui.domain").joinpath("data/regions")


def _raw(region_id: str) -> dict[str, Any]:
    if not _ID_RE.match(region_id or ""):
        raise RegionNotFound(f"未知地区：{region_id}")
    f = _regions_dir().joinpath(f"{region_id}.json")
    if not f.is_file():
        raise RegionNotFound(f"未知地区：{region_id}")
    return json.loads(f.read_text("utf-8"))


def _mark_inherited(value: Any, parent_id: str) -> Any:
    """Rewrite every ``source`` (and ``default_class_source``) under ``value``."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("source", "default_class_source") and isinstance(v, str):
                out[k] = f"{ILLUSTRATIVE} (inherited from {parent_id}; there: {v})"
            else:
                out[k] = _mark_inherited(v, parent_id)
        return out
    if isinstance(value, list):
        return [_mark_inherited(v, parent_id) for v in value]
    return value


def _resolved(region_id: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if region_id in seen:
        raise ValueError(f"region inheritance loop: {' -> '.join(seen + (region_id,))}")
    raw = _raw(region_id)
    parent_id = raw.get("inherits")
    if not parent_id:
        return raw
    parent = _resolved(parent_id, seen + (region_id,))
    merged = {k: _mark_inherited(v, parent_id) for k, v in parent.items()
              if k not in ("id", "inherits", "notes")}
    merged.update(raw)
    return merged


def region_from_dict(raw: dict[str, Any]) -> RegionProfile:
    """Validate a profile given as a dict (no inheritance); for tests and tools."""
    return RegionProfile.model_validate(raw)


@cache
def load_region(region_id: str) -> RegionProfile:
    """The profile ``data/regions/<region_id>.json`` with inheritance resolved.
    Raises :class:`RegionNotFound` for an unknown id."""
    return RegionProfile.model_validate(_resolved(region_id))


def region_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _regions_dir().iterdir() if p.name.endswith(".json"))


def list_regions() -> list[RegionProfile]:
    """Every shipped profile, ordered by province code (the L1 region-choice list)."""
    return sorted((load_region(i) for i in region_ids()), key=lambda r: (r.province_code, r.id))


def find_region(id_or_name: str) -> RegionProfile:
    """A profile by id (``nm``), province name (``内蒙古自治区``) or province code (``15``)."""
    key = (id_or_name or "").strip()
    for r in list_regions():
        if key in (r.id, r.name, r.province_code):
            return r
    raise RegionNotFound(f"未知地区：{id_or_name}")
