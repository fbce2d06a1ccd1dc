"""提交申报 and its feedback (SPEC D3, D6, D7; manual 000 §3.1 steps 6–7, 001 §2.2.1): refusals
that block the submit are shown and stop it; then each D6 confirm in order (取消 stops); then
“提交申报确认” per unit number with 「立即提交」; the declarations go through the outbox (one per
unit number), “提交成功” and the 反馈提示 countdown (the manual's 20-second wait; r 立即获取);
then the result and the offer to pay (D7), whose 确定 opens 缴费. Offline, the submit is queued
and says so. The void of 申报记录 uses the same countdown.
"""
from __future__ import annotations

import weakref
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import BindingType

from sbtui import clock
from sbtui.domain.vocab import DeclarationStatus
from sbtui.services.declarations import DeclarationsService, DeclareError, blocking, summary
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.countdown import CountdownDialog
from sbtui.tui.keys import keyed
from sbtui.tui.screens.declare_dialogs import NoticeDialog, SummaryDialog, declarations_of
from sbtui.tui.strings import common as C
from sbtui.tui.strings import declare as S

PAY_SCREEN = "pay"  # 费款缴纳 › 缴费 (sbtui.tui.screens.pay)
SUBMIT_PENDING = {DeclarationStatus.QUEUED, DeclarationStatus.PROCESSING}
VOID_PENDING = {DeclarationStatus.QUEUED, DeclarationStatus.VOIDING}

# the unpaid declarations each app has already offered to pay (asked once for the same ones:
# the submit's offer then opening 申报记录 does not ask twice)
_OFFERED: weakref.WeakKeyDictionary[App, set[str]] = weakref.WeakKeyDictionary()


async def offer_payment(app: Any, declarations: DeclarationsService, kinds: tuple[str, ...]) -> bool:
    """D7: “当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？” when there are such records
    not offered yet; 确定 opens 费款缴纳 › 缴费 (True), 取消 → False (manual 001 §2.2.3)."""
    unpaid = await app.run_in_thread(declarations.unpaid)
    ids = {d["id"] for d in unpaid if d.get("kind", "daily") in kinds}
    seen = _OFFERED.setdefault(app, set())
    if not ids or ids <= seen:
        return False
    seen |= ids
    if not await app.push_screen_wait(ConfirmDialog(S.PAY_OFFER, title=S.FEEDBACK_TITLE, cancelled="")):
        return False
    app.open_screen(PAY_SCREEN)
    return True


class SubmitMixin:
    """For :class:`sbtui.tui.screens.declare_lines.LinesScreen`."""

    @work(exclusive=True, group="decl-submit")
    async def action_submit(self) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        lines = screen.ticked_lines()
        if not lines:
            screen.notify(S.SUBMIT_NONE, severity="warning")
            return
        decl = screen.employer.declarations
        refusals = await app.run_in_thread(blocking, lines, clock.today())
        if refusals:
            await app.push_screen_wait(NoticeDialog("\n".join(refusals), title=S.SUBMIT_BLOCKED.rstrip("：")))
            return
        checks = await app.run_in_thread(decl.submit_checks, screen.KIND, lines)
        for text in checks:  # D6, in order; 取消 stops
            if not await app.push_screen_wait(ConfirmDialog(text, title=S.KEY_SUBMIT)):
                return
        units = await app.run_in_thread(summary, lines)
        if not await app.push_screen_wait(SummaryDialog(units)):
            return
        try:
            ids = await app.run_in_thread(decl.queue, screen.KIND, lines)
        except DeclareError as exc:
            screen.notify(S.SUBMIT_FAILED.format(error=exc.message), severity="error", timeout=10)
            return
        screen.ticked.clear()
        screen.load()
        if not app.online or screen.session.offline:
            app.refresh_outbox()
            screen.notify(S.SUBMITTED_OFFLINE, severity="warning", timeout=10)
            return
        screen.notify(S.SUBMITTED)
        records = await app.push_screen_wait(DeclFeedback(ids, void=False))
        screen.host.data_changed()  # this list, 首页's to-do, 缴费 … re-read (issue 15 item 1)
        if records is None:  # Esc: the feedback comes with the next look at 申报记录
            return
        await self.tell_result(records)

    async def tell_result(self, records: list[dict[str, Any]]) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        done = S.DAILY_DONE if screen.KIND == "daily" else S.SPECIAL_DONE
        texts: list[str] = []
        for r in records:
            text = done if r.get("status") == DeclarationStatus.OK else S.DECLARE_FAILED.format(
                reason=r.get("message") or r.get("status") or "")
            if text not in texts:
                texts.append(text)
        await app.push_screen_wait(NoticeDialog("\n".join(texts), title=S.FEEDBACK_TITLE))
        if not any(r.get("status") == DeclarationStatus.OK for r in records):
            return
        kinds = ("project",) if screen.KIND == "project" else ("daily", "special")
        offered = await offer_payment(app, screen.employer.declarations, kinds)  # 确定: 缴费 is opened
        if not offered and screen.KIND != "daily":  # 特殊缴费: 点击‘确定’跳转到申报记录界面
            app.open_screen(screen.RECORDS)


class DeclFeedback(CountdownDialog):
    """反馈提示: pushes the outbox, then waits for the feedback of ``ids`` (a submit, or with
    ``void`` a void) with a countdown; r fetches now; Esc leaves it (None). Dismisses with the
    settled declarations."""

    CSS_PATH = "declare_submit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("declare.feedback", "now", "r", "fetch_now", S.KEY_FETCH),
        keyed("declare.feedback", "close", "escape", "close", C.CLOSE),
    ]
    BOX_ID = "decl-feedback-box"
    TEXT_ID = "decl-feedback-text"
    TITLE = S.FEEDBACK_TITLE
    FETCH_KEY = S.KEY_FETCH
    FIRST = S.FEEDBACK_POLLING
    POLLING = S.FEEDBACK_POLLING
    OFFLINE = S.FEEDBACK_OFFLINE

    def __init__(self, ids: list[str], *, void: bool = False) -> None:
        super().__init__()
        self.ids = list(ids)
        self.void = void

    async def fetch(self) -> Any:
        app: Any = self.app
        return await declarations_of(app).declaration_feedback()

    async def settled(self) -> bool:
        app: Any = self.app
        decl = declarations_of(app)
        pending = VOID_PENDING if self.void else SUBMIT_PENDING
        records = await app.run_in_thread(lambda: [decl.declaration(i) for i in self.ids])
        records = [r for r in records if r is not None]
        if not records:  # not known here any more: nothing to tell
            self.dismiss(None)
            return True
        if all(r["status"] not in pending for r in records):
            self.dismiss(records)
            return True
        return False

    def waiting(self, seconds: int) -> str:
        sent = S.VOID_SENT if self.void else S.FEEDBACK_SENT
        template = S.FEEDBACK_VOID_WAIT if self.void else S.FEEDBACK_WAIT
        return f"{sent}\n" + template.format(seconds=seconds)
