"""sbtui.xlsx.groups: the 批量编辑职工分组 template and import, the group-tree import (SPEC E4)."""
from __future__ import annotations

import openpyxl
import pytest

from xlsx_helpers import bad_check, reader, rid  # noqa: F401 (autouse fixture)

from sbtui.xlsx import (
    CellError,
    XlsxError,
    read_group_assignments,
    read_group_tree,
    write_group_template,
    write_group_tree_template,
)
from sbtui.xlsx.groups import normalize_path, parse_id_type


ZHANG, LI, WANG, ZHAO, QIAN, SUN, ZHOU, WU, STRANGER = (rid(n) for n in range(1, 10))
PASSPORT = "E12345678"
EMPLOYEES = {
    ZHANG: ("e1", "张三"), LI: ("e2", "李四"), WANG: ("e3", "王五"), ZHAO: ("e4", "赵六"),
    QIAN: ("e5", "钱七"), SUN: ("e6", "孙八"), ZHOU: ("e7", "周九"), WU: ("e8", "吴十"),
    PASSPORT: ("e9", "John Smith"),
}
GROUPS = {"财务部": "g1", "财务部/会计组": "g2", "董事会": "g3"}
HEADER = ["*姓名", "*身份证件类型代码", "*身份证件号码", "分组"]


def make_book(path, rows, *, title="批量编辑职工分组", header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_hand_made_file_reports_each_bad_cell_and_loads_the_good_rows(tmp_path):
    wang_bad, wang_right = bad_check(WANG)
    path = tmp_path / "filled.xlsx"
    make_book(path, [
        ["张三", "201", ZHANG, "财务部"],                         # 3 good
        ["李四", "201", 1.50602199001010e17, "财务部"],           # 4 ID typed as a number
        ["王五", "201", wang_bad, None],                          # 5 bad check digit
        ["陌生人", "201", STRANGER, "董事会"],                     # 6 not in the registry
        ["赵六六", "201", ZHAO, "董事会"],                         # 7 wrong name
        ["钱七", "201", QIAN, "人事部"],                           # 8 unknown group
        ["张三", "201", ZHANG, "董事会"],                          # 9 duplicate of row 3
        [None, "  ", None, None],                                 # 10 empty
        ["孙八", None, SUN, "董事会"],                             # 11 no type code
        [" 周九 ", "201 - 居民身份证", ZHOU.lower(), "财务部 ／ 会计组"],  # 12 good
        ["吴十", 201, WU, None],                                   # 13 good, 不分组
        ["John  Smith", "208", PASSPORT, "董事会"],                # 14 good, passport
        ["Jane Doe", "208", "X99999999", None],                    # 15 unknown passport
        ["某人", "999", rid(10), None],                            # 16 unknown type code
        [None, "201", None, "董事会"],                             # 17 no name, no number
    ])
    progress = []
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS,
                                    progress=lambda d, t: progress.append((d, t)))
    assert result.errors == [
        CellError(4, "C", "证件号码须为文本格式（请将单元格设为文本后重新录入）"),
        CellError(5, "C", f"身份证号码校验位错误，应为{wang_right}"),
        CellError(6, "C", "本单位无此职工"),
        CellError(7, "A", "姓名与证件号码不符（登记为赵六）"),
        CellError(8, "D", "分组不存在：人事部"),
        CellError(9, "C", "与第 3 行重复"),
        CellError(11, "B", "身份证件类型代码不能为空"),
        CellError(15, "C", "本单位无此职工"),
        CellError(16, "B", "身份证件类型代码无效：999"),
        CellError(16, "C", "本单位无此职工"),
        CellError(17, "A", "姓名不能为空"),
        CellError(17, "C", "身份证件号码不能为空"),
    ]
    assert result.assignments == [("e1", "g1"), ("e7", "g2"), ("e8", None), ("e9", "g3")]
    assert result.skipped == 1
    assert result.rows == 14
    assert not result.ok
    assert progress[-1] == (15, 15)
    assert str(result.errors[0]) == "第 4 行 C 列：证件号码须为文本格式（请将单元格设为文本后重新录入）"
    assert result.to_json()["errors"][3] == {"row": 7, "column": "A",
                                             "reason": "姓名与证件号码不符（登记为赵六）"}


def test_header_found_without_title_and_with_loose_header_text(tmp_path):
    path = tmp_path / "loose.xlsx"
    make_book(path, [["张三", "201", ZHANG, "董事会"]], title=None,
              header=[" 姓名 ", "＊身份证件类型代码", "*身份证件号码 ", "分组"])
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert result.errors == [] and result.assignments == [("e1", "g3")]


def test_columns_in_another_order_are_found_by_header(tmp_path):
    path = tmp_path / "order.xlsx"
    make_book(path, [[ZHANG, "人事部", "张三", "201"]],
              header=["*身份证件号码", "分组", "*姓名", "*身份证件类型代码"])
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert result.errors == [CellError(3, "B", "分组不存在：人事部")]


