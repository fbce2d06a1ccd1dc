"""立即缴费 (SPEC P1–P3; manual 000 §4.1, 001 §2.3.1), for :class:`sbtui.tui.screens.pay.PayScreen`:

1. “扣款前请确认扣费险种、金额是否正确” with the ticked lines' totals (取消 stops);
2. 安全认证: the declaration password again; a wrong one is said in the service's words
   (“申报密码验证失败：[20101]…”) and asked again; a lock stops;
3. 选择缴费方式: a verified three-party agreement → 确认缴费 (amount and account) → the TIPS
   debit: 缴费成功, or 缴费失败 with the bank's reason (nothing was debited; try again);
   or 银行端凭证缴费 with an account (picked, typed, or none) → 确认缴费 → the voucher is issued,
   saved as PDF where the user says, and “缴费凭证开具完成”.

Payment needs the service: offline, the service layer refuses in plain words and nothing is
queued; that refusal is shown as it is.
"""
from __future__ import annotations

from typing import Any

from textual import work

from sbtui.domain.vocab import PaymentResult, PayMethod, Role
from sbtui.remote.errors import LockedError, WrongPasswordError
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.declare_dialogs import NoticeDialog
from sbtui.tui.screens.home_view import value_of
from sbtui.tui.screens.pay_common import REFUSALS, ask_path, call, money, not_paid, service_message
from sbtui.tui.screens.pay_dialogs import MethodDialog, PasswordDialog
from sbtui.tui.strings import payments as S

ITEMS_SHOWN = 4  # item names listed in the first confirm


