"""申报明细 of one declaration and its employees (SPEC D8; manual 000 §3.4), and the export of
the two forms — 《社会保险费缴费申报表（适用单位缴费人）》 (e) and 《社会保险费缴费明细申报表（适用职工
个人）》 (E) — as xlsx or PDF, written by the service layer in a worker.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.registry import default_path
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.save_paths import remember, suggest
from sbtui.tui.screens.declare_dialogs import declarations_of, money
from sbtui.tui.screens.group_pick import GroupPick
from sbtui.tui.strings import common as C
from sbtui.tui.strings import declare as S
from sbtui.tui.widgets.column_table import ColumnTable

FORMS = {"unit": S.FORM_TITLE_UNIT, "employees": S.FORM_TITLE_EMPLOYEE}


def _check_path(suffix: str):
    def check(text: str) -> str | None:
        path = Path(text).expanduser()
        if path.suffix.lower() != f".{suffix}":
            return S.FORM_BAD_SUFFIX.format(suffix=suffix)
        if not path.parent.exists():
            return S.FORM_NO_DIR.format(path=path.parent)
        return None
    return check


class FormsMixin:
    """For a screen or dialog showing declarations: :meth:`export_form`."""

    @work(exclusive=True, group="decl-form")
    async def export_form(self, record: dict[str, Any], form: str) -> None:
        """Ask the format (xlsx / pdf) and the file, then write the form in a worker."""
        app: Any = self.app  # type: ignore[attr-defined]
        title = FORMS[form]
        choices = [{"id": key, "name": name, "level": 1} for key, name in S.FORM_FORMATS]
        suffix = await app.push_screen_wait(GroupPick(choices, title=title, question=S.FORM_PICK,
                                                      none=False))
        if not suffix:
            return
        default = str(Path(default_path(f"{title}_{record['unit_number']}")).with_suffix(f".{suffix}"))
        path = await app.push_screen_wait(PromptDialog(S.FORM_PATH.format(title=title), title=title,
                                                    value=suggest(app, default), empty=S.FORM_BAD_SUFFIX.format(suffix=suffix),
                                                    check=_check_path(suffix)))
        if path is None:
            return
        remember(app, path)
        app.notify(S.FORM_WRITING)
        try:
            written = await declarations_of(app).write_declaration_form(record["id"], form,
                                                                       Path(path).expanduser())
        except OfflineError:
            app.notify(S.OFFLINE, severity="warning")
            return
        except (ServiceError, ValueError, OSError) as exc:
            app.notify(S.FORM_FAILED.format(error=getattr(exc, "message", None) or exc), severity="error",
                       timeout=10)
            return
        app.notify(S.FORM_DONE.format(path=written), timeout=10)


class DeclarationDetail(FormsMixin, ModalScreen[None]):
    """申报明细: the declared lines with the manual's columns; Enter on a 税务生成 line shows its
    employees (from the service); e / E export the forms."""

    CSS_PATH = "declare_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("declare.detail", "employees", "enter", "employees", S.KEY_DETAIL, show=False),
        keyed("declare.detail", "unit_form", "e", "form('unit')", S.KEY_UNIT_FORM, show=False),
        keyed("declare.detail", "employee_form", "E", "form('employees')", S.KEY_EMPLOYEE_FORM, show=False),
        keyed("declare.detail", "close", "escape", "close", C.CLOSE, show=False),
    ]

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__()
        self.record = record
        self.lines: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box", classes="decl-detail-box") as box:
            box.border_title = (f"{S.DETAIL_LINES_TITLE} {self.record['unit_number']} "
                                f"{str(self.record.get('submitted_at') or '')[:10]}")
            box.border_subtitle = S.DETAIL_HINT
            table: DataTable = ColumnTable(id="detail-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 1
            table.add_columns(*S.DETAIL_LINE_COLUMNS)
            yield table
            yield Static("", id="detail-note")

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        app: Any = self.app
        full = await app.run_in_thread(declarations_of(app).declaration, self.record["id"])
        self.lines = list((full or {}).get("lines") or [])
        for ln in self.lines:
            head = "" if ln.get("headcount") is None else str(ln["headcount"])
            rate = ln.get("rate") or (S.FIXED.format(amount=ln["fixed"]) if ln.get("fixed") else "")
            table.add_row(str(ln["n"]), ln["unit_number"], ln["period_from"], ln["period_to"], head,
                          money(ln.get("base_total")), rate, money(ln["due"]), money(ln.get("reduction") or "0"),
                          money(ln.get("payable")), money(ln.get("offset") or "0"), money(ln.get("actual")),
                          ln["item_name"], ln.get("type_name") or "")
        self.query_one("#detail-note", Static).update("" if self.lines else S.DETAIL_NOT_LOCAL)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_employees()

    def action_employees(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not self.lines or row is None or not 0 <= row < len(self.lines):
            return
        self._employees(self.lines[row])

    @work(exclusive=True, group="decl-employees")
    async def _employees(self, line: dict[str, Any]) -> None:
        app: Any = self.app
        if line.get("source") != "tax":
            self.notify(S.DETAIL_NONE)
            return
        try:
            await app.service_ready()
            rows = await declarations_of(app).declaration_employees(self.record["id"], line=line["n"])
        except OfflineError:
            self.notify(S.OFFLINE, severity="warning")
            return
        except (ServiceError, ValueError) as exc:
            self.notify(S.UPDATE_FAILED.format(error=exc), severity="error")
            return
        await app.push_screen(DeclarationEmployees(line, rows))

    def action_form(self, form: str) -> None:
        self.export_form(self.record, form)

    def action_close(self) -> None:
        self.dismiss(None)


class DeclarationEmployees(ModalScreen[None]):
    """The employees of one declared tax line (the rows of the employee form)."""

    CSS_PATH = "declare_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [keyed("declare.employees", "close", "escape", "close", C.CLOSE, show=False)]

    def __init__(self, line: dict[str, Any], rows: list[Any]) -> None:
        super().__init__()
        self.line = line
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="employees-box", classes="decl-detail-box") as box:
            box.border_title = f"{S.EMPLOYEES_TITLE} {self.line['period_from']} {self.line['item_name']}"
            box.border_subtitle = "Esc " + C.CLOSE
            table: DataTable = ColumnTable(id="employees-table", cursor_type="row", zebra_stripes=True)
            table.fixed_columns = 1
            table.add_columns(*S.EMPLOYEE_COLUMNS)
            for r in self.rows:
                rate = r.rate or (S.FIXED.format(amount=r.fixed) if r.fixed is not None else "")
                table.add_row(r.name, r.id_number, r.person_number or "", money(r.wage), money(r.base),
                              rate, money(r.due))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
