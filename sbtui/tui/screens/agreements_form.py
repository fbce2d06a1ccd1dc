"""新增单位三方协议 / 修改单位三方协议 (SPEC A1; manual 000 §4.2): the official 温馨提示, 是否允许
银行代扣 (费批扣 / 费非批扣), 所属税务机关, 行政区划 and 开户网点 with type-ahead search (the
reference lists of the service layer: ``regions(q)``, ``branches(bank, q)``), 银行行别, 账户名称,
缴费账号.

While a search field has the focus, ↑↓ move in the results under the form and Enter takes the
highlighted one. The form sends itself through ``submit`` (given by the screen) in a worker and
closes only when it was accepted; a refusal (a blank field, a second 费批扣 agreement …) stays on
the form in the service layer's words.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Select, Static
from textual.widgets.option_list import Option

from sbtui.tui.keys import keyed
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.screens.pay_common import REFUSALS, call, service_message
from sbtui.tui.strings import common as C
from sbtui.tui.strings import payments as S
from sbtui.tui.widgets.text_input import TextInput
from sbtui.tui.widgets.toggles import Radio

Submit = Callable[[dict[str, Any]], Awaitable[object]]
SHOWN = 30  # search results listed
SEARCH = {"ag-region": S.F_REGION, "ag-branch": S.F_BRANCH}


def region_text(r: Any) -> str:
    return f"{value_of(r, 'full_name') or value_of(r, 'name', '')}（{value_of(r, 'code', '')}）"


class AgreementForm(ModalScreen[object | None]):
    """Add (``agreement=None``) or modify an agreement; dismisses with what ``submit`` returned."""

    CSS_PATH = "agreements_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("agreements.form", "save", "ctrl+s", "save", C.SAVE, priority=True),
        keyed("agreements.form", "cancel", "escape", "cancel", C.CANCEL),
        keyed("agreements.form", "down", "down", "move(1)", C.KEY_NEXT_FIELD, show=False),
        keyed("agreements.form", "up", "up", "move(-1)", C.KEY_PREV_FIELD, show=False),
    ]

    def __init__(self, service: Any, submit: Submit, *, agreement: Any = None,
                 defaults: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.service = service  # AgreementsService: regions, banks, branches
        self.submit = submit
        self.agreement = agreement
        d = dict(defaults or {})
        a = agreement
        self.initial = {
            "batch": bool(value_of(a, "batch", False)) if a is not None else False,
            "tax_authority": value_of(a, "tax_authority", "") if a is not None else d.get("tax_authority", ""),
            "region": value_of(a, "region", "") if a is not None else d.get("region", ""),
            "region_name": value_of(a, "region_name", "") if a is not None else d.get("region_name", ""),
            "bank": value_of(a, "bank", "") if a is not None else "",
            "branch": value_of(a, "branch", "") if a is not None else "",
            "account_name": value_of(a, "account_name", "") if a is not None else d.get("account_name", ""),
            "account": value_of(a, "account", "") if a is not None else "",
        }
        self.region_code: str = self.initial["region"]
        self.branch_name: str = self.initial["branch"]
        self.results: list[Any] = []
        self.searching: str | None = None  # the search field the results belong to

    def compose(self) -> ComposeResult:
        i = self.initial
        with Vertical(id="ag-form"):
            yield Static(f"{S.TIPS_TITLE}\n{S.TIPS}", id="ag-tips")
            with Horizontal(classes="ag-row"):
                yield Label(S.F_BATCH, classes="ag-field")
                with RadioSet(id="ag-batch", compact=True):
                    yield Radio(S.BATCH_YES, value=i["batch"], id="ag-batch-yes")
                    yield Radio(S.BATCH_NO, value=not i["batch"], id="ag-batch-no")
            yield from self._row(S.F_AUTHORITY, "ag-authority", i["tax_authority"])
            region = f"{i['region_name']}（{i['region']}）" if i["region_name"] else i["region"]
            yield from self._row(S.F_REGION, "ag-region", region, placeholder=S.F_SEARCH)
            with Horizontal(classes="ag-row"):
                yield Label(S.F_BANK, classes="ag-field")
                yield Select([], prompt=S.F_BANK, id="ag-bank", compact=True)
            yield from self._row(S.F_BRANCH, "ag-branch", i["branch"], placeholder=S.F_SEARCH)
            yield from self._row(S.F_ACCOUNT_NAME, "ag-account-name", i["account_name"])
            yield from self._row(S.F_ACCOUNT, "ag-account", i["account"])
            yield OptionList(id="ag-results")
            yield Static("", id="ag-error")

    def _row(self, label: str, fid: str, value: str, *, placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="ag-row"):
            yield Label(label, classes="ag-field")
            yield TextInput(value or "", id=fid, max_length=100, compact=True, placeholder=placeholder)

    def on_mount(self) -> None:
        form = self.query_one("#ag-form")
        form.border_title = S.FORM_MODIFY_TITLE if self.agreement is not None else S.FORM_ADD_TITLE
        form.border_subtitle = S.FORM_HINT
        self.query_one("#ag-results").display = False
        self.load_banks()
        self.query_one("#ag-batch", RadioSet).focus()

    @work(exclusive=True, group="ag-banks")
    async def load_banks(self) -> None:
        banks = [str(b) for b in await call(self.app, self.service.banks)]
        bank = self.initial["bank"]
        if bank and bank not in banks:
            banks.insert(0, bank)
        select = self.query_one("#ag-bank", Select)
        select.set_options([(b, b) for b in banks])
        if bank:
            select.value = bank

    # -- type-ahead ---------------------------------------------------------------------------
    @on(Input.Changed, "#ag-region, #ag-branch")
    def _typed(self, event: Input.Changed) -> None:
        if not event.input.has_focus:  # the value set on opening, not typed
            return
        fid = event.input.id or ""
        if fid == "ag-region":
            self.region_code = ""
        else:
            self.branch_name = ""
        self.search(fid, event.value.strip())

    @on(Select.Changed, "#ag-bank")
    def _bank_changed(self, event: Select.Changed) -> None:
        if self.initial["bank"] != event.value:
            self.branch_name = ""

    @work(exclusive=True, group="ag-search")
    async def search(self, fid: str, text: str) -> None:
        if fid == "ag-region":
            found = await call(self.app, self.service.regions, text)
        else:
            bank = self.query_one("#ag-bank", Select).value
            found = await call(self.app, self.service.branches, None if bank is Select.NULL else str(bank), text)
        self.show_results(fid, list(found)[:SHOWN])

    def show_results(self, fid: str, found: list[Any]) -> None:
        self.searching = fid
        self.results = found
        box = self.query_one("#ag-results", OptionList)
        box.clear_options()
        if not found:
            box.add_option(Option(S.FORM_NO_MATCH.format(field=SEARCH[fid]), disabled=True))
        for r in found:
            box.add_option(Option(region_text(r) if fid == "ag-region" else self._branch_text(r)))
        box.highlighted = 0 if found else None
        box.display = True

    @staticmethod
    def _branch_text(b: Any) -> str:
        return str(value_of(b, "name", b))

    def _hide_results(self) -> None:
        self.searching = None
        self.query_one("#ag-results").display = False

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        fid = event.input.id or ""
        if fid in SEARCH and self.searching == fid and self.results:
            self.take(fid)
        elif fid == "ag-account":
            self.action_save()
            return
        self.focus_next()

    def take(self, fid: str) -> None:
        box = self.query_one("#ag-results", OptionList)
        index = box.highlighted or 0
        if not 0 <= index < len(self.results):
            return
        chosen = self.results[index]
        field = self.query_one(f"#{fid}", Input)
        with field.prevent(Input.Changed):
            if fid == "ag-region":
                self.region_code = str(value_of(chosen, "code", ""))
                field.value = region_text(chosen)
            else:
                self.branch_name = self._branch_text(chosen)
                field.value = self.branch_name
        self._hide_results()

    def action_move(self, step: int) -> None:
        focused = self.focused
        if self.searching and focused is not None and focused.id == self.searching and self.results:
            box = self.query_one("#ag-results", OptionList)
            box.highlighted = max(0, min(len(self.results) - 1, (box.highlighted or 0) + step))
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def on_descendant_focus(self, event: Any) -> None:
        if self.searching and getattr(event.widget, "id", None) != self.searching:
            self._hide_results()

    # -- saving -------------------------------------------------------------------------------
    def form(self) -> dict[str, Any] | None:
        value = {fid: self.query_one(f"#{fid}", Input).value.strip()
                 for fid in ("ag-authority", "ag-region", "ag-branch", "ag-account-name", "ag-account")}
        region = self.region_code or (value["ag-region"] if value["ag-region"].isdigit() else "")
        if value["ag-region"] and not region:
            self._error(S.FORM_PICK.format(field=S.F_REGION))
            self.query_one("#ag-region").focus()
            return None
        bank = self.query_one("#ag-bank", Select).value
        return {
            "batch": self.query_one("#ag-batch-yes", RadioButton).value,
            "tax_authority": value["ag-authority"],
            "region": region,
            "bank": "" if bank is Select.NULL else str(bank),
            "branch": self.branch_name or value["ag-branch"],
            "account_name": value["ag-account-name"],
            "account": value["ag-account"],
        }

    def action_save(self) -> None:
        form = self.form()
        if form is None:
            return
        self._error("")
        self.send(form)

    @work(exclusive=True, group="ag-form-send")
    async def send(self, form: dict[str, Any]) -> None:
        try:
            result = await self.submit(form)
        except REFUSALS as exc:
            self._error(service_message(exc))
            return
        self.dismiss(result if result is not None else True)

    def _error(self, text: str) -> None:
        self.query_one("#ag-error", Static).update(text)

    def action_cancel(self) -> None:
        if self.searching:
            self._hide_results()
            return
        self.dismiss(None)
