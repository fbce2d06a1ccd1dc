"""职工缴费工资查询 (SPEC W13; manual 000 §5.3): one row per employee × insurance type × wage
period (缴费基数, 有效期起/止, 人员编号, 单位编号, 社保经办机构) on the virtual grid, with query
conditions (f: name, ID number, type, unit number, group, a month) and export (x).

The rows are built from the local registry in a worker as a TEMP table of the grid's own
connection (:class:`~sbtui.services.grid.WageQueryGrid`, from ``employer.wages.query_grid``):
nothing is added to the store's file.
"""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from sbtui.domain.catalogue import catalogue
from sbtui.domain.vocab import STAFF
from sbtui.services.grid import WageQueryGrid
from sbtui.services.registry import EmployeeFilter, default_path
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.screens.grid_conn import GridConnection
from sbtui.tui.strings import wages as S
from sbtui.widgets.grid import Grid
from sbtui.widgets.grid_source import Column, GridSource


def query_columns(group_paths: dict[str, str]) -> list[Column]:
    types = catalogue().types
    labels = S.Q_COLUMNS
    return [
        Column("name", labels[0], 8),
        Column("id_number", labels[1], 18),
        Column("group_id", labels[2], 12, format=lambda g: group_paths.get(g, "") if g else ""),
        Column("type", labels[3], 24, format=lambda c: types[c].name if c in types else str(c or "")),
        Column("wage", labels[4], 12, align="right"),
        Column("period_from", labels[5], 8),
        Column("period_to", labels[6], 8),
        Column("person_number", labels[7], 15),
        Column("unit_number", labels[8], 15),
        Column("agency", labels[9], 44),
    ]


class WageQueryScreen(ExportMixin, GridConnection[WageQueryGrid], BaseScreen):
    SCREEN_ID = "wages.query"
    CSS_PATH = "wages_query.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("wages.query", "filter", "f", "filter", "查询条件"),
        keyed("wages.query", "export", "x", "export", S.KEY_EXPORT),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grid: Grid | None = None
        self.group_paths: dict[str, str] = {}
        self.user_filter = EmployeeFilter()
        self.month: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="query-body") as body:
            body.border_title = f" {S.TITLE_QUERY} "
            yield Static(S.Q_LOADING, id="query-count")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="query-load")
    async def load(self) -> None:
        wages = self.employer.wages
        reader = self.keep_grid_connection(lambda: wages.query_grid(threads=True))
        registry = self.employer.registry
        total, paths = await self.host.run_in_thread(lambda: (reader.build(), registry.group_paths()))
        self.group_paths.update(paths)
        source = GridSource(reader.conn, reader.table, query_columns(self.group_paths), key="rowid")
        self.grid = Grid(source, frozen=2, id="query-grid")
        await self.query_one("#query-body").mount(self.grid)
        self.grid.focus()
        self._show_count()
        self.host.screen_ready(self)

    def _show_count(self) -> None:
        n = len(self.grid.source) if self.grid is not None else 0
        words = self.user_filter.describe(self.group_paths) + ([f"{self.month} 月"] if self.month else [])
        text = S.Q_COUNT.format(n=n) + (" · " + " · ".join(words) if words else "")
        self.query_one("#query-count", Static).update(text)

    @work(exclusive=True, group="query-filter")
    async def action_filter(self) -> None:
        from sbtui.tui.dialogs.prompt import PromptDialog
        from sbtui.tui.screens.employees_filter import FilterDialog

        if self.grid is None:
            return
        wages = self.employer.wages
        registry = self.employer.registry
        regs, groups = await self.host.run_in_thread(lambda: (registry.registrations(), registry.groups()))
        flt = await self.app.push_screen_wait(FilterDialog(regs, groups, self.user_filter, view="stopped"))
        if flt is None:
            return
        month = await self.app.push_screen_wait(PromptDialog(
            "所属月份（YYYY-MM，留空为全部）：", title="查询条件", value=self.month or "",
            check=lambda t: None if len(t) == 7 and t[4] == "-" else "生效年月格式应为YYYY-MM"))
        self.user_filter, self.month = flt, month
        where, params = await self.host.run_in_thread(lambda: wages.query_where(
            name=flt.name, id_number=flt.id_number, type_code=flt.type_code, unit_number=flt.unit_number,
            group_id=flt.group_id, month=month))
        self.grid.set_filter(where, tuple(params))
        self._show_count()

    def action_export(self) -> None:
        grid = self.grid
        if grid is None:
            return
        source, wages = grid.source, self.employer.wages

        def job(path: str, progress) -> int:
            return wages.export_query(path, where=source.where, params=source.params, total=len(source),
                                      progress=progress)

        self.ask_and_write(S.Q_EXPORT_PROMPT.format(n=len(source)), default_path(S.STEM_QUERY), job)


register_screen(ScreenSpec(id="wages.query", title=S.TITLE_QUERY, menu=(S.MENU_QUERY, S.TITLE_QUERY),
                           roles=STAFF, order=20, help=S.HELP_QUERY,
                           factory=lambda app: WageQueryScreen()))
