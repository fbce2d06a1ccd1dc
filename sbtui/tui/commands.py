"""The command palette (Ctrl+P): only what makes sense here — the keyed actions active on the
current screen (its bindings and the app's, as enabled by ``check_action``, under the user's
keymap) and the function-menu screens the current role may open."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sbtui.domain.vocab import Role
from sbtui.tui.registry import REGISTRY
from sbtui.tui.strings import shell as S

SKIP = {"app.palette", "screen.back"}  # not useful as commands


@dataclass(frozen=True)
class Command:
    text: str
    help: str
    run: Callable[[], Any]


def commands_for(screen) -> Iterator[Command]:
    """The palette's commands for ``screen`` (no duplicates, no unkeyed system bindings)."""
    app = screen.app
    seen: set[str] = set()
    opened: set[str] = set()  # screens a keyed action opens already
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id or not binding.description or not active.enabled or binding.id in seen:
            continue
        if binding.id in SKIP:
            continue
        seen.add(binding.id)
        if binding.action.startswith("open_screen("):
            opened.add(binding.action.split("'")[1])
        yield Command(binding.description, app.get_key_display(binding),
                      partial(app.run_action, binding.action, active.node))
    session = getattr(app, "session", None)
    if session is None or not session.logged_in:
        return
    current = getattr(screen, "SCREEN_ID", "")
    for spec in REGISTRY.menu_for(session.role or Role.ADMIN):
        if spec.id == current or spec.id in opened:
            continue
        yield Command(S.PALETTE_OPEN.format(title=spec.title), " › ".join(spec.menu),
                      partial(app.open_screen, spec.id))


class SbtuiCommands(Provider):
    """Actions and screens of the current screen and role."""

    def _commands(self) -> list[Command]:
        return list(commands_for(self.screen))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.text, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = max(matcher.match(command.text), matcher.match(command.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(command.text), command.run, help=command.help)
