"""证明打印 in the local store (SPEC C1–C3; issue 13): the 税收完税证明 the service issued, as
last pulled or answered.

**Issue** (``certificate.issue``, entity ``certificate:<local id>``) and **补开**
(``certificate.reprint``, entity ``certificate-reprint:<number>``) are sent at once
(:func:`sbtui.sync.push.send_now`): a certificate is printed from the service's answer. The
answer (the certificates) is stored.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from sbtui.domain.models import Certificate
from sbtui.store.outbox import now_iso
from sbtui.store.payments import local_id

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox

ISSUE = "certificate.issue"
REPRINT = "certificate.reprint"


def _many(body: object) -> list[Certificate]:
    if not isinstance(body, list):
        raise ValueError("a list of certificates")
    return [Certificate.model_validate(x) for x in body]


class Certificates:
    """The certificates of a store (``store.certificates``); it owns the outbox kinds
    ``certificate.issue`` and ``certificate.reprint``."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        outbox.register(ISSUE, read=_many, confirmed=lambda item, certs: self.put_many(certs))
        outbox.register(REPRINT, read=Certificate.model_validate,
                        confirmed=lambda item, cert: self.put(cert))

    def issue_queue(self, *, period_from: str | None, period_to: str | None, keys: list[str],
                    mode: str) -> str:
        """Queue ``certificate.issue``; returns its key. Call it just before sending it."""
        body = {"period_from": period_from, "period_to": period_to, "keys": list(keys),
                "mode": mode}
        return self.outbox.enqueue(ISSUE, {"body": body}, entity=f"certificate:{local_id('C')}")

    def reprint_queue(self, number: str) -> str:
        """Queue ``certificate.reprint`` (补开); returns its key."""
        return self.outbox.enqueue(REPRINT, {"number": number},
                                   entity=f"certificate-reprint:{number}:{local_id('R')}")

    def put(self, cert: Certificate) -> None:
        self.db.execute(
            "INSERT INTO certificates (number, issued_on, print_count, doc, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(number) DO UPDATE SET issued_on ="
            " excluded.issued_on, print_count = excluded.print_count, doc = excluded.doc,"
            " updated_at = excluded.updated_at",
            [cert.number, cert.issued_on.isoformat(), cert.print_count, cert.model_dump_json(),
             now_iso()])

    def put_many(self, certs: Iterable[Certificate]) -> None:
        with self.db.atomic():
            for cert in certs:
                self.put(cert)

    def replace(self, certs: Iterable[Certificate]) -> int:
        """The service's certificates replace the local ones (one transaction)."""
        items = list(certs)
        with self.db.atomic():
            self.db.execute("DELETE FROM certificates")
            for cert in items:
                self.put(cert)
        return len(items)

    def certificates(self, date_from: date | str | None = None,
                     date_to: date | str | None = None) -> list[Certificate]:
        """Newest first; the 填发日期 range (``YYYY-MM-DD``)."""
        where, params = [], []
        if date_from:
            where.append("issued_on >= ?")
            params.append(str(date_from))
        if date_to:
            where.append("issued_on <= ?")
            params.append(str(date_to))
        sql = "SELECT doc FROM certificates" + (" WHERE " + " AND ".join(where) if where else "")
        return [Certificate.model_validate_json(d) for (d,) in
                self.db.execute(sql + " ORDER BY issued_on DESC, number DESC", params)]

    def certificate(self, number: str) -> Certificate | None:
        row = self.db.execute("SELECT doc FROM certificates WHERE number = ?", [number]).fetchone()
        return Certificate.model_validate_json(row[0]) if row else None
