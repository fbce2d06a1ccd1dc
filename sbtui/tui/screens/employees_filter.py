"""查询条件 of the employee list (SPEC E2): name, ID number, unit number, agency, insurance
type, status and group. Enter (or Ctrl+S) queries, Ctrl+R resets, Esc cancels.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid as Layout
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from sbtui.domain.catalogue import catalogue
from sbtui.services.registry import STATUS_LABELS, EmployeeFilter
from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import employees as S
from sbtui.tui.widgets.text_input import TextInput

UNGROUPED = "__ungrouped__"


class FilterDialog(ModalScreen[EmployeeFilter | None]):
    CSS_PATH = "employees_filter.tcss"
    BINDINGS = [
        keyed("employees.filter", "apply", "ctrl+s", "apply", S.F_APPLY, priority=True),
        keyed("employees.filter", "reset", "ctrl+r", "reset", S.F_RESET),
        keyed("employees.filter", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, registrations: list[dict[str, Any]], groups: list[dict[str, Any]],
                 current: EmployeeFilter, *, view: str = "all") -> None:
        super().__init__()
        self.current = current
        self.view = view
        self.units = [r["unit_number"] for r in registrations]
        self.agencies = sorted({r["agency"] for r in registrations})
        self.groups = groups

    def compose(self) -> ComposeResult:
        cur = self.current
        cat = catalogue()
        with Vertical(id="filter-box") as box:
            box.border_title = S.FILTER_TITLE
            box.border_subtitle = S.F_HINT
            with Layout(id="filter-form"):
                yield Label(S.F_NAME)
                yield TextInput(cur.name, id="f-name", compact=True)
                yield Label(S.F_ID_NUMBER)
                yield TextInput(cur.id_number, id="f-id", max_length=18, compact=True)
                yield Label(S.F_UNIT)
                yield self._select("f-unit", [(u, u) for u in self.units], cur.unit_number)
                yield Label(S.F_AGENCY)
                yield self._select("f-agency", [(a, a) for a in self.agencies], cur.agency)
                yield Label(S.F_TYPE)
                yield self._select("f-type", [(f"{c} {t.name}", c) for c, t in cat.types.items()],
                                   cur.type_code)
                if self.view != "stopped":
                    yield Label(S.F_STATUS)
                    yield self._select("f-status", [(v, k) for k, v in STATUS_LABELS.items()], cur.status)
                yield Label(S.F_GROUP)
                groups = [(S.F_UNGROUPED, UNGROUPED)] + [(g["path"], g["id"]) for g in self.groups]
                yield self._select("f-group", groups, UNGROUPED if cur.ungrouped else cur.group_id)

    @staticmethod
    def _select(ident: str, options: list[tuple[str, str]], value: str | None) -> Select:
        known = {v for _, v in options}
        return Select(options, prompt=S.F_ALL, id=ident, compact=True,
                      value=value if value in known else Select.NULL)

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def _value(self, ident: str) -> str | None:
        nodes = self.query(f"#{ident}")
        if not nodes:
            return None
        value = nodes.first(Select).value
        return None if value is Select.NULL else str(value)

    def _build(self) -> EmployeeFilter:
        group = self._value("f-group")
        return EmployeeFilter(
            name=self.query_one("#f-name", Input).value.strip(),
            id_number=self.query_one("#f-id", Input).value.strip().upper(),
            unit_number=self._value("f-unit"), agency=self._value("f-agency"),
            type_code=self._value("f-type"), status=self._value("f-status"),
            group_id=None if group in (None, UNGROUPED) else group, ungrouped=group == UNGROUPED)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        self.dismiss(self._build())

    def action_reset(self) -> None:
        self.query_one("#f-name", Input).value = ""
        self.query_one("#f-id", Input).value = ""
        for select in self.query(Select):
            select.clear()

    def action_cancel(self) -> None:
        self.dismiss(None)
