"""单位退费申请管理 at 80×24 against the embedded sandbox (SPEC R1–R3; issue 13): pay, then 新增
退费申请 › 职工明细退费 — query, tick a fee line and its late fee, type the 调整后缴费基数 (the
refund shown as the seed's table shows it), 下一步 › 选择退费账户 with 退费金额合计, a refused
field stays on the form in the seed's words, 提交申请 confirmed; the list shows it 受理中, then
核验通过 and 已退库 as the agency decides; a line already asked for cannot be ticked again."""
from __future__ import annotations

import asyncio
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest
from textual.widgets import Input, Select, Static
from tui_fakes import ScreenApp
from tui_pilot import notified, run, screen_text, settle, until
from tui_sandbox import PASSWORD, sandbox_request, sandbox_workspace

from sbtui.domain.ids import complete_resident_id
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.refunds import ModeDialog, RefundsScreen
from sbtui.tui.screens.refunds_form import RefundForm
from sbtui.tui.screens.refunds_pick import EmployeeLinesScreen
from sbtui.tui.strings import refunds as S

AGREEMENT = "15069100000000001"  # the demo employer's verified agreement (ICBC)
ICBC = ("中国工商银行", "0605020109200123456")
CENT = Decimal("0.01")


async def keyed(ws, path: str, body: dict):
    return await sandbox_request(ws, "POST", path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


async def pay_a_month(ws, facts) -> dict:
    """2026-10 (its paid record taken away: unpaid past its deadline) — the earliest undeclared
    pension tick of the enterprise unit — declared and paid (TIPS) with its late fee."""
    from tui_sandbox import _SANDBOXES

    unit = facts["unit_numbers"][0]
    with _SANDBOXES[ws].state.sandbox.db.tx() as conn:
        conn.execute("DELETE FROM paid_periods WHERE unit_number = ? AND period >= '2026-10'", (unit,))
    dues = (await sandbox_request(ws, "GET", "/dues", params={"unit_number": unit})).json()
    open_ = sorted((d for d in dues if d["status"] == "初始" and d["source"] == "tax" and d["type_code"] == "110"),
                   key=lambda d: d["period_from"])
    tick = open_[0]["tick"]
    keys = [d["key"] for d in open_ if d["tick"] == tick]
    decl = (await keyed(ws, "/declarations", {"kind": "daily", "unit_number": unit,
                                               "lines": [{"key": k} for k in keys]})).json()
    for _ in range(200):  # the feedback comes feedback_delay_ms later (real time here)
        got = (await sandbox_request(ws, "GET", f"/declarations/{decl['id']}")).json()
        if got["status"] == "申报成功":
            break
        await asyncio.sleep(0.05)
    ticket = (await sandbox_request(ws, "POST", "/payments/authorize", json={"password": PASSWORD})).json()["ticket"]
    due = [x for x in (await sandbox_request(ws, "GET", "/payments/due")).json() if x["declaration_id"] == decl["id"]]
    total = sum((Decimal(x["amount"]) + Decimal(x["late_fee"]) for x in due), Decimal("0.00"))
    paid = (await keyed(ws, "/payments", {"lines": [x["key"] for x in due], "agreement_id": AGREEMENT,
                                          "ticket": ticket, "total": str(total)})).json()
    assert paid["status"] == "缴费成功", paid
    return paid


@pytest.fixture
async def paid(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home", employees=30)
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 300})
    payment = await pay_a_month(ws, facts)
    yield ws, facts, payment
    await ws.aclose()


