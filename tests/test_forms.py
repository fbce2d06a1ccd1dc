"""sbtui.forms: 《社会保险费缴费申报表（适用单位缴费人）》 and 《社会保险费缴费明细申报表（适用职工个人）》
as xlsx and PDF (SPEC D8, layouts of manual 000 §3.4).

The data is the manual's example: 8,888.00 × 16% = 1,422.08 and × 8% = 711.04 for 2024-01 and
2024-02, 35,552.00 base and 4,266.24 due in all; the voucher of P3 pays them with a late fee.
PDFs are read back with pypdf and, where the
binary exists, with poppler's pdftotext as well.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from sbtui.domain.models import (
    Declaration,
    DeclarationEmployee,
    DeclarationLine,
    EmployerRecord,
    PaymentLine,
    Voucher,
)
from sbtui.forms import FormError, write_employee_form, write_unit_form
from sbtui.forms import strings as S
from sbtui.forms.font import FONT_NAME, font_path
from sbtui.forms.voucher import write_voucher_pdf

AGENCY = "社会保险事业服务中心(五险)"
UNIT = "66259112241843"
ACCEPTED = date(2024, 2, 17)
EMPLOYER = EmployerRecord(uscc="91150602MA1234567X", name="内蒙古倚天科技管理有限公司",
                          tax_authority="国家税务总局鄂尔多斯市东胜区税务局",
                          tax_branch="第一税务所", region="nm")
PENSION = "企业职工基本养老保险费"
ITEM_UNIT = "职工基本养老保险(单位缴纳)"
ITEM_PERSONAL = "职工基本养老保险(个人缴纳)"
MONEY = "#,##0.00"


def _line(n: int, period: str, item_name: str, rate: str, due: str, **kw) -> DeclarationLine:
    d = Decimal(due)
    fields = {"n": n, "key": f"t|{UNIT}|{period}|{n}", "source": "tax", "unit_number": UNIT,
              "agency": AGENCY, "period_from": period, "period_to": period, "item": str(n),
              "item_name": item_name, "type_code": "110", "type_name": PENSION,
              "headcount": 1, "wage_total": Decimal("8888.00"),
              "base_total": Decimal("8888.00"), "rate": rate, "due": d, "payable": d,
              "actual": d}
    return DeclarationLine(**(fields | kw))


def manual_declaration(extra: list[DeclarationLine] = ()) -> Declaration:
    lines = [_line(1, "2024-01", ITEM_UNIT, "16%", "1422.08"),
             _line(2, "2024-01", ITEM_PERSONAL, "8%", "711.04"),
             _line(3, "2024-02", ITEM_UNIT, "16%", "1422.08"),
             _line(4, "2024-02", ITEM_PERSONAL, "8%", "711.04"), *extra]
    return Declaration(id="D1", unit_number=UNIT, agency=AGENCY, status="申报成功",
                       submitted_at=datetime(2024, 2, 17, 10, 0), lines=lines)


def employees(n: int, *, fixed_every: int = 0) -> Iterator[DeclarationEmployee]:
    """``n`` employees of line 1 (a generator, as the service streams them)."""
    for i in range(n):
        fixed = fixed_every and i % fixed_every == fixed_every - 1
        yield DeclarationEmployee(
            line=1, name=f"李{'伟芳娜秀英'[i % 5]}{i}", id_number=f"41162819900101{i:04d}",
            agency=AGENCY, unit_number=UNIT, person_number=f"6615{i:08d}", type_name=PENSION,
            item_name=ITEM_UNIT, period_from="2024-01", period_to="2024-01",
            wage=Decimal("8888.00") + i, base=Decimal("8888.00") + i,
            rate=None if fixed else "16%", fixed=Decimal("5.00") if fixed else None,
            due=Decimal("5.00") if fixed else ((Decimal("8888.00") + i) * Decimal("0.16"))
            .quantize(Decimal("0.01")))


def money(value) -> Decimal:
    """A money cell read back (openpyxl gives int or float) as Decimal to the cent."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def rows_of(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path).active
    return [[c for c in row] for row in ws.iter_rows()]


def find_row(rows: list[list], first: str) -> int:
    return next(i for i, r in enumerate(rows) if r[0].value == first)


# -- PDF text, by both extractors ----------------------------------------------------------------

