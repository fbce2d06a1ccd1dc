"""职工详细参保信息 (SPEC E3; manual 000 §2.2.1): one employee's registrations per unit number
(agency, person number, insured types) and contribution wages per type and period. Read-only.
"""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui.domain.catalogue import catalogue
from sbtui.domain.models import OPEN_END
from sbtui.tui.keys import keyed
from sbtui.tui.strings import employees as S
from sbtui.tui.widgets.column_table import ColumnTable


def _type_name(code: str) -> str:
    t = catalogue().types.get(code)
    return f"{code} {t.name}" if t else code


class EmployeeDetail(ModalScreen[None]):
    CSS_PATH = "employee_detail.tcss"
    BINDINGS = [keyed("employees.detail", "close", "escape,enter", "close", S.D_CLOSE)]

    def __init__(self, row: dict[str, Any], group_paths: dict[str, str]) -> None:
        super().__init__()
        self.row = row
        self.group_paths = group_paths

    def compose(self) -> ComposeResult:
        r = self.row
        id_type = f"{r['id_type']} {S.ID_TYPES.get(r['id_type'], '')}".strip()
        group = self.group_paths.get(r.get("group_id") or "", "") or "—"
        lines = [
            f"{S.D_NAME}：{r['name']}    {S.D_ID}：{id_type} {r['id_number']}",
            f"{S.D_STATUS}：{S.STATUS.get(r['status'], r['status'])}    {S.D_GROUP}：{group}",
            f"{S.D_ADDED}：{r.get('added_on') or '—'}    {S.D_CHANGED}：{r.get('changed_on') or '—'}",
        ]
        if r.get("pending"):
            lines.append(S.D_PENDING)
        with VerticalScroll(id="detail-box") as box:
            box.border_title = S.DETAIL_TITLE
            box.border_subtitle = "Enter/Esc " + S.D_CLOSE
            yield Static("\n".join(lines), id="detail-head")
            yield Static(S.D_REGS, classes="detail-caption")
            # as lines, not a table: agency names are long and 80 columns are few
            regs = []
            for reg in r.get("registrations", []):
                regs.append(f"{S.D_REG_COLUMNS[0]} {reg['unit_number']}    "
                            f"{S.D_REG_COLUMNS[2]} {reg['person_number']}\n"
                            f"  {reg['agency']}\n"
                            f"  {'、'.join(_type_name(c) for c in reg['insurance_types'])}")
            yield Static("\n".join(regs) or "—", id="detail-regs")
            yield Static(S.D_WAGES, classes="detail-caption")
            wages = r.get("wages", [])
            if wages:
                table: DataTable = ColumnTable(id="detail-wages", cursor_type="row", show_cursor=False)
                table.add_columns(*S.D_WAGE_COLUMNS)
                for w in sorted(wages, key=lambda w: (w["type"], w["period_from"])):
                    end = w.get("period_to") or OPEN_END
                    table.add_row(_type_name(w["type"]), str(w["wage"]), w["period_from"],
                                  S.D_OPEN_END if end == OPEN_END else end)
                yield table
            else:
                yield Static(S.D_NO_WAGES)

    def on_mount(self) -> None:
        self.query_one("#detail-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
