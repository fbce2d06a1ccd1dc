"""Writing and reading xlsx files from a screen (SPEC E4, E7): ask for the file name, run the
work in a worker thread behind a progress bar (Esc cancels), then say what happened. Imports
show every bad cell by row and column (the good rows were loaded).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work

from sbtui.tui.dialogs.import_result import ImportResult
from sbtui.tui.dialogs.progress import Cancelled, Progressing
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.save_paths import remember, suggest
from sbtui.tui.strings import employees as S

WriteJob = Callable[[str, Callable[[int, int], None]], int]
ReadJob = Callable[[str, Callable[[int, int], None]], Any]


def _xlsx_path(text: str) -> str:
    return str(Path(text).expanduser())


def check_writable(text: str) -> str | None:
    path = Path(text).expanduser()
    if path.suffix.lower() != ".xlsx":
        return S.P_NOT_XLSX
    if not path.parent.exists():
        return S.P_NOT_FOUND.format(path=path.parent)
    return None


def check_readable(text: str) -> str | None:
    path = Path(text).expanduser()
    if not path.is_file():
        return S.P_NOT_FOUND.format(path=path)
    if path.suffix.lower() != ".xlsx":
        return S.P_NOT_XLSX
    return None


class ExportMixin:
    """For a screen: :meth:`ask_and_write` and :meth:`ask_and_read`."""

    def ask_and_write(self, message: str, default: str, job: WriteJob, *,
                      title: str = S.EXPORT_TITLE, done: str = S.EXPORTED) -> None:
        self._write_flow(message, default, job, title, done)

    @work(exclusive=True, group="xlsx")
    async def _write_flow(self, message: str, default: str, job: WriteJob, title: str, done: str) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        path = await app.push_screen_wait(PromptDialog(message, title=title, value=suggest(app, default),
                                                       check=check_writable))
        if path is None:
            return
        path = _xlsx_path(path)
        remember(app, path)
        progress = Progressing(S.EXPORTING, title=title)
        await app.push_screen(progress)
        try:
            n = await app.run_in_thread(job, path, progress.report)
        except Cancelled:
            app.notify(S.CANCELLED, severity="warning")
            return
        except Exception as exc:  # noqa: BLE001 - the file system's reason is the message
            app.notify(S.EXPORT_FAILED.format(error=exc), severity="error", timeout=10)
            return
        finally:
            progress.dismiss()
        app.notify(done.format(n=n, path=path), timeout=10)

    def ask_and_read(self, message: str, default: str, job: ReadJob, summary: Callable[[Any], str],
                     *, title: str, after: Callable[[], None] | None = None) -> None:
        self._read_flow(message, default, job, summary, title, after)

    @work(exclusive=True, group="xlsx")
    async def _read_flow(self, message: str, default: str, job: ReadJob, summary: Callable[[Any], str],
                         title: str, after: Callable[[], None] | None) -> None:
        from sbtui.xlsx.common import XlsxError

        app: Any = self.app  # type: ignore[attr-defined]
        path = await app.push_screen_wait(PromptDialog(message, title=title, value=suggest(app, default),
                                                       check=check_readable))
        if path is None:
            return
        remember(app, path)
        progress = Progressing(S.IMPORTING, title=title)
        await app.push_screen(progress)
        try:
            outcome = await app.run_in_thread(job, _xlsx_path(path), progress.report)
        except Cancelled:
            app.notify(S.CANCELLED, severity="warning")
            return
        except (XlsxError, OSError, ValueError, KeyError) as exc:
            app.notify(S.IMPORT_FAILED.format(error=exc), severity="error", timeout=10)
            return
        finally:
            progress.dismiss()
        if after is not None:
            after()
        app.send_queued()
        await app.push_screen_wait(ImportResult(summary(outcome), outcome.errors))
