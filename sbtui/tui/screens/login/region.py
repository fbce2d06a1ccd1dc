"""L1 地区选择 (manual 000 §1.3.1): the first start chooses the region (province), confirmed with
"您确定选择【X】进入系统吗？"; saved to ``config.region``."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import common as C
from sbtui.tui.strings import login as S


class RegionScreen(BaseScreen):
    """Choose the region, then 立即进入."""

    SCREEN_ID = "region"
    TITLE = S.REGION_TITLE
    HELP = S.REGION_HELP
    CSS_PATH = "region.tcss"
    BINDINGS = [keyed("region", "enter", "enter", "enter", S.REGION_ENTER)]

    def compose(self) -> ComposeResult:
        with Vertical(id="region-box") as box:
            box.border_title = C.APP_TITLE
            box.border_subtitle = S.REGION_HINT
            yield Static(S.REGION_TITLE, id="region-title")
            yield Label(S.REGION_LABEL)
            yield OptionList(id="region-list")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, group="region")
    def load(self) -> None:
        from sbtui.domain.region import list_regions

        regions = [(r.id, r.name) for r in list_regions()]
        self.app.call_from_thread(self._show, regions)

    def _show(self, regions: list[tuple[str, str]]) -> None:
        options = self.query_one(OptionList)
        options.add_options([Option(name, id=rid) for rid, name in regions])
        options.highlighted = 0
        options.focus()
        self.host.screen_ready(self)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_enter()

    def action_enter(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        name = str(option.prompt)

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.choose_region(option.id)  # type: ignore[attr-defined]

        self.app.push_screen(ConfirmDialog(S.REGION_CONFIRM.format(name=name)), answered)
