"""Region profiles (SPEC L1, D1, H3): data files with a source for every figure."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sbtui.domain.catalogue import catalogue
from sbtui.domain.period import Period
from sbtui.domain.region import (ILLUSTRATIVE, RegionNotFound, RegionProfile, find_region, list_regions,
                                 load_region, region_from_dict, region_ids)

D = Decimal


@pytest.fixture(scope="module")
def nm() -> RegionProfile:
    return load_region("nm")


def _walk_sources(obj, path="$"):
    """Every dict that holds a figure must say where it comes from."""
    if isinstance(obj, dict):
        figures = {"rate", "fixed", "floor", "cap", "day", "code"} & obj.keys()
        if figures:
            yield path, obj
        for k, v in obj.items():
            yield from _walk_sources(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk_sources(v, f"{path}[{i}]")


def test_l1_nm_profile_identity(nm):
    assert nm.id == "nm"
    assert nm.name == "内蒙古自治区"
    assert nm.province_code == "15"
    assert nm.deadline_day == 20  # SPEC H3


def test_d1_nm_covers_every_catalogue_item(nm):
    assert set(nm.items) == set(catalogue().items)


@pytest.mark.parametrize("item, rate", [
    ("110-u", "0.16"), ("110-p", "0.08"), ("210-u", "0.005"), ("210-p", "0.005"), ("410-u", "0.002"),
])
def test_d1_nm_manual_000_s3_1_rates(nm, item, rate):
    assert nm.rate(item) == D(rate)


def test_d1_nm_manual_rates_cite_the_manual_and_others_are_illustrative(nm):
    for item in ("110-u", "110-p", "210-u", "210-p"):
        assert nm.items[item].source == "manual 000 §3.1"
    manual = {"110-u", "110-p", "210-u", "210-p", "410-u"}
    for item_id, it in nm.items.items():
        if item_id not in manual:
            assert it.source.startswith(ILLUSTRATIVE), item_id
    for y in nm.limits:
        assert y.source.startswith(ILLUSTRATIVE)
    for c in nm.work_injury.classes[1:]:
        assert c.source.startswith(ILLUSTRATIVE)


@pytest.mark.parametrize("region_id", ["nm", "gz", "fj"])
def test_l1_every_figure_has_a_source_in_files_and_json(region_id):
    from importlib import resources
    raw = json.loads(resources.files("sbtui.domain").joinpath(f"data/regions/{region_id}.json").read_text("utf-8"))
    for doc in (raw, load_region(region_id).to_json()):
        for path, obj in _walk_sources(doc):
            assert obj.get("source"), path
    out = load_region(region_id).to_json()
    assert out["province_source"] and out["deadline_source"]
    for item in out["items"]:
        assert item["source"]


def test_d1_manual_example_dues_reproduce(nm):
    """Manual 000 §3.1: 8,888.00 in 2024 → 1,422.08 / 711.04 / 44.44 / 44.44 / 17.78."""
    got = {c.item_id: c.amount for t in ("110", "210", "410") for c in nm.charges(t, "8888.00", "2024-01")}
    assert got == {"110-u": D("1422.08"), "110-p": D("711.04"), "210-u": D("44.44"),
                   "210-p": D("44.44"), "410-u": D("17.78")}
    c = nm.charges("410", "8888", Period(2024, 2))[0]
    assert (c.wage, c.base, c.rate, c.fixed) == (D("8888.00"), D("8888.00"), D("0.002"), None)


def test_d1_fixed_amount_item(nm):
    assert nm.rate("330-p") is None
    assert nm.fixed("330-p") == D("5.00")
    assert nm.due("330-p", "30000") == D("5.00")
    charges = nm.charges("330", "8888", "2024-01")
    assert [c.item_id for c in charges] == ["330-u", "330-p"]
    assert charges[1].amount == D("5.00") and charges[1].rate is None


def test_d1_work_injury_by_industry_class(nm):
    assert nm.work_injury.default_class == 1
    assert [c.name for c in nm.work_injury.classes][:2] == ["一类", "二类"]
    assert len(nm.work_injury.classes) == 8
    assert nm.rate("410-u", industry_class=3) == D("0.007")
    assert nm.due("410-u", "8888.00", industry_class=2) == D("35.55")  # 35.552
    with pytest.raises(KeyError):
        nm.rate("410-u", industry_class=9)


def test_d1_base_limits_by_calendar_year(nm):
    f24, c24 = nm.base_limits(Period(2024, 6))
    assert f24 <= D("5666.00") and c24 >= D("8888.00")  # the manual's 2024 wages are not clamped
    assert nm.base_limits("2024-01") == nm.base_limits("2024-12")
    assert nm.base_limits("2023-12") != nm.base_limits("2024-01")
    years = [y.year for y in nm.limits]
    assert {2023, 2024, 2025, 2026} <= set(years)
    # outside the listed years: the latest earlier year, else the first year
    assert nm.base_limits("2030-01") == nm.base_limits(f"{max(years)}-01")
    assert nm.base_limits("2010-01") == nm.base_limits(f"{min(years)}-01")


def test_d1_clamp_floor_and_cap(nm):
    floor, cap = nm.base_limits("2024-03")
    assert nm.clamp("1000", "2024-03") == floor
    assert nm.clamp("999999.99", "2024-03") == cap
    assert nm.clamp("8888", "2024-03") == D("8888.00")
    assert nm.clamp(floor, "2024-03") == floor
    assert nm.clamp(cap, "2024-03") == cap
    with pytest.raises(ValueError, match="大于0"):
        nm.clamp("0", "2024-03")
    low = nm.charges("110", "100", "2024-03")[0]
    assert low.base == floor and low.wage == D("100.00")


def test_d1_unknown_item(nm):
    with pytest.raises(KeyError):
        nm.rate("999-u")


def _mini(**over):
    raw = {
        "id": "t", "province": {"name": "测试省", "code": "99", "source": "test"},
        "deadline": {"day": 15, "source": "test"},
        "base_limits": [{"year": 2024, "floor": "3000", "cap": "15000", "source": "test",
                         "types": {"310": {"floor": "5000", "cap": "25000", "source": "test"}}}],
        "items": {"110-u": {"rate": "16%", "source": "test"}},
    }
    raw.update(over)
    return raw


def test_d1_per_type_base_limits_override_manual_004():
    p = region_from_dict(_mini())
    assert p.base_limits("2024-01") == (D("3000.00"), D("15000.00"))
    assert p.base_limits("2024-01", "110") == (D("3000.00"), D("15000.00"))
    assert p.base_limits("2024-01", "310") == (D("5000.00"), D("25000.00"))
    assert p.clamp("20000", "2024-01", "310") == D("20000.00")
    assert p.clamp("20000", "2024-01", "110") == D("15000.00")


@pytest.mark.parametrize("bad", [
    {"items": {"110-u": {"rate": 0.16, "source": "x"}}},  # float
    {"items": {"110-u": {"rate": "16%", "fixed": "1", "source": "x"}}},  # two kinds
    {"items": {"110-u": {"rate": "16%"}}},  # no source
    {"items": {"410-u": {"work_injury": True, "source": "x"}}},  # no work_injury section
    {"base_limits": [{"year": 2024, "floor": "9000", "cap": "100", "source": "x"}]},  # floor > cap
    {"base_limits": []},
    {"deadline": {"day": 31, "source": "x"}},
    {"surprise": 1},  # unknown keys are refused
])
def test_l1_bad_profiles_are_refused(bad):
    with pytest.raises(ValueError):
        region_from_dict(_mini(**bad))


def test_l1_list_regions_and_inheritance():
    ids = region_ids()
    assert {"nm", "gz", "fj"} <= set(ids)
    regions = list_regions()
    assert [r.province_code for r in regions] == sorted(r.province_code for r in regions)
    names = {r.id: r.name for r in regions}
    assert names["gz"] == "贵州省" and names["fj"] == "福建省"
    gz = load_region("gz")
    assert gz.inherits == "nm" and gz.province_code == "52"
    assert gz.rate("110-u") == D("0.16")
    assert gz.items["110-u"].source.startswith(ILLUSTRATIVE) and "inherited from nm" in gz.items["110-u"].source
    assert gz.deadline.source.startswith(ILLUSTRATIVE)
    assert load_region("fj").province_code == "35"


def test_l1_find_region_and_unknown():
    assert find_region("内蒙古自治区").id == "nm"
    assert find_region("15").id == "nm"
    assert find_region("gz").name == "贵州省"
    with pytest.raises(RegionNotFound):
        find_region("xx")
    for bad in ("../nm", "", "NM"):
        with pytest.raises(RegionNotFound):
            load_region(bad)
    with pytest.raises(RegionNotFound, match="未知地区"):
        load_region("zz")


def test_l1_to_json_for_region_show(nm):
    out = nm.to_json()
    json.dumps(out, ensure_ascii=False)  # JSON-ready, no Decimal
    assert out["id"] == "nm" and out["name"] == "内蒙古自治区" and out["province_code"] == "15"
    assert out["deadline_day"] == 20
    y2024 = out["limits"]["2024"]
    assert set(y2024) >= {"floor", "cap", "source"}
    assert D(y2024["floor"]) <= D("8888") <= D(y2024["cap"])
    assert list(out["limits"]) == sorted(out["limits"])
    items = {i["id"]: i for i in out["items"]}
    assert [i["id"] for i in out["items"]][:2] == ["110-u", "110-p"]  # catalogue order
    assert set(items) == set(catalogue().items)
    assert items["110-u"]["rate"] == "16%" and items["110-u"]["name"] == "职工基本养老保险(单位缴纳)"
    assert items["410-u"]["rate"] == "0.2%" and items["410-u"]["by_industry_class"]
    assert items["330-p"]["fixed"] == "5.00"
    assert "rate" not in items["330-p"]
    for item in out["items"]:
        assert ("rate" in item) != ("fixed" in item)
    assert out["work_injury"]["classes"][0]["rate"] == "0.2%"
