"""单位缴费证明 and 职工缴费证明 (SPEC C4; issue 13): the rows per 费款所属期 × 险种 on hand-made
employee lines (缴费基数 once per employee and type, 单位/个人缴纳 by the item's payer, 滞纳金
apart, refunds reported not subtracted), then ``sbtui proofs unit|employee`` over the in-process
sandbox after three months paid: the PDF written (0600) and read back."""
from __future__ import annotations

import json
import shutil
import stat
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.models import PaidLine
from sbtui.domain.money import money_in_words
from sbtui.domain.proofs import employee_proofs, proof_rows, unit_proof
from sbtui.remote.sandbox import DEMO_USCC

from test_cli_certificates import paid  # noqa: F401  (the fixture: 2026-02 … 2026-04 declared and paid)

D = Decimal


def line(emp: str, period: str, item: str, base: str, paid_: str, *, kind: str = "fee", refunded: str = "0.00",
         name: str = "张三", id_number: str = "110101199003070019") -> PaidLine:
    code = item.split("-")[0]
    names = {"110-u": "职工基本养老保险(单位缴纳)", "110-p": "职工基本养老保险(个人缴纳)", "410-u": "工伤保险"}
    return PaidLine(key=f"D1:{item}:{emp}:{period}:{kind}", kind=kind, declaration_id="D1", n=1,
                    unit_number="66259112241843", employee_id=emp, name=name, id_number=id_number,
                    type_code=code, type_name={"110": "企业职工基本养老保险费", "410": "工伤保险费"}[code],
                    item=item, item_name=names[item], period_from=period, period_to=period, base=D(base),
                    paid=D(paid_), ticket_number="315000000001", booked_on=date(2026, 5, 10), refunded=D(refunded))


LINES = [
    line("e1", "2026-02", "110-u", "8000.00", "1280.00"),
    line("e1", "2026-02", "110-p", "8000.00", "640.00"),
    line("e1", "2026-02", "110-u", "1280.00", "12.80", kind="late_fee"),
    line("e2", "2026-02", "110-u", "6000.00", "960.00", name="李四", id_number="11010119900307003X"),
    line("e2", "2026-02", "110-p", "6000.00", "480.00", name="李四", id_number="11010119900307003X",
         refunded="160.00"),
    line("e1", "2026-03", "410-u", "8000.00", "32.00"),
]


def test_rows_per_month_and_type_base_once_per_employee_C4():
    rows = proof_rows(LINES)
    assert [(r.period, r.type_code) for r in rows] == [("2026-02", "110"), ("2026-03", "410")]
    pension, injury = rows
    assert pension.headcount == 2 and pension.base == D("14000.00")  # 8,000 + 6,000, not doubled by 个人缴纳
    assert (pension.unit_paid, pension.person_paid, pension.late_fee) == (D("2240.00"), D("1120.00"), D("12.80"))
    assert pension.paid == D("3372.80")
    assert (injury.headcount, injury.base, injury.unit_paid, injury.person_paid) == (1, D("8000.00"), D("32.00"), D("0"))
    proof = unit_proof(LINES, uscc=DEMO_USCC, taxpayer_name="单位", period_from="2026-02", period_to="2026-03",
                       issued_on=date(2026, 5, 20))
    assert proof.total == D("3404.80") and proof.refunded == D("160.00")  # reported, not subtracted
    assert money_in_words(proof.total) == "叁仟肆佰零肆元捌角"


def test_one_proof_per_employee_in_name_order_C4():
    proofs = employee_proofs(LINES, uscc=DEMO_USCC, taxpayer_name="单位", period_from="2026-02",
                             period_to="2026-03", issued_on=date(2026, 5, 20))
    assert [p.person.name for p in proofs] == sorted(["张三", "李四"])
    zhang = next(p for p in proofs if p.person.name == "张三")
    assert [(r.period, r.type_code, r.base, r.paid) for r in zhang.rows] == [
        ("2026-02", "110", D("8000.00"), D("1932.80")), ("2026-03", "410", D("8000.00"), D("32.00"))]
    assert zhang.total == D("1964.80")


@pytest.mark.parametrize("amount, words", [
    ("1409.50", "壹仟肆佰零玖元伍角"), ("6007.14", "陆仟零柒元壹角肆分"), ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"), ("16409.02", "壹万陆仟肆佰零玖元零贰分"), ("325.04", "叁佰贰拾伍元零肆分"),
    ("10.00", "壹拾元整"),
])
def test_capitals_on_the_official_examples_C1_C4(amount, words):
    assert money_in_words(D(amount)) == words


