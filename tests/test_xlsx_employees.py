"""sbtui.xlsx.employees: the 职工参保信息 and 单位参保信息 exports (SPEC E1, E7, E8)."""
from __future__ import annotations

import openpyxl

from sbtui.domain.ids import complete_resident_id
from sbtui.xlsx import write_employees, write_units

TYPES = ["110", "210", "310", "410"]


def rows():
    return [
        {"name": "张三", "id_type": "201", "id_number": complete_resident_id("15060219900101001"),
         "unit_numbers": ["1501000001", "1502000001"], "insured_types": ["110", "210", "410"],
         "status": "normal", "group": "财务部/会计组", "changed_on": "2024-03-05",
         "change": "新增"},
        {"name": "李四", "id_type": "201", "id_number": complete_resident_id("15060219850505002"),
         "unit_numbers": ["0001"], "insured_types": ["310"], "status": "stopped",
         "group": None, "changed_on": "2023-12-31", "change": "停保"},
        {"name": "John Smith", "id_type": "208", "id_number": "E12345678",
         "unit_numbers": [], "insured_types": [], "status": "normal", "group": None,
         "changed_on": "2024-01-01", "change": "变更"},
    ]


def test_write_employees_reads_back(tmp_path):
    path = tmp_path / "emp.xlsx"
    calls = []
    n = write_employees(path, iter(rows()), total=3, progress=lambda d, t: calls.append((d, t)),
                        type_codes=TYPES, extra=[("变动类型", "change")])
    assert n == 3 and calls == [(3, 3)]
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.title == "职工参保信息" and ws["A1"].value == "职工参保信息"
    assert [c.value for c in ws[2]] == [
        "序号", "姓名", "身份证件类型", "身份证件号码", "单位编号", "企业基本养老保险",
        "失业保险", "基本医疗保险", "工伤保险", "缴费状态", "分组", "最后变更日期", "变动类型"]
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    zhang, li, john = rows()
    assert data[0] == [1, "张三", "201 居民身份证", zhang["id_number"], "1501000001，1502000001",
                       "√", "√", None, "√", "正常缴费", "财务部/会计组", "2024-03-05", "新增"]
    assert data[1] == [2, "李四", "201 居民身份证", li["id_number"], "0001",
                       None, None, "√", None, "停止缴费", None, "2023-12-31", "停保"]
    assert data[2][:5] == [3, "John Smith", "208 外国护照", "E12345678", None]
    for r in range(3, 6):  # ID and unit numbers are text, never numbers
        assert ws.cell(r, 4).data_type == "s"
    assert ws["E4"].data_type == "s" and ws["E4"].value == "0001"


def test_write_units(tmp_path):
    path = tmp_path / "units.xlsx"
    regs = [{"unit_number": "150100000001", "agency": "呼和浩特市社会保险事业管理局",
             "agency_system": "enterprise", "tax_authority": "国家税务总局呼和浩特市税务局",
             "payer_type": "单位缴费人", "insurance_types": ["110", "210", "410"],
             "status": "正常"},
            {"unit_number": "0150200000", "agency": "呼和浩特市医疗保障局",
             "agency_system": "medical", "tax_authority": "国家税务总局呼和浩特市税务局",
             "payer_type": "单位缴费人", "insurance_types": ["310", "330"], "status": "正常"}]
    assert write_units(path, regs) == 2
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[2]] == ["序号", "单位编号", "社保（医保）经办机构", "业务系统",
                                        "主管税务机关", "缴费人类型", "参保险种", "参保状态"]
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert data[0][1:4] == ["150100000001", "呼和浩特市社会保险事业管理局", "企业险"]
    assert data[0][6] == "企业基本养老保险、失业保险、工伤保险"
    assert data[1][1] == "0150200000" and data[1][3] == "医保"
    assert data[1][6] == "基本医疗保险、大额医疗保险"
