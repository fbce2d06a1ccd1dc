"""确认参保登记信息 (SPEC L2; manual 000 §1.3.1): the registrations (agency, unit number, tax
authority, payer type) tied to the USCC; "我已确认无误" must be ticked before 确定 saves the
employer (and keeps the session token where a secure keyring exists)."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Static

from sbtui.domain.models import EmployerRecord, Session, UnitRegistration
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.widgets.toggles import TickBox
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.wrap import Prose


class RegistrationInfoScreen(BaseScreen):
    """Show, tick, confirm → save the employer → dismiss with the registrations."""

    SCREEN_ID = "registration_info"
    TITLE = S.REGINFO_TITLE
    HELP = S.REGINFO_HELP
    CSS_PATH = ["steps.tcss", "reginfo.tcss"]
    BINDINGS = [
        keyed("registration_info", "ok", "enter", "submit", S.KEY_OK),
        keyed("registration_info", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, record: EmployerRecord, session: Session) -> None:
        super().__init__()
        self.record = record
        self.login_session = session
        self.regs: list[UnitRegistration] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="reginfo-box", classes="step-box") as box:
            box.border_title = S.REGINFO_TITLE
            box.border_subtitle = S.HINT_TICK
            yield Static(Prose(S.REGINFO_LEAD), id="reginfo-lead")
            yield Static(f"{S.COL_NAME}：{self.record.name}　{S.COL_USCC}：{self.record.uscc}",
                         id="reginfo-who")
            table = ColumnTable(id="reginfo-table", cursor_type="row")
            table.add_columns(S.REGINFO_UNIT, S.REGINFO_AGENCY, S.REGINFO_PAYER)
            yield table
            yield Static(S.REGINFO_LOADING, id="reginfo-detail")
            with Horizontal(id="reginfo-actions"):
                yield TickBox(S.REGINFO_TICK, id="tick", compact=True)
                yield Button(S.KEY_OK, id="reginfo-ok", variant="primary", compact=True)
            yield Static("", id="reginfo-msg", classes="step-status")
            yield Static(Prose(S.REGINFO_WRONG), classes="step-hint")

    def on_mount(self) -> None:
        self.load()

    def go_back(self) -> None:
        self.dismiss(None)

    def say(self, message: str, kind: str = "error") -> None:
        widget = self.query_one("#reginfo-msg", Static)
        widget.update(message)
        widget.set_classes(f"step-status {kind}")

    @work(exclusive=True, group="reginfo-load")
    async def load(self) -> None:
        try:
            self.regs = await self.ws.service().registrations()
        except OfflineError:
            self.host.note_offline()
            self.say(S.LOGIN_NEEDS_SERVICE)
            return
        except ServiceError as exc:
            self.say(exc.message)
            return
        table = self.query_one(DataTable)
        for r in self.regs:
            table.add_row(r.unit_number, r.agency, r.payer_type)
        table.focus()
        self._detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if self.regs:
            r = self.regs[min(max(index, 0), len(self.regs) - 1)]
            self.query_one("#reginfo-detail", Static).update(
                f"{S.REGINFO_AUTHORITY}：{r.tax_authority}")

    @on(DataTable.RowSelected)
    def _to_tick(self) -> None:
        self.query_one("#tick", Checkbox).focus()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        if event.value:
            self.say("", "info")

    @on(Button.Pressed, "#reginfo-ok")
    def _ok(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if not self.query_one("#tick", Checkbox).value:
            self.say(S.REGINFO_MUST_TICK)
            self.query_one("#tick", Checkbox).focus()
            return
        if not self.regs:
            return
        self.save()

    @work(exclusive=True, group="reginfo-save")
    async def save(self) -> None:
        app = self.app
        ws = self.ws
        try:
            await app.run_in_thread(ws.save_employer, self.record, self.regs)  # type: ignore[attr-defined]
            kept = await app.run_in_thread(ws.keep_token, self.login_session)  # type: ignore[attr-defined]
        except OSError as exc:
            self.say(str(exc))
            return
        if not kept.token_stored:
            app.tell_token_not_kept()  # type: ignore[attr-defined]
        self.dismiss(self.regs)
