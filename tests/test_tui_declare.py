"""社保费申报 › 日常申报 / 特殊缴费申报 at 80×24 against the embedded sandbox (SPEC D3–D7, D9,
D12): ticking one line ticks its whole tick unit and the totals line follows; an offset over
the maximum is refused with the reason; the D6 confirms come in order and 取消 stops without
queueing; a full submit reaches 申报成功 and the D7 offer; special dues: none said plainly, an
expired one cannot be ticked."""
from __future__ import annotations

from decimal import Decimal

import pytest
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_request, sandbox_workspace

from sbtui.domain import declare as rules
from sbtui.domain.models import DueLine, due_key, due_tick
from sbtui.services.declarations import ticks as tick_units
from sbtui.services.declarations import totals
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.declare_daily import DailyScreen, SpecialScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog, SummaryDialog, money
from sbtui.tui.screens.declare_submit import DeclFeedback
from sbtui.tui.strings import declare as S

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 300})
    yield ws, facts
    await ws.aclose()


def app_for(screen, ws, facts) -> ScreenApp:
    return ScreenApp(screen, ws, uscc=facts["uscc"], name=facts["name"])


async def loaded(pilot):
    await until(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await pilot.pause()
    return pilot.app.screen


def row_of(screen, key: str) -> int:
    return next(i for i, (ln, late) in enumerate(screen.rows) if ln["key"] == key and not late)


def selected_text(screen) -> str:
    return str(screen.query_one("#decl-selected").render())


async def test_space_ticks_the_whole_tick_unit_and_totals_follow(sandbox):
    """D3: the two parts (单位/个人) of one tax tick are ticked together; D4: the line above the
    list counts them and sums their base and due; D12: a late fee has its own row."""
    ws, facts = sandbox
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        units = tick_units(screen.lines)
        members = next(m for t, m in units.items() if t.startswith("t|") and len(m) == 2)
        screen.query_one("#decl-table").move_cursor(row=row_of(screen, members[1]["key"]))
        await pilot.press("space")
        assert screen.ticked == {m["key"] for m in members}
        t = totals(members)
        assert S.SELECTED.format(n=2, base=money(t.base_total), due=money(t.due_total)) in selected_text(screen)
        assert screen.query_one("#decl-table").get_row_at(row_of(screen, members[0]["key"]))[0].plain.startswith(S.TICK)
        late = [ln for ln in screen.lines if Decimal(ln["late_fee"]) > 0]
        assert sum(is_late for _, is_late in screen.rows) == len(late)  # D12: own rows
        await pilot.press("space")
        assert not screen.ticked
        assert S.SELECTED.format(n=0, base="0.00", due="0.00") in selected_text(screen)
        await pilot.press("a")  # every line shown
        assert screen.ticked == {ln["key"] for ln in screen.lines if not ln["expired"]}


async def test_offset_over_the_maximum_is_refused_with_the_reason(sandbox):
    """D5: 抵缴金额 only where a credit gives a maximum; above it the service layer's reason."""
    ws, facts = sandbox
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        table = screen.query_one("#decl-table")
        none = next(ln for ln in screen.lines if Decimal(ln["max_offset"]) == 0)
        table.move_cursor(row=row_of(screen, none["key"]))
        await pilot.press("o")
        await until(pilot, lambda: S.NO_OFFSET in notes(app))
        line = next(ln for ln in screen.lines if Decimal(ln["max_offset"]) > 0)
        limit = Decimal(line["max_offset"])
        table.move_cursor(row=row_of(screen, line["key"]))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog))
        app.screen.query_one("#prompt-input").value = str(limit + 1)
        await pilot.press("enter")
        reason = rules.OFFSET_OVER_MAX.format(max=f"{limit:.2f}")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog) and app.screen.error == reason)
        await pilot.pause()
        assert reason in screen_text(app)
        app.screen.query_one("#prompt-input").value = "100"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DailyScreen)
                    and any(ln["key"] == line["key"] and ln["offset"] == "100.00" for ln in screen.lines))
        edited = next(ln for ln in screen.lines if ln["key"] == line["key"])
        assert Decimal(edited["actual"]) == Decimal(edited["due"]) - Decimal(edited["reduction"]) - 100


async def _with_history(store) -> tuple[list[dict], str]:
    """An undeclared earlier period of a unit number (D6 (3)) and a current tick whose headcount
    is below the insured one (D6 (2)): rewrite the local lines the sync pulled."""
    lines = [DueLine.model_validate({k: v for k, v in r.items() if v is not None}) for r in store.dues.lines()]
    tax = [ln for ln in lines if ln.source == "tax" and ln.type_code == "110"]
    current = [ln.model_copy(update={"headcount": 1}) for ln in tax]
    earlier = [ln.model_copy(update={
        "period_from": "2026-10", "period_to": "2026-10",
        "key": due_key("tax", ln.unit_number, "2026-10", ln.item),
        "tick": due_tick("tax", ln.unit_number, "2026-10", "2026-10", ln.type_code)}) for ln in tax]
    others = [ln for ln in lines if ln not in tax]
    store.dues.replace([*earlier, *current, *others])
    return [c.model_dump(mode="json") for c in current], current[0].tick


