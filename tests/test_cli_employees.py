"""The CLI twins of the employee screens (SPEC E1–E8) on the embedded sandbox: the filters and
views, detail, export, group create/rename/delete end to end through sync, the batch template
round trip, an import with bad cells (every one named by row and column, good rows loaded),
the group tree import, and 单位参保信息."""
from __future__ import annotations

import json

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


def test_list_filters_views_and_show(runner, demo):  # noqa: F811
    everyone = js(runner, "employees", "list")
    stopped = js(runner, "employees", "list", "--view", "stopped")
    assert stopped and {r["status"] for r in stopped} == {"stopped"}
    assert len(stopped) == sum(r["status"] == "stopped" for r in everyone)
    by_type = js(runner, "employees", "list", "--type", "410")
    assert by_type and all("410" in r["insured_types"] for r in by_type)
    units = js(runner, "units", "list")
    agency = units[0]["agency"]
    numbers = {u["unit_number"] for u in units if u["agency"] == agency}
    by_agency = js(runner, "employees", "list", "--agency", agency)
    assert by_agency and all(numbers & set(r["unit_numbers"]) for r in by_agency)
    month = js(runner, "employees", "list", "--view", "month")
    assert all(r["change"] in ("新增", "变更", "停止缴费") for r in month)
    one = js(runner, "employees", "show", everyone[0]["id_number"])
    assert one["id"] == everyone[0]["id"] and one["registrations"]


def test_export_writes_text_ids(runner, demo, tmp_path):  # noqa: F811
    target = tmp_path / "out.xlsx"
    out = js(runner, "employees", "export", str(target), "--status", "stopped")
    stopped = js(runner, "employees", "list", "--status", "stopped")
    assert out["rows"] == len(stopped)
    sheet = openpyxl.load_workbook(target).active
    cells = {c.value for row in sheet.iter_rows() for c in row}
    assert {r["id_number"] for r in stopped} <= cells


def test_group_create_rename_delete_through_sync(runner, demo):  # noqa: F811
    created = js(runner, "employees", "groups", "create", "测试部")
    js(runner, "employees", "groups", "create", "一组", "--parent", "测试部")
    js(runner, "employees", "groups", "rename", "测试部/一组", "二组")
    r = sb(runner, "employees", "groups", "delete", "测试部")  # has a subgroup: refused locally
    assert r.exit_code == 2 and "下级分组" in r.stderr
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    paths = {g["path"]: g for g in js(runner, "employees", "groups")}
    assert "测试部/二组" in paths and not paths["测试部"]["pending"]
    assert not paths["测试部"]["id"].startswith("local-") and created["id"].startswith("local-")
    js(runner, "employees", "groups", "delete", "测试部/二组")
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    assert "测试部/二组" not in {g["path"] for g in js(runner, "employees", "groups")}


def test_template_round_trip_and_bad_cells(runner, demo, tmp_path):  # noqa: F811
    template = tmp_path / "t.xlsx"
    out = js(runner, "employees", "groups", "template", str(template))
    everyone = js(runner, "employees", "list")
    assert out["rows"] == len(everyone)
    groups = js(runner, "employees", "groups")
    target = groups[0]["path"]
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] and "姓名" in row[0])
    first = header + 1
    sheet.cell(first, 4).value = target  # a good change
    sheet.cell(first + 1, 4).value = "没有这个组"  # unknown group
    sheet.cell(first + 2, 1).value = "别人"  # name does not match
    number = sheet.cell(first + 3, 3).value
    sheet.cell(first + 3, 3).value = number[:-1] + ("0" if number[-1] != "0" else "1")  # check digit
    book.save(template)
    r = sb(runner, "--json", "employees", "groups", "import", str(template))
    assert r.exit_code == 2, r.output
    result = json.loads(r.stdout)
    assert result["loaded"] == len(everyone) - 3
    where = {(e["row"], e["column"]) for e in result["errors"]}
    assert where == {(first + 1, "D"), (first + 2, "A"), (first + 3, "C")}
    reasons = " ".join(e["reason"] for e in result["errors"])
    assert "分组不存在" in reasons and "姓名与证件号码不符" in reasons and "校验位" in reasons
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    row = js(runner, "employees", "show", sheet.cell(first, 3).value)
    assert row["group"] == target


