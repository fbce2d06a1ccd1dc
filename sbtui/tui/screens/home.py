"""首页 (SPEC H1–H5, manual 000 §1.4): 快捷按钮, 待办事项, 异常提醒, 本月缴费期限, 通知公告 and
消息中心. The employer's name and USCC are the shell's status bar, not repeated here.

The summary comes from the service layer (``ws.home``) in a worker; a part the service could not
get (offline) says "离线，无法获取" instead of failing the page. A 缴费 user sees only what is
about payment (manual 000 §1.5): the 缴费 button, what there is to pay, the notices.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from sbtui.domain.vocab import Role
from sbtui.services.home import OFFLINE
from sbtui.remote.errors import ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import REGISTRY, ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.home_quick import QuickButton, QuickSettings, quick_buttons, save_quick_buttons
from sbtui.tui.screens.home_view import HomeView, Row, value_of, view_of
from sbtui.tui.strings import home as S
from sbtui.tui.wrap import Prose


class HomeScreen(BaseScreen):
    """The page every session starts on."""
    SHOWS_SHARED_DATA = True  # re-read when a sync, submit or payment changed the data

    SCREEN_ID = "home"
    CSS_PATH = "home.tcss"
    BINDINGS = [
        *[keyed("home", f"quick{n}", str(n), f"quick({n})", S.KEY_QUICK.format(n=n), show=False)
          for n in range(1, S.QUICK_MAX + 1)],
        keyed("home", "quick_settings", "s", "quick_settings", S.KEY_QUICK_SETTINGS),
        keyed("home", "messages", "m", "open_list('message')", S.KEY_MESSAGES),
        keyed("home", "notices", "n", "open_list('notice')", S.KEY_NOTICES),
        keyed("home", "refresh", "f5,r", "refresh", S.KEY_REFRESH),
    ]

    class Loaded(Message):
        """The worker got the home summary."""

        def __init__(self, summary: Any) -> None:
            super().__init__()
            self.summary = summary

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, *, today: date | None = None) -> None:
        super().__init__()
        self.today = today
        self.view: HomeView | None = None
        self.quick: list[QuickButton] = []

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="home-body"):
            with Horizontal(id="deadline-bar"):
                yield Static("", id="deadline")
                yield Static("", id="inbox")
            with Horizontal(id="quick-bar"):
                yield Label(S.QUICK, id="quick-label")
                yield Horizontal(id="quick-buttons")
                yield Label(S.QUICK_SETTINGS_HINT, id="quick-settings")
            yield OptionList(id="todo", classes="panel")
            yield OptionList(id="alerts", classes="panel")
            yield OptionList(id="notices", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#todo", OptionList).focus()
        if hasattr(self.app, "online"):
            self.watch(self.app, "online", self._online_changed, init=False)
        self.load()

    async def on_screen_resume(self) -> None:
        # first shown, or back from a viewer (read marks) or the quick-button settings
        await self.render_quick()
        self.render_view()

    def _online_changed(self, online: bool) -> None:
        if online:
            self.load()

    # -- loading --------------------------------------------------------------------------
    @work(exclusive=True, group="home")
    async def load(self) -> None:
        try:
            await self.host.service_ready()
            summary = await self.ws.employer(self.session.uscc).home.summary(today=self.today,
                                         online=bool(getattr(self.app, "online", True)))
        except (ServiceError, OSError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(summary))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.view = view_of(message.summary, self.session.role or Role.ADMIN)
        self.render_view()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.notify(S.LOAD_FAILED.format(error=message.error), severity="error")
        if self.view is None:
            self.view = HomeView.unavailable()
            self.render_view()

    def action_refresh(self) -> None:
        self.load()

    # -- rendering ------------------------------------------------------------------------
    async def render_quick(self) -> None:
        self.quick = quick_buttons(self.ws, self.session.role or Role.ADMIN)
        box = self.query_one("#quick-buttons", Horizontal)
        await box.remove_children()
        buttons = []
        for n, q in enumerate(self.quick, start=1):
            button = Button(f"{n} {q.label}", id=f"quick-{n}", compact=True,
                            classes="quick" if q.built else "quick unbuilt")
            button.can_focus = False  # 1–4 are the keys; Tab moves between the panels
            buttons.append(button)
        await box.mount_all(buttons)

    def render_view(self) -> None:
        view = self.view
        staff = (self.session.role or Role.ADMIN) != Role.PAY
        self.query_one("#alerts").display = staff  # a 缴费 user's to-do is what there is to pay
        self._fill("todo", S.NONE_TODO)
        self._fill("alerts", S.NONE_ALERTS)
        self._fill("notices", S.NONE_NOTICES)
        deadline = self.query_one("#deadline", Static)
        if view is None:
            deadline.update(f"{S.DEADLINE}：{S.LOADING}")
            self._set_inbox(f"m {S.MESSAGES}")
            return
        deadline.update(f"{S.DEADLINE}：{_deadline_text(view.deadline, view.deadline_moved)}")
        unread = "" if view.messages is None else _unread_text(view.messages)
        # 通知公告 is a panel of its own (with its key in the footer): the bar keeps the width
        # for the whole deadline, weekday and 遇节假日顺延 included, at 80 columns.
        self._set_inbox(f"m {S.MESSAGES}{unread}")

    def _set_inbox(self, text: str) -> None:
        inbox = self.query_one("#inbox", Static)
        inbox.update(text)
        inbox.styles.width = cell_len(text)  # "auto" kept the width of the first text

    def _fill(self, part: str, empty: str) -> None:
        widget = self.query_one(f"#{part}", OptionList)
        keep = widget.highlighted
        widget.clear_options()
        rows: list[Row] | None = getattr(self.view, part) if self.view else None
        title = {"todo": S.TODO, "alerts": S.ALERTS, "notices": S.NOTICES}[part]
        widget.border_title = f" {title}（{len(rows)}） " if rows else f" {title} "
        if self.view is None:
            widget.add_option(Option(S.LOADING, disabled=True))
        elif rows is None:
            reason = self.view.reasons.get(part, OFFLINE)
            widget.add_option(Option(S.OFFLINE_PART if reason == OFFLINE else reason, disabled=True))
        elif not rows:
            widget.add_option(Option(empty, disabled=True))
        else:
            widget.add_options([Option(Prose(r.text), id=str(i)) for i, r in enumerate(rows)])
            widget.highlighted = keep if keep is not None and keep < len(rows) else 0

    # -- actions --------------------------------------------------------------------------
    def action_quick(self, n: int) -> None:
        if 1 <= n <= len(self.quick):
            self.open_target(self.quick[n - 1].screen_id)

    @on(Button.Pressed, ".quick")
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_quick(int((event.button.id or "quick-0").split("-")[1]))

    def open_target(self, screen_id: str | None) -> None:
        """Open a screen by id; one that is not built yet says so (never a fake screen)."""
        spec: ScreenSpec | None = REGISTRY.screens.get(screen_id or "")
        if spec is None:
            self.notify(S.NOT_BUILT, severity="warning")
        elif (self.session.role or Role.ADMIN) not in spec.roles:
            self.notify(S.NOT_ALLOWED, severity="warning")
        else:
            self.host.open_screen(spec.id)

    def action_quick_settings(self) -> None:
        current = [q.screen_id for q in self.quick]

        def chosen(ids: list[str] | None) -> None:
            if ids is not None:
                self.save_quick(ids)

        self.app.push_screen(QuickSettings(current, self.session.role or Role.ADMIN), chosen)

    @work(exclusive=True, group="home-quick", thread=True)
    def save_quick(self, ids: list[str]) -> None:
        try:
            save_quick_buttons(self.ws, ids)
        except (OSError, ValueError) as exc:
            self.app.call_from_thread(self.notify, S.QUICK_SAVE_FAILED.format(error=exc),
                                      severity="error")
            return
        self.app.call_from_thread(self._quick_saved)

    async def _quick_saved(self) -> None:
        await self.render_quick()
        self.notify(S.QUICK_SAVED)

    def action_open_list(self, kind: str, start: int | None = None) -> None:
        from sbtui.tui.screens.home_notices import NoticesScreen

        rows = None if self.view is None else (
            self.view.messages if kind == "message" else self.view.notices)
        if rows is None:
            self.notify(S.OFFLINE_PART, severity="warning")
            return
        self.app.push_screen(NoticesScreen(kind, [r.ref for r in rows], start=start))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if self.view is None or event.option.id is None:
            return
        index = int(event.option.id)
        source = event.option_list.id
        if source == "notices":
            self.action_open_list("notice", start=index)
            return
        rows = self.view.todo if source == "todo" else self.view.alerts
        row = (rows or [])[index]
        if row.kind in S.EXPLAIN:
            from sbtui.tui.screens.home_notices import ExplainScreen

            full_text = value_of(row.ref, "text", row.text)
            self.app.push_screen(ExplainScreen(full_text, S.EXPLAIN[row.kind], row.target),
                                 self._explained)
        else:
            self.open_target(row.target)

    def _explained(self, target: str | None) -> None:
        if target:
            self.open_target(target)


def _deadline_text(deadline: date | None, moved: bool) -> str:
    if deadline is None:
        return S.OFFLINE_PART
    text = f"{deadline.isoformat()} {S.WEEKDAYS[deadline.weekday()]}"
    return text + (S.DEADLINE_MOVED if moved else "")


def _unread_text(messages: list[Row]) -> str:
    unread = sum(1 for r in messages if not value_of(r.ref, "read", True))
    return f"（{unread}{S.UNREAD}）" if unread else ""


register_screen(ScreenSpec(id="home", title=S.TITLE, menu=("首页",), order=0, help=S.HELP,
                           factory=lambda app: HomeScreen()))
