"""提交申报 and its feedback (SPEC W8, W11): the ticked rows (any number: the store splits them
into chunks, one outbox item and idempotency key each), after "是否确认提交申报"; rows that
break a rule are listed instead. Then "提交成功，请稍后获取反馈" and a countdown that fetches
the feedback by itself (r fetches now; Esc leaves it to the background); per-row results land
in the grid (refused rows flagged, the reason under the grid, f filters 申报失败). Offline,
the submit is queued and says so.
"""
from __future__ import annotations

from typing import Any, Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from sbtui.domain.vocab import WageSubmissionState
from sbtui.services.wages import SubmitProblem, WageFeedbackState, WagesService
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.countdown import CountdownDialog
from sbtui.tui.keys import keyed
from sbtui.tui.strings import common as C
from sbtui.tui.strings import wages as S
from sbtui.tui.widgets.column_table import ColumnTable


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
        wages = self.employer.wages  # type: ignore[attr-defined]
        check = await app.run_in_thread(wages.check_submit, rowids)
        if check.problems:
            await app.push_screen_wait(ProblemList(check.problems))
            return
        back = check.back_payments
        hidden = grid.ticks_hidden or 0
        question = (S.SUBMIT_CONFIRM_HIDDEN.format(n=len(rowids), hidden=hidden) if hidden
                    else S.SUBMIT_CONFIRM.format(n=len(rowids)))
        if back:
            question += "\n" + S.SUBMIT_WARN_BACK.format(n=back)
        if not await app.push_screen_wait(ConfirmDialog(question, title=S.KEY_SUBMIT)):
            return
        try:
            submission = await app.run_in_thread(wages.submit, rowids)
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
        await app.push_screen_wait(FeedbackDialog(wages, submission, applied=self.load))  # type: ignore[attr-defined]
        self.load()  # type: ignore[attr-defined]


class ProblemList(ModalScreen[None]):
    """Rows that cannot be submitted, with the reason (W4, W5)."""

    CSS_PATH = "wages_submit.tcss"
    BINDINGS = [keyed("wages.problems", "close", "escape,enter", "close", C.CLOSE)]

    def __init__(self, problems: list[SubmitProblem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box") as box:
            box.border_title = S.KEY_SUBMIT
            box.border_subtitle = "Enter/Esc " + C.CLOSE
            yield Static(S.SUBMIT_PROBLEMS)
            table: DataTable = ColumnTable(id="problems-table", cursor_type="row")
            table.add_columns(*S.R_ROW_COLUMNS[:2], S.R_ROW_COLUMNS[3])
            yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for p in self.problems[:500]:
            table.add_row(p.name, p.id_number, p.reason)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class FeedbackDialog(CountdownDialog):
    """The countdown to the feedback of one submission; polls by itself, r fetches now."""

    CSS_PATH = "wages_submit.tcss"
    BINDINGS = [
        keyed("wages.feedback", "now", "r", "fetch_now", S.R_KEY_FETCH),
        keyed("wages.feedback", "close", "escape", "close", C.CLOSE),
    ]
    TITLE = S.FEEDBACK_TITLE
    FETCH_KEY = S.R_KEY_FETCH
    FIRST = S.FEEDBACK_SENDING
    POLLING = S.FEEDBACK_POLLING
    OFFLINE = S.FEEDBACK_OFFLINE

    def __init__(self, wages: WagesService, submission: str, *,
                 applied: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.wages = wages
        self.submission = submission
        self.applied = applied  # re-reads the grid behind once the feedback is in

    async def fetch(self) -> WageFeedbackState:
        return await self.wages.feedback(submission=self.submission)

    async def settled(self) -> bool:
        app: Any = self.app
        record = await app.run_in_thread(self.wages.record, self.submission)
        if record is None or record["state"] != WageSubmissionState.DONE:
            return False
        self.say(S.FEEDBACK_DONE.format(summary=record["summary"], accepted=record["accepted"],
                                        refused=record["refused"]))
        if self.applied is not None:  # not 待发送 behind 全部申报成功 (issue 15 item 8)
            self.applied()
        app.send_queued()  # pull the accepted wages (W9) with the next sync
        return True

    def waiting(self, seconds: int) -> str:
        return S.FEEDBACK_WAIT.format(seconds=seconds)
