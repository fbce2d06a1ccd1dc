"""sbtui.xlsx.wages: the 单位社保费缴费工资月度申报 file (SPEC W4, W5, W10)."""
from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from sbtui.domain.ids import complete_resident_id
from xlsx_helpers import bad_check, reader, rid  # noqa: F401 (autouse fixture)

from sbtui.xlsx import CellError, XlsxError, rowsink
from sbtui.xlsx.wages import parse_month, parse_wage, read_wage_file, write_wage_file


USCC = "91150691MA1234567"
TYPES = ["110", "210", "310", "410"]
ALL = frozenset(TYPES)
LABELS = {"110": "110 企业基本养老保险", "210": "210 失业保险", "310": "310 基本医疗保险",
          "330": "330 大额医疗保险", "410": "410 工伤保险"}
NAMES = {n: f"职工{n}" for n in range(1, 40)}
EMPLOYEES = {rid(n): (f"e{n}", NAMES[n], ALL) for n in NAMES}
EMPLOYEES[rid(11)] = ("e11", NAMES[11], frozenset({"310"}))  # medical only
STRANGER = rid(99)
BLOCK = ["缴费工资", "生效年月起", "生效年月止"]
HEADER = ["*姓名", "*身份证件类型代码", "*身份证件号码", "分组"]


