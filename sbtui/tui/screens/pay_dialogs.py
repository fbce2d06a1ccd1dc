"""The dialogs of 立即缴费 (SPEC P1–P3; manual 000 §4.1, 001 §2.3.1): 安全认证
(:class:`PasswordDialog`), 选择缴费方式 (:class:`MethodDialog`: a verified three-party agreement,
or 银行端凭证缴费 with an account picked, typed in — :class:`ManualAccountDialog`, 人工录入账户账号信息
— or none).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from sbtui.domain.models import DepositAccount
from sbtui.domain.pay import PaymentError, clean_account
from sbtui.domain.vocab import PayMethod
from sbtui.tui.keys import keyed
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.screens.pay_common import money
from sbtui.tui.strings import common as C
from sbtui.tui.strings import payments as S
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.wrap import Prose


class PasswordDialog(ModalScreen[str | None]):
    """安全认证: the declaration password (a sub-user: its own) again. ``error`` is the
    service's refusal of the last try (the field is empty again)."""

    CSS_PATH = "pay_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [keyed("pay.auth", "cancel", "escape", "cancel", C.CANCEL)]

    def __init__(self, prompt: str = S.AUTH_PROMPT, *, error: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="auth-box", classes="pay-box") as box:
            box.border_title = S.AUTH_TITLE
            box.border_subtitle = S.AUTH_HINT
            yield Static(Prose(self.prompt), id="auth-prompt")
            yield TextInput("", id="auth-password", password=True, max_length=32, compact=True)
            yield Static(self.error, id="auth-error", classes="pay-error")

    def on_mount(self) -> None:
        self.query_one("#auth-password", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.query_one("#auth-error", Static).update(S.AUTH_EMPTY)
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Method:
    """What 选择缴费方式 chose: a TIPS debit through ``agreement``, or a voucher with an
    optional ``account``."""

    kind: PayMethod
    agreement: Any = None
    account: DepositAccount | None = None


def agreement_text(a: Any) -> str:
    """One verified agreement (a row of the agreements service, or an Agreement)."""
    return S.AGREEMENT_OPTION.format(bank=value_of(a, "bank", ""), account=value_of(a, "account", ""),
                                     name=value_of(a, "account_name", ""), id=value_of(a, "id", ""))


def account_text(a: DepositAccount, *, manual: bool = False) -> str:
    template = S.ACCOUNT_MANUAL_OPTION if manual else S.ACCOUNT_OPTION
    return template.format(bank=a.bank, account=a.account, name=a.name)


class MethodDialog(ModalScreen[Method | None]):
    """选择缴费方式: ① 三方协议缴费 — one line per verified agreement; ② 银行端凭证缴费 — no
    account, each deposit account, and one typed with ``m`` (人工录入账户账号信息). Enter chooses
    the highlighted line."""

    CSS_PATH = "pay_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("pay.method", "manual", "m", "manual", S.KEY_MANUAL),
        keyed("pay.method", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, *, count: int, total: Decimal, late: Decimal, agreements: list[Any],
                 accounts: list[DepositAccount]) -> None:
        super().__init__()
        self.count = count
        self.total = total
        self.late = late
        self.agreements = list(agreements)
        self.accounts = list(accounts)
        self.manual: DepositAccount | None = None
        self.choices: dict[str, Method] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="method-box", classes="pay-box") as box:
            box.border_title = S.METHOD_TITLE
            box.border_subtitle = S.METHOD_HINT
            yield Static(S.METHOD_AMOUNT.format(n=self.count, total=money(self.total), late=money(self.late)),
                         id="method-amount")
            yield OptionList(id="method-list")
            yield Label(S.METHOD_MANUAL_HINT, id="method-manual")

    def on_mount(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def fill(self, highlight: str | None = None) -> None:
        options: list[Option] = [Option(f"① {S.METHOD_TIPS}", disabled=True)]
        self.choices = {}
        if not self.agreements:
            options.append(Option(f"   {S.METHOD_NO_AGREEMENT}", disabled=True))
        for n, a in enumerate(self.agreements):
            oid = f"tips-{n}"
            self.choices[oid] = Method(PayMethod.TIPS, agreement=a)
            options.append(Option(f"   {agreement_text(a)}", id=oid))
        options.append(Option(f"② {S.METHOD_VOUCHER}", disabled=True))
        self.choices["voucher-none"] = Method(PayMethod.VOUCHER)
        options.append(Option(f"   {S.METHOD_PICK_ACCOUNT}{S.METHOD_NO_ACCOUNT}", id="voucher-none"))
        for n, acc in enumerate(self.accounts):
            oid = f"voucher-{n}"
            self.choices[oid] = Method(PayMethod.VOUCHER, account=acc)
            options.append(Option(f"   {S.METHOD_PICK_ACCOUNT}{account_text(acc)}", id=oid))
        if self.manual is not None:
            self.choices["voucher-manual"] = Method(PayMethod.VOUCHER, account=self.manual)
            options.append(Option(f"   {S.METHOD_PICK_ACCOUNT}{account_text(self.manual, manual=True)}",
                                  id="voucher-manual"))
        menu = self.query_one(OptionList)
        menu.clear_options()
        menu.add_options(options)
        first = highlight or ("tips-0" if self.agreements else "voucher-none")
        menu.highlighted = menu.get_option_index(first)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self.choices.get(event.option.id or "")
        if choice is not None:
            self.dismiss(choice)

    def action_manual(self) -> None:
        def typed(account: DepositAccount | None) -> None:
            if account is not None:
                self.manual = account
                self.fill(highlight="voucher-manual")

        self.app.push_screen(ManualAccountDialog(self.manual), typed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ManualAccountDialog(ModalScreen[DepositAccount | None]):
    """人工录入账户账号信息: 开户银行, 账户名称, 账号 (all three, or Esc)."""

    CSS_PATH = "pay_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("pay.manual", "save", "ctrl+s", "save", C.SAVE, priority=True),
        keyed("pay.manual", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, account: DepositAccount | None = None) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        a = self.account
        with Vertical(id="manual-box", classes="pay-box") as box:
            box.border_title = S.MANUAL_TITLE
            box.border_subtitle = S.MANUAL_HINT
            for fid, label, value in (("manual-bank", S.MANUAL_BANK, a.bank if a else ""),
                                      ("manual-name", S.MANUAL_NAME, a.name if a else ""),
                                      ("manual-account", S.MANUAL_ACCOUNT, a.account if a else "")):
                with Horizontal(classes="pay-row"):
                    yield Label(label, classes="pay-field")
                    yield TextInput(value, id=fid, max_length=60, compact=True)
            yield Static("", id="manual-error", classes="pay-error")

    def on_mount(self) -> None:
        self.query_one("#manual-bank", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "manual-account":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        bank, name, account = (self.query_one(f"#manual-{f}", Input).value.strip()
                               for f in ("bank", "name", "account"))
        error = self.query_one("#manual-error", Static)
        if not (bank and name and account):
            error.update(S.MANUAL_NEED)
            return
        try:  # the service's own account rule, checked before anything is issued
            account = clean_account(account)
        except PaymentError as exc:
            error.update(str(exc))
            self.query_one("#manual-account", Input).focus()
            return
        self.dismiss(DepositAccount(bank=bank, name=name, account=account))

    def action_cancel(self) -> None:
        self.dismiss(None)
