"""选择退费账户 (SPEC R3; manual 000 §4.3): 退费金额合计 at the top, then 退费账户 — 退费银行账户名称
(the employer's name to start with), 退费银行, 退费银行账户, 退费原因, 退费申请理由 — and 办理人信息
— 办理人姓名, 身份证件类型, 证件号码, 联系电话. Ctrl+S 提交申请 asks to confirm the amount and the
account, then sends through ``submit`` (given by the query screen) in a worker; a refusal (a
field, the service's reason) stays on the form in the service layer's words; Esc 上一步.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from sbtui.domain import reference
from sbtui.domain.refund import RefundError
from sbtui.domain.vocab import ID_TYPES, REFUND_CAUSES
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.pay_common import REFUSALS, money, service_message
from sbtui.tui.strings import common as C
from sbtui.tui.strings import refunds as S
from sbtui.tui.widgets.text_input import TextInput

Submit = Callable[[dict[str, Any]], Awaitable[Any]]
INPUTS = ("rf-account-name", "rf-account", "rf-explanation", "rf-handler-name", "rf-handler-id",
          "rf-phone")
FIELD_WIDGET = {"account.name": "#rf-account-name", "account.bank": "#rf-bank",
                "account.account": "#rf-account", "cause": "#rf-cause", "explanation": "#rf-explanation",
                "handler.name": "#rf-handler-name", "handler.id_type": "#rf-id-type",
                "handler.id_number": "#rf-handler-id", "handler.phone": "#rf-phone"}


def banks() -> list[str]:
    try:
        return [str(getattr(b, "name", b)) for b in reference.banks()]
    except (LookupError, OSError, ValueError):
        return []


class RefundForm(ModalScreen[Any]):
    """选择退费账户; dismisses with what ``submit`` returned (None: 上一步)."""

    CSS_PATH = "refunds.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("refunds.form", "submit", "ctrl+s", "submit", S.KEY_SUBMIT, priority=True),
        keyed("refunds.form", "back", "escape", "back", S.KEY_BACK),
        keyed("refunds.form", "down", "down", "app.focus_next", C.KEY_NEXT_FIELD, show=False),
        keyed("refunds.form", "up", "up", "app.focus_previous", C.KEY_PREV_FIELD, show=False),
    ]

    def __init__(self, service: Any, submit: Submit, total: Decimal,
                 defaults: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.service = service
        self.submit = submit
        self.total = total
        self.defaults = dict(defaults or {})

    def compose(self) -> ComposeResult:
        account = self.defaults.get("account") or {}
        with Vertical(id="rf-form", classes="refund-box"):
            yield Static(S.FORM_ACCOUNT, classes="rf-section")
            yield Static(S.FORM_TOTAL.format(total=money(self.total)), id="rf-total")
            yield from self._row(S.F_ACCOUNT_NAME, "rf-account-name", account.get("name", ""))
            with Horizontal(classes="rf-row"):
                yield Label(S.F_BANK, classes="rf-field")
                yield Select([(b, b) for b in banks()], prompt="请选择", id="rf-bank", compact=True)
            yield from self._row(S.F_ACCOUNT, "rf-account", account.get("account", ""), 40)
            with Horizontal(classes="rf-row"):
                yield Label(S.F_CAUSE, classes="rf-field")
                yield Select([(c, c) for c in REFUND_CAUSES], value=self.defaults.get("cause", REFUND_CAUSES[0]),
                             allow_blank=False, id="rf-cause", compact=True)
            yield from self._row(S.F_EXPLANATION, "rf-explanation", "", 100)
            yield Static(S.FORM_HANDLER, classes="rf-section")
            yield from self._row(S.F_HANDLER_NAME, "rf-handler-name", "", 30)
            with Horizontal(classes="rf-row"):
                yield Label(S.F_ID_TYPE, classes="rf-field")
                yield Select([(w, code) for code, w in ID_TYPES.items()], value="201", allow_blank=False,
                             id="rf-id-type", compact=True)
            yield from self._row(S.F_HANDLER_ID, "rf-handler-id", "", 30)
            yield from self._row(S.F_PHONE, "rf-phone", "", 20)
            yield Static("", id="rf-error")

    def _row(self, label: str, fid: str, value: str, max_length: int = 100) -> ComposeResult:
        with Horizontal(classes="rf-row"):
            yield Label(label, classes="rf-field")
            yield TextInput(value or "", id=fid, max_length=max_length, compact=True)

    def on_mount(self) -> None:
        form = self.query_one("#rf-form")
        form.border_title = S.FORM_TITLE
        form.border_subtitle = S.FORM_HINT
        self.query_one("#rf-account-name" if not self.query_one("#rf-account-name", Input).value
                       else "#rf-bank").focus()

    def form(self) -> dict[str, Any]:
        value = {fid: self.query_one(f"#{fid}", Input).value.strip() for fid in INPUTS}

        def chosen(sel: str) -> str:
            v = self.query_one(sel, Select).value
            return "" if v is Select.NULL else str(v)

        return {"cause": chosen("#rf-cause"), "explanation": value["rf-explanation"],
                "account": {"name": value["rf-account-name"], "bank": chosen("#rf-bank"),
                            "account": value["rf-account"]},
                "handler": {"name": value["rf-handler-name"], "id_type": chosen("#rf-id-type"),
                            "id_number": value["rf-handler-id"], "phone": value["rf-phone"]}}

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "rf-phone":
            self.action_submit()
            return
        self.focus_next()

    def action_submit(self) -> None:
        form = self.form()
        try:
            clean = self.service.check(form)
        except RefundError as exc:
            self._error(exc.message, exc.field)
            return
        self._error("")
        self.send(form, clean)

    @work(exclusive=True, group="rf-send")
    async def send(self, form: dict[str, Any], clean: dict[str, Any]) -> None:
        app: Any = self.app
        a = clean["account"]
        ok = await app.push_screen_wait(ConfirmDialog(
            S.CONFIRM.format(total=money(self.total), bank=a["bank"], account=a["account"], name=a["name"]),
            title=S.CONFIRM_TITLE))
        if not ok:
            return
        self.notify(S.SUBMITTING)
        try:
            done = await self.submit(form)
        except (RefundError, *REFUSALS) as exc:
            self._error(service_message(exc), getattr(exc, "field", None))
            return
        if done.refund is None:
            text = S.QUEUED
        else:
            text = S.SUBMITTED.format(id=done.refund.id, status=done.refund.status)
        await app.push_screen_wait(NoticeDialog(text, title=S.SUBMITTED_TITLE))
        self.dismiss(done)

    def _error(self, text: str, field: str | None = None) -> None:
        self.query_one("#rf-error", Static).update(text)
        widget = FIELD_WIDGET.get(field or "")
        if widget:
            self.query_one(widget).focus()

    def action_back(self) -> None:
        self.dismiss(None)
