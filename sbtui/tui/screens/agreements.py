"""单位三方协议管理 (SPEC A1; manual 000 §4.2): the employer's three-party agreements with their
status (未验证, 验证中, 验证通过, 验证失败 with the reason, 协议终止); ``a`` 新增 and ``e`` 修改
(:class:`sbtui.tui.screens.agreements_form.AgreementForm`; a modified agreement is 未验证 again);
``c`` 验证 with the feedback countdown (验证通过, or 验证失败 and the mismatch the bank found);
``v`` 作废 and ``r`` 撤销 (a verified one) → 协议终止. At most one agreement may allow batch debit
(费批扣): the form's 温馨提示 says so, and the service's refusal says it again.

Every change goes through the service layer (its outbox, with its key); offline it waits there.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

from textual import work
from textual.binding import BindingType

from sbtui.domain.vocab import STAFF, AgreementStatus
from sbtui.remote.errors import OfflineError
from sbtui.services.list_tables import agreements_table
from sbtui.services.tables import Table
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.dialogs.countdown import CountdownDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.agreements_form import AgreementForm
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.screens.pay_common import REFUSALS, call, service_message
from sbtui.tui.screens.row_list import ROW_LIST_CSS, RowListScreen
from sbtui.tui.strings import common as C
from sbtui.tui.strings import payments as S

DECIDED = {AgreementStatus.VERIFIED, AgreementStatus.REFUSED, AgreementStatus.ENDED}


def agreements_of(app: Any) -> Any:
    """The AgreementsService of the employer worked in, for a dialog."""
    return app.ws.employer(app.session.uscc).agreements


class AgreementsScreen(RowListScreen):
    """单位三方协议管理."""

    SCREEN_ID = "agreements"
    CSS_PATH = [ROW_LIST_CSS, "agreements.tcss"]
    SHOWS_SHARED_DATA = False
    PREFIX = "ag"
    HEADING = S.TITLE_AGREEMENTS
    COLUMNS = S.AGREEMENT_COLUMNS
    COUNT = S.AGREEMENTS_COUNT
    EMPTY = S.AGREEMENTS_EMPTY
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("agreements", "add", "a", "add", S.KEY_ADD),
        keyed("agreements", "modify", "e", "modify", S.KEY_MODIFY),
        keyed("agreements", "verify", "c", "verify", S.KEY_VERIFY),
        keyed("agreements", "void", "v", "void", S.KEY_VOID),
        keyed("agreements", "revoke", "r", "revoke", S.KEY_REVOKE),
        keyed("agreements", "export", "x", "export", S.KEY_EXPORT),
        keyed("agreements", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    # -- the list -------------------------------------------------------------------------------
    async def fetch(self, **query: Any) -> list[Any]:
        return list(await call(self.host, self.employer.agreements.agreements))

    async def refresh_from_service(self) -> None:
        await self.employer.agreements.refresh()

    def cells(self, a: Any) -> tuple[str, ...]:
        return (self.ident_of(a), str(value_of(a, "status", "")),
                S.BATCH_YES if value_of(a, "batch") else S.BATCH_NO, value_of(a, "bank", ""),
                value_of(a, "account", ""), value_of(a, "account_name", ""), value_of(a, "branch", ""))

    def export_table(self) -> Table:
        return agreements_table(self.items)

    @staticmethod
    def ident_of(a: Any) -> str:
        return str(value_of(a, "id", "") or "")

    def note(self, a: Any) -> str:
        region = value_of(a, "region_name", "") or value_of(a, "region", "")
        text = S.AGREEMENT_NOTE.format(authority=value_of(a, "tax_authority", ""), region=region)
        if value_of(a, "reason"):
            text += S.AGREEMENT_NOTE_REASON.format(reason=value_of(a, "reason"))
        if value_of(a, "pending"):
            text += S.AGREEMENT_NOTE_PENDING
        if value_of(a, "message"):
            text += f" · {value_of(a, 'message')}"
        return text

    # -- push -----------------------------------------------------------------------------------
    async def send(self) -> bool:
        """Send what was queued and read the answers (False: offline, it waits in the outbox)."""
        if not self.host.online or self.session.offline:
            self.host.refresh_outbox()
            return False
        try:
            await self.employer.agreements.feedback()
        except OfflineError:
            self.host.refresh_outbox()
            return False
        finally:
            await self.reload()
        return True

    def find(self, ident: str) -> Any | None:
        return next((a for a in self.items if self.ident_of(a) == ident), None)

    # -- add / modify ---------------------------------------------------------------------------
    @work(exclusive=True, group="ag-edit")
    async def action_add(self) -> None:
        await self.edit(None)

    @work(exclusive=True, group="ag-edit")
    async def action_modify(self) -> None:
        a = self.chosen()
        if a is None:
            return
        if value_of(a, "status") == AgreementStatus.ENDED:
            self.notify(S.MODIFY_ENDED, severity="warning")
            return
        await self.edit(a)

    async def edit(self, agreement: Any) -> None:
        app: Any = self.app
        service = self.employer.agreements
        defaults: dict[str, Any] = {}
        if agreement is None:
            try:
                got = await call(self.host, service.defaults)
            except REFUSALS:
                got = {}
            defaults = {k: value_of(got, k, "") for k in ("tax_authority", "region", "region_name")}
            defaults["account_name"] = value_of(got, "account_name", "") or self.session.employer_name or ""

        async def submit(form: dict[str, Any]) -> object:
            if agreement is None:
                return await call(self.host, service.add, form)
            return await call(self.host, service.modify, self.ident_of(agreement), form)

        done = await app.push_screen_wait(AgreementForm(service, submit, agreement=agreement, defaults=defaults))
        if done is None:
            return
        if not await self.send():
            self.notify(S.SAVED_OFFLINE, severity="warning", timeout=10)
            return
        refusal = await self.refusal(done)
        if refusal:
            await app.push_screen_wait(NoticeDialog(S.ACTION_FAILED.format(action=C.SAVE, reason=refusal),
                                                    title=S.TITLE_AGREEMENTS))
            return
        ident = self.ident_of(agreement) if agreement is not None else await self.added_id(done)
        if ident and await app.push_screen_wait(ConfirmDialog(S.SAVED_VERIFY, title=S.SAVED, cancelled="")):
            await self.verify(ident)
            return
        else:
            self.notify(S.SAVED)

    async def refusal(self, key: Any) -> str | None:
        """Why the service refused what was queued under ``key`` (None: accepted or waiting)."""
        state, reason = await call(self.host, self.employer.agreements.result, key)
        return (reason or state) if state == "refused" else None

    async def added_id(self, key: Any) -> str | None:
        """The id the service gave to the agreement added under ``key``."""
        row = await call(self.host, self.employer.agreements.by_key, key)
        return self.ident_of(row) if row is not None else None

    # -- verify ---------------------------------------------------------------------------------
    @work(exclusive=True, group="ag-verify")
    async def action_verify(self) -> None:
        app: Any = self.app
        a = self.chosen()
        if a is None:
            return
        status = value_of(a, "status")
        if status not in (AgreementStatus.UNVERIFIED, AgreementStatus.REFUSED):
            self.notify(S.VERIFY_ONLY.format(status=status), severity="warning")
            return
        if await app.push_screen_wait(ConfirmDialog(S.VERIFY_CONFIRM, title=S.KEY_VERIFY)):
            await self.verify(self.ident_of(a))

    async def verify(self, ident: str) -> None:
        app: Any = self.app
        try:
            key = await call(self.host, self.employer.agreements.verify, ident)
        except REFUSALS as exc:
            await app.push_screen_wait(NoticeDialog(S.ACTION_FAILED.format(action=S.KEY_VERIFY,
                                                                           reason=service_message(exc)),
                                                    title=S.KEY_VERIFY))
            return
        if not self.host.online or self.session.offline:
            self.host.refresh_outbox()
            self.notify(S.ACTION_QUEUED_OFFLINE, severity="warning", timeout=10)
            await self.reload()
            return
        done = await app.push_screen_wait(AgreementFeedback(ident, key))
        await self.reload()
        if done is None:
            return
        if isinstance(done, str):  # the service refused the request itself
            text = S.ACTION_FAILED.format(action=S.KEY_VERIFY, reason=done)
        elif value_of(done, "status") == AgreementStatus.VERIFIED:
            text = S.VERIFY_DONE
        else:
            text = S.VERIFY_FAILED.format(reason=value_of(done, "reason") or value_of(done, "status") or "")
        await app.push_screen_wait(NoticeDialog(text, title=S.FEEDBACK_TITLE))

    # -- void / revoke --------------------------------------------------------------------------
    @work(exclusive=True, group="ag-end")
    async def action_void(self) -> None:
        await self.end("void")

    @work(exclusive=True, group="ag-end")
    async def action_revoke(self) -> None:
        await self.end("revoke")

    async def end(self, how: str) -> None:
        app: Any = self.app
        a = self.chosen()
        if a is None:
            return
        status = value_of(a, "status")
        if status == AgreementStatus.ENDED:
            self.notify(S.ENDED_ALREADY, severity="warning")
            return
        if how == "revoke" and status != AgreementStatus.VERIFIED:
            self.notify(S.REVOKE_ONLY, severity="warning")
            return
        question, action, done_text = ((S.REVOKE_CONFIRM, S.KEY_REVOKE, S.REVOKE_DONE) if how == "revoke"
                                       else (S.VOID_AGREEMENT_CONFIRM, S.KEY_VOID, S.VOID_AGREEMENT_DONE))
        if not await app.push_screen_wait(ConfirmDialog(question, title=action, danger=True)):
            return
        service = self.employer.agreements
        try:
            key = await call(self.host, getattr(service, how), self.ident_of(a))
        except REFUSALS as exc:
            await app.push_screen_wait(NoticeDialog(S.ACTION_FAILED.format(action=action, reason=service_message(exc)),
                                                    title=action))
            return
        if not await self.send():
            self.notify(S.ACTION_QUEUED_OFFLINE, severity="warning", timeout=10)
            return
        refusal = await self.refusal(key)
        text = S.ACTION_FAILED.format(action=action, reason=refusal) if refusal else done_text
        await app.push_screen_wait(NoticeDialog(text, title=action))


class AgreementFeedback(CountdownDialog):
    """反馈提示 of a verification: sends it, then reads the agreements until the bank has
    answered (验证通过 / 验证失败) with a countdown; r fetches now; Esc leaves it (the answer
    comes with the next look at the list). Dismisses with the agreement, or with the service's
    reason when it refused the request."""

    CSS_PATH = "agreements.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        keyed("agreements.feedback", "now", "r", "fetch_now", S.KEY_FETCH),
        keyed("agreements.feedback", "close", "escape", "close", C.CLOSE),
    ]
    BOX_ID = "ag-feedback-box"
    TEXT_ID = "ag-feedback-text"
    TITLE = S.FEEDBACK_TITLE
    FETCH_KEY = S.KEY_FETCH
    FIRST = S.FEEDBACK_POLLING
    POLLING = S.FEEDBACK_POLLING
    OFFLINE = S.FEEDBACK_OFFLINE

    def __init__(self, ident: str, key: str) -> None:
        super().__init__()
        self.ident = ident
        self.key = key  # the outbox key of the verification

    async def fetch(self) -> Any:
        got = await agreements_of(self.app).feedback()
        return SimpleNamespace(next_feedback_at=got.next_verify_at)

    async def settled(self) -> bool:
        app: Any = self.app
        service = agreements_of(app)
        state, reason = await call(app, service.result, self.key)
        if state == "refused":
            self.dismiss(reason or state)
            return True
        found = await call(app, service.agreement, self.ident)
        if found is None:
            self.dismiss(None)
            return True
        if value_of(found, "status") in DECIDED and not value_of(found, "pending", False):
            self.dismiss(found)
            return True
        return False

    def waiting(self, seconds: int) -> str:
        return f"{S.FEEDBACK_SENT}\n" + S.FEEDBACK_WAIT.format(seconds=seconds)


register_screen(ScreenSpec(id="agreements", title=S.TITLE_AGREEMENTS, menu=(S.MENU_AGREEMENTS,), roles=STAFF,
                           order=10, help=S.HELP_AGREEMENTS, factory=lambda app: AgreementsScreen()))
