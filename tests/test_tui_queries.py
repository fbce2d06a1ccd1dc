"""查询统计 screens at 80×24 against the embedded sandbox (SPEC Q1; issue 13): after paying a
declaration, 社保费到账信息查询 lists its lines by 电子税票号码 with the total, filters by ticket,
Enter shows the ticket's lines and x exports them (0600); 社保费批扣情况查询 says there is no
费批扣 agreement yet; 对账 flags the paid lines no certificate covers, g keeps the rows with a
gap; 单位三方协议管理 exports too."""
from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook
from textual.widgets import Input, Static
from tui_fakes import ScreenApp
from tui_pilot import notified, run, screen_text, settle, type_text, until
from tui_sandbox import PASSWORD, sandbox_request, sandbox_workspace

from sbtui.domain.vocab import ReconcileGap as G
from sbtui.tui.app import import_screens
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.agreements import AgreementsScreen
from sbtui.tui.screens.pay_common import LinesDialog
from sbtui.tui.screens.queries import BatchScreen, ReceivedScreen, ReconcileScreen
from sbtui.tui.strings import lists as L
from sbtui.tui.strings import queries as S

import_screens()
VERIFIED = "15069100000000001"  # the demo employer's verified agreement (费非批扣)


@pytest.fixture
async def paid(tmp_path):
    """One tax tick declared and paid through the demo's verified agreement."""
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 200})
    emp = ws.employer(facts["uscc"])
    lines = emp.declarations.open_lines("daily")
    tick = next(ln["tick"] for ln in lines if ln["source"] == "tax")
    emp.declarations.queue("daily", [ln for ln in lines if ln["tick"] == tick])
    await emp.declarations.declaration_feedback(wait=True, timeout=20)
    await emp.payments.refresh()
    due = emp.payments.due_lines()
    ticket = await emp.payments.authorize(PASSWORD)
    payment = await emp.payments.pay([ln.key for ln in due], VERIFIED, ticket, emp.payments.totals(due).total)
    assert payment.status == "缴费成功"
    yield ws, facts, payment
    await ws.aclose()


async def export_to(pilot, path) -> None:
    app = pilot.app
    await pilot.press("x")
    await until(pilot, lambda: isinstance(app.screen, PromptDialog) and app.screen.focused is not None)
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: notified(app, L.EXPORTED.format(path=path)))


async def test_received_lists_filters_shows_a_ticket_and_exports(paid, tmp_path):
    ws, facts, payment = paid
    app = ScreenApp(ReceivedScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReceivedScreen) and app.screen.items)
        screen = app.screen
        await settle(pilot)
        assert {r.key for r in screen.items} == {ln.key for ln in payment.lines}
        subtitle = screen.query_one("#received-body").border_subtitle
        assert subtitle == S.RECEIVED_COUNT.format(n=len(payment.lines), total=f"{payment.total:,.2f}")
        ticket = screen.items[0].ticket_number
        assert ticket in screen_text(app)
        assert len(screen.cells(screen.items[0])) == len(S.RECEIVED_COLUMNS)

        await pilot.press("f", "tab", "tab")  # 费款所属期起, 止, then 电子税票号码
        await type_text(pilot, "不存在")
        await pilot.press("enter")
        await until(pilot, lambda: screen.loaded and not screen.items)
        assert S.RECEIVED_EMPTY in screen_text(app)
        screen.query_one("#received-ticket", Input).value = ticket[-8:]
        await screen.reload()
        assert screen.items and {r.ticket_number for r in screen.items} == {ticket}

        await pilot.press("enter")  # the ticket's lines
        await until(pilot, lambda: isinstance(app.screen, LinesDialog))
        assert ticket in app.screen.title_text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)

        path = tmp_path / "到账.xlsx"
        await export_to(pilot, path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == S.TITLE_RECEIVED and {r[0] for r in rows[2:]} == {ticket}


async def test_batch_says_there_is_no_batch_agreement_and_lists_no_debit(paid):
    ws, facts, _ = paid
    app = ScreenApp(BatchScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BatchScreen) and app.screen.loaded)
        await settle(pilot)
        top = str(app.screen.query_one("#batch-agreement", Static).render())
        assert S.BATCH_NONE in top and S.BATCH_LISTED.format(n=0, amount="0.00") in top
        assert S.BATCH_EMPTY in screen_text(app)
        await pilot.press("x")
        await until(pilot, lambda: notified(app, L.EXPORT_EMPTY))


async def test_reconcile_flags_what_no_certificate_covers_and_g_keeps_the_gaps(paid, tmp_path):
    ws, facts, payment = paid
    app = ScreenApp(ReconcileScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReconcileScreen) and app.screen.items)
        screen = app.screen
        await settle(pilot)
        unit, period = payment.lines[0].unit_number, payment.lines[0].period_from
        row = next(r for r in screen.items if (r.unit_number, r.period_from) == (unit, period))
        assert row.paid == sum(ln.amount for ln in payment.lines if ln.period_from == period
                               and ln.unit_number == unit)
        assert row.gaps[G.UNCERTIFIED] == len([ln for ln in payment.lines if ln.period_from == period
                                               and ln.unit_number == unit])
        assert len(screen.cells(row)) == len(S.RECONCILE_COLUMNS)
        everything = len(screen.items)
        await pilot.press("g")
        await until(pilot, lambda: all(r.gaps for r in screen.items) and S.RECONCILE_ONLY_GAPS in
                    screen.query_one("#reconcile-body").border_subtitle)
        assert len(screen.items) <= everything
        await pilot.press("g")
        await until(pilot, lambda: len(screen.items) == everything)
        path = tmp_path / "对账.xlsx"
        await export_to(pilot, path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][-1] == "差异" and len(rows) == 2 + everything


async def test_agreements_export(paid, tmp_path):
    ws, facts, _ = paid
    app = ScreenApp(AgreementsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, AgreementsScreen) and app.screen.items)
        await export_to(pilot, tmp_path / "协议.xlsx")
    rows = list(load_workbook(tmp_path / "协议.xlsx").active.iter_rows(values_only=True))
    assert VERIFIED in {r[0] for r in rows[2:]} and rows[2][2] in ("费批扣", "费非批扣")


async def test_batch_lists_the_debit_through_the_agreement_once_it_is_the_batch_one(paid):
    ws, facts, payment = paid
    ag = ws.employer(facts["uscc"]).agreements
    await ag.refresh()
    row = ag.agreement(VERIFIED)
    ag.modify(VERIFIED, {**{k: row[k] for k in ("bank", "branch", "account_name", "account", "tax_authority",
                                                 "region")}, "batch": True})
    await ag.feedback()
    ag.verify(VERIFIED)
    await ag.feedback(wait=True, timeout=30)
    assert ag.agreement(VERIFIED)["status"] == "验证通过" and ag.agreement(VERIFIED)["batch"]
    app = ScreenApp(BatchScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BatchScreen) and app.screen.items)
        screen = app.screen
        await settle(pilot)
        top = str(screen.query_one("#batch-agreement", Static).render())
        assert f"协议书号 {VERIFIED} · 验证通过" in top
        [debit] = screen.items
        assert debit.id == payment.id and debit.total == payment.total
        cells = screen.cells(debit)
        assert len(cells) == len(S.BATCH_COLUMNS)
        assert dict(zip(S.BATCH_COLUMNS, cells))["协议书号"] == VERIFIED
        assert dict(zip(S.BATCH_COLUMNS, cells))["扣款结果"] == "缴费成功"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LinesDialog))
        assert len(app.screen.lines) == len(payment.lines)

