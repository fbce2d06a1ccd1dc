"""单位退费申请管理 in the local store (SPEC R1–R3; issue 13): the refund applications the
service answered (as last pulled or answered) and the ones still in the outbox.

**Submit** (``refund.submit``, entity ``refund:<local id>``) is an ordinary outbox item (SPEC
§1): sent at once when the service can be reached, else queued and sent by the next sync —
its body carries the total the user saw, so a stale one is refused by the service, never
applied twice. The answer (a ``Refund``) is stored.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sbtui.domain.models import Refund
from sbtui.store.outbox import OutboxItem, now_iso
from sbtui.store.payments import local_id

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox

SUBMIT = "refund.submit"
ENTITY = "refund:"


class Refunds:
    """The refund applications of a store (``store.refunds``); it owns ``refund.submit``."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        outbox.register(SUBMIT, read=Refund.model_validate,
                        confirmed=lambda item, refund: self.put(refund))

    def submit_queue(self, body: dict[str, Any]) -> str:
        """Queue ``refund.submit`` with ``body`` (API.md); returns its key."""
        return self.outbox.enqueue(SUBMIT, {"body": body}, entity=f"{ENTITY}{local_id('T')}")

    def put(self, refund: Refund) -> None:
        self.db.execute(
            "INSERT INTO refunds (id, submitted_at, status, doc, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET submitted_at = excluded.submitted_at, status ="
            " excluded.status, doc = excluded.doc, updated_at = excluded.updated_at",
            [refund.id, refund.submitted_at.isoformat(), refund.status, refund.model_dump_json(),
             now_iso()])

    def replace(self, refunds: Iterable[Refund]) -> int:
        """The service's applications replace the local ones (one transaction)."""
        items = list(refunds)
        with self.db.atomic():
            self.db.execute("DELETE FROM refunds")
            for r in items:
                self.put(r)
        return len(items)

    def refunds(self, date_from: date | str | None = None,
                date_to: date | str | None = None) -> list[Refund]:
        """Newest first; the 申请日期 range (``YYYY-MM-DD``, on the China day)."""
        out = [Refund.model_validate_json(d) for (d,) in self.db.execute(
            "SELECT doc FROM refunds ORDER BY submitted_at DESC, id DESC")]
        if date_from or date_to:
            from sbtui import clock
            low, high = str(date_from or ""), str(date_to or "9999-12-31")
            out = [r for r in out
                   if low <= r.submitted_at.astimezone(clock.CST).date().isoformat() <= high]
        return out

    def refund(self, refund_id: str) -> Refund | None:
        row = self.db.execute("SELECT doc FROM refunds WHERE id = ?", [refund_id]).fetchone()
        return Refund.model_validate_json(row[0]) if row else None

    def pending(self) -> list[OutboxItem]:
        """Applications still in the outbox (待发送 / 发送中), oldest first."""
        return [i for i in self.outbox.pending() if i.kind == SUBMIT]

    def refused(self) -> list[OutboxItem]:
        """Applications the service refused outright (never numbered), oldest first."""
        return [i for i in self.outbox.items("refused") if i.kind == SUBMIT]