def make_book(path, rows, *, types=TYPES, title="单位社保费缴费工资月度申报", block=BLOCK,
              type_labels=None):
    """The official layout, built by hand in openpyxl's normal mode."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    labels = type_labels or [LABELS[t] for t in types]
    row2 = [f"*缴费人识别号: {USCC}", None, None, None]
    for label in labels:
        row2 += [label, None, None]
    ws.append(row2)
    ws.append(HEADER + block * len(labels))
    for r in rows:
        ws.append(r)
    wb.save(path)


def row(name, number, *, id_type="201 - 居民身份证", group=None, **items):
    """A data row; ``items``: ``t110=(wage, from, to)`` …, missing types empty."""
    out = [name, id_type, number, group]
    for t in TYPES:
        out += list(items.get(f"t{t}", (None, None, None)))
    return out


def pension(wage, start, end=None):
    return {"t110": (wage, start, end), "t210": (wage, start, end), "t410": (wage, start, end)}


def med(wage, start, end=None):
    return {"t310": (wage, start, end)}


def test_hand_made_file_reports_every_bad_cell_and_loads_the_good_rows(tmp_path):
    zhao_bad, zhao_right = bad_check(rid(4))
    path = tmp_path / "wages.xlsx"
    make_book(path, [
        row("职工1", rid(1), group="财务部", **pension(5000, "2026-01"),
            **med(6000, "2026-07", "2026-12")),                                      # 4 good
        row("职工2", rid(2), id_type="201", **med(8888.1, datetime(2026, 7, 1))),     # 5 good
        row("职工3", 1.50602199001010e17, **med(5000, "2026-07")),                    # 6 ID number
        row("职工4", zhao_bad, **med(5000, "2026-07")),                               # 7 check digit
        row("陌生人", STRANGER, **med(5000, "2026-07")),                              # 8 unknown
        row("职工五", rid(5), **med(5000, "2026-07")),                                # 9 wrong name
        row("职工1", rid(1), **med(5000, "2026-07")),                                 # 10 duplicate
        row("职工11", rid(11), t110=(5000, "2026-01", None), **med(5000, "2026-07")),  # 11 not insured
        row("职工12", rid(12), **med(0, "2026-07")),                                  # 12 zero
        row("职工13", rid(13), **med(-100, "2026-07")),                               # 13 negative
        row("职工14", rid(14), **med("abc", "2026-07")),                              # 14 not a number
        row("职工15", rid(15), **med(8888.123, "2026-07")),                           # 15 3 decimals
        row("职工16", rid(16), **med("8,888.5", "2026-13", "abc")),                   # 16 bad months
        row("职工17", rid(17), **med(5000, None)),                                    # 17 no 起
        row("职工18", rid(18), t110=(None, "2026-01", None), **med(5000, "2026-07")),  # 18 month only
        row("职工19", rid(19), **med(5000, "2026-07", "2026-06")),                    # 19 止 < 起
        row("职工20", rid(20), t110=(5000, "2026-01", None), t210=(5000, "2026-01", None),
            t410=(5500, "2026-02", None)),                                            # 20 binding
        row("职工21", rid(21), t110=(None, "2026-01", None), **med(None, "2026-07")),  # 21 skipped
        [None] * 16,                                                                  # 22 blank
        row(None, None, id_type=None, **med(5000, "2026-07")),                        # 23 required
        row("职工24", rid(24), id_type="999", **med(5000, "2026-07")),                # 24 type code
        row(" 职工25 ", rid(25).lower(), t110=("￥7,000.00", "2026/01", None),
            t210=(7000, "202601", None), t410=(7000.0, datetime(2026, 1, 15), None)),  # 25 good
    ])
    progress = []
    result = read_wage_file(path, employees=EMPLOYEES,
                            progress=lambda d, t: progress.append((d, t)))
    bind = "（同一绑定组的缴费工资和生效年月必须一致）"
    assert result.errors == [
        CellError(6, "C", "证件号码须为文本格式（请将单元格设为文本后重新录入）"),
        CellError(7, "C", f"身份证号码校验位错误，应为{zhao_right}"),
        CellError(8, "C", "本单位无此职工"),
        CellError(9, "A", "姓名与证件号码不符（登记为职工5）"),
        CellError(10, "C", "与第 4 行重复"),
        CellError(11, "E", "该职工未参保企业基本养老保险"),
        CellError(12, "K", "缴费工资必须大于0"),
        CellError(13, "K", "缴费工资必须大于0"),
        CellError(14, "K", "缴费工资格式有误"),
        CellError(15, "K", "缴费工资格式有误"),
        CellError(16, "L", "生效年月格式应为YYYY-MM"),
        CellError(16, "M", "生效年月格式应为YYYY-MM"),
        CellError(17, "L", "生效年月起不能为空"),
        CellError(18, "F", "缴费工资为空时不能填写生效年月"),
        CellError(19, "M", "生效年月止不能早于生效年月起"),
        CellError(20, "N", f"410 工伤保险的缴费工资与110 企业基本养老保险不一致{bind}"),
        CellError(20, "O", f"410 工伤保险的生效年月起与110 企业基本养老保险不一致{bind}"),
        CellError(23, "A", "姓名不能为空"),
        CellError(23, "B", "身份证件类型代码不能为空"),
        CellError(23, "C", "身份证件号码不能为空"),
        CellError(24, "B", "身份证件类型代码无效：999"),
    ]
    five = (Decimal("5000.00"), "2026-01", None)
    seven = (Decimal("7000.00"), "2026-01", None)
    assert [(r.excel_row, r.employee_id, r.name, r.id_number, r.items, r.group)
            for r in result.rows] == [
        (4, "e1", "职工1", rid(1), {"110": five, "210": five, "310": (Decimal("6000.00"),
                                    "2026-07", "2026-12"), "410": five}, "财务部"),
        (5, "e2", "职工2", rid(2), {"310": (Decimal("8888.10"), "2026-07", None)}, None),
        (25, "e25", "职工25", rid(25), {"110": seven, "210": seven, "410": seven}, None),
    ]
    assert str(result.rows[1].items["310"][0]) == "8888.10"
    assert (result.skipped, result.seen, result.uscc) == (1, 21, USCC)
    assert progress[-1] == (22, 22)
    assert result.to_json() == {"loaded": 3, "skipped": 1,
                                "errors": [e.to_json() for e in result.errors]}
    assert result.to_json()["errors"][0] == {
        "row": 6, "column": "C", "reason": "证件号码须为文本格式（请将单元格设为文本后重新录入）"}


def test_binding_only_among_the_insured_types_present(tmp_path):
    """110+210+410 move together, but only among the employee's insured types; 310 is alone."""
    path = tmp_path / "bind.xlsx"
    employees = {rid(1): ("e1", "甲", frozenset({"110", "410"})),
                 rid(2): ("e2", "乙", ALL)}
    make_book(path, [
        row("甲", rid(1), t110=(5000, "2026-01", None), t410=(5000, "2026-01", None)),
        row("乙", rid(2), t110=(5000, "2026-01", "2026-12"), t210=(5000, "2026-01", None),
            t410=(None, None, None)),
    ])
    result = read_wage_file(path, employees=employees)
    bind = "与110 企业基本养老保险不一致（同一绑定组的缴费工资和生效年月必须一致）"
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (5, "J", "210 失业保险的生效年月止" + bind),
        (5, "N", "410 工伤保险的缴费工资" + bind),
        (5, "O", "410 工伤保险的生效年月起" + bind),
        (5, "P", "410 工伤保险的生效年月止" + bind),
    ]
    assert [r.employee_id for r in result.rows] == ["e1"]