def test_template_fill_import_round_trip(tmp_path):
    path = tmp_path / "template.xlsx"
    n = write_group_template(path, group_paths=list(GROUPS),
                             employees=[("张三", "201", ZHANG, "财务部"),
                                        ("李四", "201", LI, None),
                                        ("王五", "201", WANG, "财务部/会计组")], total=3)
    assert n == 3
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["职工分组", "分组"]
    ws = wb.worksheets[0]
    assert ws["A1"].value == "批量编辑职工分组"
    assert [c.value for c in ws[2]] == HEADER
    assert ws["C3"].data_type == "s" and ws["C3"].value == ZHANG
    assert ws.column_dimensions["C"].number_format == "@"
    assert [r[0] for r in wb["分组"].iter_rows(min_row=2, values_only=True)] == list(GROUPS)
    dvs = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert dvs["D3:D1048576"] == "'分组'!$A$2:$A$4"
    # the user fills it in: moves 张三, puts 李四 in a group, clears 王五, adds 赵六
    ws["D3"] = "董事会"
    ws["D4"] = "财务部/会计组"
    ws["D5"] = None
    ws.append(["赵六", "201", ZHAO, "财务部"])
    wb.save(path)
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert result.errors == []
    assert result.assignments == [("e1", "g3"), ("e2", "g2"), ("e3", None), ("e4", "g1")]
    assert (result.rows, result.skipped) == (4, 0)


def test_empty_template_without_groups_has_no_group_dropdown(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert write_group_template(path, group_paths=[]) == 0
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["B3:B1048576"]
    result = read_group_assignments(path, employees=EMPLOYEES, groups={})
    assert (result.assignments, result.errors, result.rows) == ([], [], 0)


def test_template_progress_is_called_every_thousand_rows(tmp_path):
    calls = []
    rows = ((f"职工{i}", "201", rid(i % 1000), None) for i in range(2500))
    write_group_template(tmp_path / "p.xlsx", group_paths=[], employees=rows, total=2500,
                         progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_missing_header_is_an_xlsx_error(tmp_path):
    path = tmp_path / "other.xlsx"
    make_book(path, [["张三", "201", None, "董事会"]],
              header=["*姓名", "*身份证件类型代码", "证件", "分组"])
    with pytest.raises(XlsxError) as e:
        read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert str(e.value) == "不是社保费管理客户端的模板：缺少表头“*身份证件号码”"


def test_parse_id_type_and_normalize_path():
    for v in ("201", 201, 201.0, "201 - 居民身份证", "201居民身份证", "201-居民身份证", "居民身份证"):
        assert parse_id_type(v) == "201", v
    assert parse_id_type("208") == "208"
    assert parse_id_type("999") is None and parse_id_type("abc") is None
    assert normalize_path(" 财务部 ／会计组 / 出纳 ") == "财务部/会计组/出纳"


# -- the group tree ---------------------------------------------------------------------------

def test_tree_template_round_trip(tmp_path):
    paths = ["财务部", "财务部/会计组", "财务部/会计组/出纳", "董事会"]
    path = tmp_path / "tree.xlsx"
    assert write_group_tree_template(path, group_paths=paths) == 4
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[2]] == ["一级分组", "二级分组", "三级分组"]
    result = read_group_tree(path)
    assert result.errors == []
    assert result.paths == [p.split("/") for p in paths]


def test_tree_import_gaps_long_names_slashes_and_duplicates(tmp_path):
    path = tmp_path / "tree.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级分组", "二级分组", "三级分组"])
    for r in [
        ["财务部", None, None],              # 2
        ["财务部", "会计组", None],          # 3
        ["财务部", None, "出纳组"],          # 4 gap
        ["长" * 31, None, None],             # 5 too long
        ["人事部", "招聘／培训", None],      # 6 slash (full-width)
        [" 财务部 ", "会计组", None],        # 7 duplicate of row 3
        [None, None, None],                  # 8 empty
        ["人事部", "招聘组", "校园招聘"],    # 9 parents implied
        [None, None, "孤儿组"],              # 10 two gaps
        [2024, None, None],                  # 11 a number is a fine name
    ]:
        ws.append(r)
    wb.save(path)
    result = read_group_tree(path)
    assert result.errors == [
        CellError(4, "B", "二级分组不能为空（已填写下级分组）"),
        CellError(5, "A", "分组名称不能超过30个字符（当前31个）"),
        CellError(6, "B", "分组名称不能包含“/”"),
        CellError(10, "A", "一级分组不能为空（已填写下级分组）"),
        CellError(10, "B", "二级分组不能为空（已填写下级分组）"),
    ]
    assert result.paths == [["财务部"], ["财务部", "会计组"], ["人事部", "招聘组", "校园招聘"],
                            ["2024"]]
    assert (result.skipped, result.rows) == (1, 9)
