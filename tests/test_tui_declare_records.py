"""社保费申报 › 申报记录 at 80×24 against the embedded sandbox (SPEC D7, D8): opening it with an
unpaid successful declaration offers to pay; the list shows the declaration; Enter shows its
lines and, on a tax line, its employees; the status filter; v voids it (是否作废本条记录 → the
feedback → 作废成功) and its lines are open again; a paid one is refused with the reason."""
from __future__ import annotations

import pytest
from textual.widgets import Select
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_request, sandbox_workspace

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.declare_detail import DeclarationDetail, DeclarationEmployees
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.declare_records import RecordsScreen
from sbtui.tui.strings import declare as S

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 200})
    yield ws, facts
    await ws.aclose()


async def declared(ws, facts, source: str) -> dict:
    """One tick of ``source`` declared through the outbox and settled 申报成功."""
    decl = ws.employer(facts["uscc"]).declarations
    lines = decl.open_lines("daily")
    tick = next(ln["tick"] for ln in lines if ln["source"] == source)
    [ident] = decl.queue("daily", [ln for ln in lines if ln["tick"] == tick])
    await decl.declaration_feedback(wait=True, timeout=20)
    record = decl.declaration(ident)
    assert record["status"] == "申报成功"
    return record


async def opened(pilot, *, offer: bool):
    app = pilot.app
    if offer:  # D7, manual 001 §2.2.3 step 1
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.PAY_OFFER)
        await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, RecordsScreen) and app.screen.records)
    await pilot.pause()
    return app.screen


@pytest.mark.slow
async def test_records_offer_detail_employees_filter_and_void(sandbox):
    ws, facts = sandbox
    decl = ws.employer(facts["uscc"]).declarations
    record = await declared(ws, facts, "tax")
    app = ScreenApp(RecordsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot, offer=True)
        assert [r["id"] for r in screen.records] == [record["id"]]
        assert record["unit_number"] in screen_text(app) and "申报成功" in screen_text(app)
        await pilot.press("enter")  # 申报明细
        await until(pilot, lambda: isinstance(app.screen, DeclarationDetail) and app.screen.lines)
        assert len(app.screen.lines) == len(record["lines"])
        await pilot.press("enter")  # a tax line's employees
        await until(pilot, lambda: isinstance(app.screen, DeclarationEmployees), timeout=20)
        assert len(app.screen.rows) == record["lines"][0]["headcount"]
        await pilot.press("escape")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RecordsScreen))
        screen.query_one("#rec-status", Select).value = "已作废"
        await until(pilot, lambda: not screen.records)
        screen.query_one("#rec-status", Select).clear()
        await until(pilot, lambda: screen.records)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.VOID_CONFIRM)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog), timeout=30)
        assert app.screen.message == S.VOID_DONE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecordsScreen) and screen.records
                    and screen.records[0]["status"] == "已作废")
    keys = {ln["key"] for ln in record["lines"]}
    assert keys <= {ln["key"] for ln in decl.open_lines("daily")}  # open again (regenerated)


async def test_paid_declaration_cannot_be_voided(sandbox):
    """D8: a paid declaration is refused with the reason; being paid, nothing is offered (D7)."""
    ws, facts = sandbox
    record = await declared(ws, facts, "collection")
    await sandbox_request(ws, "POST", f"/sandbox/declarations/{record['id']}/paid", json={})
    await ws.employer(facts["uscc"]).declarations.refresh_declarations()
    app = ScreenApp(RecordsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        screen = await opened(pilot, offer=False)
        assert screen.records[0]["payment_status"] == "已缴费"
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: "已缴费的申报不能作废" in notes(app))
        assert screen.records[0]["status"] == "申报成功"