@pytest.mark.parametrize("fast", [True, False])
def test_export_then_import_is_lossless(tmp_path, monkeypatch, fast):
    monkeypatch.setattr(rowsink, "FAST_WRITE", fast)
    rng = random.Random(7)
    types = ["110", "210", "310", "330", "410"]
    employees, rows = {}, []

    def period():
        y, m = rng.randint(2000, 2030), rng.randint(1, 12)
        start = f"{y}-{m:02d}"
        if rng.random() < 0.5:
            return start, None
        return start, f"{rng.randint(y + 1, 2099)}-{rng.randint(1, 12):02d}"

    def wage():
        return Decimal(rng.randint(1, 99_999_999)) / 100

    for i in range(200):
        number = rid(i)
        medical_only = i % 5 == 0
        insured = frozenset({"310", "330"} if medical_only else types)
        name = f"职工{i}" + (" & <Co>" if i == 7 else "")
        employees[number] = (f"e{i}", name, insured)
        items = {}
        if not medical_only and i % 3:
            w, (start, end) = wage(), period()
            items.update({t: (w, start, end) for t in ("110", "210", "410")})
        if medical_only or i % 4:
            items["310"] = (wage(), *period())
        if i % 2 or not items:
            items["330"] = (wage(), *period())
        group = rng.choice([None, "财务部", "财务部/会计组", " 董事会"])
        rows.append({"name": name, "id_type": "201", "id_number": number, "group": group,
                     "items": items})
    path = tmp_path / "export.xlsx"
    calls = []
    assert write_wage_file(path, uscc=USCC, type_codes=types, rows=iter(rows), total=200,
                           progress=lambda d, t: calls.append((d, t))) == 200
    assert calls == [(200, 200)]
    result = read_wage_file(path, employees=employees)
    assert result.errors == [] and result.skipped == 0 and result.seen == 200
    got = [(r.name, r.id_number, r.group, r.items) for r in result.rows]
    want = [(r["name"], r["id_number"], r["group"] and r["group"].strip(),
             {t: r["items"][t] for t in types if t in r["items"]}) for r in rows]
    assert got == want
    assert [r.excel_row for r in result.rows] == list(range(4, 204))


def test_written_file_has_the_official_layout(tmp_path):
    path = tmp_path / "export.xlsx"
    write_wage_file(path, uscc=USCC, type_codes=["110", "310"], rows=[
        {"name": "职工1", "id_type": "201", "id_number": rid(1), "group": "财务部",
         "items": {"110": (Decimal("8888.1"), "2026-01", None)}}])
    ws = openpyxl.load_workbook(path).worksheets[0]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values == [
        ["单位社保费缴费工资月度申报"] + [None] * 9,
        [f"*缴费人识别号: {USCC}", None, None, None, "110 企业基本养老保险", None, None,
         "310 基本医疗保险", None, None],
        HEADER + BLOCK * 2,
        ["职工1", "201 - 居民身份证", rid(1), "财务部", 8888.1, "2026-01", None, None, None,
         None],
    ]
    assert ws["C4"].data_type == "s" and ws["C4"].number_format == "@"
    assert ws["E4"].data_type == "n" and ws["E4"].number_format == "0.00"
    assert ws["F4"].number_format == "@"
    assert ws.column_dimensions["H"].number_format == "0.00"
    assert ws.column_dimensions["C"].number_format == "@"
    assert sorted(str(m) for m in ws.merged_cells.ranges) == ["A1:J1", "A2:D2", "E2:G2", "H2:J2"]
    assert ws.freeze_panes == "E4"


def test_blank_template_reads_back_empty(tmp_path):
    path = tmp_path / "template.xlsx"
    assert write_wage_file(path, uscc=USCC, type_codes=TYPES, rows=[]) == 0
    result = read_wage_file(path, employees=EMPLOYEES)
    assert (result.rows, result.errors, result.skipped, result.seen) == ([], [], 0, 0)
    assert result.uscc == USCC


def test_writer_refuses_float_wages_and_types_outside_the_blocks(tmp_path):
    base = {"name": "职工1", "id_type": "201", "id_number": rid(1), "group": None}
    with pytest.raises(TypeError):
        write_wage_file(tmp_path / "a.xlsx", uscc=USCC, type_codes=["310"],
                        rows=[{**base, "items": {"310": (8888.1, "2026-01", None)}}])
    with pytest.raises(ValueError):
        write_wage_file(tmp_path / "b.xlsx", uscc=USCC, type_codes=["310"],
                        rows=[{**base, "items": {"110": (Decimal(1), "2026-01", None)}}])
    with pytest.raises(ValueError):
        write_wage_file(tmp_path / "c.xlsx", uscc=USCC, type_codes=["999"], rows=[])
    assert not list(tmp_path.iterdir())


