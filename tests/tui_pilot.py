"""Helpers for the TUI pilot tests: run an app keeping what it posted, wait for a condition or for
the app to settle, type text, read the screen and the notifications — through Textual's public
API only (``run_test(message_hook=...)``, ``workers``, ``export_screenshot``).

Import this module as ``tui_pilot`` (not ``tests.tui_pilot``): the messages kept by :func:`run`
live here, and a second copy of the module would not see them.
"""
from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from weakref import WeakKeyDictionary

from rich.cells import cell_len
from textual.app import App
from textual.events import Event
from textual.message import Message
from textual.notifications import Notify
from textual.worker import Worker

from sbtui.tui.app import SbtuiApp
from sbtui.workspace import Workspace

SIZE = (80, 24)
M = TypeVar("M", bound=Message)

_POSTED: WeakKeyDictionary[App, list[Message]] = WeakKeyDictionary()


def make_app(home: Path | None = None, *, remote: str | None = None, employees: int = 200,
             health_interval: float = 0.2, allow_token_file: bool = False) -> SbtuiApp:
    """The app on a small embedded sandbox (or ``remote``)."""
    ws = Workspace(home, remote=remote, allow_token_file=allow_token_file)
    ws.config.sandbox_employees = employees
    return SbtuiApp(ws, health_interval=health_interval)


def run(app: App, size: tuple[int, int] = SIZE):
    """``app.run_test`` at ``size`` (80×24), keeping every message (not the input events) the app
    and its widgets handle, for :func:`posted`, :func:`notes` and :func:`notified`."""
    kept = _POSTED.setdefault(app, [])

    def keep(message: Message) -> None:
        if not isinstance(message, Event):
            kept.append(message)

    return app.run_test(size=size, message_hook=keep)


def posted(app: App, kind: type[M]) -> list[M]:
    """The messages of ``kind`` handled so far by the app run with :func:`run`."""
    if app not in _POSTED:
        raise AssertionError("run the app with tui_pilot.run(app) to see what it posted")
    return [m for m in _POSTED[app] if isinstance(m, kind)]


def notes(app: App) -> list[str]:
    """The messages of every notification posted so far (shown or already gone)."""
    return [str(m.notification.message) for m in posted(app, Notify)]


def notified(app: App, text: str) -> bool:
    """Whether a notification containing ``text`` was posted."""
    return any(text in note for note in notes(app))


async def until(pilot, condition: Callable[[], object], timeout: float = 15.0, step: float = 0.05) -> None:
    """Pause until ``condition()`` is true (or fail after ``timeout`` seconds)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting; screen is {type(pilot.app.screen).__name__}:\n"
                                 + screen_text(pilot.app))
        await pilot.pause(step)


def working(app: App) -> list[Worker]:
    """The workers the app is still busy with: those of the current screen (or of a widget on
    it) and the app's own — not those of the screens below, which wait for the dialog over them
    (``push_screen_wait``), nor the login flow (group ``flow``), which waits for each screen of
    the flow as the user goes through it."""
    screen = app.screen
    return [w for w in app.workers if not w.is_finished
            and ((w.node is app and w.group != "flow") or screen in w.node.ancestors_with_self)]


async def settle(pilot, timeout: float = 15.0) -> None:
    """Wait until the app has nothing left to do (:func:`working` is empty and the messages
    pending are handled), twice, as a worker's result may start another. The way to wait before
    asserting that something did *not* happen."""
    for _ in range(2):
        await until(pilot, lambda: not working(pilot.app), timeout)
        await pilot.pause()


async def on_screen(pilot, name: str, timeout: float = 15.0) -> None:
    await until(pilot, lambda: type(pilot.app.screen).__name__ == name, timeout)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*list(text))


_SVG = "{http://www.w3.org/2000/svg}"
_LINE = re.compile(r"-line-(\d+)\)")


def screen_text(app: App) -> str:
    """The screen as plain text lines, as the terminal shows it now (dialogs over the screen
    below them), read from Textual's SVG screenshot."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for node in ET.fromstring(app.export_screenshot()).iter(_SVG + "text"):
        line = _LINE.search(node.get("clip-path", ""))
        text = (node.text or "").replace("\xa0", " ").rstrip("\n")
        if line is None or not text:
            continue
        y = int(line.group(1))
        x = round(float(node.get("x")) / (float(node.get("textLength")) / len(node.text)))
        for char in text:
            if 0 <= x < width and y < height:
                rows[y][x] = char
                for pad in range(1, cell_len(char)):  # a wide character covers the next cell
                    if x + pad < width:
                        rows[y][x + pad] = ""
            x += cell_len(char)
    return "\n".join("".join(row).rstrip() for row in rows)


def message_of(app, selector: str) -> str:
    """The text of a Static on the current screen."""
    return str(app.screen.query_one(selector).render())
