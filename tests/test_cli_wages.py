"""``sbtui wages …`` on the embedded sandbox (SPEC W2, W8, W10–W13): add all, export → edit the
file (a good change, a bad cell) → import (loaded / skipped / errors with row and column),
submit while offline (queued, nothing sent) then online with --wait (accepted, per-row
results), records, and the wage query showing the new period."""
from __future__ import annotations

import json
import time

import openpyxl
import pytest

from test_cli import NEW, add_demo, runner, sb  # noqa: F401 (fixture)


@pytest.fixture
def demo(runner, tmp_path):  # noqa: F811
    facts, _ = add_demo(runner, tmp_path)
    return facts


def js(runner, *args, code=0, env=None):  # noqa: F811
    r = sb(runner, "--json", *args, env=env)
    assert r.exit_code == code, r.output
    return json.loads(r.stdout)


@pytest.mark.slow
def test_export_edit_import_submit_records_query(runner, demo, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    added = js(runner, "wages", "add", "--all")
    assert added["added"] == added["total"] > 0
    path = tmp_path / "w.xlsx"
    assert js(runner, "wages", "export", str(path))["rows"] == added["total"]
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.cell(1, 1).value == "单位社保费缴费工资月度申报"
    assert str(sheet.cell(2, 1).value).startswith("*缴费人识别号")
    types = {}
    for col in range(5, sheet.max_column + 1, 3):
        label = sheet.cell(2, col).value
        if label:
            types[label.split()[0]] = col
    assert "110" in types
    # keep three rows: one raised (good), one with a 0 wage (bad), one emptied (skipped)
    wage = types["110"]
    good = bad = None
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row, wage).value is not None and all(
                sheet.cell(row, types[t]).value is not None for t in ("210", "410") if t in types):
            if good is None:
                good = row
            elif bad is None:
                bad = row
                break
    for t, col in types.items():
        if sheet.cell(good, col).value is not None:
            sheet.cell(good, col).value = 12345.67
            sheet.cell(good, col + 1).value = "2026-12"
    sheet.cell(bad, wage).value = 0
    for row in range(4, sheet.max_row + 1):
        if row not in (good, bad):
            for col in types.values():
                sheet.cell(row, col).value = None
    book.save(path)
    js(runner, "wages", "clear")
    r = sb(runner, "--json", "wages", "import", str(path))
    assert r.exit_code == 2, r.output
    result = json.loads(r.stdout)
    assert result["loaded"] == 1 and result["skipped"] == added["total"] - 2
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(bad, openpyxl.utils.get_column_letter(wage))]
    assert "缴费工资必须大于0" in result["errors"][0]["reason"]
    # offline: the submit is queued, nothing is lost
    offline = js(runner, "--remote", "http://127.0.0.1:9", "wages", "submit", "--all")
    assert offline["state"] == "queued"
    assert js(runner, "outbox")["counts"]["queued"] == 1
    # the queued submission goes out with the next sync; its feedback comes with a later one
    sync = js(runner, "sync")
    assert sync["pushed"] == 1
    records = js(runner, "wages", "records")
    assert records[0]["state"] in ("processing", "done")
    id_number = sheet.cell(good, 3).value
    for _ in range(40):
        time.sleep(0.25)
        js(runner, "sync")
        if js(runner, "wages", "records")[0]["state"] == "done":
            break
    records = js(runner, "wages", "records")
    assert records[0]["summary"] == "全部申报成功" and records[0]["accepted"] == 1
    rows = js(runner, "wages", "query", "--id-number", id_number, "--type", "110")
    assert any(r["wage"] == "12345.67" and r["period_from"] == "2026-12" for r in rows)


def test_submit_wait_reports_each_row(runner, demo, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    js(runner, "wages", "add", "--unit-number", demo["unit_numbers"][-1], "--ratio", "110", "--from", "2026-12")
    result = js(runner, "wages", "submit", "--all", "--wait", "--timeout", "30")
    assert result["state"] == "done" and result["refused"] == 0
    assert result["accepted"] == len(result["rows"]) > 0
    assert {r["result"] for r in result["rows"]} == {"accepted"}


def test_empty_wage_rows_round_trip_without_errors(runner, demo, tmp_path):  # noqa: F811
    """添加缴费工资为空的职工 prefills 生效年月起 only: a month with no wage declares nothing (W5),
    so the export leaves it out and the import has nothing to refuse."""
    added = js(runner, "wages", "add", "--empty")
    assert added["added"] > 0
    path = tmp_path / "empty.xlsx"
    js(runner, "wages", "export", str(path))
    result = js(runner, "wages", "import", str(path))
    assert result["errors"] == []
    r = sb(runner, "--json", "wages", "submit", "--all")
    assert r.exit_code == 2 and "没有待提交" in r.stderr  # nothing declared: nothing sent


def test_add_by_unknown_group_names_it(runner, demo):  # noqa: F811
    """--group is looked up (id or path) through the registry area; an unknown one is refused."""
    r = sb(runner, "wages", "add", "--group", "没有的部门/会计组")
    assert r.exit_code == 2 and "没有该分组：没有的部门/会计组" in r.stderr
