"""L2 用人单位添加, first two steps (manual 000 §1.3.1, 001 §2.1.1 ④): the USCC typed twice with
the check digit validated as you type, then 确认单位 with the service's employer record(s)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from sbtui.tui.widgets.text_input import TextInput
from sbtui.domain.ids import InvalidIdError, check_uscc
from sbtui.domain.models import EmployerRecord
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.wrap import Prose


def uscc_problem(text: str, *, typing: bool) -> tuple[str, str]:
    """(message, kind) for a USCC as typed so far; kind is ``ok``, ``info`` or ``error``.
    While ``typing`` and short, the length is information, not an error."""
    try:
        check_uscc(text)
    except InvalidIdError as exc:
        if typing and exc.reason in ("empty", "length") and len(text.strip()) < 18:
            return ("" if exc.reason == "empty" else exc.message), "info"
        return exc.message, "error"
    return "✓", "ok"


class StepScreen(BaseScreen):
    """A step of a flow: Esc goes back one step (dismiss with None)."""

    def go_back(self) -> None:
        self.dismiss(None)


class AddEmployerScreen(StepScreen):
    """纳税人识别号 twice → lookup → dismiss with (uscc, records)."""

    SCREEN_ID = "employer_add"
    TITLE = S.ADD_TITLE
    HELP = S.ADD_HELP
    CSS_PATH = ["steps.tcss", "add_employer.tcss"]
    BINDINGS = [
        keyed("employer_add", "next", "enter", "next", S.KEY_NEXT),
        keyed("employer_add", "demo", "f5", "fill_demo", "填入演示单位"),
        keyed("employer_add", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, uscc: str = "") -> None:
        super().__init__()
        self.initial = uscc
        self.demo: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box", classes="step-box") as box:
            box.border_title = S.ADD_TITLE
            box.border_subtitle = S.HINT_NEXT
            yield Label(S.ADD_USCC)
            yield TextInput(self.initial, placeholder=S.ADD_USCC_PLACEHOLDER, id="uscc", max_length=24,
                        select_on_focus=False)
            yield Static("", id="uscc-msg", classes="field-msg")
            yield Label(S.ADD_USCC_AGAIN)
            yield TextInput(self.initial, placeholder=S.ADD_USCC_PLACEHOLDER, id="uscc-again", max_length=24,
                        select_on_focus=False)
            yield Static("", id="again-msg", classes="field-msg")
            yield Static("", id="add-status", classes="step-status")
            yield Static("", id="add-hint", classes="step-hint")
            yield Static(Prose(S.ADD_PASSWORD_RULE), id="add-rule", classes="step-hint")

    def on_mount(self) -> None:
        self.query_one("#uscc", Input).focus()
        if self.ws.embedded:
            self.load_demo()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fill_demo":
            return self.demo is not None
        return True

    @work(group="add-demo")
    async def load_demo(self) -> None:
        """In embedded mode, the demo employer's USCC and initial password as a hint."""
        from sbtui.domain.passwords import initial_password

        await self.host.service_ready()
        facts = await self.host.run_in_thread(self.ws.sandbox_facts)
        self.demo = facts["uscc"]
        password = initial_password(facts["unit_numbers"][0])
        self.query_one("#add-hint", Static).update(Prose(S.ADD_DEMO_HINT.format(uscc=self.demo, password=password)))
        self.refresh_bindings()

    def action_fill_demo(self) -> None:
        if self.demo:
            self.query_one("#uscc", Input).value = self.demo
            self.query_one("#uscc-again", Input).value = self.demo
            self.query_one("#uscc-again", Input).focus()

    # -- validation as you type -------------------------------------------------------------
    def _say(self, selector: str, message: str, kind: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(message)
        widget.set_classes(f"field-msg {kind}")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        first = self.query_one("#uscc", Input).value
        again = self.query_one("#uscc-again", Input).value
        self._say("#uscc-msg", *uscc_problem(first, typing=True))
        if not again:
            self._say("#again-msg", "", "info")
        elif _norm(again) != _norm(first) and (len(_norm(again)) >= len(_norm(first)) or
                                               not _norm(first).startswith(_norm(again))):
            self._say("#again-msg", S.ADD_MISMATCH, "error")
        else:
            self._say("#again-msg", *uscc_problem(again, typing=True))
        self.query_one("#add-status", Static).update("")

    @on(Input.Submitted, "#uscc")
    def _first_done(self) -> None:
        self.query_one("#uscc-again", Input).focus()

    @on(Input.Submitted, "#uscc-again")
    def _second_done(self) -> None:
        self.action_next()

    def action_next(self) -> None:
        first = self.query_one("#uscc", Input)
        again = self.query_one("#uscc-again", Input)
        message, kind = uscc_problem(first.value, typing=False)
        if kind != "ok":
            self._say("#uscc-msg", message, "error")
            first.focus()
            return
        if _norm(again.value) != _norm(first.value):
            self._say("#again-msg", S.ADD_MISMATCH, "error")
            again.focus()
            return
        self.lookup(check_uscc(first.value))

    @work(exclusive=True, group="add-lookup")
    async def lookup(self, uscc: str) -> None:
        status = self.query_one("#add-status", Static)
        status.set_classes("step-status info")
        status.update(S.ADD_LOOKING_UP)
        try:
            await self.host.service_ready()
            records = await self.ws.lookup_employer(uscc)
        except OfflineError:
            self.host.note_offline()
            status.set_classes("step-status error")
            status.update(S.LOGIN_NEEDS_SERVICE)
            return
        except ServiceError as exc:
            status.set_classes("step-status error")
            status.update(exc.message)
            return
        status.update("")
        self.dismiss((uscc, records))


def _norm(text: str) -> str:
    return "".join(text.split()).upper()


class ConfirmEmployerScreen(StepScreen):
    """确认单位: the employer record(s) the service has for the USCC; Enter = 下一步."""

    SCREEN_ID = "employer_confirm"
    TITLE = S.CONFIRM_TITLE
    HELP = S.CONFIRM_HELP
    CSS_PATH = ["steps.tcss", "add_employer.tcss"]
    BINDINGS = [
        keyed("employer_confirm", "next", "enter", "next", S.KEY_NEXT),
        keyed("employer_confirm", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, records: list[EmployerRecord]) -> None:
        super().__init__()
        self.records = records

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-employer-box", classes="step-box") as box:
            box.border_title = S.CONFIRM_TITLE
            box.border_subtitle = S.HINT_NEXT
            yield Static(Prose(S.CONFIRM_TIP), id="confirm-tip")
            table = ColumnTable(id="records", cursor_type="row")
            table.add_columns(S.COL_NO, S.COL_NAME, S.COL_USCC)
            for n, r in enumerate(self.records, start=1):
                table.add_row(str(n), r.name, r.uscc)
            yield table
            yield Static("", id="record-detail")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if not self.records:
            return
        r = self.records[min(max(index, 0), len(self.records) - 1)]
        self.query_one("#record-detail", Static).update(
            f"{S.COL_NAME}：{r.name}\n{S.COL_USCC}：{r.uscc}\n{S.COL_AUTHORITY}：{r.tax_authority}\n"
            f"{S.COL_BRANCH}：{r.tax_branch}\n{S.COL_STATUS}：{r.status}")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_next()

    def action_next(self) -> None:
        row = self.query_one(DataTable).cursor_row or 0
        if self.records:
            self.dismiss(self.records[min(row, len(self.records) - 1)])