def pdf_pages(path: Path) -> list[list[str]]:
    """The text of each page, once per extractor available: [pypdf pages, pdftotext pages]."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(path))
    out = [[p.extract_text() for p in reader.pages]]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
        pages = text.split("\f")
        out.append(pages[:len(reader.pages)])
    return out


def flat(text: str) -> str:
    """Whitespace dropped: a wrapped cell or line comes back in pieces."""
    return "".join(text.split())


# -- 《社会保险费缴费申报表（适用单位缴费人）》 ----------------------------------------------------

def test_unit_form_xlsx_manual_example_d8(tmp_path):
    """D8: the unit form as xlsx: the title, the employer line, the manual's 13 columns, one
    row per line with money as numbers (#,##0.00), the 合计 row = the sum of the lines."""
    path = write_unit_form(tmp_path / "unit.xlsx", manual_declaration(), EMPLOYER, ACCEPTED)
    assert path == tmp_path / "unit.xlsx"
    rows = rows_of(path)
    assert rows[0][0].value == S.UNIT_TITLE == "社会保险费缴费申报表（适用单位缴费人）"
    employer_line = [c.value for c in rows[1] if c.value]
    assert employer_line == ["*用人单位名称：", EMPLOYER.name, "*纳税人识别号：", EMPLOYER.uscc,
                             "申报性质："]
    assert [c.value for c in rows[2]] == [
        "序号", "*社会保险经办机构", "*单位编号", "*参保费种", "*征收品目", "*征收子目",
        "*费款所属日期起", "*费款所属日期止", "缴费人数", "职工工资总额", "缴费基数", "*费率",
        "*本期应缴费额"]
    first = [c.value for c in rows[3]]
    assert first[:9] == [1, AGENCY, UNIT, PENSION, ITEM_UNIT, None, "2024-01", "2024-01", 1]
    assert first[11] == "16%"
    assert [money(v) for v in (first[9], first[10], first[12])] == \
        [Decimal("8888.00"), Decimal("8888.00"), Decimal("1422.08")]
    for c in (rows[3][9], rows[3][10], rows[3][12]):
        assert c.data_type == "n" and c.number_format == MONEY
    assert rows[3][2].data_type == "s"  # the unit number stays text
    data = rows[3:7]
    t = find_row(rows, "合计")
    assert t == 7
    total = rows[t]
    assert [c.value for c in total[1:10]] == ["---"] * 9 and total[11].value == "---"
    assert money(total[10].value) == sum(money(r[10].value) for r in data) == Decimal("35552.00")
    assert money(total[12].value) == sum(money(r[12].value) for r in data) == Decimal("4266.24")
    assert total[10].number_format == total[12].number_format == MONEY
    box = [c.value for c in rows[t + 1] if c.value]
    assert box[0] == "*缴费人申明" and box[2] == "*授权人申明" and box[4] == "*代理人申明"
    assert box[1].startswith(S.PAYER_TEXT) and "法定代表人（负责人）签名：" in box[1]
    assert "委托代理合同号：" in box[3] and "代理人（签章）：" in box[5]
    footer = [c.value for c in rows[t + 2] if c.value]
    assert footer == ["*受理税务机关：", "*受理人：", "*受理日期：", "2024年02月17日", "备注："]
    ws = openpyxl.load_workbook(path).active
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3"  # the header row repeats on every printed page


def test_unit_form_collection_special_and_fixed_lines(tmp_path):
    """A collection/special line has no headcount or wages (blank cells, not 0); a fixed-amount
    item prints its fixed amount where the rate goes; 合计 still sums what is there."""
    extra = [
        DeclarationLine(n=5, key="c|x|1", source="collection", serial="20200525857777778",
                        unit_number=UNIT, agency=AGENCY, period_from="2024-01",
                        period_to="2024-01", item="410", item_name="工伤保险", type_name="工伤保险费",
                        due=Decimal("100.00"), payable=Decimal("100.00"),
                        actual=Decimal("100.00")),
        _line(6, "2024-01", "大额医疗补助", None, "15.00", fixed=Decimal("5.00"), headcount=3,
              wage_total=Decimal("26664.00"), base_total=Decimal("26664.00"),
              type_name="大额医疗补助保险费"),
    ]
    decl = manual_declaration(extra)
    rows = rows_of(write_unit_form(tmp_path / "u.xlsx", decl, EMPLOYER, ACCEPTED))
    collection = [c.value for c in rows[7]]
    assert collection[0] == 5 and collection[4] == "工伤保险"
    assert collection[8:12] == [None, None, None, None]
    assert money(collection[12]) == Decimal("100.00")
    fixed = [c.value for c in rows[8]]
    assert fixed[11] == "5.00" and fixed[8] == 3
    total = rows[find_row(rows, "合计")]
    assert money(total[10].value) == Decimal("35552.00") + Decimal("26664.00")
    assert money(total[12].value) == Decimal("4266.24") + Decimal("100.00") + Decimal("15.00")
    pdf = write_unit_form(tmp_path / "u.pdf", decl, EMPLOYER, ACCEPTED)
    for pages in pdf_pages(pdf):
        text = flat("".join(pages))
        assert "工伤保险" in text and "大额医疗补助" in text and "4,381.24" in text


def test_unit_form_pdf_manual_example_d8(tmp_path):
    """D8: the unit form as PDF: extractable Chinese (title, employer, 纳税人识别号, item
    names), the amounts as printed, the declarations, the 受理 date and the page number."""
    path = write_unit_form(tmp_path / "unit.pdf", manual_declaration(), EMPLOYER, ACCEPTED)
    assert path.read_bytes()[:5] == b"%PDF-"
    for pages in pdf_pages(path):
        assert len(pages) == 1
        text = flat(pages[0])
        for want in (S.UNIT_TITLE, EMPLOYER.name, EMPLOYER.uscc, "*纳税人识别号：", "*用人单位名称：",
                     ITEM_UNIT, ITEM_PERSONAL, PENSION, AGENCY, UNIT, "*本期应缴费额",
                     "1,422.08", "711.04", "8,888.00", "16%", "8%", "35,552.00", "4,266.24",
                     "合计", "---", S.PAYER_TEXT, "委托代理合同号：", "代理人（签章）：",
                     "*受理税务机关：", "2024年02月17日", "备注：", "第1页共1页"):
            assert flat(want) in text, want


def test_unit_form_pdf_wraps_many_lines_with_header_repeated(tmp_path):
    """Five types × 12 months of lines run over a page: each page starts with the header."""
    lines = [_line(n, f"2024-{(n - 1) % 12 + 1:02d}", ITEM_UNIT, "16%", "1422.08")
             for n in range(1, 61)]
    decl = manual_declaration()
    decl.lines = lines
    path = write_unit_form(tmp_path / "many.pdf", decl, EMPLOYER, ACCEPTED)
    for pages in pdf_pages(path):
        assert len(pages) > 1
        for k, page in enumerate(pages, start=1):
            text = flat(page)
            assert f"第{k}页共{len(pages)}页" in text
            if flat(ITEM_UNIT) in text:  # a page of the table
                assert "*社会保险经办机构" in text and "*本期应缴费额" in text, k
        assert "85,324.80" in flat("".join(pages))  # 60 × 1,422.08


# -- 《社会保险费缴费明细申报表（适用职工个人）》 ------------------------------------------------

def test_employee_form_xlsx_streams_rows_and_totals(tmp_path):
    """D8: the employee form as xlsx from a generator: the manual's 16 columns, one row per
    employee numbered from 1, 合计 = the sums of 本人工资, 缴费基数 and 本期应缴费额 as
    Decimal, then 纳税人识别号 / 用人单位名称 and the 受理 fields; progress reported."""
    calls = []
    n = 2500
    path = write_employee_form(tmp_path / "emp.xlsx", manual_declaration(),
                               employees(n, fixed_every=7), EMPLOYER, ACCEPTED,
                               progress=lambda done, total: calls.append((done, total)))
    assert calls[:2] == [(1000, 0), (2000, 0)] and calls[-1] == (n, 0)
    rows = rows_of(path)
    assert rows[0][0].value == S.EMPLOYEE_TITLE
    assert [c.value for c in rows[1]] == [
        "序号", "姓名", "身份证件类型", "身份证件号码", "社保经办机构", "单位编号", "人员编号",
        "参保费种", "征收品目", "征收子目", "费款所属日期起", "费款所属日期止", "本人工资",
        "缴费基数", "费率", "本期应缴费额"]
    data = rows[2:2 + n]
    assert [r[0].value for r in data] == list(range(1, n + 1))
    first = [c.value for c in data[0]]
    assert first[1:9] == ["李伟0", "居民身份证", "411628199001010000", AGENCY, UNIT,
                          "661500000000", PENSION, ITEM_UNIT]
    assert first[14] == "16%" and data[6][14].value == "5.00"  # a fixed item: its amount
    assert data[0][3].data_type == "s" and data[0][12].number_format == MONEY
    expected = list(employees(n, fixed_every=7))
    t = find_row(rows, "合计")
    assert t == 2 + n
    total = rows[t]
    assert [c.value for c in total[1:12]] == ["---"] * 11 and total[14].value == "---"
    assert money(total[12].value) == sum(money(r[12].value) for r in data) == \
        sum(e.wage for e in expected)
    assert money(total[13].value) == sum(e.base for e in expected)
    assert money(total[15].value) == sum(money(r[15].value) for r in data) == \
        sum(e.due for e in expected)
    assert [c.value for c in rows[t + 1] if c.value] == \
        ["纳税人识别号：", EMPLOYER.uscc, "用人单位名称：", EMPLOYER.name]
    assert [c.value for c in rows[t + 2] if c.value] == \
        ["受理税务机关：", "受理人：", "受理日期：", "2024年02月17日"]


def test_employee_form_pdf_pages_header_repeated(tmp_path):
    """D8: a long employee list runs over several pages, each starting with the header row
    and numbered 第 n 页 共 m 页; the title on page 1; 合计 and the employer at the end."""
    n = 120
    calls = []
    emps = list(employees(n))
    path = write_employee_form(tmp_path / "emp.pdf", manual_declaration(), emps, EMPLOYER,
                               ACCEPTED, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (n, n)
    for pages in pdf_pages(path):
        assert len(pages) > 1
        assert flat(S.EMPLOYEE_TITLE) in flat(pages[0])
        for k, page in enumerate(pages, start=1):
            text = flat(page)
            assert "身份证件号码" in text and "本期应缴费额" in text, k
            assert f"第{k}页共{len(pages)}页" in text
        everything = flat("".join(pages))
        for e in (emps[0], emps[n // 2], emps[-1]):
            assert e.name in everything and e.id_number in everything
        assert ITEM_UNIT in everything and "居民身份证" in everything
        last = flat(pages[-1])
        assert "合计" in last and EMPLOYER.uscc in last and EMPLOYER.name in last
        assert f"{sum(e.due for e in emps):,}" in last
        assert f"{sum(e.wage for e in emps):,}" in last
        assert "2024年02月17日" in last


def test_pdf_prints_a_missing_character_as_a_box(tmp_path):
    """A character outside the font subset is printed as □ rather than silently dropped."""
    e = next(employees(1)).model_copy(update={"name": "李\U00020000"})
    path = write_employee_form(tmp_path / "rare.pdf", manual_declaration(), [e], EMPLOYER,
                               ACCEPTED)
    for pages in pdf_pages(path):
        assert "李□" in flat(pages[0])


# -- format, atomicity, the font ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["form.csv", "form", "form.xls"])
def test_bad_suffix_is_refused_in_chinese(tmp_path, name):
    with pytest.raises(ValueError, match="只能保存为 .xlsx 或 .pdf"):
        write_unit_form(tmp_path / name, manual_declaration(), EMPLOYER, ACCEPTED)
    with pytest.raises(ValueError, match="申报表"):
        write_employee_form(tmp_path / name, manual_declaration(), [], EMPLOYER, ACCEPTED)
    assert list(tmp_path.iterdir()) == []


def test_suffix_in_capitals_is_fine(tmp_path):
    assert write_unit_form(tmp_path / "A.PDF", manual_declaration(), EMPLOYER,
                           ACCEPTED).read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_writes_are_atomic(tmp_path, suffix):
    """A failing row source leaves neither a partial file nor a temporary one, and an
    existing file at the path is untouched."""
    def broken():
        yield from employees(3)
        raise RuntimeError("连接中断")

    target = tmp_path / f"emp{suffix}"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        write_employee_form(target, manual_declaration(), broken(), EMPLOYER, ACCEPTED)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_to_a_missing_directory_fails_cleanly(tmp_path):
    for name in ("u.pdf", "u.xlsx"):
        with pytest.raises(FormError, match="无法写入文件：文件夹不存在"):
            write_unit_form(tmp_path / "nope" / name, manual_declaration(), EMPLOYER, ACCEPTED)


def test_font_is_found_and_shipped():
    """The subset font is found (editable install or wheel) and pyproject ships it."""
    p = font_path()
    assert p.name == FONT_NAME and p.stat().st_size > 1_000_000
    root = Path(__file__).resolve().parents[1]
    assert (root / "assets" / "fonts" / FONT_NAME).is_file()
    assert (root / "assets" / "fonts" / "OFL.txt").read_text("utf-8").count("SIL OPEN FONT LICENSE")
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    data = config["tool"]["setuptools"]["package-data"]["sbtui"]
    assert "forms/fonts/*.ttf" in data and "forms/fonts/OFL.txt" in data
    shipped = root / "sbtui" / "forms" / "fonts" / FONT_NAME
    assert shipped.resolve() == (root / "assets" / "fonts" / FONT_NAME).resolve()


def test_forms_import_without_openpyxl_or_fpdf_loaded():
    """Importing sbtui.forms costs nothing at start-up: the writers load lazily."""
    code = ("import sys, sbtui.forms; "
            "print(any(m in sys.modules for m in ('fpdf', 'openpyxl')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# -- 《银行端查询缴税凭证》 (SPEC P3, issue 12) ---------------------------------------------------

VOUCHER_NUMBER = "320240217000123"
TICKET_NUMBER = "32024021700012345678"
ACCOUNT = "0604 2100 0920 0123 456"
UNEMPLOYMENT = "失业保险费"


def _pay_line(n: int, period: str, type_name: str, item_name: str, amount: str,
              late_fee: str = "0.00") -> PaymentLine:
    return PaymentLine(key=f"D1:{n}", declaration_id="D1", n=n, unit_number=UNIT,
                       period_from=period, period_to=period, item=str(n), item_name=item_name,
                       type_name=type_name, amount=Decimal(amount), late_fee=Decimal(late_fee))


def voucher(lines: list[PaymentLine], *, status: str = "已开具", bank: str = "中国工商银行",
            account: str = ACCOUNT) -> Voucher:
    amount = sum((x.amount for x in lines), Decimal("0.00"))
    fee = sum((x.late_fee for x in lines), Decimal("0.00"))
    return Voucher(number=VOUCHER_NUMBER, ticket_number=TICKET_NUMBER,
                   issued_on=date(2024, 2, 17), deadline=date(2024, 2, 29), status=status,
                   payer_name=EMPLOYER.name, bank=bank, account=account,
                   tax_authority=EMPLOYER.tax_authority, amount=amount, late_fee=fee,
                   total=amount + fee, lines=lines)


def manual_voucher() -> Voucher:
    """The manual's two lines of 2024-01 (1,422.08 and 711.04, the latter 5 days late: 0.05 %
    a day, 1.78), a 2024-02 unemployment line: 2,177.56 + 1.78 = 2,179.34 by hand."""
    return voucher([_pay_line(1, "2024-01", PENSION, ITEM_UNIT, "1422.08"),
                    _pay_line(2, "2024-01", PENSION, ITEM_PERSONAL, "711.04", "1.78"),
                    _pay_line(3, "2024-02", UNEMPLOYMENT, "失业保险(单位缴纳)", "44.44")])


def test_voucher_pdf_fields_rows_totals_and_seals_p3(tmp_path):
    """P3: the voucher as PDF, read back (pypdf, and pdftotext where installed): the number,
    the dates, the taxpayer, the tax authority, the payer's bank and account, one row per line
    with its period and late fee, 合计, the total in capitals (SPEC §0) and in figures, the
    ticket number and the three seal boxes, on one A4-landscape page."""
    v = manual_voucher()
    assert v.total == Decimal("2179.34")
    path = write_voucher_pdf(v, EMPLOYER, tmp_path / "voucher.pdf")
    assert path == tmp_path / "voucher.pdf" and path.read_bytes()[:5] == b"%PDF-"
    pypdf = pytest.importorskip("pypdf")
    page = pypdf.PdfReader(str(path)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == \
        pytest.approx((841.89, 595.28), abs=0.5)  # A4 landscape
    for pages in pdf_pages(path):
        assert len(pages) == 1
        text = flat(pages[0])
        for want in (S.VOUCHER_TITLE, "凭证序号：", VOUCHER_NUMBER, "填开日期：", "2024年02月17日",
                     "纳税人识别号：", EMPLOYER.uscc, "纳税人名称：", EMPLOYER.name,
                     "税务机关：", EMPLOYER.tax_authority, "付款人名称：", "开户银行：",
                     "中国工商银行", "账号：", ACCOUNT, "征收项目", "征收品目", "所属时期", "金额",
                     "滞纳金", PENSION, ITEM_UNIT, ITEM_PERSONAL, UNEMPLOYMENT,
                     "2024-01-01至2024-01-31", "2024-02-01至2024-02-29", "1,422.08", "711.04",
                     "1.78", "712.82", "44.44", "合计", "2,177.56", "金额合计（大写）：",
                     "人民币贰仟壹佰柒拾玖元叁角肆分", "（小写）：", "¥2,179.34",
                     "限缴日期：", "2024年02月29日", "税票号码：", TICKET_NUMBER,
                     "付款人（章）", "银行（章）", "税务机关（章）", "第1页共1页"):
            assert flat(want) in text, want
        assert S.VOUCHER_VOID_MARK not in text


@pytest.mark.parametrize("total, words", [
    ("1409.50", "壹仟肆佰零玖元伍角"), ("6007.14", "陆仟零柒元壹角肆分"),
    ("325.04", "叁佰贰拾伍元零肆分"), ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("100", "壹佰元整"),
])
def test_voucher_total_in_capitals_follows_spec_0(tmp_path, total, words):
    """The capitals printed are SPEC §0's official examples, dues and late fee summed first
    (1,409.50 = 1,400.00 + 9.50 of late fee)."""
    fee = Decimal("9.50") if total == "1409.50" else Decimal("0.00")
    line = _pay_line(1, "2024-01", PENSION, ITEM_UNIT, str(Decimal(total) - fee), str(fee))
    path = write_voucher_pdf(voucher([line]), EMPLOYER, tmp_path / "v.pdf")
    for pages in pdf_pages(path):
        text = flat(pages[0])
        assert f"人民币{words}" in text
        assert f"¥{Decimal(total):,.2f}" in text


def test_voucher_long_list_goes_on_over_pages_p3(tmp_path):
    """40 lines: further pages, each headed by the voucher's number and the table's header;
    every line once; 合计 and the capitals once, after the last line; the page count."""
    lines = [_pay_line(i + 1, f"2024-{i % 12 + 1:02d}", PENSION, ITEM_UNIT, "100.00", "0.05")
             for i in range(40)]
    v = voucher(lines)
    assert v.total == Decimal("4002.00")
    path = write_voucher_pdf(v, EMPLOYER, tmp_path / "long.pdf")
    for pages in pdf_pages(path):
        assert len(pages) >= 2
        n = len(pages)
        for i, p in enumerate(pages, 1):
            text = flat(p)
            assert VOUCHER_NUMBER in text and f"第{i}页共{n}页" in text
            if i > 1:
                assert S.VOUCHER_CONTINUED in text
        every = flat("".join(pages))
        assert every.count("100.05") == 40  # each row's 小计
        assert every.count("合计") == 2  # the 合计 row and 金额合计
        assert "人民币肆仟零贰元整" in every and "¥4,002.00" in every
        assert every.index("人民币肆仟零贰元整") > every.rindex("100.05")
        assert "付款人（章）" in flat(pages[-1])


def test_voided_voucher_is_marked_and_no_account_leaves_blanks(tmp_path):
    """A voided voucher (reprinted from the records) says 已作废 on every page; a voucher
    issued without an account prints the labels with nothing after them."""
    path = write_voucher_pdf(voucher(manual_voucher().lines, status="已作废", bank="",
                                     account=""), EMPLOYER, tmp_path / "void.pdf")
    for pages in pdf_pages(path):
        text = flat(pages[0])
        assert S.VOUCHER_VOID_MARK in text and "开户银行：" in text and ACCOUNT not in text


def test_voucher_pdf_suffix_atomic_write_and_mode(tmp_path):
    """Only .pdf; the file lands atomically with the mode every form gets (0666 less the
    umask, as the declaration forms: no export of sbtui is 0600); an existing file's mode is
    kept."""
    with pytest.raises(ValueError, match="缴税凭证只能保存为 .pdf"):
        write_voucher_pdf(manual_voucher(), EMPLOYER, tmp_path / "v.xlsx")
    assert list(tmp_path.iterdir()) == []
    unit = write_unit_form(tmp_path / "unit.pdf", manual_declaration(), EMPLOYER, ACCEPTED)
    v = write_voucher_pdf(manual_voucher(), EMPLOYER, tmp_path / "v.pdf")
    assert v.stat().st_mode & 0o777 == unit.stat().st_mode & 0o777
    v.chmod(0o600)
    write_voucher_pdf(manual_voucher(), EMPLOYER, v)
    assert v.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.pdf", "v.pdf"]
    with pytest.raises(FormError, match="文件夹不存在"):
        write_voucher_pdf(manual_voucher(), EMPLOYER, tmp_path / "nope" / "v.pdf")


def test_voucher_module_imports_without_fpdf():
    """The services import the voucher writer at start-up: fpdf2 loads only when one is
    written."""
    code = ("import sys, sbtui.forms.voucher; "
            "print('fpdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
