"""The status bar every screen carries (SPEC H1, §1, §12): employer name and USCC, the unit number
worked in, 在线/离线, the outbox (待确认 / 已确认 / 被拒绝) and the sync progress.

It reads the app's state and re-renders when the app's reactives change; it does no IO. One line
when the terminal is wide enough, two lines (who / state) when it is not (80 columns).
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from sbtui.domain.vocab import OUTBOX_PENDING, OutboxState
from sbtui.tui.keys import FOOTER_ORDER, default_order
from sbtui.tui.strings import common as C
from sbtui.tui.strings import shell as S

SEP = " │ "


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox as the status bar shows it: pending = queued + sent (待确认, not answered yet)."""

    pending: int = 0
    confirmed: int = 0
    refused: int = 0

    @classmethod
    def from_states(cls, counts: dict[str, int]) -> "OutboxCounts":
        return cls(sum(counts.get(s, 0) for s in OUTBOX_PENDING), counts.get(OutboxState.CONFIRMED, 0),
                   counts.get(OutboxState.REFUSED, 0))


class StatusBar(Widget):
    """Who and where (left), online/outbox/sync (right)."""

    DEFAULT_CSS = """
    StatusBar {
        height: auto;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        for name in ("online", "outbox_counts", "sync_text", "session_rev"):
            if hasattr(self.app, name):
                self.watch(self.app, name, self._changed, init=False)

    def _changed(self, _value: object) -> None:
        self.refresh(layout=True)

    # -- what is shown --------------------------------------------------------------------
    def who(self, width: int | None = None) -> Text:
        """Name, USCC, unit number, user; the name is what gets shortened to fit ``width``."""
        session = getattr(self.app, "session", None)
        if session is None or not session.uscc:
            return Text(S.NOT_LOGGED_IN, style="dim")
        rest = f" {session.uscc}"
        if session.unit_number:
            rest += f"{SEP}{S.UNIT} {session.unit_number}"
        if session.username:
            rest += f"{SEP}{session.username}"
        name = Text(session.employer_name or "", style="bold")
        if width is not None:
            name.truncate(max(width - cell_len(rest), 4), overflow="ellipsis")
        return Text.assemble(name, rest)

    def state(self) -> Text:
        app = self.app
        text = Text()
        online = getattr(app, "online", True)
        text.append(C.ONLINE if online else C.OFFLINE,
                    style="bold green" if online else "bold reverse red")
        counts: OutboxCounts = getattr(app, "outbox_counts", OutboxCounts())
        text.append(SEP)
        text.append(S.OUTBOX.format(pending=counts.pending, confirmed=counts.confirmed,
                                    refused=counts.refused),
                    style="bold red" if counts.refused else "")
        sync = getattr(app, "sync_text", "")
        if sync:
            text.append(f"{SEP}{sync}", style="italic")
        return text

    def _one_line(self, width: int) -> bool:
        return cell_len(self.who().plain) + cell_len(SEP) + cell_len(self.state().plain) <= width

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 if self._one_line(width) else 2

    def render(self) -> Text:
        width = max(self.content_region.width, 1)
        who, state = self.who(), self.state()
        if self._one_line(width):
            gap = width - cell_len(who.plain) - cell_len(state.plain)
            return Text.assemble(who, " " * max(gap, 1), state)
        who = self.who(width)
        who.truncate(width, overflow="ellipsis")
        state.truncate(width, overflow="ellipsis")
        return Text("\n").join([who, state])


class KeyFooter(Footer):
    """The footer of every screen (issue 15 item 2): the keys in :data:`FOOTER_ORDER` (a
    screen's most used keys first, Esc then F2 菜单 and F1 帮助 last, ``^p 命令面板`` after
    them), and a key that does not fit whole at the right edge is not shown at all (no
    ``▏^p 命`` cut) — F1 lists every key."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        seen: set[str] = set()
        shown = []
        for key, (_node, binding, enabled, tooltip) in active.items():
            if not binding.show or binding.action in seen or key == palette_key:
                continue
            seen.add(binding.action)
            shown.append((binding, enabled, tooltip))
        shown.sort(key=lambda item: FOOTER_ORDER.get(item[0].id or "", default_order(item[0].key)))
        self.styles.grid_size_columns = len(shown)
        for binding, enabled, tooltip in shown:
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, disabled=not enabled,
                            tooltip=tooltip).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette_key in active:
            _node, binding, enabled, tooltip = active[palette_key]
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, classes="-command-palette", disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide every key from the first one that would not fit whole (measured from what each
        key draws, so it holds before the keys are laid out)."""
        room = self.content_region.width
        if not room:
            return
        used, cut = 0, False
        for key in self.query(FooterKey):
            used += (cell_len(key.render().plain) + key.styles.gutter.width
                     + key.styles.margin.width)
            cut = cut or used > room
            key.display = not cut


class BottomBar(Vertical):
    """The status bar above the footer, docked at the bottom of every screen."""

    DEFAULT_CSS = """
    BottomBar {
        dock: bottom;
        height: auto;
    }
    BottomBar > Footer {
        dock: none;
    }
    BottomBar > Footer > FooterKey.-command-palette {
        dock: none;
    }
    """  # ``^p 命令面板`` is the last key, not docked over the others: at 80 columns a long footer
    # was drawn under it (``^p   令面板``, issue 15 item 7); keys cut off are in F1

    def __init__(self, footer: Footer | None = None) -> None:
        super().__init__()
        self.footer = KeyFooter()  # the one footer rule, whatever the screen composed

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield self.footer
