"""Spreadsheets that lie about their size or hide what they hold (issue 14 findings 2, 3): a
far-off cell refused before anything is loaded, naming the cell; merged cells, formulas
without a cached value and overlong text in data rows are errors naming the cell while the
good rows still load. Both readers (calamine and openpyxl)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pytest

from xlsx_helpers import reader, rid  # noqa: F401 (autouse fixture)

from sbtui.xlsx import CellError, XlsxError, read_group_assignments, read_group_tree
from sbtui.xlsx.groups import write_group_template
from sbtui.xlsx.scan import MAX_CELL_TEXT, MAX_ROWS
from sbtui.xlsx.wages import read_wage_file, write_wage_file

ZHANG, LI, WANG = rid(1), rid(2), rid(3)
EMPLOYEES = {ZHANG: ("e1", "张三"), LI: ("e2", "李四"), WANG: ("e3", "王五")}
GROUPS = {"财务部": "g1", "董事会": "g2"}
ALL = frozenset({"110", "210", "410"})
WAGE_EMPLOYEES = {n: (e, name, ALL) for n, (e, name) in EMPLOYEES.items()}


def group_template(path) -> None:
    """A valid 批量编辑职工分组 file, filled as the app writes it (rows 3–5)."""
    write_group_template(path, group_paths=list(GROUPS), employees=[
        ("张三", "201", ZHANG, "财务部"), ("李四", "201", LI, "董事会"), ("王五", "201", WANG, None)])


def wage_template(path) -> None:
    """A valid wage file (rows 4–6) with 110, 210, 410."""
    item = {"110": ("5000.00", "2026-01", None), "210": ("5000.00", "2026-01", None),
            "410": ("5000.00", "2026-01", None)}
    write_wage_file(path, uscc="91150691MA1234567", type_codes=["110", "210", "410"], rows=[
        {"name": name, "id_type": "201", "id_number": n, "items": item}
        for n, (_e, name) in EMPLOYEES.items()])


def edit(path, change) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb.worksheets[0])
    wb.save(path)


def read_in_a_child(path, what: str, reader_name: str) -> tuple[str, float]:
    """Read ``path`` in a child limited to 1 GiB of address space and 60 s (the old reader
    asked for 512 GiB and aborted, or took 13 s and 1.4 GB): its printed outcome, seconds."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from sbtui.xlsx import backends, XlsxError
        from sbtui.xlsx.groups import read_group_assignments
        from sbtui.xlsx.wages import read_wage_file
        backends.READER = {reader_name!r}
        try:
            if {what!r} == "groups":
                r = read_group_assignments(sys.argv[1], employees={{}}, groups={{}})
            else:
                r = read_wage_file(sys.argv[1], employees={{}})
            print("READ", r.to_json())
        except XlsxError as e:
            print("REFUSED", e.message)
    """)
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         timeout=60)
    took = time.monotonic() - start
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    return out.stdout.strip(), took


@pytest.mark.parametrize("what, cell", [("groups", "XFD1048576"), ("groups", "AE1048576"),
                                        ("wages", "XFD1048576"), ("wages", "AE1048576")])
def test_one_far_off_cell_is_refused_quickly_naming_it(tmp_path, reader, what, cell):
    """issue 14 finding 2: a valid template plus one value at XFD1048576 (or AE1048576) ends
    at once with a Chinese message naming the cell — not an abort allocating 512 GiB, not 13 s
    and 1.4 GB."""
    path = tmp_path / f"{what}.xlsx"
    (group_template if what == "groups" else wage_template)(path)
    edit(path, lambda ws: ws.__setitem__(cell, "x"))
    said, took = read_in_a_child(path, what, reader)
    column, row = cell.rstrip("0123456789"), cell[len(cell.rstrip("0123456789")):]
    assert said.startswith("REFUSED"), said
    assert f"第 {row} 行 {column} 列（{cell}）超出可导入的范围" in said, said
    assert took < 20, took


def test_a_lying_dimension_tag_does_not_pad_the_read(tmp_path, reader):
    """issue 14 finding 2: a <dimension> tag claiming A1:XFD1048576 on a small sheet reads as
    the small sheet (openpyxl's read-only mode pads rows to the tag otherwise)."""
    path = tmp_path / "groups.xlsx"
    group_template(path)
    lied = tmp_path / "lied.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(lied, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"<sheetData")
                assert b"<dimension" not in head
                head = head.replace(b"<sheetViews", b'<dimension ref="A1:XFD1048576"/><sheetViews', 1)
                data = head + b"<sheetData" + rest
            dst.writestr(item, data)
    start = time.monotonic()
    result = read_group_assignments(lied, employees=EMPLOYEES, groups=GROUPS)
    assert time.monotonic() - start < 10
    assert result.errors == [] and result.assignments == [("e1", "g1"), ("e2", "g2"), ("e3", None)]


def test_the_limits_leave_room_for_100000_employees():
    assert MAX_ROWS >= 100_000 + 3


def test_merged_cells_and_uncached_formulas_in_a_group_file_are_errors(tmp_path):
    """issue 14 finding 3: a merged 分组 cell over three rows no longer ungroups the rows under
    its first one with ``errors: []``; a 分组 cell ``=1+1`` (no cached value) is an error, not
    不分组. The other rows still load; the title row's own merge is no error."""
    path = tmp_path / "groups.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["批量编辑职工分组"])
    ws.merge_cells("A1:D1")
    ws.append(["*姓名", "*身份证件类型代码", "*身份证件号码", "分组"])
    ws.append(["张三", "201", ZHANG, "财务部"])   # 3 merged D3:D4
    ws.append(["李四", "201", LI, None])          # 4
    ws.append(["王五", "201", WANG, "=1+1"])      # 5 a formula without a cached value
    ws.merge_cells("D3:D4")
    wb.save(path)
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    merged = "不能使用合并单元格（D3:D4），请取消合并后逐行填写"
    assert result.errors == [
        CellError(3, "D", merged), CellError(4, "D", merged),
        CellError(5, "D", "公式没有计算结果：请在 Excel 中打开并保存后重新导入，或直接填写数值")]
    assert result.assignments == []


def test_a_merged_cell_in_the_tree_file_is_an_error(tmp_path):
    """issue 14 finding 3 (the group-tree import)."""
    path = tmp_path / "tree.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级分组", "二级分组", "三级分组"])
    ws.append(["财务部", "会计组", None])
    ws.append(["财务部", "出纳组", None])
    ws.append(["董事会", None, None])
    ws.merge_cells("A2:A3")
    wb.save(path)
    result = read_group_tree(path)
    merged = "不能使用合并单元格（A2:A3），请取消合并后逐行填写"
    assert result.errors == [CellError(2, "A", merged), CellError(3, "A", merged)]
    assert result.paths == [["董事会"]]


