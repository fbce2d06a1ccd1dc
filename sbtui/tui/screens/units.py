"""单位参保信息查询 (SPEC E8; manual 000 §2.1, 001 §2.5.1): per unit number the agency, tax
authority, payer type, insured types and status. Read-only: 「更新」 (u) fetches what the tax
side holds now, 「导出」 (x) writes the shown rows to xlsx; the unit number and agency
choices at the top narrow the list.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Select, Static

from sbtui.domain.catalogue import catalogue
from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.registry import default_path, filter_units
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.strings import employees as S
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.widgets.filter_select import FilterSelect


def type_names(codes: list[str]) -> str:
    types = catalogue().types
    return "、".join(types[c].name if c in types else c for c in codes)


class UnitsScreen(ExportMixin, BaseScreen):
    SCREEN_ID = "units"
    CSS_PATH = "units.tcss"
    LIST = "#units-table"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("units", "update", "u", "update", S.U_KEY_UPDATE),
        keyed("units", "export", "x", "export", S.KEY_EXPORT),
        keyed("units", "filter", "f", "filter", S.U_KEY_FILTER),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.regs: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="units-body") as body:
            body.border_title = f" {S.TITLE_UNITS} "
            with Horizontal(id="units-query"):
                yield FilterSelect([], label=S.F_UNIT, everything=S.U_ALL, id="units-unit", compact=True)
                yield FilterSelect([], label=S.F_AGENCY, everything=S.U_ALL, id="units-agency", compact=True)
            table: DataTable = ColumnTable(id="units-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.U_COLUMNS)
            yield table
            yield Static("", id="units-detail")
            yield Static("", id="units-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(exclusive=True, group="units-load")
    async def load(self) -> None:
        self._fill(await self.host.run_in_thread(self.employer.registry.registrations))

    def _fill(self, regs: list[dict[str, Any]]) -> None:
        self.regs = regs
        unit, agency = self.query_one("#units-unit", Select), self.query_one("#units-agency", Select)
        keep_unit, keep_agency = unit.value, agency.value
        unit.set_options([(r["unit_number"], r["unit_number"]) for r in regs])
        agency.set_options([(a, a) for a in sorted({r["agency"] for r in regs})])
        if keep_unit in {r["unit_number"] for r in regs}:
            unit.value = keep_unit
        if keep_agency in {r["agency"] for r in regs}:
            agency.value = keep_agency
        self._show()

    def _chosen(self) -> tuple[str | None, str | None]:
        values = [self.query_one(f"#units-{w}", Select).value for w in ("unit", "agency")]
        return tuple(None if v is Select.NULL else str(v) for v in values)  # type: ignore[return-value]

    def _show(self) -> None:
        unit, agency = self._chosen()
        table = self.query_one(DataTable)
        table.clear()
        rows = filter_units(self.regs, unit_number=unit, agency=agency)
        self.shown = rows
        for r in rows:
            table.add_row(r["unit_number"], r["agency"], catalogue().agency_systems.get(r["agency_system"], r["agency_system"]),
                          r["tax_authority"], r["payer_type"], type_names(r["insurance_types"]), r["status"])
        empty = self.query_one("#units-empty", Static)
        empty.update(S.U_EMPTY if not self.regs else "")
        empty.display = not self.regs

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole row below the table (the long columns do not fit 80 columns)."""
        detail = self.query_one("#units-detail", Static)
        if not 0 <= event.cursor_row < len(self.shown):
            detail.update("")
            return
        r = self.shown[event.cursor_row]
        cols = S.U_COLUMNS
        detail.update(f"{cols[1]}：{r['agency']}\n{cols[3]}：{r['tax_authority']}    {cols[4]}：{r['payer_type']}"
                      f"    {cols[6]}：{r['status']}\n{cols[5]}：{type_names(r['insurance_types'])}")

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        self._show()

    def action_filter(self) -> None:
        self.query_one("#units-unit", Select).focus()

    @work(exclusive=True, group="units-update")
    async def action_update(self) -> None:
        try:
            await self.host.service_ready()
            regs = await self.employer.registry.update_registrations()
        except OfflineError:
            self.host.note_offline()
            self.notify(S.UPDATE_OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.UPDATE_FAILED.format(error=exc.message), severity="error")
            return
        self._fill(regs)
        self.notify(S.U_UPDATED.format(n=len(regs)))

    def action_export(self) -> None:
        registry = self.employer.registry
        unit, agency = self._chosen()
        n = len(filter_units(self.regs, unit_number=unit, agency=agency))
        self.ask_and_write(S.U_EXPORT_PROMPT.format(n=n),
                           default_path(S.STEM_UNITS),
                           lambda path, progress: registry.export_units(path, unit_number=unit, agency=agency))


register_screen(ScreenSpec(id="units", title=S.TITLE_UNITS, menu=(S.MENU_QUERY, S.TITLE_UNITS),
                           roles=STAFF, order=10, help=S.HELP_UNITS,
                           factory=lambda app: UnitsScreen()))
