"""Helpers for the TUI pilot tests: wait for a condition, type text, read the screen as text."""
from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from sbtui.tui.app import SbtuiApp
from sbtui.workspace import Workspace

SIZE = (80, 24)


def make_app(home: Path | None = None, *, remote: str | None = None, employees: int = 200,
             health_interval: float = 0.2, allow_token_file: bool = False) -> SbtuiApp:
    """The app on a small embedded sandbox (or ``remote``)."""
    ws = Workspace(home, remote=remote, allow_token_file=allow_token_file)
    ws.config.sandbox_employees = employees
    return SbtuiApp(ws, health_interval=health_interval)


async def until(pilot, condition, timeout: float = 15.0, step: float = 0.05) -> None:
    """Pause until ``condition()`` is true (or fail after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting; screen is {type(pilot.app.screen).__name__}:\n"
                                 + screen_text(pilot.app))
        await pilot.pause(step)


async def on_screen(pilot, name: str, timeout: float = 15.0) -> None:
    await until(pilot, lambda: type(pilot.app.screen).__name__ == name, timeout)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*list(text))


def screen_text(app) -> str:
    """The current screen as plain text (what a user sees)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notified(app, text: str) -> bool:
    """Whether a notification containing ``text`` is showing."""
    return any(text in n.message for n in app._notifications)


def message_of(app, selector: str) -> str:
    """The text of a Static on the current screen."""
    return str(app.screen.query_one(selector).render())