def test_an_old_xls_is_refused_with_a_clear_message(runner, demo):  # noqa: F811
    """issue 14: `employees groups import old.xls` (a real .xls, a group merged over three rows)
    is refused in Chinese, nothing loaded, no traceback."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "old_groups.xls"
    r = sb(runner, "employees", "groups", "import", str(path))
    assert r.exit_code != 0 and "Traceback" not in r.output, r.output
    assert "不支持旧版 Excel（.xls）文件" in r.stderr and "另存为不加密的 .xlsx" in r.stderr


def test_group_tree_import(runner, demo, tmp_path):  # noqa: F811
    path = tmp_path / "tree.xlsx"
    js(runner, "employees", "groups", "tree-template", str(path))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet.append(["新部门", "甲组", "A班"])
    sheet.append(["新部门", None, "B班"])  # a gap: 二级分组 missing
    book.save(path)
    r = sb(runner, "--json", "employees", "groups", "import-tree", str(path))
    assert r.exit_code == 2
    result = json.loads(r.stdout)
    assert result["loaded"] == 3 and [e["column"] for e in result["errors"]] == ["B"]
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    assert "新部门/甲组/A班" in {g["path"] for g in js(runner, "employees", "groups")}


def test_units_list_update_and_export(runner, demo, tmp_path):  # noqa: F811
    target = tmp_path / "units.xlsx"
    units = js(runner, "units", "list", "--update", "--export", str(target), env={"SBTUI_PASSWORD": NEW})
    assert len(units) == len(demo["unit_numbers"])
    cells = {c.value for row in openpyxl.load_workbook(target).active.iter_rows() for c in row}
    assert set(demo["unit_numbers"]) <= cells
    one = js(runner, "units", "list", "--unit-number", demo["unit_numbers"][0])
    assert [u["unit_number"] for u in one] == [demo["unit_numbers"][0]]


def test_control_characters_stored_earlier_are_escaped_in_print_and_xlsx(runner, demo, tmp_path):  # noqa: F811
    """issue 14 finding 4: a group name holding ESC/OSC, BEL and a bidi override (stored before
    the service refused them) no longer reaches the terminal raw from `employees groups`, and
    `employees groups template` writes it visibly instead of failing with IllegalCharacterError."""
    import sqlite3

    r = sb(runner, "employees", "groups", "create", "响\x07铃")  # refused here, nothing queued
    assert r.exit_code != 0 and "分组名称不能包含控制字符或双向文本控制符" in r.stderr, r.output
    js(runner, "employees", "groups", "create", "坏名字")
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    evil = "\x1b]0;pwned\x07红\x1b[31m\u202eexe.txt\x00"
    [db] = [p for p in (tmp_path / "home" / "sandbox").iterdir() if p.suffix in (".db", ".sqlite")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("UPDATE groups SET name = ? WHERE name = '坏名字'", (evil,)).rowcount == 1
    js(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    r = sb(runner, "employees", "groups")
    assert r.exit_code == 0, r.output
    for raw in ("\x1b", "\x07", "\u202e", "\x00"):
        assert raw not in r.stdout, repr(r.stdout)
    # (click itself drops the colour code "\x1b[31m" when stdout is not a terminal)
    assert "\\u001b]0;pwned\\u0007红" in r.stdout and "\\u202eexe.txt\\u0000" in r.stdout
    listed = js(runner, "employees", "groups")  # JSON: the escapes are JSON's own
    assert evil in {g["path"] for g in listed}
    template = tmp_path / "t.xlsx"
    out = js(runner, "employees", "groups", "template", str(template))
    assert out["rows"] > 0
    names = [row[0] for row in openpyxl.load_workbook(template)["分组"].iter_rows(values_only=True)]
    assert "\\u001b]0;pwned\\u0007红\\u001b[31m\\u202eexe.txt\\u0000" in names