async def test_d6_confirms_in_order_and_cancel_stops_without_queueing(sandbox):
    """D6: (1) 请核对缴费人数…, (2) 总人数…不一致, (3) 历史属期未申报 — each a confirm; 取消 on
    the third stops: nothing queued, the lines still open."""
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    decl = ws.employer(facts["uscc"]).declarations
    _, tick = await _with_history(store)
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        member = next(ln for ln in screen.lines if ln["tick"] == tick)
        screen.query_one("#decl-table").move_cursor(row=row_of(screen, member["key"]))
        await pilot.press("space")
        await pilot.press("p")
        for text in (rules.CHECK_REVIEW, rules.CHECK_HEADCOUNT, rules.CHECK_HISTORY):
            await until(pilot, lambda text=text: isinstance(app.screen, ConfirmDialog) and app.screen.message == text)
            await pilot.press("y" if text != rules.CHECK_HISTORY else "n")
            await pilot.pause()
        await until(pilot, lambda: isinstance(app.screen, DailyScreen))
        assert not isinstance(app.screen, SummaryDialog)
    assert store.outbox.next_pending() is None
    assert decl.declarations() == []
    assert any(ln["tick"] == tick for ln in decl.open_lines("daily"))


@pytest.mark.slow
async def test_submit_reaches_success_and_offers_to_pay(sandbox):
    """D6 → 提交申报确认 → 立即提交 → 反馈提示 → “社保费申报成功…” → D7 “是否立即缴费？”;
    确定 opens 费款缴纳 › 缴费."""
    ws, facts = sandbox
    decl = ws.employer(facts["uscc"]).declarations
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        notice = next(ln for ln in screen.lines if ln["source"] == "collection")
        screen.query_one("#decl-table").move_cursor(row=row_of(screen, notice["key"]))
        await pilot.press("space")
        keys = set(screen.ticked)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.message == rules.CHECK_REVIEW  # a collection notice: (1) only
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SummaryDialog))
        assert notice["unit_number"] in screen_text(app) and S.SUBMIT_NOW in screen_text(app)
        await pilot.press("enter")  # 立即提交
        await until(pilot, lambda: S.SUBMITTED in notes(app))
        await until(pilot, lambda: isinstance(app.screen, (DeclFeedback, NoticeDialog)), timeout=20)
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog), timeout=30)
        assert app.screen.message == S.DAILY_DONE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.PAY_OFFER)
        await pilot.press("y")  # D7: 确定 opens 费款缴纳 › 缴费
        await until(pilot, lambda: "pay" in app.opened)
        assert not keys & {ln["key"] for ln in screen.lines}  # declared lines leave the list
    [record] = decl.declarations()
    assert record["status"] == "申报成功" and record["unit_number"] == notice["unit_number"]


async def test_special_expired_cannot_be_ticked(sandbox):
    """D9: an expired special due is shown marked 已过期 and refuses the tick with the reason."""
    ws, facts = sandbox
    app = app_for(SpecialScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        expired = next(ln for ln in screen.lines if ln["expired"])
        screen.query_one("#decl-table").move_cursor(row=row_of(screen, expired["key"]))
        await pilot.press("space")
        assert S.TICK_EXPIRED in notes(app)
        assert not screen.ticked
        assert S.EXPIRED in " ".join(map(str, screen.query_one("#decl-table").get_row_at(row_of(screen, expired["key"]))))
        await pilot.press("a")
        assert expired["key"] not in screen.ticked and screen.ticked


async def test_special_none_is_said_plainly(sandbox):
    """D9: no special dues → “没有需要申报的特殊缴费信息”."""
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    lines = [DueLine.model_validate({k: v for k, v in r.items() if v is not None}) for r in store.dues.lines()]
    store.dues.replace([ln for ln in lines if ln.source != "special"])
    app = app_for(SpecialScreen, ws, facts)
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog))
        assert app.screen.message == S.EMPTY_SPECIAL
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SpecialScreen))
        assert S.EMPTY_SPECIAL in screen_text(app)


async def test_esc_in_a_query_field_goes_back_to_the_list(sandbox):
    """Keys only: `f` moves to the query fields, Esc brings the cursor back to the list (it used
    to leave the screen); Esc in the list leaves it."""
    ws, facts = sandbox
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        await loaded(pilot)
        await app.push_screen(DailyScreen())  # above another screen, as above 首页 in the shell
        screen = await loaded(pilot)
        table = screen.query_one("#decl-table")
        await pilot.press("f")
        await until(pilot, lambda: screen.focused is not table)
        await pilot.press("escape")
        await until(pilot, lambda: screen.focused is table)
        assert app.screen is screen
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not screen)


async def test_the_list_behind_the_feedback_is_re_read(sandbox):
    """issue 15 item 8: when 反馈提示 says the declaration succeeded, the list behind the notice
    is already re-read — the declared lines are gone, no row still says 待发送."""
    ws, facts = sandbox
    app = app_for(DailyScreen, ws, facts)
    async with run(app) as pilot:
        screen = await loaded(pilot)
        notice = next(ln for ln in screen.lines if ln["source"] == "collection")
        screen.query_one("#decl-table").move_cursor(row=row_of(screen, notice["key"]))
        await pilot.press("space")
        keys = set(screen.ticked)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SummaryDialog))
        await pilot.press("enter")  # 立即提交
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog), timeout=30)
        assert app.screen.message == S.DAILY_DONE
        await until(pilot, lambda: not keys & {ln["key"] for ln in screen.lines})
        table = screen.query_one("#decl-table")
        rows = [" ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)]
        assert not any("待发送" in r for r in rows), rows
        assert isinstance(app.screen, NoticeDialog)  # still behind the notice
