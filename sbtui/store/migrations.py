"""Schema of the local store, as recorded migrations (``sqlite_utils.migrations``).

Add a new function at the end for every schema change; never edit an applied one.
Applied migrations are recorded in the ``_sqlite_migrations`` table under the set ``sbtui``.
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("sbtui")


@migrations()
def m001_initial(db: Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        """
        CREATE TABLE employees (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            id_type TEXT NOT NULL,
            id_number TEXT NOT NULL,
            status TEXT NOT NULL,
            group_id TEXT,
            unit_numbers TEXT NOT NULL DEFAULT '',   -- joined with '，' (SPEC E1)
            insured_types TEXT NOT NULL DEFAULT '',  -- type codes joined with ','
            registrations TEXT NOT NULL DEFAULT '[]',  -- JSON list[Registration]
            wages TEXT NOT NULL DEFAULT '[]',          -- JSON list[WagePeriod]
            added_on TEXT,
            changed_on TEXT,
            seq INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    for column in ("id_number", "name", "status", "group_id"):
        db.execute(f"CREATE INDEX idx_employees_{column} ON employees ({column})")
    # The service's version of a row that a pull could not apply because of a pending local
    # change; applied when that change is confirmed or refused.
    db.execute(
        "CREATE TABLE held (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, employee TEXT NOT NULL)"
    )
    db.execute(
        """
        CREATE TABLE groups (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            parent_id TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE registrations (
            unit_number TEXT PRIMARY KEY,
            agency TEXT NOT NULL,
            agency_system TEXT NOT NULL,
            tax_authority TEXT NOT NULL,
            payer_type TEXT NOT NULL,
            insurance_types TEXT NOT NULL,  -- type codes joined with ','
            status TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sent', 'confirmed', 'refused')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            response TEXT,
            undo TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_outbox_state ON outbox (state)")
    db.execute("CREATE INDEX idx_outbox_entity ON outbox (entity)")


@migrations()
def m002_change_dates(db: Database) -> None:
    # 本月更新数据 (SPEC E5) filters on these: ~30 ms → < 1 ms at 100,000 rows
    db.execute("CREATE INDEX idx_employees_changed_on ON employees (changed_on)")
    db.execute("CREATE INDEX idx_employees_added_on ON employees (added_on)")
