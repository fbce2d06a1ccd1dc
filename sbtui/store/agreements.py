"""单位三方协议 in the local store (SPEC A1; issue 12).

**Add** (``agreement.add``, entity ``agreement:<local id>``): a row under a local id, status
未验证, ``pending``, until the service answers; then the row becomes the service's Agreement
under its id (``local_id`` keeps the local one). A refusal removes the row (the reason stays
in the outbox: :meth:`Outbox.refusal`).

**Modify / verify / void / revoke** (entity ``agreement:<id>``, the service's id): the row
shows the expected status at once (未验证 / 验证中 / 协议终止) and keeps the service's last
version in ``prior``; the answer replaces it; a refusal puts ``prior`` back with the reason
in ``message``. **Pulls** and the verification feedback write the service's version
(:meth:`Agreements.put`), never over a change still to send.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.models import Agreement
from sbtui.domain.vocab import AgreementStatus
from sbtui.store.outbox import now_iso
from sbtui.store.payments import local_id

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem

ADD, MODIFY, VERIFY = "agreement.add", "agreement.modify", "agreement.verify"
VOID, REVOKE = "agreement.void", "agreement.revoke"
CHANGES = (MODIFY, VERIFY, VOID, REVOKE)
EXPECTED = {MODIFY: AgreementStatus.UNVERIFIED, VERIFY: AgreementStatus.VERIFYING,
            VOID: AgreementStatus.ENDED, REVOKE: AgreementStatus.ENDED}


class Agreements:
    """The three-party agreements of a store (``store.agreements``); it owns the outbox kinds
    ``agreement.add``, ``.modify``, ``.verify``, ``.void`` and ``.revoke``."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        outbox.register(ADD, read=Agreement.model_validate, confirmed=self.added,
                        refused=self.add_refused, unreadable=self.add_unreadable)
        for kind in CHANGES:
            outbox.register(kind, read=Agreement.model_validate,
                            confirmed=lambda item, agreement: self.put(agreement, force=True),
                            refused=self.change_refused)

    # -- queueing ------------------------------------------------------------------------------

    def add_queue(self, body: dict[str, Any]) -> tuple[str, str]:
        """Queue ``agreement.add``; returns (outbox key, local id)."""
        ident = local_id("LA")
        stamp = clock.now()
        doc = {"id": ident, **body, "status": AgreementStatus.UNVERIFIED, "reason": None,
               "created_at": stamp.isoformat(), "verify_at": None, "decided_at": None}
        doc = Agreement.model_validate(doc).model_dump(mode="json")
        with self.db.atomic():
            key = self.outbox.enqueue(ADD, {"body": body}, entity=f"agreement:{ident}")
            self.db.execute("INSERT INTO agreements (id, local_id, status, doc, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            [ident, ident, doc["status"], json.dumps(doc, ensure_ascii=False),
                             doc["created_at"], now_iso()])
        return key, ident

    def change_queue(self, kind: str, ident: str, body: dict[str, Any] | None = None) -> str:
        """Queue a change of the service's agreement ``ident``; returns the outbox key. The row
        shows the expected status at once, its service version kept in ``prior``."""
        payload: dict[str, Any] = {"agreement_id": ident}
        if body is not None:
            payload["body"] = body
        with self.db.atomic():
            row = self.db.execute("SELECT doc, prior FROM agreements WHERE id = ?", [ident]).fetchone()
            if row is None:
                raise KeyError(ident)
            key = self.outbox.enqueue(kind, payload, entity=f"agreement:{ident}")
            doc = json.loads(row[0])
            prior = row[1] or row[0]
            if body is not None:
                doc.update(body)
            doc.update(status=EXPECTED[kind], reason=None)
            if kind == MODIFY:
                doc.update(verify_at=None, decided_at=None)
            self.db.execute("UPDATE agreements SET status = ?, message = NULL, prior = ?, doc = ?,"
                            " updated_at = ? WHERE id = ?",
                            [doc["status"], prior, json.dumps(doc, ensure_ascii=False), now_iso(), ident])
        return key

    # -- answers -------------------------------------------------------------------------------

    def added(self, item: OutboxItem, agreement: Agreement) -> None:
        local = item.entity.partition(":")[2]
        doc = agreement.model_dump(mode="json")
        with self.db.atomic():
            self.db.execute("DELETE FROM agreements WHERE id = ? AND local_id IS NOT ?", [agreement.id, local])
            self.db.execute("UPDATE agreements SET id = ?, status = ?, message = NULL, prior = NULL, doc = ?,"
                            " created_at = ?, updated_at = ? WHERE local_id = ?",
                            [agreement.id, agreement.status, json.dumps(doc, ensure_ascii=False),
                             doc["created_at"], now_iso(), local])

    def add_refused(self, item: OutboxItem) -> None:
        """The service refused an add: the local row goes (the reason is the outbox's)."""
        local = item.entity.partition(":")[2]
        self.db.execute("DELETE FROM agreements WHERE local_id = ? AND id = local_id", [local])

    def add_unreadable(self, item: OutboxItem) -> None:
        """Applied by the service, its answer unreadable: the local row goes, the next pull
        brings the service's."""
        local = item.entity.partition(":")[2]
        self.db.execute("DELETE FROM agreements WHERE local_id = ? AND id = local_id", [local])

    def change_refused(self, item: OutboxItem) -> None:
        ident = item.entity.partition(":")[2]
        reason = self.outbox.refusal(item.entity) or "操作被拒绝"
        with self.db.atomic():
            row = self.db.execute("SELECT prior FROM agreements WHERE id = ?", [ident]).fetchone()
            if row is None:
                return
            if self.outbox.has_pending(item.entity):
                self.db.execute("UPDATE agreements SET message = ? WHERE id = ?", [reason, ident])
                return
            if row[0]:
                prior = json.loads(row[0])
                self.db.execute("UPDATE agreements SET status = ?, message = ?, prior = NULL, doc = ?,"
                                " updated_at = ? WHERE id = ?",
                                [prior["status"], reason, row[0], now_iso(), ident])

    def put(self, agreement: Agreement, *, force: bool = False) -> bool:
        """Write the service's version (a pull, the feedback; ``force``: the answer to a change,
        applied even while a later change waits). Returns whether the status changed."""
        doc = agreement.model_dump(mode="json")
        text = json.dumps(doc, ensure_ascii=False)
        with self.db.atomic():
            row = self.db.execute("SELECT status FROM agreements WHERE id = ?", [agreement.id]).fetchone()
            if row is None:
                self.db.execute("INSERT INTO agreements (id, status, doc, created_at, updated_at)"
                                " VALUES (?, ?, ?, ?, ?)",
                                [agreement.id, agreement.status, text, doc["created_at"], now_iso()])
                return True
            if self.outbox.has_pending(f"agreement:{agreement.id}"):
                if force:  # keep the status expected of the change still to send
                    self.db.execute("UPDATE agreements SET prior = ?, updated_at = ? WHERE id = ?",
                                    [text, now_iso(), agreement.id])
                return False
            self.db.execute("UPDATE agreements SET status = ?, message = NULL, prior = NULL, doc = ?,"
                            " updated_at = ? WHERE id = ?", [agreement.status, text, now_iso(), agreement.id])
            return row[0] != agreement.status

    def lost(self, ident: str) -> None:
        """The service no longer knows ``ident`` (404)."""
        self.db.execute("DELETE FROM agreements WHERE id = ?", [ident])

    def replace(self, agreements: Iterable[Agreement]) -> int:
        """The service's list: rows it no longer has go (unless added or changed here and not
        sent yet)."""
        items = list(agreements)
        with self.db.atomic():
            pending = self.outbox.pending_entities("agreement")
            keep = {a.id for a in items} | pending
            for (ident,) in self.db.execute("SELECT id FROM agreements").fetchall():
                if ident not in keep:
                    self.db.execute("DELETE FROM agreements WHERE id = ?", [ident])
            for a in items:
                self.put(a)
        return len(items)

    # -- reading -------------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """Every agreement: the Agreement fields + ``pending`` (a change still to send),
        ``local_id`` and ``message`` (why the last change was refused), oldest first."""
        pending = self.outbox.pending_entities("agreement")
        out = []
        for ident, local, status, message, doc in self.db.execute(
                "SELECT id, local_id, status, message, doc FROM agreements ORDER BY created_at, id"):
            d = json.loads(doc)
            d.update(id=ident, status=status, local_id=local, message=message, pending=ident in pending)
            out.append(d)
        return out

    def row(self, ident: str) -> dict[str, Any] | None:
        return next((r for r in self.rows() if r["id"] == ident or r["local_id"] == ident), None)

    def awaiting(self) -> list[tuple[str, str | None]]:
        """``(id, verify_at)`` of agreements 验证中 at the service (the verify sent), earliest first."""
        pending = self.outbox.pending_entities("agreement")
        rows = self.db.execute("SELECT id, json_extract(doc, '$.verify_at') FROM agreements WHERE status = ?"
                               " ORDER BY 2, id", [AgreementStatus.VERIFYING]).fetchall()
        return [(i, at) for i, at in rows if i not in pending]


def as_agreement(row: dict[str, Any]) -> Agreement:
    return Agreement.model_validate({k: v for k, v in row.items() if k in Agreement.model_fields})
