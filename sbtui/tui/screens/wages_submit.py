"""提交申报 and its feedback (SPEC W8, W11): the ticked rows (any number: the store splits them
into chunks, one outbox item and idempotency key each), after "是否确认提交申报"; rows that
break a rule are listed instead. Then "提交成功，请稍后获取反馈" and a countdown that fetches
the feedback by itself (r fetches now; Esc leaves it to the background); per-row results land
in the grid (refused rows flagged, the reason under the grid, f filters 申报失败). Offline,
the submit is queued and says so.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui import wages as svc
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import wages as S


class SubmitMixin:
    """For :class:`sbtui.tui.screens.wages.WagesScreen`."""

    @work(exclusive=True, group="wages-submit")
    async def action_submit(self) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        grid = self.grid  # type: ignore[attr-defined]
        if grid is None:
            return
        rowids = list(grid.ticked)
        if not rowids:
            self.notify(S.SUBMIT_NONE, severity="warning")  # type: ignore[attr-defined]
            return
        store = self.store  # type: ignore[attr-defined]
        problems = await app.run_in_thread(store.wage_problems, rowids)
        if problems:
            await app.push_screen_wait(ProblemList(store, problems))
            return
        back = await app.run_in_thread(lambda: len(store.wage_warnings(rowids, svc.today())))
        hidden = grid.ticks_hidden or 0
        question = (S.SUBMIT_CONFIRM_HIDDEN.format(n=len(rowids), hidden=hidden) if hidden
                    else S.SUBMIT_CONFIRM.format(n=len(rowids)))
        if back:
            question += "\n" + S.SUBMIT_WARN_BACK.format(n=back)
        if not await app.push_screen_wait(ConfirmDialog(question, title=S.KEY_SUBMIT)):
            return
        try:
            submission = await app.run_in_thread(store.wage_submit, rowids)
        except ValueError as exc:
            self.notify(str(exc), severity="error", timeout=10)  # type: ignore[attr-defined]
            return
        grid.action_clear_ticks()
        self.load()  # type: ignore[attr-defined]
        if not app.online or self.session.offline:  # type: ignore[attr-defined]
            app.refresh_outbox()
            self.notify(S.SUBMITTED_OFFLINE, severity="warning", timeout=10)  # type: ignore[attr-defined]
            return
        self.notify(S.SUBMITTED)  # type: ignore[attr-defined]
        await app.push_screen_wait(FeedbackDialog(submission))
        self.load()  # type: ignore[attr-defined]


class ProblemList(ModalScreen[None]):
    """Rows that cannot be submitted, with the reason (W4, W5)."""

    CSS_PATH = "wages_submit.tcss"
    BINDINGS = [keyed("wages.problems", "close", "escape,enter", "close", C.CLOSE)]

    def __init__(self, store: Any, problems: list[tuple[Any, str]]) -> None:
        super().__init__()
        self.store = store
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box") as box:
            box.border_title = S.KEY_SUBMIT
            box.border_subtitle = "Enter/Esc " + C.CLOSE
            yield Static(S.SUBMIT_PROBLEMS)
            table: DataTable = DataTable(id="problems-table", cursor_type="row")
            table.add_columns(*S.R_ROW_COLUMNS[:2], S.R_ROW_COLUMNS[3])
            yield table

    async def on_mount(self) -> None:
        names = await self.app.run_in_thread(  # type: ignore[attr-defined]
            lambda: {r: (n, i) for r, n, i in self.store.db.execute(
                "SELECT rowid, name, id_number FROM wage_draft WHERE rowid IN (%s)"
                % ",".join(str(int(p[0])) for p in self.problems[:500]))})
        table = self.query_one(DataTable)
        for rowid, reason in self.problems[:500]:
            name, number = names.get(rowid, ("", ""))
            table.add_row(name, number, reason)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class FeedbackDialog(ModalScreen[None]):
    """The countdown to the feedback of one submission; polls by itself, r fetches now."""

    CSS_PATH = "wages_submit.tcss"
    BINDINGS = [
        keyed("wages.feedback", "now", "r", "fetch_now", S.R_KEY_FETCH),
        keyed("wages.feedback", "close", "escape", "close", C.CLOSE),
    ]

    def __init__(self, submission: str) -> None:
        super().__init__()
        self.submission = submission
        self._wake = asyncio.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback-box") as box:
            box.border_title = S.FEEDBACK_TITLE
            box.border_subtitle = "r " + S.R_KEY_FETCH + " · Esc " + C.CLOSE
            yield Static(S.FEEDBACK_SENDING, id="feedback-text")

    def on_mount(self) -> None:
        self.run_worker(self._follow(), exclusive=True, group="feedback")

    def _say(self, text: str) -> None:
        self.query_one("#feedback-text", Static).update(text)

    async def _follow(self) -> None:
        app: Any = self.app
        ws, uscc = app.ws, app.session.uscc
        store = ws.store(uscc)
        while True:
            try:
                state = await ws.wage_feedback(uscc, submission=self.submission)
            except OfflineError:
                self._say(S.FEEDBACK_OFFLINE)
                return
            except ServiceError as exc:
                self._say(str(exc))
                return
            record = await app.run_in_thread(store.wage_submission, self.submission)
            if record is not None and record["state"] == "done":
                self._say(S.FEEDBACK_DONE.format(summary=record["summary"], accepted=record["accepted"],
                                                 refused=record["refused"]))
                app.send_queued()  # pull the accepted wages (W9) with the next sync
                return
            wait = _seconds_until(state)
            self._say(S.FEEDBACK_WAIT.format(seconds=max(0, round(wait))))
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(1.0, max(0.2, wait)))
            except asyncio.TimeoutError:
                pass

    def action_fetch_now(self) -> None:
        self._say(S.FEEDBACK_POLLING)
        self._wake.set()

    def action_close(self) -> None:
        self.dismiss(None)


def _seconds_until(state: Any) -> float:
    """Seconds to the earliest pending ``feedback_at`` (0 when due or unknown)."""
    when = getattr(state, "next_feedback_at", None) if state is not None else None
    if not when:
        return 1.0
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