def test_unknown_type_header_is_an_xlsx_error_naming_the_cell(tmp_path):
    path = tmp_path / "unknown.xlsx"
    make_book(path, [], types=["110", "999"], type_labels=["110 企业基本养老保险", "999 神秘保险"])
    with pytest.raises(XlsxError) as e:
        read_wage_file(path, employees=EMPLOYEES)
    assert str(e.value) == "不是缴费工资申报模板：第 2 行 H 列的险种“999 神秘保险”无法识别"
    make_book(path, [], types=["110"], type_labels=["企业养老"])
    with pytest.raises(XlsxError, match="第 2 行 E 列的险种“企业养老”无法识别"):
        read_wage_file(path, employees=EMPLOYEES)


def test_other_unusable_files_are_xlsx_errors(tmp_path):
    path = tmp_path / "x.xlsx"
    make_book(path, [], block=["缴费工资", "生效年月起", "备注"])
    with pytest.raises(XlsxError, match="险种“110 企业基本养老保险”下缺少表头“生效年月止”"):
        read_wage_file(path, employees=EMPLOYEES)
    wb = openpyxl.Workbook()
    wb.active.append(HEADER + BLOCK)  # no row of types above the header
    wb.save(path)
    with pytest.raises(XlsxError, match="表头上方一行没有险种"):
        read_wage_file(path, employees=EMPLOYEES)
    wb = openpyxl.Workbook()
    wb.active.append(["*姓名", "*身份证件号码"])
    wb.save(path)
    with pytest.raises(XlsxError, match="缺少表头“\\*身份证件类型代码”"):
        read_wage_file(path, employees=EMPLOYEES)


def test_without_title_row_and_with_the_manuals_misprinted_headers(tmp_path):
    """The manual's table prints 生效年月止 twice: the first is taken as 生效年月起."""
    path = tmp_path / "loose.xlsx"
    make_book(path, [row("职工1", rid(1), **med(5000, 202607))], title=None,
              block=["缴费工资", "生效年月止", "生效年月止"])
    result = read_wage_file(path, employees=EMPLOYEES)
    assert result.errors == []
    assert result.rows[0].items == {"310": (Decimal("5000.00"), "2026-07", None)}
    assert result.rows[0].excel_row == 3


def test_parse_wage_and_parse_month():
    assert parse_wage(8888.1) == Decimal("8888.10") and str(parse_wage(8888.1)) == "8888.10"
    assert parse_wage(5000) == Decimal("5000.00")
    assert parse_wage("8,888.05") == Decimal("8888.05")
    for bad in (0.1 + 0.2, 8888.123, "8888.123", "abc", True, float("nan"), float("inf"),
                datetime(2026, 1, 1), 1e300,
                # issue 14 finding 7: the service's one rule (12 integer digits, ASCII, no sign)
                "８，８８８．０５", "٥", "+5", "1E+2", 1e13, Decimal("1E+12"), -5):
        with pytest.raises(ValueError):
            parse_wage(bad)
    for text in ("2026-01", "2026-1", "2026/01", "2026.01", "2026年1月", "202601", 202601,
                 datetime(2026, 1, 31), " ２０２６－０１ "):
        assert parse_month(text) == "2026-01", text
    for bad in ("2026-13", "2026-00", "20261", "26-01", "2026-01-01", "abc", 46023, 2026.01,
                "1899-12", "2100-01"):
        with pytest.raises(ValueError):
            parse_month(bad)


@pytest.mark.skipif(not os.environ.get("SBTUI_PERF"), reason="set SBTUI_PERF=1 to measure")
def test_measure_100k_rows_by_5_types(tmp_path, reader, capsys):
    types = ["110", "210", "310", "330", "410"]
    n = 100_000
    employees = {}

    def rows():
        for i in range(n):
            born = date(1960, 1, 1) + timedelta(days=i // 1000)
            number = complete_resident_id(f"150602{born:%Y%m%d}{i % 1000:03d}")
            employees[number] = (f"e{i}", f"职工{i}", frozenset(types))
            w = Decimal(3000 + i % 5000) + Decimal("0.10")
            items = {t: (w, "2026-01", None) for t in ("110", "210", "410")}
            items["310"] = (w, "2026-07", "2026-12")
            items["330"] = (Decimal("8888.88"), "2026-07", None)
            yield {"name": f"职工{i}", "id_type": "201", "id_number": number,
                   "group": "财务部/会计组", "items": items}

    path = tmp_path / "big.xlsx"
    t0 = time.perf_counter()
    write_wage_file(path, uscc=USCC, type_codes=types, rows=rows(), total=n)
    t1 = time.perf_counter()
    result = read_wage_file(path, employees=employees)
    t2 = time.perf_counter()
    with capsys.disabled():
        print(f"\n[{reader}] {n} rows x 5 types: write {t1 - t0:.1f} s, read {t2 - t1:.1f} s, "
              f"{path.stat().st_size / 1e6:.1f} MB")
    assert len(result.rows) == n, result.errors[:3]
