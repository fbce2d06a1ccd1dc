"""The insurance catalogue: type codes (SPEC W1), their unit and individual items, the binding
groups (SPEC W4) and the code tables, loaded from ``data/catalogue.json``."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Item:
    id: str  # e.g. "110-u"
    name: str  # official 征收品目 name, e.g. 职工基本养老保险(单位缴纳)
    payer: str  # "unit" or "person"
    type_code: str


@dataclass(frozen=True)
class InsuranceType:
    code: str
    name: str  # the wage template's short name, e.g. 企业基本养老保险
    full_name: str
    project: str  # 征收项目
    systems: tuple[str, ...]
    items: tuple[Item, ...]
    source: str

    @property
    def label(self) -> str:
        """The template's header text: ``110 企业基本养老保险`` (SPEC W10)."""
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Catalogue:
    types: dict[str, InsuranceType]
    binding_groups: tuple[tuple[str, ...], ...]
    binding_group_names: tuple[str, ...]
    id_types: dict[str, str]
    agency_systems: dict[str, str]

    @property
    def items(self) -> dict[str, Item]:
        return {i.id: i for t in self.types.values() for i in t.items}

    def bound_with(self, code: str, insured: list[str] | None = None) -> list[str]:
        """Every type that moves together with ``code`` (SPEC W4), transitively, among
        ``insured`` when given, ``code`` itself first."""
        out = [code]
        changed = True
        while changed:
            changed = False
            for group in self.binding_groups:
                if any(c in group for c in out):
                    for c in group:
                        if c not in out and (insured is None or c in insured):
                            out.append(c)
                            changed = True
        return out


@cache
def catalogue() -> Catalogue:
    raw = json.loads(resources.files("sbtui.domain").joinpath("data/catalogue.json").read_text("utf-8"))
    types = {}
    for t in raw["types"]:
        items = tuple(Item(i["id"], i["name"], i["payer"], t["code"]) for i in t["items"])
        types[t["code"]] = InsuranceType(t["code"], t["name"], t["full_name"], t["project"],
                                         tuple(t["systems"]), items, t["source"])
    return Catalogue(
        types=types,
        binding_groups=tuple(tuple(g["types"]) for g in raw["binding_groups"]),
        binding_group_names=tuple(g["name"] for g in raw["binding_groups"]),
        id_types={i["code"]: i["name"] for i in raw["id_types"]},
        agency_systems=raw["agency_systems"],
    )
