"""证明打印 at 80×24 against the embedded sandbox (SPEC C1–C3; issue 13): a declaration paid
through the demo's verified agreement; 税收完税证明（非印刷）开具 in merged mode saves the PDF and
shows No. + 验证码 (and the lines then read the certificate's number); 补开 counts the print up;
完税证明查验 says 真实 for the right code and 不是真实的 for a wrong one — never an error."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from textual.widgets import Input
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, settle, type_text, until
from tui_sandbox import PASSWORD, sandbox_workspace

from sbtui.domain.vocab import STAFF
from sbtui.tui.app import import_screens
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.certificates import IssueScreen
from sbtui.tui.screens.certificates_dialogs import ModeDialog
from sbtui.tui.screens.certificates_reissue import ReissueScreen
from sbtui.tui.screens.certificates_verify import VerifyScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.proofs import EmployeeProofScreen, UnitProofScreen
from sbtui.tui.strings import certificates as S

from test_tui_payments import declared

import_screens()


@pytest.fixture
async def paid(tmp_path):
    """The demo employer with one declaration declared and paid by TIPS (one 电子税票号码)."""
    ws, facts = await sandbox_workspace(tmp_path / "home")
    record = await declared(ws, facts)
    emp = ws.employer(facts["uscc"])
    lines = [ln for ln in emp.payments.due_lines() if ln.declaration_id == record["id"]]
    [agreement] = emp.agreements.verified()[:1]
    total = emp.payments.totals(lines).total
    payment = await emp.payments.pay([ln.key for ln in lines], agreement["id"], await emp.payments.authorize(PASSWORD),
                                     total)
    assert payment.status == "缴费成功"
    await emp.certificates.refresh()
    yield ws, facts, lines
    await ws.aclose()


async def noticed(pilot) -> NoticeDialog:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, NoticeDialog) and app.screen.focused is not None, timeout=30)
    return app.screen


async def saved_to(pilot, path) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PromptDialog), timeout=30)
    assert app.screen.query_one(Input).value.endswith(".pdf")  # a name offered in the export folder
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_five_screens_are_under_zheng_ming_da_yin_for_staff_only():
    for sid, title in (("certificate", S.TITLE_ISSUE), ("certificate.reissue", S.TITLE_REISSUE),
                       ("certificate.verify", S.TITLE_VERIFY), ("proof.unit", S.TITLE_UNIT),
                       ("proof.employee", S.TITLE_EMPLOYEE)):
        spec = REGISTRY.screens[sid]
        assert spec.menu == ("证明打印", title) and spec.roles == STAFF and spec.help
    assert S.TITLE_ISSUE == "税收完税证明（非印刷）开具"  # manual 000 §6.1's menu item


@pytest.mark.slow
async def test_issue_merged_saves_the_pdf_and_shows_number_and_code_C1(paid, tmp_path):
    ws, facts, lines = paid
    pdf = tmp_path / "完税证明.pdf"
    app = ScreenApp(IssueScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IssueScreen) and app.screen.items)
        await settle(pilot)
        screen = app.screen
        assert {ln.key for ln in lines} <= {ln.key for ln in screen.items}
        assert S.NOT_ISSUED in screen_text(app)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ModeDialog))
        assert S.MODE_MERGED[:10] in screen_text(app)
        await pilot.press("down", "enter")  # ②合并方式
        await saved_to(pilot, pdf)
        notice = await noticed(pilot)
        [cert] = ws.employer(facts["uscc"]).certificates.certificates()
        assert cert.mode == "merged" and cert.print_count == 1
        assert f"No. {cert.number}" in notice.message and f"验证码 {cert.code}" in notice.message
        assert str(pdf) in notice.message
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IssueScreen))
        await settle(pilot)
        assert all(screen.issued.get(ln.key) == cert.number for ln in lines)  # the list reads the number
        await pilot.press("o")  # nothing left to certify in the list: said, nothing sent
        await settle(pilot)
        assert S.NOTHING_OPEN in notes(app) and isinstance(app.screen, IssueScreen)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert cert.number in text and cert.code in text and "第 1 次打印" in text


@pytest.mark.slow
async def test_separate_by_ticks_and_a_cancelled_mode_sends_nothing_C1(paid, tmp_path):
    ws, facts, lines = paid
    app = ScreenApp(IssueScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, IssueScreen) and app.screen.items)
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ModeDialog))
        await pilot.press("escape")  # 取消: nothing issued
        await until(pilot, lambda: isinstance(app.screen, IssueScreen))
        assert ws.employer(facts["uscc"]).certificates.certificates() == []
        await pilot.press("space")  # tick the first line only
        assert len(app.screen.ticked) == 1
        [ticked] = app.screen.ticked
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ModeDialog))
        await pilot.press("enter")  # ①分开方式
        await until(pilot, lambda: isinstance(app.screen, PromptDialog), timeout=30)
        await pilot.press("escape")  # not saved: said so, the certificate stays issued
        notice = await noticed(pilot)
        assert S.ISSUED_NOT_SAVED in notice.message
    [cert] = ws.employer(facts["uscc"]).certificates.certificates()
    assert cert.mode == "separate" and [k for r in cert.rows for k in r.keys] == [ticked] * len(cert.rows)


@pytest.mark.slow
async def test_reissue_counts_the_print_up_C2(paid, tmp_path):
    ws, facts, lines = paid
    svc = ws.employer(facts["uscc"]).certificates
    [cert] = await svc.issue(keys=[ln.key for ln in lines], mode="merged")
    pdf = tmp_path / "补开.pdf"
    app = ScreenApp(ReissueScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReissueScreen) and app.screen.items)
        await settle(pilot)
        assert cert.number in screen_text(app)
        await pilot.press("f")  # 开具日期 fields, then the 证明号码 field: a wrong number lists nothing
        await pilot.press("tab", "tab")
        await type_text(pilot, "999")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.loaded and not app.screen.items)
        app.screen.query_one("#reissue-number", Input).value = cert.number
        await pilot.press("f", "tab", "tab", "enter")
        await until(pilot, lambda: len(app.screen.items) == 1)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "第 2 次" in app.screen.message
        await pilot.press("y")
        await saved_to(pilot, pdf)
        notice = await noticed(pilot)
        assert "第 2 次打印" in notice.message and cert.code in notice.message
    assert svc.certificate(cert.number).print_count == 2
    text = pdf_text(pdf)
    assert cert.number in text and "第 2 次打印" in text


@pytest.mark.slow
async def test_verify_genuine_and_forged_C3(paid):
    ws, facts, lines = paid
    [cert] = await ws.employer(facts["uscc"]).certificates.issue(keys=[ln.key for ln in lines], mode="merged")
    app = ScreenApp(VerifyScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        await type_text(pilot, cert.number)
        await pilot.press("enter")  # to 验证码
        await type_text(pilot, cert.code)
        await pilot.press("enter")
        await until(pilot, lambda: "查验结果" in screen_text(app), timeout=20)
        text = screen_text(app)
        assert "查验结果：真实" in text and cert.number in text and facts["name"] in text
        assert app.screen.query_one("#verify-table").row_count == len(cert.rows)
        wrong = "00000000" if cert.code != "00000000" else "11111111"
        app.screen.query_one("#verify-code", Input).value = wrong
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "不是真实的" in screen_text(app), timeout=20)
        assert app.screen.query_one("#verify-table").row_count == 0
        app.screen.query_one("#verify-number", Input).value = "399999999999999999"  # forged
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "不是真实的" in screen_text(app) and app.screen.check is not None, timeout=20)
        assert not [n for n in notes(app) if "失败" in n]  # an answer, not an error


@pytest.mark.slow
async def test_unit_proof_queried_and_printed_C4(paid, tmp_path):
    ws, facts, lines = paid
    period = lines[0].period_from
    pdf = tmp_path / "单位缴费证明.pdf"
    app = ScreenApp(UnitProofScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        assert S.PROOF_NEED in screen_text(app)
        await pilot.press("p")  # nothing asked yet: said, no file
        await settle(pilot)
        assert S.PROOF_NEED in notes(app)
        await pilot.press("f")
        await type_text(pilot, period)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.asked and app.screen.items, timeout=30)
        [proof] = app.screen.proofs
        paid_total = sum((ln.amount + ln.late_fee for ln in lines), Decimal("0"))
        assert proof.total == paid_total  # the employees' lines add up to what was paid
        assert f"{paid_total:,.2f}" in screen_text(app)
        await pilot.press("p")
        await saved_to(pilot, pdf)
        await until(pilot, lambda: any(str(pdf) in n for n in notes(app)), timeout=30)
    text = pdf_text(pdf)
    assert "单位缴费证明" in text and facts["uscc"] in text and f"{paid_total:,.2f}" in text


@pytest.mark.slow
async def test_employee_proof_of_one_employee_C4(paid, tmp_path):
    ws, facts, lines = paid
    period = lines[0].period_from
    [first, *_] = await ws.employer(facts["uscc"]).proofs.employee(period, period)
    pdf = tmp_path / "职工缴费证明.pdf"
    app = ScreenApp(EmployeeProofScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await type_text(pilot, period)
        await pilot.press("tab", "tab")
        await type_text(pilot, first.person.id_number)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.asked and app.screen.items, timeout=30)
        assert [p.person.id_number for p in app.screen.proofs] == [first.person.id_number]
        assert first.person.name in screen_text(app)
        await pilot.press("p")
        await saved_to(pilot, pdf)
        await until(pilot, lambda: any(str(pdf) in n for n in notes(app)), timeout=30)
        app.screen.query_one("#eproof-employee", Input).value = "无此人"
        await pilot.press("f", "enter")
        await until(pilot, lambda: any("没有找到职工" in n for n in notes(app)), timeout=30)
    text = pdf_text(pdf)
    assert "职工缴费证明" in text and first.person.name in text and first.person.id_number in text
