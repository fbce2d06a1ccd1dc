"""``sbtui dues list`` on the embedded sandbox (SPEC D1, D2, D11): reads the local store after a
sync (offline-first), --refresh syncs first, --detail fetches the per-employee lines."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from test_cli import NEW, add_demo, runner, sb  # noqa: F401 (fixture)

KEYS = {"source", "unit_number", "period_from", "period_to", "item", "headcount", "wage_total",
        "base_total", "rate", "due"}


@pytest.fixture
def demo(runner, tmp_path):  # noqa: F811
    facts, _ = add_demo(runner, tmp_path)
    return facts


def js(runner, *args, code=0):  # noqa: F811
    r = sb(runner, "--json", *args)
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


def test_list_after_sync_detail_and_filters(runner, demo, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    js(runner, "sync")
    lines = js(runner, "dues", "list")
    assert lines and all(KEYS <= set(d) for d in lines)
    # the service lists every source (special dues too, and linked projects' dues; SPEC D9, D10)
    assert {"tax", "collection"} <= {d["source"] for d in lines} <= {"tax", "collection", "special", "project"}
    tax = [d for d in lines if d["source"] == "tax"]
    assert all(isinstance(d["due"], str) and Decimal(d["due"]) >= 0 for d in tax)
    unit = demo["unit_numbers"][0]
    mine = js(runner, "dues", "list", "--unit-number", unit)
    assert mine and {d["unit_number"] for d in mine} == {unit}
    period = tax[0]["period_from"]
    assert all(d["period_to"] >= period for d in js(runner, "dues", "list", "--period-from", period))
    # offline-first: the list reads the store, even with the service unreachable
    offline = sb(runner, "--json", "--remote", "http://127.0.0.1:9", "dues", "list")
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.stdout) == lines
    detailed = js(runner, "dues", "list", "--unit-number", unit, "--period-from", period,
                  "--period-to", period, "--detail")
    for d in detailed:
        if d["source"] != "tax":
            assert "detail" not in d
            continue
        assert len(d["detail"]) == d["headcount"]
        assert {"id_number", "wage", "base", "due"} <= set(d["detail"][0])
        assert sum(Decimal(r["due"]) for r in d["detail"]) == Decimal(d["due"])
    plain = sb(runner, "dues", "list", "--unit-number", unit)
    assert plain.exit_code == 0 and "税务生成" in plain.output and "应缴费额合计" in plain.output


def test_refresh_syncs_first_and_bad_month_is_usage(runner, demo, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    before = js(runner, "dues", "list")  # `employer add` ran the first sync
    assert before and js(runner, "dues", "list", "--refresh") == before
    r = sb(runner, "dues", "list", "--period-from", "2026-13")
    assert r.exit_code == 2