@pytest.mark.slow
async def test_per_employee_refund_applied_for_and_decided(paid):
    ws, facts, payment = paid
    period = payment["lines"][0]["period_from"]
    app = ScreenApp(RefundsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RefundsScreen) and app.screen.loaded)
        assert S.EMPTY in screen_text(app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ModeDialog))
        assert S.MODE_EMPLOYEE[:6] in screen_text(app) and S.MODE_TICKET[:4] in screen_text(app)
        await pilot.press("enter")  # 职工明细退费 (the first)
        await until(pilot, lambda: isinstance(app.screen, EmployeeLinesScreen))
        pick = app.screen
        # the query: the paid month (the default range is this year's)
        pick.query_one("#remployee-period-from", Input).value = period
        pick.query_one("#remployee-period-to", Input).value = period
        await pilot.press("f")
        await pilot.press("enter")
        await until(pilot, lambda: pick.loaded and pick.items)
        await settle(pilot)
        fee = next(ln for ln in pick.items if ln.kind == "fee" and ln.rate)
        late = next(ln for ln in pick.items if ln.fee_key == fee.key)  # 2026-10: paid late
        assert fee.name in screen_text(app) and S.EMPLOYEE_COLUMNS[1] in screen_text(app)
        # the late fee alone cannot go on: 下一步 says why
        pick.query_one("#remployee-table").move_cursor(row=pick.items.index(late))
        await pilot.press("space", "n")
        await until(pilot, lambda: notified(app, "滞纳金须与对应的费款一并勾选"))
        # b on the fee line: type the adjusted base
        pick.query_one("#remployee-table").move_cursor(row=pick.items.index(fee))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog))
        base = max(Decimal("4600.00"), (fee.base * Decimal("0.75")).quantize(CENT))  # 2026's floor
        app.screen.query_one(Input).value = f"{base:,.2f}"  # typed with a thousands separator
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EmployeeLinesScreen))
        rate = Decimal(fee.rate.rstrip("%")) / 100
        refund = fee.paid - (base * rate).quantize(CENT, ROUND_HALF_UP)
        want = refund + (late.paid * refund / fee.paid).quantize(CENT, ROUND_HALF_UP)
        await settle(pilot)
        assert f"{want:,.2f}" in str(pick.query_one("#remployee-summary", Static).render())
        # 下一步 → 选择退费账户
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, RefundForm))
        form = app.screen
        await settle(pilot)
        text = screen_text(app)
        assert S.FORM_TITLE in text and f"退费金额合计: {want:,.2f} 元" in text
        assert form.query_one("#rf-account-name", Input).value == facts["name"]
        form.query_one("#rf-bank", Select).value = ICBC[0]
        form.query_one("#rf-account", Input).value = ICBC[1]
        form.query_one("#rf-explanation", Input).value = "多报缴费工资"
        form.query_one("#rf-handler-name", Input).value = "小昭"
        form.query_one("#rf-handler-id", Input).value = "150101198006060606"  # the seed's: a wrong check digit
        form.query_one("#rf-phone", Input).value = "13333333333"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "校验位错误，应为4" in str(form.query_one("#rf-error", Static).render()))
        assert form.focused is form.query_one("#rf-handler-id")
        form.query_one("#rf-handler-id", Input).value = complete_resident_id("15010119800606060")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert f"{want:,.2f}" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog), timeout=30)
        assert "受理中" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RefundsScreen) and app.screen.items)
        listing = app.screen
        [r] = listing.items
        assert r.status == "受理中" and r.total == want and "受理中" in screen_text(app)
        # the agency decides: F5 until 已退库 (核验通过 first)
        seen = set()
        for _ in range(100):
            await pilot.press("f5")
            await settle(pilot)
            seen.add(listing.items[0].status)
            if listing.items[0].status == "已退库":
                break
            await asyncio.sleep(0.1)
        assert "已退库" in seen and "已退库" in screen_text(app)
        # asked again: the line is taken
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ModeDialog))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EmployeeLinesScreen))
        pick = app.screen
        pick.query_one("#remployee-period-from", Input).value = period
        pick.query_one("#remployee-period-to", Input).value = period
        await pilot.press("f", "enter")
        await until(pilot, lambda: pick.loaded and pick.items and not next(
            ln for ln in pick.items if ln.key == fee.key).refundable)
        pick.query_one("#remployee-table").move_cursor(row=[ln.key for ln in pick.items].index(fee.key))
        await pilot.press("space")
        await until(pilot, lambda: notified(app, S.TICKED_TAKEN))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RefundsScreen))
