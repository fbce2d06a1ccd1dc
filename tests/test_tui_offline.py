"""Offline (SPEC §1): with the service unreachable the app opens on the local store, the employer
list works, login says it needs the service, 离线使用 goes in on the local data (status 离线),
and the health check brings the session back online by itself, then syncs."""
from __future__ import annotations

import asyncio

import pytest

from sbtui.bench.server import SandboxServer
from sbtui.config import EmployerEntry
from sbtui.tui.strings import login as S
from sbtui.tui.strings import shell as SH
from sbtui.workspace import Workspace
from tui_pilot import make_app, message_of, notified, on_screen, run, screen_text, settle, type_text, until


async def _home_with_token(tmp_path):
    from tui_sandbox import sandbox_workspace

    home = tmp_path / "home"
    ws, facts = await sandbox_workspace(home)
    ws.config.region = "nm"
    ws.config.add_employer(EmployerEntry(uscc="91150691MA0P9D3L62", name="没有本地数据的单位"))
    ws.config.save()
    keeper = Workspace(home, allow_token_file=True)  # the opt-in token file (no keyring here)
    assert keeper.keep_token(ws.session).token_stored
    await ws.aclose()
    return home, facts


@pytest.mark.slow
async def test_offline_start_local_data_then_back_online_by_itself(tmp_path):
    home, facts = await _home_with_token(tmp_path)
    # the service is a real one on loopback, on the same data, started only later on
    server = SandboxServer(home / "sandbox", employees=200, timeout=60)
    app = make_app(home, remote=server.url, allow_token_file=True)
    async with run(app) as pilot:
        # the employer list works on the local store; the status bar says 离线
        await on_screen(pilot, "EmployerListScreen")
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 2)
        await until(pilot, lambda: not app.online)
        assert "离线" in screen_text(app)

        # an employer never synced here: login needs the service, no 离线使用
        app.screen.query_one("DataTable").move_cursor(row=1)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await type_text(pilot, "whatever1")
        await pilot.press("enter")
        await until(pilot, lambda: S.LOGIN_NEEDS_SERVICE in message_of(app, "#security-msg"))
        assert S.OFFLINE_NO_DATA in message_of(app, "#security-msg")
        await pilot.press("f5")
        await settle(pilot)
        assert type(app.screen).__name__ == "SecurityScreen"
        await pilot.press("escape")

        # the demo employer has local data: the kept token cannot be checked, 离线使用 can
        await on_screen(pilot, "EmployerListScreen")
        app.screen.query_one("DataTable").move_cursor(row=0)
        await pilot.press("enter")
        await on_screen(pilot, "SecurityScreen")
        await until(pilot, lambda: S.LOGIN_NEEDS_SERVICE in message_of(app, "#security-msg"))
        assert "200人" in message_of(app, "#security-msg")
        await pilot.press("f5")
        await on_screen(pilot, "ChooseUnitScreen")
        await pilot.press("enter")
        await until(pilot, lambda: app.session.logged_in)
        assert app.session.offline and not app.online
        assert "离线" in screen_text(app)
        assert app.ws.store(facts["uscc"]).registry.employee_count() == 200

        # the service comes back: the health check notices, resumes with the token and syncs
        try:
            await asyncio.to_thread(server.start)
            await until(pilot, lambda: app.online and not app.session.offline, timeout=20)
            await until(pilot, lambda: notified(app, SH.SYNC_DONE.split("：")[0]), timeout=20)
            assert "在线" in screen_text(app)
        finally:
            server.stop()
