"""待发送队列 (SPEC §1, §12): every outbox item with its state — 待发送, 发送中（待确认）, 已确认,
被拒绝 (the vocabulary's words, as ``sbtui outbox`` prints them) — and the reason of a refusal or
of the last failed attempt. Read-only; F7 sends now."""
from __future__ import annotations

from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import OUTBOX_PENDING, OutboxState
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import shell as S
from sbtui.tui.widgets.column_table import ColumnTable

FILTERS = ("all", "pending", "confirmed", "refused")
STATES_OF = {"all": None, "pending": OUTBOX_PENDING, "confirmed": (OutboxState.CONFIRMED,),
             "refused": (OutboxState.REFUSED,)}


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return stamp


class OutboxScreen(BaseScreen):
    """The outbox of the current employer."""

    SCREEN_ID = "outbox"
    CSS_PATH = "outbox.tcss"
    BINDINGS = [
        keyed("outbox", "filter", "f", "next_filter", S.KEY_FILTER),
        keyed("outbox", "refresh", "r", "refresh", S.KEY_REFRESH),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = "all"

    def compose(self) -> ComposeResult:
        with Vertical(id="outbox-box"):
            table = ColumnTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*S.OUTBOX_COLS)
            yield table
            yield Static(S.OUTBOX_EMPTY, id="outbox-empty")

    def on_mount(self) -> None:
        self._title()
        if hasattr(self.app, "outbox_counts"):
            self.watch(self.app, "outbox_counts", lambda _: self.load(), init=False)
        self.load()

    def _title(self) -> None:
        self.query_one("#outbox-box").border_title = f"{S.OUTBOX_TITLE} · {S.OUTBOX_FILTERS[self.filter]}"

    def action_next_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._title()
        self.load()

    def action_refresh(self) -> None:
        self.load()
        self.host.refresh_outbox()

    @work(thread=True, exclusive=True, group="outbox")
    def load(self) -> None:
        uscc = self.session.uscc
        items = self.employer.outbox_items() if uscc else []
        wanted = STATES_OF[self.filter]
        rows = [(str(i.seq), S.OUTBOX_STATES.get(i.state, i.state), S.OUTBOX_KINDS.get(i.kind, i.kind),
                 i.entity.split(":", 1)[-1], str(i.attempts), _when(i.updated_at), i.last_error or "")
                for i in items if wanted is None or i.state in wanted]
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[tuple[str, ...]]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(rows)
        table.display = bool(rows)
        self.query_one("#outbox-empty").display = not rows
        if rows:
            table.focus()


register_screen(ScreenSpec(
    id="outbox", title=S.OUTBOX_TITLE, menu=(S.MENU_GROUP_UNIT, S.MENU_OUTBOX), order=30,
    help=S.OUTBOX_HELP, factory=lambda app: OutboxScreen()))
