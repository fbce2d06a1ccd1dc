"""sbtui.xlsx.common: atomic table writes, header-finding reads, file errors; and the package's
place in the architecture (no Textual, openpyxl loaded lazily)."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import sbtui.xlsx
from xlsx_helpers import reader, rid  # noqa: F401 (autouse fixture)

from sbtui.xlsx import CellError, XlsxError, backends, read_rows, read_table, write_table
from sbtui.xlsx.common import column_letter, header_key


def test_cell_error_text_and_json():
    e = CellError(5, "C", "证件号码校验位错误，应为X")
    assert str(e) == "第 5 行 C 列：证件号码校验位错误，应为X"
    assert e.to_json() == {"row": 5, "column": "C", "reason": "证件号码校验位错误，应为X"}


def test_column_letter_and_header_key():
    assert [column_letter(i) for i in (0, 2, 25, 26, 27, 701, 702)] == \
        ["A", "C", "Z", "AA", "AB", "ZZ", "AAA"]
    assert header_key(" *身份证件号码 ") == header_key("＊ 身份证件号码") == "身份证件号码"


def test_write_table_then_read_rows(tmp_path, reader):
    path = tmp_path / "t.xlsx"
    rows = [["150602199001010016", "1501000001", 1], ["15060219900101002X", None, 2]]
    calls = []
    n = write_table(path, title="标题", headers=["身份证件号码", "单位编号", "数"], rows=rows,
                    total=2, progress=lambda d, t: calls.append((d, t)), widths=[22, 14, 6],
                    sheet="数据", text_columns=(0, 1))
    assert n == 2 and calls == [(2, 2)]
    wb = openpyxl.load_workbook(path)
    ws = wb["数据"]
    assert ws["A1"].value == "标题" and ws["A1"].font.b
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].font.b and ws.freeze_panes == "A3"
    assert ws["A3"].data_type == "s" and ws["A3"].value == "150602199001010016"
    assert ws.column_dimensions["A"].width == 22
    hrow, cmap, it, = read_rows(path, header_names=["数", "*身份证件号码"])
    assert hrow == 2 and cmap == {"数": 2, "*身份证件号码": 0}
    assert list(it) == [(3, ("150602199001010016", "1501000001", 1)),
                        (4, ("15060219900101002X", None, 2))]
    *_, total = read_table(path, header_names=["数"])
    # write-only files state no dimension: the scan counts the rows for both readers
    assert total == 2


def test_calamine_is_the_default_reader_when_installed(monkeypatch):
    pytest.importorskip("python_calamine")
    monkeypatch.setattr(backends, "READER", None)
    assert backends.reader() == "calamine"


def test_read_rows_pads_short_rows_and_keeps_excel_row_numbers(tmp_path):
    path = tmp_path / "sparse.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C1"] = "甲"
    ws["E1"] = "乙"
    ws["C2"] = " x "
    ws["C5"] = "y"
    ws["E5"] = 3.5
    wb.save(path)
    _h, cmap, it = read_rows(path, header_names=["乙", "甲"])
    assert cmap == {"乙": 4, "甲": 2}
    got = [(r, v[2], v[4]) for r, v in it]
    assert got == [(2, "x", None), (3, None, None), (4, None, None), (5, "y", 3.5)]


def _failing_rows(n):
    for i in range(n):
        yield [str(i)]
    raise RuntimeError("boom")


def _openpyxl_temp_files():
    from openpyxl.worksheet import _writer
    return {p for p in _writer.ALL_TEMP_FILES if os.path.exists(p)}


def test_write_table_is_atomic(tmp_path):
    path = tmp_path / "out.xlsx"
    before = _openpyxl_temp_files()
    with pytest.raises(RuntimeError, match="boom"):
        write_table(path, title=None, headers=["a"], rows=_failing_rows(5))
    assert list(tmp_path.iterdir()) == []
    assert _openpyxl_temp_files() == before
    # an existing file is left as it was
    write_table(path, title=None, headers=["a"], rows=[["old"]])
    old = path.read_bytes()
    with pytest.raises(RuntimeError):
        write_table(path, title="新", headers=["a"], rows=_failing_rows(3000))
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_file_errors(tmp_path):
    with pytest.raises(XlsxError, match="文件不存在"):
        read_rows(tmp_path / "nope.xlsx", header_names=["a"])
    text = tmp_path / "text.xlsx"
    text.write_text("姓名,身份证件号码\n", "utf-8")
    with pytest.raises(XlsxError) as e:
        read_rows(text, header_names=["a"])
    assert str(e.value) == "无法读取文件：不是有效的 Excel（.xlsx）文件"
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(XlsxError, match="另存为不加密的 .xlsx"):
        read_rows(xls, header_names=["a"])
    zipped = tmp_path / "other.zip"
    import zipfile
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(XlsxError, match="不是有效的 Excel"):
        read_rows(zipped, header_names=["a"])


def test_a_real_old_xls_is_refused_by_both_readers(tmp_path):
    """issue 14: python-calamine read an old .xls, where nothing checked merged cells — a group
    merged over three rows (tests/data/old_groups.xls, made with xlwt) ungrouped two of them
    with no error. Now both readers refuse it, saying what to do."""
    from sbtui.xlsx import read_group_assignments

    path = Path(__file__).parent / "data" / "old_groups.xls"
    with pytest.raises(XlsxError) as e:
        read_group_assignments(path, employees={rid(n): (f"e{n}", f"职工{n}") for n in (1, 2, 3)},
                               groups={"财务部": "g1"})
    assert str(e.value) == "不支持旧版 Excel（.xls）文件或加密的文件，请在 Excel 中另存为不加密的 .xlsx 后再导入"


def test_an_xlsx_under_another_extension_is_read(tmp_path):
    path = tmp_path / "export.dat"
    write_table(path, title=None, headers=["a"], rows=[["1"]])
    _h, _c, it = read_rows(path, header_names=["a"])
    assert list(it) == [(2, ("1",))]


def test_header_must_be_in_the_first_rows(tmp_path):
    path = tmp_path / "deep.xlsx"
    wb = openpyxl.Workbook()
    for _ in range(5):
        wb.active.append(["说明"])
    wb.active.append(["*姓名"])
    wb.save(path)
    with pytest.raises(XlsxError, match="缺少表头“\\*姓名”"):
        read_rows(path, header_names=["*姓名"])
    with pytest.raises(XlsxError, match="工作表“无”"):
        read_rows(path, header_names=["*姓名"], sheet="无")


# -- architecture ---------------------------------------------------------------------------

def test_xlsx_does_not_import_textual():
    root = Path(sbtui.xlsx.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "textual" for n in names):
                offenders.append(path.name)
        assert len(path.read_text("utf-8").splitlines()) <= 500, path.name
    assert offenders == []


def test_importing_xlsx_loads_neither_textual_nor_openpyxl():
    code = "import sys, sbtui.xlsx; print('textual' in sys.modules, 'openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_chinese_text_only_in_strings_module():
    root = Path(sbtui.xlsx.__file__).parent
    for path in root.glob("*.py"):
        if path.name == "strings.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # docstrings may quote the official words; code strings may not
                assert not any("\u4e00" <= ch <= "\u9fff" for ch in node.value) \
                    or _is_docstring(tree, node), (path.name, node.value)


def _is_docstring(tree, node):
    for parent in ast.walk(tree):
        body = getattr(parent, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and body[0].value is node:
            return True
    return False
