"""工程项目工伤保险费申报 at 80×24 against the embedded sandbox (SPEC D10): 新增关联 by 工程项目ID
(an unknown ID refused with the service's reason; the registration shown with the employer's
主管税务机关 chosen; 确认关联), then the linked project's dues declared like special dues, and
its own records."""
from __future__ import annotations

import pytest
from tui_fakes import ScreenApp
from tui_pilot import notes, run, screen_text, until
from tui_sandbox import sandbox_request, sandbox_workspace

from sbtui.remote.sandbox.seed import DEMO_PROJECT
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.screens.declare_daily import ProjectDeclareScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog, SummaryDialog
from sbtui.tui.screens.declare_projects import LinkDialog, LinksScreen
from sbtui.tui.strings import declare as S

@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    await sandbox_request(ws, "POST", "/sandbox/settings", json={"feedback_delay_ms": 200})
    yield ws, facts
    await ws.aclose()


@pytest.mark.slow
async def test_link_then_declare_a_project(sandbox):
    ws, facts = sandbox
    app = ScreenApp(LinksScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: S.LINKS_EMPTY in screen_text(app))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog))
        app.screen.query_one("#prompt-input").value = "99999999"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog)
                    and "未查询到该工程项目参保登记信息" in screen_text(app))
        app.screen.query_one("#prompt-input").value = DEMO_PROJECT
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LinkDialog))
        await pilot.pause()
        project = app.screen.project
        assert f"工程项目ID：{DEMO_PROJECT}" in screen_text(app) and f"缴费比例：{project.rate}" in screen_text(app)
        info = await ws.employer_info()
        assert app.screen.query_one("#link-authority").value == info.tax_authority
        await pilot.press("ctrl+s")  # 确认关联
        await until(pilot, lambda: any("已关联工程项目" in n for n in notes(app)), timeout=20)
        await until(pilot, lambda: DEMO_PROJECT in screen_text(app))
    decl = ws.employer(facts["uscc"]).declarations
    assert [p.project_id for p in await decl.projects()] == [DEMO_PROJECT]
    await ws.sync(facts["uscc"])  # the linked project's dues
    assert decl.open_lines("project")
    app = ScreenApp(ProjectDeclareScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: getattr(app.screen, "loaded", False) and app.screen.lines)
        screen = app.screen
        line = next(ln for ln in screen.lines if not ln["expired"])
        screen.query_one("#decl-table").move_cursor(row=next(
            i for i, (ln, late) in enumerate(screen.rows) if ln["key"] == line["key"] and not late))
        await pilot.press("space", "p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SummaryDialog))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NoticeDialog), timeout=30)
        assert app.screen.message == S.SPECIAL_DONE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.message == S.PAY_OFFER)
        await pilot.press("n")
        await until(pilot, lambda: "project.records" in app.opened)
    [record] = decl.declarations(kind="project")
    assert record["status"] == "申报成功"
