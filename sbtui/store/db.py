"""Opening the local store (SQLite via sqlite-utils) and the :class:`Store` facade.

Every screen reads from the store and every edit is saved to it at once (SPEC §1). The file is
opened in WAL mode with ``synchronous=FULL`` (a committed transaction survives a power cut) and
``foreign_keys=ON``; pending migrations are applied on open. Multi-row writes run inside
``store.db.atomic()``; the methods here nest in a caller's transaction as savepoints.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from sbtui.private import private_dir, private_sqlite

from sbtui.store.agreements import Agreements
from sbtui.store.certificates import Certificates
from sbtui.store.declarations import Declarations, Projects
from sbtui.store.dues import Dues
from sbtui.store.groups import Groups
from sbtui.store.migrations import migrations
from sbtui.store.outbox import Outbox
from sbtui.store.payments import Payments
from sbtui.store.refunds import Refunds
from sbtui.store.registry import Registry
from sbtui.store.wage_draft import WageDraft
from sbtui.store.wage_query import WageQuery
from sbtui.store.wage_submit import WageSubmissions


class StoreDatabase(Database):
    """sqlite-utils' Database whose outermost :meth:`atomic` begins IMMEDIATE: the write lock
    is taken (waiting up to the busy timeout for another process) before the first read, so
    a transaction that reads then writes never fails with ``database is locked`` because
    another process committed in between (a deferred transaction cannot wait then; issue 14
    finding 5)."""

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic() as db:  # a savepoint inside the caller's transaction
                yield db
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


BUSY_TIMEOUT_MS = 30_000  # another process's transaction is waited for this long


def open_store(path: Path) -> Store:
    """Open (creating it and its folder if needed) the store at ``path`` and migrate it."""
    path = Path(path)
    private_dir(path.parent)  # personal data: folder 0700, the store and its WAL 0600 (issue 14)
    private_sqlite(path)
    # check_same_thread=False: a worker thread may use the store; one at a time.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = StoreDatabase(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.enable_wal()
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return Store(db, path)


class Store:
    """The local store of one employer: one connection, its meta and sync state, and the
    parts that own its tables — each a small object over the same connection:

    ============================ =====================================================
    ``store.outbox``             work for the service, sent exactly once (SPEC §1)
    ``store.registry``           employees, query conditions, unit registrations
    ``store.groups``             the group tree and group assignments
    ``store.wages``              the 职工工资编辑区 draft (W2–W6)
    ``store.wage_submissions``   its submissions, feedback and records (W8–W12)
    ``store.wage_query``         职工缴费工资查询 (W13)
    ``store.dues``               the dues lines (D1, D2, D11)
    ``store.declarations``       fee declarations, offsets, remarks, credits (D3–D8)
    ``store.projects``           construction projects (D10)
    ``store.payments``           the pay list, payments, vouchers, deposit accounts (P1–P4)
    ``store.agreements``         three-party agreements (A1)
    ``store.certificates``       税收完税证明 issued (C1–C3)
    ``store.refunds``            单位退费申请 (R1–R3)
    ============================ =====================================================

    A part that queues outbox items registers their kinds with the handlers that apply the
    service's answers (:meth:`Outbox.register`); a new menu area adds its part here.
    """

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self.outbox = Outbox(db)
        self.registry = Registry(db, self.outbox)
        self.groups = Groups(db, self.outbox, self.registry)
        self.wages = WageDraft(db, self.registry)
        self.wage_submissions = WageSubmissions(db, self.outbox, self.wages)
        self.wage_query = WageQuery(db, self.registry)
        self.dues = Dues(db)
        self.declarations = Declarations(db, self.outbox, self.dues)
        self.projects = Projects(db, self.outbox)
        self.payments = Payments(db, self.outbox)
        self.agreements = Agreements(db, self.outbox)
        self.certificates = Certificates(db, self.outbox)
        self.refunds = Refunds(db, self.outbox)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key/value tables (values kept as JSON) --------------------------------------------

    def meta_get(self, key: str, default: Any = None) -> Any:
        """A value of ``meta`` (employer uscc, name, …); ``default`` when not set."""
        return self._kv_get("meta", key, default)

    def meta_set(self, key: str, value: Any) -> None:
        """Set a ``meta`` value (any JSON value; ``None`` deletes it)."""
        self._kv_set("meta", key, value)

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM meta")}

    def sync_get(self, key: str, default: Any = None) -> Any:
        """A value of ``sync_state`` (``cursor``, ``full_after``, ``full_cursor``, …)."""
        return self._kv_get("sync_state", key, default)

    def sync_set(self, key: str, value: Any) -> None:
        """Set a ``sync_state`` value (``None`` deletes it)."""
        self._kv_set("sync_state", key, value)

    def sync_state(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM sync_state")}

    def _kv_get(self, table: str, key: str, default: Any) -> Any:
        row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def _kv_set(self, table: str, key: str, value: Any) -> None:
        if value is None:
            self.db.execute(f"DELETE FROM {table} WHERE key = ?", [key])
        else:
            self.db.execute(
                f"INSERT INTO {table} (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )
