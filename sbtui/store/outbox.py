"""The outbox: work for the service, queued locally and sent exactly once (SPEC §1).

Each item gets its idempotency ``key`` (uuid4) once, when it is queued, in the same transaction
as the local change it stands for; every (re)send uses that key, so the service applies it at
most once. Items go ``queued`` → ``sent`` (a request was started; ``attempts`` counts them) →
``confirmed`` or ``refused``; the last two are final. FIFO order is ``seq``.

An item may carry an ``undo``: how to put the local rows back if the service refuses the change
(applied by :meth:`Outbox.mark_refused`, row by row unless a later pending item changes the
same row; forms in :mod:`sbtui.store.undo`).

Each area of the store registers the kinds it owns (:meth:`Outbox.register`) with the handlers
that apply the service's answer to its rows: how to read the answer, what to do once it is
confirmed, refused, or confirmed with an answer that cannot be read. :meth:`Outbox.confirm`
and :meth:`Outbox.mark_refused` dispatch by that table.

An employee has a pending change while an item for ``employee:<id>`` is pending or a pending
batch item (:data:`BATCH_KIND`, entity ``employees:batch-…``) lists it.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlite_utils import Database

from sbtui import clock
from sbtui.domain.vocab import OUTBOX_PENDING, OutboxState
from sbtui.remote.interface import MUTATIONS
from sbtui.store import undo as undos

STATES = tuple(OutboxState)
PENDING = OUTBOX_PENDING
# Items about many employees at once (entity ``employees:batch-…``): their payload lists them.
BATCH_KIND = "group.assign_many"
_MEMBERS = ("SELECT json_extract(j.value, '$.employee_id') AS employee_id, o.seq AS seq"
            " FROM outbox o, json_each(o.payload, '$.body.assignments') j"
            " WHERE o.kind = '" + BATCH_KIND + "'")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, UTF-8 text (Decimal → string)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default)


def now_iso() -> str:
    return clock.now().isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class OutboxItem:
    """One outbox row."""

    seq: int
    key: str
    kind: str
    entity: str
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None
    response: Any
    created_at: str
    updated_at: str

    @property
    def pending(self) -> bool:
        return self.state in PENDING

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OutboxItem:
        return cls(
            seq=row["seq"],
            key=row["key"],
            kind=row["kind"],
            entity=row["entity"],
            payload=json.loads(row["payload"]),
            state=row["state"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            response=json.loads(row["response"]) if row["response"] else None,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


BAD_ANSWER = "服务返回的数据格式有误"


@dataclass(frozen=True)
class Handler:
    """What an area does with the service's answers to the items of one kind.

    ``read`` checks the answer's body and returns what ``confirmed`` takes (it raises
    ValueError, TypeError or pydantic's ValidationError for a body of the wrong shape);
    ``confirmed`` applies it to the local rows; ``refused`` runs after the service refused the
    item (its undo already applied); ``unreadable`` after an answer ``read`` refused (the
    service applied the item, so it is confirmed all the same)."""

    read: Callable[[Any], Any]
    confirmed: Callable[[OutboxItem, Any], None]
    refused: Callable[[OutboxItem], None] | None = None
    unreadable: Callable[[OutboxItem], None] | None = None


class Outbox:
    """The ``outbox`` table of a store (``store.outbox``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.handlers: dict[str, Handler] = {}

    def register(self, kind: str, *, read: Callable[[Any], Any],
                 confirmed: Callable[[OutboxItem, Any], None],
                 refused: Callable[[OutboxItem], None] | None = None,
                 unreadable: Callable[[OutboxItem], None] | None = None) -> None:
        """Make an area the owner of ``kind`` (one of :data:`MUTATIONS`): see :class:`Handler`."""
        if kind not in MUTATIONS:
            raise ValueError(f"unknown outbox kind: {kind!r}")
        if kind in self.handlers:
            raise ValueError(f"outbox kind registered twice: {kind!r}")
        self.handlers[kind] = Handler(read, confirmed, refused, unreadable)

    def confirm(self, item: OutboxItem, response: dict[str, Any]) -> None:
        """Mark ``item`` confirmed and let its kind's owner apply the service's answer
        (``response["body"]``) to the local rows, in one transaction. An answer of the wrong
        shape still confirms the item (the service applied it) and is noted in
        ``last_error``."""
        handler = self.handlers[item.kind]
        try:
            answer = handler.read(response.get("body"))
        except (ValidationError, ValueError, TypeError):
            readable = False
        else:
            readable = True
        with self.db.atomic():
            self.mark_confirmed(item.key, response)
            if readable:
                handler.confirmed(item, answer)
                return
            self.db.execute("UPDATE outbox SET last_error = ? WHERE key = ?", [BAD_ANSWER, item.key])
            if handler.unreadable is not None:
                handler.unreadable(item)

    # -- writing ---------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any], *, entity: str,
                undo: dict[str, Any] | None = None) -> str:
        """Queue one mutation and return its new idempotency key.

        Call it inside the transaction (``store.db.atomic()``) that makes the local change,
        so that both or neither are saved."""
        if kind not in MUTATIONS:
            raise ValueError(f"unknown outbox kind: {kind!r}")
        if undo is not None:
            undos.check(undo)
        key = str(uuid.uuid4())
        stamp = now_iso()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO outbox (key, kind, entity, payload, state, attempts, undo,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
                [key, kind, entity, canonical_json(payload),
                 canonical_json(undo) if undo is not None else None, stamp, stamp],
            )
        return key

    def mark_sent(self, key: str) -> None:
        """A request is about to go out: state ``sent``, ``attempts`` + 1."""
        self._update(key, PENDING, "state = 'sent', attempts = attempts + 1", [])

    def drop(self, key: str) -> None:
        """Delete a pending item the service never saw (an ONLINE_ONLY item that could not be
        sent at once is never left queued)."""
        with self.db.atomic():
            cursor = self.db.execute("DELETE FROM outbox WHERE key = ? AND state IN ('queued', 'sent')", [key])
            if cursor.rowcount != 1:
                item = self.get(key)
                if item is None:
                    raise KeyError(key)
                raise ValueError(f"outbox item {key} is {item.state}, not pending")

    def note_error(self, key: str, message: str) -> None:
        """Remember why the last attempt did not finish; the state stays as it is."""
        self._update(key, PENDING, "last_error = ?", [message])

    def mark_confirmed(self, key: str, response: Any) -> None:
        """The service applied it; ``response`` is its answer (kept as JSON)."""
        self._update(key, PENDING, "state = 'confirmed', response = ?, last_error = NULL",
                     [canonical_json(response)])

    def mark_refused(self, key: str, code: str | None, message: str,
                     response: Any = None) -> None:
        """The service refused it for good: record why and undo the local change (or, when a
        later item for the same entity is pending, hand the undo on to it)."""
        with self.db.atomic():
            item = self.get(key)
            if item is None:
                raise KeyError(key)
            error = f"[{code}] {message}" if code else message
            self._update(key, PENDING, "state = 'refused', last_error = ?, response = ?",
                         [error, canonical_json(response) if response is not None else None])
            row = self.db.execute("SELECT undo FROM outbox WHERE key = ?", [key]).fetchone()
            if row[0]:
                self._undo(item.entity, json.loads(row[0]))
            handler = self.handlers.get(item.kind)
            if handler is not None and handler.refused is not None:
                handler.refused(item)

    def _undo(self, entity: str, undo: dict[str, Any]) -> None:
        """Apply ``undo`` now, or hand each row's part to the next pending item changing that
        row (whose own undo would otherwise restore the refused value)."""
        def load(seq: int) -> dict[str, Any] | None:
            row = self.db.execute("SELECT undo FROM outbox WHERE seq = ?", [seq]).fetchone()
            return json.loads(row[0]) if row and row[0] else None

        def store(seq: int, value: dict[str, Any]) -> None:
            self.db.execute("UPDATE outbox SET undo = ? WHERE seq = ?", [canonical_json(value), seq])

        undos.undo_refused(self.db, undo, self._touching, load, store)

    def _touching(self, table: str, ids: list[str]) -> dict[str, int]:
        """Row id → seq of the oldest pending item changing that row of ``table``."""
        wanted = set(ids)
        prefix = {"employees": "employee:", "groups": "group:"}[table]
        found: dict[str, int] = {}
        rows = list(self.db.execute(
            "SELECT substr(entity, ?), min(seq) FROM outbox WHERE state IN ('queued', 'sent')"
            " AND substr(entity, 1, ?) = ? GROUP BY entity",
            [len(prefix) + 1, len(prefix), prefix]))
        if table == "employees" and self._batch_pending():
            rows += self.db.execute(f"{_MEMBERS} AND o.state IN ('queued', 'sent')").fetchall()
        for ident, seq in rows:
            if ident in wanted and (ident not in found or seq < found[ident]):
                found[ident] = seq
        return found

    def _update(self, key: str, from_states: tuple[str, ...], assignments: str,
                params: list[Any]) -> None:
        marks = ", ".join("?" for _ in from_states)
        with self.db.atomic():
            cursor = self.db.execute(
                f"UPDATE outbox SET {assignments}, updated_at = ? WHERE key = ? AND state IN ({marks})",
                [*params, now_iso(), key, *from_states],
            )
            if cursor.rowcount != 1:
                item = self.get(key)
                if item is None:
                    raise KeyError(key)
                raise ValueError(f"outbox item {key} is {item.state}, not {' or '.join(from_states)}")

    # -- reading ---------------------------------------------------------------------------

    def get(self, key: str) -> OutboxItem | None:
        rows = self._select("WHERE key = ?", [key])
        return rows[0] if rows else None

    def next_pending(self) -> OutboxItem | None:
        """The oldest item still to send (``queued`` or ``sent``)."""
        rows = self._select("WHERE state IN ('queued', 'sent') ORDER BY seq LIMIT 1", [])
        return rows[0] if rows else None

    def pending(self) -> list[OutboxItem]:
        """Items still to send, oldest first."""
        return self._select("WHERE state IN ('queued', 'sent') ORDER BY seq", [])

    def items(self, state: str | None = None) -> list[OutboxItem]:
        """All items (or those in ``state``), oldest first."""
        if state is None:
            return self._select("ORDER BY seq", [])
        if state not in STATES:
            raise ValueError(f"unknown outbox state: {state!r}")
        return self._select("WHERE state = ? ORDER BY seq", [state])

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for state, n in self.db.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
            counts[state] = n
        return counts

    def has_pending(self, entity: str, *, excluding: str | None = None) -> bool:
        """Is any item for ``entity`` (other than key ``excluding``) still to send?"""
        row = self.db.execute(
            "SELECT 1 FROM outbox WHERE entity = ? AND state IN ('queued', 'sent')"
            " AND key IS NOT ? LIMIT 1",
            [entity, excluding],
        ).fetchone()
        return row is not None

    def pending_entities(self, prefix: str) -> set[str]:
        """The ids of entities ``prefix:<id>`` with items still to send."""
        head = prefix + ":"
        rows = self.db.execute(
            "SELECT DISTINCT entity FROM outbox WHERE state IN ('queued', 'sent')"
            " AND substr(entity, 1, ?) = ?",
            [len(head), head],
        )
        return {entity[len(head):] for (entity,) in rows}

    def pending_employee_ids(self) -> set[str]:
        """Employees with a change still to send (their own items or a pending batch)."""
        ids = self.pending_entities("employee")
        if self._batch_pending():
            ids.update(r[0] for r in self.db.execute(
                f"{_MEMBERS} AND o.state IN ('queued', 'sent')"))
        return ids

    def employee_pending(self, employee_id: str, *, excluding: str | None = None) -> bool:
        """Has ``employee_id`` a change still to send (other than item ``excluding``)?"""
        if self.has_pending(f"employee:{employee_id}", excluding=excluding):
            return True
        if not self._batch_pending():
            return False
        row = self.db.execute(
            f"SELECT 1 FROM ({_MEMBERS} AND o.state IN ('queued', 'sent') AND o.key IS NOT ?)"
            " WHERE employee_id = ? LIMIT 1", [excluding, employee_id]).fetchone()
        return row is not None

    def refusal(self, entity: str) -> str | None:
        """The service's message of the last refused item for ``entity``."""
        row = self.db.execute("SELECT response, last_error FROM outbox WHERE entity = ? AND state = 'refused'"
                              " ORDER BY seq DESC LIMIT 1", [entity]).fetchone()
        if row is None:
            return None
        try:
            message = (json.loads(row[0]) or {}).get("body", {}).get("message") if row[0] else None
        except (ValueError, AttributeError):
            message = None
        return message or row[1]

    def payload_of(self, entity: str) -> dict[str, Any]:
        """The payload of the last item for ``entity`` (``{}`` when there is none)."""
        row = self.db.execute("SELECT payload FROM outbox WHERE entity = ? ORDER BY seq DESC LIMIT 1",
                              [entity]).fetchone()
        return json.loads(row[0]) if row else {}

    def members(self, key: str) -> list[str]:
        """The employees a batch item lists (``[]`` for other items)."""
        return [r[0] for r in self.db.execute(f"{_MEMBERS} AND o.key = ?", [key])]

    def _batch_pending(self) -> bool:
        return self.db.execute(
            "SELECT 1 FROM outbox WHERE kind = ? AND state IN ('queued', 'sent') LIMIT 1",
            [BATCH_KIND]).fetchone() is not None

    def _select(self, where: str, params: list[Any]) -> list[OutboxItem]:
        cursor = self.db.execute(f"SELECT * FROM outbox {where}", params)
        names = [d[0] for d in cursor.description]
        return [OutboxItem.from_row(dict(zip(names, row))) for row in cursor]
