"""L6 选择登记信息 / 切换单位 (manual 000 §1.3.2, §1.4 ②): the employer's registrations (unit
number, agency, type); the chosen one becomes ``session.unit_number``. After login the same
screen is 「切换单位」 (F4), without logging out."""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sbtui.domain.catalogue import catalogue
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S
from sbtui.tui.strings import shell as SH
from sbtui.tui.widgets.column_table import ColumnTable
from sbtui.tui.wrap import Prose

ENTERPRISE = "enterprise"  # the agency system of 企业职工 insurance (catalogue agency_systems)


class ChooseUnitScreen(BaseScreen):
    """Pick a registration. In the login flow: dismiss with the unit number (None: cancel).
    As 切换单位 (``switch=True``): apply it to the session and go back."""

    SCREEN_ID = "switch_unit"
    TITLE = S.CHOOSE_TITLE
    HELP = S.CHOOSE_HELP
    CSS_PATH = ["steps.tcss", "choose_unit.tcss"]
    BINDINGS = [
        keyed("switch_unit", "ok", "enter", "choose", S.KEY_OK),
        keyed("switch_unit", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, units: list[dict[str, Any]] | None = None, *, current: str | None = None,
                 switch: bool = False) -> None:
        super().__init__()
        self.units = units or []
        self.current = current
        self.switch = switch

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box", classes="step-box") as box:
            box.border_title = SH.MENU_SWITCH_UNIT if self.switch else S.CHOOSE_TITLE
            box.border_subtitle = S.HINT_OK
            if self.switch:
                yield Static(S.CHOOSE_TITLE, classes="step-lead")
            table = ColumnTable(id="units", cursor_type="row", zebra_stripes=True)
            table.add_columns(S.COL_UNIT, S.COL_SYSTEM, S.COL_AGENCY)
            yield table
            yield Static("", id="unit-start", classes="step-hint")
            yield Static("", id="unit-detail")

    def on_mount(self) -> None:
        if self.switch:
            self.current = self.session.unit_number
            self.load()
        else:
            self.show()

    def go_back(self) -> None:
        if self.switch:
            self.app.pop_screen()
        else:
            self.dismiss(None)

    @work(thread=True, group="units")
    def load(self) -> None:
        units = self.employer.registry.registrations()
        catalogue()  # read the data file here, not on the UI loop
        self.app.call_from_thread(self._loaded, units)

    def _loaded(self, units: list[dict[str, Any]]) -> None:
        self.units = units
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for u in self.units:
            mark = f"{S.CURRENT_UNIT_MARK} " if u["unit_number"] == self.current else "  "
            table.add_row(mark + u["unit_number"], catalogue().agency_systems.get(u["agency_system"], u["agency_system"]),
                          u["agency"])
        index, hint = self.start()
        self.query_one("#unit-start", Static).update(Prose(hint))
        if self.units:
            table.move_cursor(row=index)
        table.focus()
        self._detail(index)

    def start(self) -> tuple[int, str]:
        """Where the cursor starts, and the words that say why: the unit in use (切换单位) or
        last used, else the enterprise insurance unit (企业险), where 职工社保费 is declared —
        not the first row, a 医保 unit (issue 15 item 9)."""
        numbers = [u["unit_number"] for u in self.units]
        if self.current in numbers:
            said = S.CHOOSE_START_CURRENT if self.switch else S.CHOOSE_START_LAST
            return numbers.index(self.current), said.format(unit=self.current)
        for i, u in enumerate(self.units):
            if u.get("agency_system") == ENTERPRISE:
                return i, S.CHOOSE_START_ENTERPRISE.format(unit=u["unit_number"])
        return 0, ""

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if not self.units:
            return
        u = self.units[min(max(index, 0), len(self.units) - 1)]
        known = catalogue().types
        types = "、".join(known[c].label if c in known else c for c in u["insurance_types"])
        self.query_one("#unit-detail", Static).update(
            f"{S.COL_AGENCY}：{u['agency']}\n{S.COL_TYPES}：{types}\n{S.REGINFO_AUTHORITY}：{u['tax_authority']}")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        if not self.units:
            return
        row = self.query_one(DataTable).cursor_row or 0
        unit = self.units[min(row, len(self.units) - 1)]["unit_number"]
        if self.switch:
            self.app.switch_unit(unit)  # type: ignore[attr-defined]
            self.app.pop_screen()
        else:
            self.dismiss(unit)


register_screen(ScreenSpec(
    id="switch_unit", title=SH.MENU_SWITCH_UNIT, menu=(SH.MENU_GROUP_UNIT, SH.MENU_SWITCH_UNIT), order=10,
    help=S.CHOOSE_HELP, factory=lambda app: ChooseUnitScreen(switch=True)))