def run(*args, code=0):
    r = CliRunner().invoke(cli, ["--json", *args, "--employer", DEMO_USCC], catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return (json.loads(r.stdout) if r.stdout.strip() else None), r.stderr


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_cli_unit_proof_matches_what_was_paid_C4(paid, tmp_path):  # noqa: F811
    out, _ = run("proofs", "unit", "--period-from", "2026-02", "--period-to", "2026-04",
                 "--output", str(tmp_path / "unit.pdf"))
    assert out["kind"] == "unit" and out["pages"] == 1
    [proof] = out["proofs"]
    assert {r["period"] for r in proof["rows"]} == {"2026-02", "2026-03", "2026-04"}
    # every booked fee and late fee of the three paid months (the tax lines) is in it, to the cent
    assert D(proof["total"]) == sum(D(x["amount"]) + D(x["late_fee"]) for x in paid)
    assert all(r["headcount"] > 0 and D(r["base"]) > 0 for r in proof["rows"])
    pdf = tmp_path / "unit.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    text = pdf_text(pdf)
    total = f"{D(proof['total']):,.2f}"
    assert "单位缴费证明" in text and DEMO_USCC in text and proof["taxpayer_name"] in text
    assert total in text and proof["total_words"] in text.replace(" ", "") and "未加盖印章" in text


def test_cli_employee_proofs_one_or_all_C4(paid, tmp_path):  # noqa: F811
    out, _ = run("proofs", "employee", "--period-from", "2026-02", "--period-to", "2026-04",
                 "--output", str(tmp_path / "all.pdf"))
    people = out["proofs"]
    assert out["pages"] == len(people) > 1
    unit, _ = run("proofs", "unit", "--period-from", "2026-02", "--period-to", "2026-04",
                  "--output", str(tmp_path / "u.pdf"))
    assert sum(D(p["total"]) for p in people) == D(unit["proofs"][0]["total"])  # the same money, split
    second = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(tmp_path / "all.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout if shutil.which("pdftotext") else ""
    if second:  # each employee's page starts with the title, not a "（续）" head over it
        assert "职工缴费证明" in second and "（续）" not in second and people[1]["employee"]["name"] in second
    one = people[0]["employee"]
    out, _ = run("proofs", "employee", "--period-from", "2026-02", "--period-to", "2026-04",
                 "--employee", one["id_number"], "--output", str(tmp_path / "one.pdf"))
    [proof] = out["proofs"]
    assert proof["employee"]["id_number"] == one["id_number"] and proof["total"] == people[0]["total"]
    text = pdf_text(tmp_path / "one.pdf")
    assert "职工缴费证明" in text and one["name"] in text and one["id_number"] in text
    _, err = run("proofs", "employee", "--period-from", "2026-02", "--employee", "无此人",
                 "--output", str(tmp_path / "x.pdf"), code=2)
    assert "没有找到职工" in err and "Traceback" not in err


def test_cli_proofs_bad_input_is_said_in_chinese_C4(paid, tmp_path):  # noqa: F811
    _, err = run("proofs", "unit", "--period-from", "2026-13", "--output", str(tmp_path / "u.pdf"), code=2)
    assert "费款所属期格式应为YYYY-MM" in err
    _, err = run("proofs", "unit", "--period-from", "2026-04", "--period-to", "2026-02",
                 "--output", str(tmp_path / "u.pdf"), code=2)
    assert "不能早于" in err
    _, err = run("proofs", "unit", "--period-from", "2026-02", "--output", str(tmp_path / "u.txt"), code=2)
    assert ".pdf" in err


def test_a_long_proof_goes_on_over_pages_headed_continued_C4(tmp_path):
    lines = [line(f"e{n}", f"{2024 + m // 12}-{m % 12 + 1:02d}", item, "5000.00", "100.00")
             for m in range(24) for item in ("110-u", "110-p", "410-u") for n in range(2)]
    proof = unit_proof(lines, uscc=DEMO_USCC, taxpayer_name="鄂尔多斯市测试单位", period_from="2024-01",
                       period_to="2025-12", issued_on=date(2026, 1, 5))
    assert len(proof.rows) == 48 and proof.total == D("14400.00")
    from sbtui.forms.proof import write_proof_pdf

    pdf = write_proof_pdf([proof], tmp_path / "long.pdf")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2 and "（续）" not in pages[0] and "单位缴费证明（续）" in pages[1]
    assert "壹万肆仟肆佰元整" in pages[-1].replace(" ", "") and "14,400.00" in pages[-1]
