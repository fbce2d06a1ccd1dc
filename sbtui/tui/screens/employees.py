"""职工参保信息管理 (SPEC E1–E7; manual 000 §2.2): every employee of the local store on one
virtual grid, with the query conditions (f), detail (Enter), group assignment (g), full and
incremental update (U / u) and export (x). 本月更新数据 and 停止缴费职工清单 are the same
screen with a fixed condition (``view``).

The grid reads the store's file on a connection of its own, which the registry service hands
out (the UI thread's; pages of visible rows only); every write goes through the service layer
(``self.employer.registry``) in a worker, then the grid re-queries.
"""
from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from sbtui.domain.vocab import STAFF
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.services.registry import EmployeeFilter, RegistryService, default_path, view_filter
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.grid_conn import GridConnection
from sbtui.tui.screens.employees_columns import FROZEN, employee_columns
from sbtui.tui.screens.employees_export import ExportMixin
from sbtui.tui.strings import employees as S
from sbtui.widgets.grid import Grid
from sbtui.widgets.grid_source import GridSource

TITLES = {"all": S.TITLE, "month": S.TITLE_MONTH, "stopped": S.TITLE_STOPPED}
STEMS = {"all": S.STEM_LIST, "month": S.STEM_MONTH, "stopped": S.STEM_STOPPED}
SCREEN_IDS = {"all": "employees", "month": "employees.month", "stopped": "employees.stopped"}


