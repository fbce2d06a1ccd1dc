"""费款缴纳 in the local store (SPEC P1–P4, D12; issue 12): the pay list as last pulled, the
service's payments and vouchers, and the employer's deposit accounts.

**Pay** (``payment.pay``, entity ``payment:<local id>``) and **issue a voucher**
(``voucher.issue``, entity ``voucher:<local id>``) are ONLINE_ONLY kinds: queued and sent at
once (:func:`sbtui.sync.push.send_now`), never left queued. While one is pending its lines are
*held*: :meth:`Payments.due_lines` leaves them out, so they cannot be paid twice. The answer
(a Payment — 缴费成功 or 缴费失败 — or a Voucher) is stored; the lines of a successful payment
or of an issued voucher leave the pay list. A refusal or a failed debit frees them.

**Void** (``voucher.void``, entity ``voucher-void:<number>``): the voucher is stored as the
service answers (已作废); its lines come back with the next pull of the pay list.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.models import DepositAccount, PayLine, Payment, Voucher
from sbtui.domain.vocab import PaymentResult, VoucherStatus
from sbtui.store.outbox import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem

PAY = "payment.pay"
ISSUE = "voucher.issue"
VOID = "voucher.void"
HOLDING = (PAY, ISSUE)


def local_id(prefix: str) -> str:
    """An id made here for an entity the service has not answered yet."""
    return f"{prefix}{clock.now().astimezone(clock.CST):%Y%m%d%H%M%S}{uuid.uuid4().hex[:6].upper()}"


def _cst_day(value: Any) -> date:
    return value.astimezone(clock.CST).date() if hasattr(value, "astimezone") else value


class Payments:
    """The pay list, payments, vouchers and deposit accounts of a store (``store.payments``);
    it owns the outbox kinds ``payment.pay``, ``voucher.issue`` and ``voucher.void``."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        outbox.register(PAY, read=Payment.model_validate, confirmed=lambda item, p: self.paid(p))
        outbox.register(ISSUE, read=Voucher.model_validate, confirmed=lambda item, v: self.issued(v))
        outbox.register(VOID, read=Voucher.model_validate, confirmed=lambda item, v: self.put_voucher(v))

    # -- the pay list (P1) ---------------------------------------------------------------------

    def replace_pay_list(self, lines: Iterable[PayLine]) -> int:
        """The service's pay list replaces the local one (one transaction)."""
        rows = [(ln.key, n, ln.declaration_id, ln.model_dump_json()) for n, ln in enumerate(lines)]
        with self.db.atomic():
            self.db.execute("DELETE FROM pay_lines")
            self.db.conn.executemany("INSERT INTO pay_lines VALUES (?, ?, ?, ?)", rows)
            self.db.execute("INSERT INTO meta (key, value) VALUES ('pay_list_at', ?)"
                            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                            [json.dumps(now_iso())])
        return len(rows)

    def pay_list(self) -> list[PayLine]:
        """Every line as last pulled, held ones too, in the service's order."""
        return [PayLine.model_validate_json(d) for (d,) in self.db.execute("SELECT doc FROM pay_lines ORDER BY seq")]

    def due_lines(self) -> list[PayLine]:
        """The pay list as last pulled without the lines held by a payment or voucher still
        pending here."""
        held = self.held_keys()
        return [ln for ln in self.pay_list() if ln.key not in held]

    def held_keys(self) -> set[str]:
        """Line keys named by a pending ``payment.pay`` / ``voucher.issue``."""
        marks = ", ".join("?" * len(HOLDING))
        return {k for (k,) in self.db.execute(
            "SELECT j.value FROM outbox o, json_each(o.payload, '$.body.lines') j"
            f" WHERE o.kind IN ({marks}) AND o.state IN ('queued', 'sent')", list(HOLDING))}

    def pay_list_at(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'pay_list_at'").fetchone()
        return json.loads(row[0]) if row else None

    def _drop_lines(self, keys: Iterable[str]) -> None:
        self.db.conn.executemany("DELETE FROM pay_lines WHERE key = ?", [(k,) for k in keys])

    # -- queueing (the caller sends at once) ---------------------------------------------------

    def pay_queue(self, keys: list[str], agreement_id: str, ticket: str, total: str) -> str:
        """Queue ``payment.pay``; returns its key. Call it just before sending it."""
        body = {"lines": list(keys), "agreement_id": agreement_id, "ticket": ticket, "total": total}
        return self.outbox.enqueue(PAY, {"body": body}, entity=f"payment:{local_id('P')}")

    def voucher_queue(self, keys: list[str], ticket: str, total: str,
                      account: dict[str, str] | None) -> str:
        """Queue ``voucher.issue``; returns its key. Call it just before sending it."""
        body = {"lines": list(keys), "ticket": ticket, "total": total, "account": account}
        return self.outbox.enqueue(ISSUE, {"body": body}, entity=f"voucher:{local_id('V')}")

    def void_queue(self, number: str) -> str:
        """Queue ``voucher.void``; returns its key."""
        return self.outbox.enqueue(VOID, {"number": number}, entity=f"voucher-void:{number}")

    # -- answers -------------------------------------------------------------------------------

    def paid(self, payment: Payment) -> None:
        """A payment's answer: kept; a successful one's lines leave the pay list."""
        with self.db.atomic():
            self.put_payment(payment)
            if payment.status == PaymentResult.OK:
                self._drop_lines(ln.key for ln in payment.lines)

    def issued(self, voucher: Voucher) -> None:
        """A voucher issued: kept; its lines leave the pay list while it is open."""
        with self.db.atomic():
            self.put_voucher(voucher)
            if voucher.status != VoucherStatus.VOIDED:
                self._drop_lines(ln.key for ln in voucher.lines)

    def put_payment(self, payment: Payment) -> None:
        self.db.execute(
            "INSERT INTO payments (id, status, paid_at, total, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET status = excluded.status, paid_at = excluded.paid_at,"
            " total = excluded.total, doc = excluded.doc, updated_at = excluded.updated_at",
            [payment.id, payment.status, payment.paid_at.isoformat(), f"{payment.total:.2f}",
             payment.model_dump_json(), now_iso()])

    def put_voucher(self, voucher: Voucher) -> None:
        self.db.execute(
            "INSERT INTO vouchers (number, status, issued_on, total, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(number) DO UPDATE SET status = excluded.status, issued_on = excluded.issued_on,"
            " total = excluded.total, doc = excluded.doc, updated_at = excluded.updated_at",
            [voucher.number, voucher.status, voucher.issued_on.isoformat(), f"{voucher.total:.2f}",
             voucher.model_dump_json(), now_iso()])

    def replace_payments(self, payments: Iterable[Payment]) -> int:
        items = list(payments)
        with self.db.atomic():
            self.db.execute("DELETE FROM payments")
            for p in items:
                self.put_payment(p)
        return len(items)

    def replace_vouchers(self, vouchers: Iterable[Voucher]) -> int:
        items = list(vouchers)
        with self.db.atomic():
            self.db.execute("DELETE FROM vouchers")
            for v in items:
                self.put_voucher(v)
        return len(items)

    def replace_accounts(self, accounts: Iterable[DepositAccount]) -> int:
        rows = [(a.bank, a.account, n, a.model_dump_json()) for n, a in enumerate(accounts)]
        with self.db.atomic():
            self.db.execute("DELETE FROM deposit_accounts")
            self.db.conn.executemany("INSERT OR REPLACE INTO deposit_accounts VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    # -- reading -------------------------------------------------------------------------------

    def payments(self, date_from: date | str | None = None, date_to: date | str | None = None) -> list[Payment]:
        """缴费记录, newest first; ``date_from`` / ``date_to``: the 缴费日期 (China) range."""
        items = [Payment.model_validate_json(d) for (d,) in
                 self.db.execute("SELECT doc FROM payments ORDER BY paid_at DESC, id DESC")]
        return [p for p in items if _within(_cst_day(p.paid_at), date_from, date_to)]

    def payment(self, ident: str) -> Payment | None:
        row = self.db.execute("SELECT doc FROM payments WHERE id = ?", [ident]).fetchone()
        return Payment.model_validate_json(row[0]) if row else None

    def vouchers(self, date_from: date | str | None = None, date_to: date | str | None = None) -> list[Voucher]:
        """缴费凭证打印记录, newest first; the 填开日期 range."""
        items = [Voucher.model_validate_json(d) for (d,) in
                 self.db.execute("SELECT doc FROM vouchers ORDER BY issued_on DESC, number DESC")]
        return [v for v in items if _within(v.issued_on, date_from, date_to)]

    def voucher(self, number: str) -> Voucher | None:
        row = self.db.execute("SELECT doc FROM vouchers WHERE number = ?", [number]).fetchone()
        return Voucher.model_validate_json(row[0]) if row else None

    def accounts(self) -> list[DepositAccount]:
        return [DepositAccount.model_validate_json(d) for (d,) in
                self.db.execute("SELECT doc FROM deposit_accounts ORDER BY seq")]

    def pending(self) -> list[OutboxItem]:
        """Payments and vouchers sent and not answered yet (a lost reply: resolved by the next
        sync, by their keys)."""
        return [i for i in self.outbox.pending() if i.kind in HOLDING]


def _within(day: date, date_from: date | str | None, date_to: date | str | None) -> bool:
    text = day.isoformat()
    if date_from and text < str(date_from):
        return False
    return not (date_to and text > str(date_to))
