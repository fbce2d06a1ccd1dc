"""通知公告 and 消息中心 (SPEC H4) as a list with the selected item's text below it, and the
short explanation shown for an 异常提醒 (SPEC H3).

Opening a message (Enter) marks it read through the service when online; offline it stays
unread and says so.
"""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import REGISTRY
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.strings import common as C
from sbtui.tui.strings import home as S
from sbtui.tui.wrap import Prose


def _line(item: Any) -> Text:
    """``date  title`` and, for an unread message, a bold ● before it."""
    unread = value_of(item, "kind") == "message" and not value_of(item, "read", True)
    line = Text("● " if unread else "  ", style="bold" if unread else "")
    line.append(f"{value_of(item, 'date', '')}  {value_of(item, 'title', '')}",
                style="bold" if unread else "")
    return line


class NoticesScreen(BaseScreen):
    """A list of notices (kind ``notice``) or messages (``message``) and the one highlighted."""

    SCREEN_ID = "home.notices"
    TITLE = S.LIST_TITLE
    HELP = S.LIST_HELP
    CSS_PATH = "home_notices.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("home.notices", "list", "tab", "toggle_focus", "列表/正文", show=False),
    ]

    def __init__(self, kind: str, items: list[Any], *, start: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.items = items
        self.start = start

    def compose(self) -> ComposeResult:
        title = S.MESSAGES if self.kind == "message" else S.NOTICES
        with Vertical(id="notices-body"):
            options = OptionList(*[Option(_line(it), id=str(i)) for i, it in enumerate(self.items)],
                                 id="notice-list")
            options.border_title = f" {title} "
            yield options
            with VerticalScroll(id="notice-detail"):
                yield Static("", id="notice-text")
            yield Label(S.LIST_HINT, id="notice-hint")

    def on_mount(self) -> None:
        options = self.query_one("#notice-list", OptionList)
        if not self.items:
            empty = S.NONE_MESSAGES if self.kind == "message" else S.NONE_NOTICES
            options.add_option(Option(empty, disabled=True))
        options.focus()
        if self.items:
            options.highlighted = self.start or 0
            if self.start is not None:
                self.open(self.start)

    @on(OptionList.OptionHighlighted, "#notice-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show(int(event.option.id))

    @on(OptionList.OptionSelected, "#notice-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open(int(event.option.id))

    def show(self, index: int) -> None:
        item = self.items[index]
        detail = self.query_one("#notice-detail", VerticalScroll)
        detail.border_title = f" {value_of(item, 'date', '')} "
        text = Text(str(value_of(item, "title", "")), style="bold")
        text.append(f"\n\n{value_of(item, 'body', '')}", style="")
        self.query_one("#notice-text", Static).update(text)

    def open(self, index: int) -> None:
        self.show(index)
        item = self.items[index]
        if value_of(item, "kind") == "message" and not value_of(item, "read", True):
            self.mark_read(index)

    def action_toggle_focus(self) -> None:
        options = self.query_one("#notice-list", OptionList)
        detail = self.query_one("#notice-detail", VerticalScroll)
        (detail if options.has_focus else options).focus()

    @work(exclusive=True, group="home-read")
    async def mark_read(self, index: int) -> None:
        item = self.items[index]
        try:
            await self.ws.employer(self.session.uscc).home.mark_message_read(value_of(item, "id"))
        except OfflineError:
            self.notify(S.MARK_READ_OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        if isinstance(item, dict):
            item["read"] = True
        else:
            setattr(item, "read", True)
        options = self.query_one("#notice-list", OptionList)
        options.replace_option_prompt_at_index(index, _line(item))


class ExplainScreen(ModalScreen[str | None]):
    """What an alert means; Enter goes to the screen that fixes it when that screen exists."""

    CSS_PATH = "home_notices.tcss"
    BINDINGS = [
        keyed("home.explain", "go", "enter", "go", "前往办理"),
        keyed("home.explain", "close", "escape", "close", C.CLOSE),
    ]

    def __init__(self, title: str, text: str, target: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.target = target if target in REGISTRY.screens else None

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-dialog"):
            yield Static(self.title_text, id="explain-title")
            yield Static(Prose(self.text), id="explain-text")
            keys = f"Enter 前往办理 · Esc {C.CLOSE}" if self.target else f"Esc {C.CLOSE}"
            yield Label(keys, id="explain-keys")

    def on_mount(self) -> None:
        self.query_one("#explain-dialog").border_title = S.EXPLAIN_TITLE

    def action_go(self) -> None:
        self.dismiss(self.target)

    def action_close(self) -> None:
        self.dismiss(None)
