"""A bare App that shows one screen at 80×24 the way the shell does (``ws``, ``session``,
``online``, ``open_screen``), and a fixed home summary for the snapshot and role tests.

The screens' service calls are exercised against the real Workspace on the embedded sandbox
(tests/tui_sandbox.py); :class:`FakeWorkspace` only stands in where the data must not move
(the SVG snapshot) or the service cannot give it (offline).
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from textual.app import App
from textual.reactive import reactive

from sbtui.config import DEFAULT_QUICK_BUTTONS
from sbtui.domain.models import Message, Notice, TodoItem
from sbtui.services.home import OFFLINE, Alert, HomeSummary
from sbtui.remote.errors import OfflineError
from sbtui.tui.screens.base import SessionState
from sbtui.tui.app import EscapedToasts

USCC = "91150691MA0N4RXW7E"
NAME = "鄂尔多斯市康巴什区鸿泰能源科技有限公司"


def fixed_summary(*, online: bool = True) -> HomeSummary:
    todo = [
        TodoItem(kind="tax_generated", unit_number="66259112241843", period="2026-11",
                 text="单位编号66259112241843存在2026-11属期税务生成的未申报待申报信息，请及时申报。"),
        TodoItem(kind="collection", unit_number="15069120180327", count=1, amount="43348.63",
                 text="单位编号15069120180327存在1条未申报的征集信息（合计43,348.63元），可以进行申报。"),
    ]
    summary = HomeSummary(uscc=USCC, name=NAME, today=date(2026, 11, 12), deadline=date(2026, 11, 20),
                          role="admin", todo=todo if online else None)
    summary.alerts = [Alert("empty_wage", "存在4名缴费工资为空的职工（卢轩琳、马涛子、雷思等），"
                                          "需要为其申报缴费工资。", 4, ("卢轩琳", "马涛子", "雷思"))]
    if online:
        summary.notices = [Notice(id="N0001", kind="notice", date=date(2026, 11, 10),
                                  title="关于做好本年度社会保险费缴费工资申报工作的通知",
                                  body="各缴费单位：请于每月20日前完成缴费工资申报及社会保险费申报缴纳。")]
        summary.messages = [Message(id="M0001", date=date(2026, 11, 11), title="征集信息推送提醒",
                                    body="您单位有新的医疗保险征集信息，请及时申报缴费。")]
    else:
        summary.unavailable = {"todo": OFFLINE, "notices": OFFLINE, "messages": OFFLINE}
    return summary


class FakeWorkspace:
    """The few Workspace calls the home page makes, answering a fixed summary."""

    def __init__(self, *, online: bool = True) -> None:
        self.online = online
        self.config = SimpleNamespace(quick_buttons=list(DEFAULT_QUICK_BUTTONS))
        self.read: list[str] = []

        self.settings = SimpleNamespace(set_quick_buttons=self._set_quick_buttons)

    def employer(self, uscc: str) -> Any:
        return SimpleNamespace(home=FakeHome(self))

    def _set_quick_buttons(self, ids: list[str]) -> None:
        self.config.quick_buttons = list(ids)


class FakeHome:
    """The home service's calls the home page makes."""

    def __init__(self, ws: FakeWorkspace) -> None:
        self.ws = ws

    async def summary(self, *, today: date | None = None, online: bool = True) -> HomeSummary:
        return fixed_summary(online=self.ws.online and online)

    async def mark_message_read(self, message_id: str) -> Any:
        if not self.ws.online:
            raise OfflineError("无法连接服务")
        self.ws.read.append(message_id)


class ScreenApp(EscapedToasts, App):
    """Shows one screen with what the shell's app gives every screen."""

    online = reactive(True)
    data_version = reactive(0)

    def __init__(self, screen_factory, ws: Any, *, role: str = "admin", uscc: str = USCC,
                 name: str = NAME, unit: str | None = "66259112241843") -> None:
        super().__init__()
        self.screen_factory = screen_factory
        self.ws = ws
        self.session = SessionState(uscc=uscc, employer_name=name, unit_number=unit, role=role)
        self.opened: list[str] = []

    sync_text = ""

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())

    def open_screen(self, screen_id: str) -> None:
        self.opened.append(screen_id)

    async def run_in_thread(self, fn, *args):
        import asyncio

        return await asyncio.to_thread(fn, *args)

    def screen_ready(self, screen) -> None:
        pass

    def refresh_outbox(self) -> None:
        pass

    def data_changed(self) -> None:
        self.data_version += 1

    def send_queued(self) -> bool:
        return False  # the tests check what was queued; sync is theirs to run

    def note_offline(self) -> None:
        self.online = False

    def after_sync(self, result, *, quiet: bool = False) -> None:
        self.synced = [*getattr(self, "synced", []), result]

    async def service_ready(self) -> None:
        """The shell makes the embedded sandbox here; the tests' workspace has it already."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":  # as the shell: nothing below the base screen
            return len(self.screen_stack) > 2
        return True

    def action_back(self) -> None:
        self.screen.go_back()  # type: ignore[attr-defined]