def test_a_wage_row_of_formulas_is_named_not_skipped(tmp_path):
    """issue 14 finding 3: wage cells holding formulas without a cached value are errors naming
    each cell, not a row "skipped" as if empty; the other rows still load."""
    path = tmp_path / "wages.xlsx"
    wage_template(path)

    def formulas(ws):
        for col in "EHK":
            ws[f"{col}5"] = "=5000+0"
    edit(path, formulas)
    result = read_wage_file(path, employees=WAGE_EMPLOYEES)
    why = "公式没有计算结果：请在 Excel 中打开并保存后重新导入，或直接填写数值"
    assert result.errors == [CellError(5, c, why) for c in "EHK"]
    assert [r.excel_row for r in result.rows] == [4, 6] and result.skipped == 0


def test_overlong_text_is_an_error_naming_the_cell(tmp_path):
    """issue 14 findings 2, 3: a cell's text is limited (the row is refused, the cell named)."""
    path = tmp_path / "groups.xlsx"
    group_template(path)
    edit(path, lambda ws: ws.__setitem__("D4", "财" * (MAX_CELL_TEXT + 1)))
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert result.errors == [CellError(4, "D", f"单元格内容过长（{MAX_CELL_TEXT + 1} 个字符，"
                                                f"最多 {MAX_CELL_TEXT} 个）")]
    assert result.assignments == [("e1", "g1"), ("e3", None)]


def test_a_cell_just_inside_the_limits_still_reads(tmp_path, reader):
    path = tmp_path / "groups.xlsx"
    group_template(path)
    edit(path, lambda ws: ws.__setitem__("BL20", "note"))
    result = read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
    assert result.errors == [] and len(result.assignments) == 3
    with pytest.raises(XlsxError, match=r"第 20 行 BM 列（BM20）"):
        edit(path, lambda ws: ws.__setitem__("BM20", "note"))
        read_group_assignments(path, employees=EMPLOYEES, groups=GROUPS)