class PayFlowMixin:
    """``p`` 立即缴费 on the pay list (``ticked_lines``, ``totals_of``, ``reload``)."""

    @work(exclusive=True, group="pay-flow")
    async def action_pay(self) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        lines = screen.ticked_lines()
        if not lines:
            screen.notify(S.NONE_TICKED, severity="warning")
            return
        count, amount, late, total = screen.totals_of(lines)
        names = sorted({ln.item_name for ln in lines})
        items = "、".join(names[:ITEMS_SHOWN]) + ("等" if len(names) > ITEMS_SHOWN else "")
        detail = S.PAY_CONFIRM_DETAIL.format(n=count, items=items, amount=money(amount), late=money(late),
                                             total=money(total))
        if not await app.push_screen_wait(ConfirmDialog(f"{S.PAY_CONFIRM}\n\n{detail}", title=S.KEY_PAY)):
            return
        ticket = await self.authorize()
        if ticket is None:
            return
        pay = screen.employer.payments
        try:
            agreements = list(await call(screen.host, screen.employer.agreements.verified))
        except REFUSALS:
            agreements = []
        try:
            accounts = list(await call(screen.host, pay.deposit_accounts))
        except REFUSALS:
            accounts = []  # none to pick: 人工录入 or none still work
        method = await app.push_screen_wait(MethodDialog(count=count, total=total, late=late,
                                                         agreements=agreements, accounts=accounts))
        if method is None:
            return
        keys = [ln.key for ln in lines]
        if method.kind == PayMethod.TIPS:
            await self.pay_by_agreement(keys, method.agreement, ticket, amount, late, total)
        else:
            await self.issue_voucher(keys, method.account, ticket, amount, late, total)
        await screen.reload()  # paid or on a voucher: out of the list (and its ticks); failed: still ticked
        screen.host.data_changed()  # 首页's to-do, 申报记录's 缴费状态 …

    async def authorize(self) -> Any | None:
        """安全认证 until the password is right (the ticket), or None (Esc, lock, offline)."""
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        session = screen.session
        prompt = (S.AUTH_PROMPT_USER.format(user=session.username)
                  if session.username and session.role != Role.ADMIN else S.AUTH_PROMPT)
        error = ""
        while True:
            password = await app.push_screen_wait(PasswordDialog(prompt, error=error))
            if password is None:
                return None
            try:
                return await screen.employer.payments.authorize(password)
            except WrongPasswordError as exc:
                error = service_message(exc)  # asked again, the reason under the field
            except LockedError as exc:
                await app.push_screen_wait(NoticeDialog(service_message(exc), title=S.AUTH_TITLE))
                return None
            except REFUSALS as exc:
                await app.push_screen_wait(NoticeDialog(service_message(exc), title=S.AUTH_TITLE))
                return None

    async def pay_by_agreement(self, keys: list[str], agreement: Any, ticket: Any, amount: Any, late: Any,
                               total: Any) -> None:
        """确认缴费 → the TIPS debit → 缴费成功 / 缴费失败 with the bank's reason."""
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        facts = {k: value_of(agreement, k, "") for k in ("id", "bank", "branch", "account_name", "account")}
        text = S.CONFIRM_TIPS.format(total=money(total), amount=money(amount), late=money(late), id=facts["id"],
                                     bank=facts["bank"], branch=facts["branch"], name=facts["account_name"],
                                     account=facts["account"])
        if not await app.push_screen_wait(ConfirmDialog(text, title=S.CONFIRM_TITLE, ok=S.CONFIRM_OK)):
            return
        screen.notify(S.PAYING)
        try:
            payment = await screen.employer.payments.pay(keys, facts["id"], ticket, total)
        except REFUSALS as exc:
            text, title = not_paid(exc, S.PAY_FAILED_TITLE)
            await app.push_screen_wait(NoticeDialog(text, title=title))
            return
        if payment.status == PaymentResult.OK:
            await app.push_screen_wait(NoticeDialog(
                S.PAY_OK.format(total=money(payment.total), account=payment.account or facts["account"]),
                title=S.PAY_OK_TITLE))
        else:
            await app.push_screen_wait(NoticeDialog(S.PAY_FAILED.format(reason=payment.reason or ""),
                                                    title=S.PAY_FAILED_TITLE))

    async def issue_voucher(self, keys: list[str], account: Any, ticket: Any, amount: Any, late: Any,
                            total: Any) -> None:
        """确认缴费 → 银行端查询缴税凭证 issued → saved as PDF → “缴费凭证开具完成”."""
        app: Any = self.app  # type: ignore[attr-defined]
        screen: Any = self
        shown = f"{account.bank} {account.account} {account.name}" if account is not None else S.METHOD_NO_ACCOUNT
        text = S.CONFIRM_VOUCHER.format(total=money(total), amount=money(amount), late=money(late), account=shown)
        if not await app.push_screen_wait(ConfirmDialog(text, title=S.CONFIRM_TITLE, ok=S.CONFIRM_OK)):
            return
        pay = screen.employer.payments
        try:
            voucher = await pay.issue_voucher(keys, ticket, total, account)
        except REFUSALS as exc:
            text, title = not_paid(exc, S.METHOD_VOUCHER)
            await app.push_screen_wait(NoticeDialog(text, title=title))
            return
        facts = dict(number=voucher.number, total=money(voucher.total), deadline=voucher.deadline.isoformat())
        path = await ask_path(app, title=S.VOUCHER_SAVE_TITLE, prompt=S.VOUCHER_SAVE_PROMPT,
                              name=S.FILE_NAME_VOUCHER.format(number=voucher.number))
        if path is None:
            await app.push_screen_wait(NoticeDialog(S.VOUCHER_SAVE_SKIPPED.format(**facts), title=S.VOUCHER_DONE))
            return
        try:
            written = await call(screen.host, pay.write_voucher_pdf, voucher.number, path)
        except (OSError, *REFUSALS) as exc:
            await app.push_screen_wait(NoticeDialog(
                S.VOUCHER_SAVE_FAILED.format(number=voucher.number, error=service_message(exc)),
                title=S.VOUCHER_DONE))
            return
        await app.push_screen_wait(NoticeDialog(S.VOUCHER_DONE_TEXT.format(path=written or path, **facts),
                                                title=S.VOUCHER_DONE))
