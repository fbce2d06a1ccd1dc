"""What the 费款缴纳 screens share (SPEC P1–P4): :func:`call` runs a service call off the UI
loop, :func:`service_message` says a refusal in the service's words, :func:`ask_path` asks where
to save a file, and :class:`LinesDialog` shows the lines of a payment or a voucher.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui.remote.errors import ServiceError
from sbtui.services.payments import PaymentError
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.save_paths import remember, suggest
from sbtui.tui.screens.declare_dialogs import money
from sbtui.tui.strings import common as C
from sbtui.tui.strings import payments as S
from sbtui.tui.widgets.column_table import ColumnTable

# what a refusal of the service layer is: the service's answer, or the client's own check before
# it asks (PaymentError); both carry ``message`` in Chinese
REFUSALS: tuple[type[Exception], ...] = (ServiceError, PaymentError)

__all__ = ["REFUSALS", "LinesDialog", "ask_path", "call", "money", "period_text", "service_message"]


async def call(host: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` of the service layer without blocking the UI: a coroutine
    function is awaited; a plain one (local store, file IO) runs on the app's IO thread, and
    an awaitable it returns is awaited."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args, **kwargs)
    result = await host.run_in_thread(lambda: fn(*args, **kwargs))
    if inspect.isawaitable(result):
        result = await result
    return result


def service_message(exc: BaseException) -> str:
    """The words a refusal carries (``ServiceError.message`` and the services' own errors)."""
    return str(getattr(exc, "message", None) or exc)


def not_paid(exc: BaseException, title: str) -> tuple[str, str]:
    """``(text, title)`` of a refused payment or voucher: 未缴费：<reason> — except a lost reply,
    whose result is not known yet (never "未缴费": it may have been paid; 刷新 settles it by
    its key)."""
    if getattr(exc, "code", None) == "unknown_result":
        return S.PAY_UNKNOWN, S.PAY_UNKNOWN_TITLE
    return S.PAY_REFUSED.format(reason=service_message(exc)), title


def period_text(line: Any) -> str:
    a, b = line.period_from, line.period_to
    return a if a == b else f"{a}至{b}"


async def ask_path(app: Any, *, title: str, prompt: str, name: str) -> Path | None:
    """Where to save a file: a prompt with ``name`` in the folder last saved to, else the
    exports folder (editable; issue 15 item 10)."""
    text = await app.push_screen_wait(PromptDialog(prompt, title=title, value=suggest(app, name)))
    if not text:
        return None
    remember(app, text)
    return Path(text).expanduser()


def decimal(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else "0"))


class LinesDialog(ModalScreen[None]):
    """The lines of a payment or a voucher: 单位编号, 费款所属期, 征收品目, 金额, 滞纳金,
    电子税票号码, 入库日期 under a head text. Esc / Enter closes."""

    CSS_PATH = "pay_common.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("pay.lines", "close", "escape,enter", "close", C.CLOSE),
    ]

    def __init__(self, title: str, head: str, lines: list[Any]) -> None:
        super().__init__()
        self.title_text = title
        self.head = head
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="pay-lines-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = S.DETAIL_HINT
            yield Static(self.head, id="pay-lines-head")
            table: DataTable = ColumnTable(id="pay-lines-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.DETAIL_COLUMNS)
            for ln in self.lines:
                table.add_row(ln.unit_number, period_text(ln), ln.item_name, money(ln.amount),
                              money(ln.late_fee), ln.ticket_number or "",
                              ln.booked_on.isoformat() if ln.booked_on else "")
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
