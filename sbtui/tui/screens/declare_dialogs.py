"""Small dialogs of the fee declaration screens: a message with 确定 (:class:`NoticeDialog`), a
and the summary confirm
“提交申报确认” with 「立即提交」 (:class:`SummaryDialog`, SPEC D6); :func:`declarations_of`, the
费款申报 service a dialog calls.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import declare as S
from sbtui.tui.wrap import Prose

if TYPE_CHECKING:
    from sbtui.services.declarations import DeclarationsService


def declarations_of(app: Any) -> DeclarationsService:
    """The 费款申报 service of the employer worked in, for a dialog (a screen has
    ``self.employer.declarations``)."""
    return app.ws.employer(app.session.uscc).declarations


def money(value: Any) -> str:
    """``"1422.08"`` / Decimal → ``"1,422.08"``; empty stays empty."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):,.2f}"


class NoticeDialog(ModalScreen[None]):
    """A message the user acknowledges: Enter (确定) or Esc."""

    CSS_PATH = "declare_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [keyed("declare.notice", "close", "escape", "close", C.OK, show=False)]

    def __init__(self, message: str, *, title: str = "") -> None:
        super().__init__()
        self.message = message
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="notice-box", classes="decl-box") as box:
            box.border_title = self.title_text or C.APP_TITLE
            yield Static(Prose(self.message), id="notice-message")
            with Horizontal(classes="decl-buttons"):
                yield Button(C.OK, id="notice-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class SummaryDialog(ModalScreen[bool]):
    """提交申报确认 (manual 000 §3.1 step 7): one row per unit number with its totals; 「立即提交」
    (Enter) or 取消 (Esc)."""

    CSS_PATH = "declare_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("declare.summary", "submit", "ctrl+s", "answer(True)", S.SUBMIT_NOW, show=False),
        keyed("declare.summary", "cancel", "escape,n", "answer(False)", C.CANCEL, show=False),
        keyed("declare.summary", "left", "left", "app.focus_previous", C.KEY_PREV_BUTTON, show=False),
        keyed("declare.summary", "right", "right", "app.focus_next", C.KEY_NEXT_BUTTON, show=False),
    ]

    def __init__(self, units: list[Any]) -> None:
        super().__init__()
        self.units = units

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-box", classes="decl-box") as box:
            box.border_title = S.SUMMARY_TITLE
            yield Static(S.SUMMARY_HEAD if len(self.units) == 1
                         else S.SUMMARY_HEAD_SEVERAL.format(n=len(self.units)))
            with VerticalScroll(id="summary-units"):
                for u in self.units:
                    yield Static(S.SUMMARY_UNIT.format(
                        unit=u.unit_number, agency=u.agency, n=u.lines, base=money(u.base_total),
                        due=money(u.due_total), offset=money(u.offset_total), actual=money(u.actual_total)),
                        classes="summary-unit")
            with Horizontal(classes="decl-buttons"):
                yield Button(S.SUBMIT_NOW, id="summary-ok", variant="primary", compact=True)
                yield Button(C.CANCEL, id="summary-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#summary-ok", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "summary-ok")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