class EmployeesScreen(ExportMixin, GridConnection, BaseScreen):
    """The employee list of one view ("all", "month", "stopped")."""

    CSS_PATH = "employees.tcss"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("employees", "filter", "f", "filter", S.KEY_FILTER),
        keyed("employees", "clear_filter", "c", "clear_filter", S.KEY_CLEAR_FILTER, show=False),
        keyed("employees", "detail", "enter", "detail", S.KEY_DETAIL),
        keyed("employees", "group", "g", "group", S.KEY_GROUP),
        keyed("employees", "update", "u", "update(False)", S.KEY_UPDATE),
        keyed("employees", "full_update", "U", "update(True)", S.KEY_FULL_UPDATE, show=False),
        keyed("employees", "export", "x", "export", S.KEY_EXPORT),
        keyed("employees", "month", "m", "open_view('month')", S.KEY_MONTH, show=False),
        keyed("employees", "stopped", "t", "open_view('stopped')", S.KEY_STOPPED, show=False),
        keyed("employees", "groups", "G", "app.open_screen('groups')", S.KEY_GROUPS, show=False),
    ]

    def __init__(self, view: str = "all", flt: EmployeeFilter | None = None) -> None:
        super().__init__()
        self.view = view
        self.SCREEN_ID = SCREEN_IDS[view]
        self.user_filter = flt or EmployeeFilter()
        self.group_paths: dict[str, str] = {}
        self.grid: Grid | None = None

    @property
    def filter(self) -> EmployeeFilter:
        return view_filter(self.view, self.user_filter)

    def compose(self) -> ComposeResult:
        with Vertical(id="employees-body") as body:
            body.border_title = f" {TITLES[self.view]} "
            yield Static("", id="employees-counts")
            yield Static("", id="employees-filter")
            yield Static("", id="employees-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # -- loading ----------------------------------------------------------------------------
    @work(exclusive=True, group="employees-load")
    async def load(self) -> None:
        registry = self.employer.registry
        types, paths, counts, where = await self.host.run_in_thread(self._read_meta, registry)
        self.group_paths.clear()
        self.group_paths.update(paths)
        self._show_counts(counts)
        if self.grid is None:
            conn = self.keep_grid_connection(registry.grid).conn
            columns = employee_columns(types, self.group_paths, changed_since=self.filter.changed_since)
            source = GridSource(conn, "employees", columns, key="rowid", where=where[0],
                                params=where[1], eager=False)
            self.grid = Grid(source, frozen=FROZEN, background=True, id="employees-grid")
            await self.query_one("#employees-body").mount(self.grid, before="#employees-empty")
            self.grid.focus()
        else:
            self.grid.set_filter(*where)
        self._show_filter()
        self._show_empty(counts, len(self.grid.source))
        self.host.screen_ready(self)

    def _read_meta(self, registry: RegistryService) -> tuple:
        where, params = registry.where(self.filter)
        return (registry.registered_types(), registry.group_paths(), registry.status_counts(),
                (where, tuple(params)))

    def _show_counts(self, counts: dict[str, int]) -> None:
        self.query_one("#employees-counts", Static).update(S.COUNTS.format(**counts))

    def _show_filter(self) -> None:
        words = self.user_filter.describe(self.group_paths)
        text = S.FILTERED.format(conditions=" · ".join(words)) if words else S.NO_FILTER
        self.query_one("#employees-filter", Static).update(text)

    def _show_empty(self, counts: dict[str, int], shown: int) -> None:
        """Say why the list is empty (``shown``: rows read so far; 0 means none match)."""
        empty = self.query_one("#employees-empty", Static)
        if counts["total"] == 0:
            empty.update(S.EMPTY)
        elif shown == 0:
            empty.update(S.EMPTY_FILTERED)
        empty.display = counts["total"] == 0 or shown == 0

    def reload(self) -> None:
        """After a write (group, update): fresh counts, group names and rows."""
        if self.grid is not None:
            self.grid.clear_cache()
        self.load()

    # -- query conditions (SPEC E2) ------------------------------------------------------------
    @work(exclusive=True, group="employees-filter")
    async def action_filter(self) -> None:
        from sbtui.tui.screens.employees_filter import FilterDialog

        registry = self.employer.registry
        regs, groups = await self.host.run_in_thread(lambda: (registry.registrations(), registry.groups()))
        flt = await self.app.push_screen_wait(FilterDialog(regs, groups, self.user_filter, view=self.view))
        if flt is not None:
            self.user_filter = flt
            self.load()

    def action_clear_filter(self) -> None:
        if self.user_filter.active:
            self.user_filter = EmployeeFilter()
            self.load()

    def action_open_view(self, view: str) -> None:
        if view != self.view:
            self.app.push_screen(EmployeesScreen(view))

    # -- detail (SPEC E3) ---------------------------------------------------------------------
    def action_detail(self) -> None:
        if self.grid is None or self.grid.cursor_row_id is None:
            return
        self._open_detail(self.grid.cursor_row_id)

    @work(exclusive=True, group="employees-detail")
    async def _open_detail(self, rowid: int) -> None:
        from sbtui.tui.screens.employee_detail import EmployeeDetail

        row = await self.host.run_in_thread(self.employer.registry.employee_at, rowid)
        if row is not None:
            self.app.push_screen(EmployeeDetail(row, self.group_paths))

    # -- groups (SPEC E4: 单个职工分组, and the ticked ones) ------------------------------------
    def action_group(self) -> None:
        grid = self.grid
        if grid is None or grid.cursor_row_id is None:
            return
        ticked = list(grid.ticked)
        rowids = ticked or [grid.cursor_row_id]
        self._choose_group(rowids, hidden=(grid.ticks_hidden or 0) if ticked else 0)

    @work(exclusive=True, group="employees-group")
    async def _choose_group(self, rowids: list[int], hidden: int) -> None:
        from sbtui.tui.screens.group_pick import GroupPick

        if hidden and not await self.app.push_screen_wait(
                ConfirmDialog(S.CONFIRM_ASSIGN_HIDDEN.format(n=len(rowids), hidden=hidden), title=S.PICK_TITLE)):
            return
        registry = self.employer.registry
        groups = await self.host.run_in_thread(registry.groups)
        name = None
        if len(rowids) == 1:
            row = await self.host.run_in_thread(registry.employee_at, rowids[0])
            name = row["name"] if row else ""
        choice = await self.app.push_screen_wait(GroupPick(groups, count=len(rowids), name=name))
        if choice is None:
            return
        group_id = choice or None  # "" = 不分组
        try:
            n = await self.host.run_in_thread(registry.assign_rows, rowids, group_id)
        except (KeyError, ValueError) as exc:
            self.notify(S.ASSIGN_FAILED.format(error=exc), severity="error")
            return
        sending = self.host.send_queued()
        self.notify((S.ASSIGNED_SENDING if sending else S.ASSIGNED).format(n=n))
        if self.grid is not None:
            self.grid.action_clear_ticks()
        self.reload()

    # -- update (SPEC E6) ---------------------------------------------------------------------
    def action_update(self, full: bool) -> None:
        if self.session.offline or not self.host.online:
            self.notify(S.UPDATE_OFFLINE, severity="warning")
            return
        if full:
            def answered(yes: bool | None) -> None:
                if yes:
                    self._update(True)
            self.app.push_screen(ConfirmDialog(S.CONFIRM_FULL, title=S.KEY_FULL_UPDATE), answered)
        else:
            self._update(False)

    @work(exclusive=True, group="employees-update")
    async def _update(self, full: bool) -> None:
        app: Any = self.app
        self.notify(S.UPDATING_FULL if full else S.UPDATING)

        def progress(event) -> None:
            total = f"/{event.total}" if event.total else ""
            app.sync_text = f"{S.KIND_FULL if full else S.KIND_INCREMENTAL} {event.done}{total}"

        try:
            result = await self.ws.sync(self.session.uscc, full=full, progress=progress)
        except OfflineError:
            app.note_offline()
            self.notify(S.UPDATE_OFFLINE, severity="warning")
            return
        except ServiceError as exc:
            self.notify(S.UPDATE_FAILED.format(error=exc.message), severity="error")
            return
        finally:
            app.sync_text = ""
        app.after_sync(result, quiet=True)
        if result.offline:
            return
        message = S.UPDATED.format(kind=S.KIND_FULL if full else S.KIND_INCREMENTAL,
                                   added=result.added, changed=result.changed,
                                   stopped=result.stopped, total=result.total)
        self.reload()
        if (result.added or result.changed or result.stopped) and self.view != "month":
            # manual 002 §2: "更新成功后 … 可以点击'是'查看更新数据明细"
            if await app.push_screen_wait(ConfirmDialog(S.UPDATE_SHOW_MONTH.format(message=message),
                                                        title=S.KIND_FULL if full else S.KIND_INCREMENTAL,
                                                        cancelled="")):
                app.push_screen(EmployeesScreen("month"))
        else:
            self.notify(message, timeout=10)

    # -- export (SPEC E7) ---------------------------------------------------------------------
    def action_export(self) -> None:
        grid = self.grid
        if grid is None:
            return
        ticked = list(grid.ticked)
        count = len(ticked) or len(grid.source)
        message = (S.EXPORT_TICKED if ticked else S.EXPORT_PROMPT).format(n=count)
        flt, order = self.filter, grid.source.order_by
        registry = self.employer.registry

        def job(path: str, progress) -> int:
            return registry.export_employees(path, flt, order_by=order, rowids=ticked or None,
                                             progress=progress, title=TITLES[self.view])

        self.ask_and_write(message, default_path(STEMS[self.view]), job)


def _spec(view: str, order: int, help_text: str) -> ScreenSpec:
    return ScreenSpec(id=SCREEN_IDS[view], title=TITLES[view], menu=(S.MENU_GROUP, TITLES[view]),
                      roles=STAFF, order=order, help=help_text,
                      factory=lambda app: EmployeesScreen(view))


register_screen(_spec("all", 10, S.HELP))
register_screen(_spec("month", 30, S.HELP_MONTH + "\n" + S.HELP))
register_screen(_spec("stopped", 40, S.HELP_STOPPED + "\n" + S.HELP))
