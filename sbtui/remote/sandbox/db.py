"""The sandbox's own SQLite database: schema, connection, transactions and the employee
write path (every change to an employee takes the next value of its employer's sequence)."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS employers (
    uscc TEXT PRIMARY KEY, name TEXT NOT NULL, tax_authority TEXT NOT NULL,
    tax_branch TEXT NOT NULL, status TEXT NOT NULL, region TEXT NOT NULL,
    password_hash TEXT, must_change INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
    seq INTEGER NOT NULL DEFAULT 0, floor INTEGER NOT NULL DEFAULT 0,
    next_employee INTEGER NOT NULL DEFAULT 1, next_group INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS registrations (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, agency TEXT NOT NULL,
    agency_system TEXT NOT NULL, tax_authority TEXT NOT NULL, payer_type TEXT NOT NULL,
    insurance_types TEXT NOT NULL, status TEXT NOT NULL, system_digit TEXT NOT NULL,
    PRIMARY KEY (uscc, unit_number));
CREATE TABLE IF NOT EXISTS employees (
    uscc TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,
    id_number TEXT NOT NULL, status TEXT NOT NULL, group_id TEXT, doc TEXT NOT NULL,
    PRIMARY KEY (uscc, id));
CREATE INDEX IF NOT EXISTS employees_seq ON employees (uscc, seq);
CREATE UNIQUE INDEX IF NOT EXISTS employees_id_number ON employees (uscc, id_number);
CREATE TABLE IF NOT EXISTS groups (
    uscc TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, parent_id TEXT,
    PRIMARY KEY (uscc, id));
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, uscc TEXT NOT NULL, role TEXT NOT NULL, username TEXT,
    must_change INTEGER NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idem_keys (
    uscc TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, method TEXT NOT NULL,
    path TEXT NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL,
    created_at TEXT NOT NULL, principal TEXT, PRIMARY KEY (uscc, key));
CREATE INDEX IF NOT EXISTS idem_keys_created ON idem_keys (created_at);
CREATE TABLE IF NOT EXISTS effects (
    id INTEGER PRIMARY KEY, uscc TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
    target TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paid_periods (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, period TEXT NOT NULL, amount TEXT NOT NULL,
    paid_on TEXT NOT NULL, PRIMARY KEY (uscc, unit_number, period));
CREATE TABLE IF NOT EXISTS collection_notices (
    uscc TEXT NOT NULL, serial TEXT NOT NULL, unit_number TEXT NOT NULL, agency TEXT NOT NULL,
    period TEXT NOT NULL, item_id TEXT NOT NULL, item_name TEXT NOT NULL, amount TEXT NOT NULL,
    status TEXT NOT NULL, PRIMARY KEY (uscc, serial, item_id));
CREATE TABLE IF NOT EXISTS special_dues (
    uscc TEXT NOT NULL, serial TEXT NOT NULL, unit_number TEXT NOT NULL, item_id TEXT NOT NULL,
    item_name TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,
    amount TEXT NOT NULL, valid_until TEXT NOT NULL, remark TEXT NOT NULL,
    PRIMARY KEY (uscc, serial));
CREATE TABLE IF NOT EXISTS projects (
    uscc TEXT NOT NULL, project_id TEXT NOT NULL, name TEXT NOT NULL,
    contract_number TEXT NOT NULL, agency TEXT NOT NULL, unit_number TEXT NOT NULL,
    region TEXT NOT NULL, contact TEXT NOT NULL, start_date TEXT NOT NULL,
    end_date TEXT NOT NULL, rate TEXT NOT NULL, total_cost TEXT NOT NULL,
    contract_amount TEXT NOT NULL, PRIMARY KEY (uscc, project_id));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bank_accounts (
    bank TEXT NOT NULL, account TEXT NOT NULL, branch TEXT NOT NULL, name TEXT NOT NULL,
    balance TEXT NOT NULL, uscc TEXT, PRIMARY KEY (bank, account));
CREATE TABLE IF NOT EXISTS agreements (
    uscc TEXT NOT NULL, id TEXT NOT NULL, batch INTEGER NOT NULL, tax_authority TEXT NOT NULL,
    region TEXT NOT NULL, bank TEXT NOT NULL, branch TEXT NOT NULL, account_name TEXT NOT NULL,
    account TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, created_at TEXT NOT NULL,
    verify_at TEXT, decided_at TEXT, verify_key TEXT, PRIMARY KEY (uscc, id));
CREATE TABLE IF NOT EXISTS pay_tickets (
    ticket TEXT PRIMARY KEY, uscc TEXT NOT NULL, username TEXT, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    uscc TEXT NOT NULL, id TEXT NOT NULL, number INTEGER NOT NULL, key TEXT NOT NULL,
    agreement_id TEXT, bank TEXT NOT NULL, account TEXT NOT NULL, account_name TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, amount TEXT NOT NULL, late_fee TEXT NOT NULL,
    total TEXT NOT NULL, paid_at TEXT NOT NULL, paid_on TEXT NOT NULL, lines TEXT NOT NULL,
    PRIMARY KEY (uscc, id));
CREATE TABLE IF NOT EXISTS vouchers (
    uscc TEXT NOT NULL, number TEXT NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL,
    ticket_number TEXT NOT NULL, issued_on TEXT NOT NULL, deadline TEXT NOT NULL,
    status TEXT NOT NULL, payer_name TEXT NOT NULL, bank TEXT NOT NULL, account TEXT NOT NULL,
    tax_authority TEXT NOT NULL, amount TEXT NOT NULL, late_fee TEXT NOT NULL,
    total TEXT NOT NULL, booked_on TEXT, voided_at TEXT, lines TEXT NOT NULL,
    PRIMARY KEY (uscc, number));
CREATE TABLE IF NOT EXISTS certificates (
    uscc TEXT NOT NULL, number TEXT NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL,
    issued_on TEXT NOT NULL, print_count INTEGER NOT NULL, code TEXT NOT NULL,
    doc TEXT NOT NULL, PRIMARY KEY (uscc, number));
CREATE TABLE IF NOT EXISTS certificate_lines (
    uscc TEXT NOT NULL, key TEXT NOT NULL, number TEXT NOT NULL, PRIMARY KEY (uscc, key));
CREATE TABLE IF NOT EXISTS line_payments (
    uscc TEXT NOT NULL, declaration_id TEXT NOT NULL, n INTEGER NOT NULL, state TEXT NOT NULL,
    ref TEXT NOT NULL, PRIMARY KEY (uscc, declaration_id, n));
CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY, uscc TEXT, kind TEXT NOT NULL, title TEXT NOT NULL,
    date TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS message_reads (
    uscc TEXT NOT NULL, id TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (uscc, id));
CREATE TABLE IF NOT EXISTS employer_details (
    uscc TEXT PRIMARY KEY, registration_type TEXT NOT NULL, industry TEXT NOT NULL,
    address TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    uscc TEXT NOT NULL, username TEXT NOT NULL COLLATE NOCASE, permission TEXT NOT NULL,
    remark TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'normal',
    password_hash TEXT, must_change INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (uscc, username));
CREATE TABLE IF NOT EXISTS wage_declarations (
    uscc TEXT NOT NULL, id TEXT NOT NULL, number INTEGER NOT NULL, key TEXT NOT NULL,
    status TEXT NOT NULL, submitted_at TEXT NOT NULL, feedback_at TEXT NOT NULL,
    rows INTEGER NOT NULL, accepted INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0, summary TEXT, request TEXT NOT NULL, results TEXT,
    PRIMARY KEY (uscc, id));
CREATE INDEX IF NOT EXISTS wage_declarations_due ON wage_declarations (uscc, status, number);
CREATE TABLE IF NOT EXISTS dues_regen (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, type TEXT NOT NULL,
    from_period TEXT NOT NULL, PRIMARY KEY (uscc, unit_number, type));
CREATE TABLE IF NOT EXISTS declarations (
    uscc TEXT NOT NULL, id TEXT NOT NULL, number INTEGER NOT NULL, key TEXT NOT NULL,
    kind TEXT NOT NULL, unit_number TEXT NOT NULL, agency TEXT NOT NULL, status TEXT NOT NULL,
    submitted_at TEXT NOT NULL, submitted_on TEXT NOT NULL, feedback_at TEXT,
    decided_at TEXT, message TEXT, voided_at TEXT, line_count INTEGER NOT NULL,
    headcount INTEGER NOT NULL, base_total TEXT NOT NULL, due_total TEXT NOT NULL,
    offset_total TEXT NOT NULL, actual_total TEXT NOT NULL, paid TEXT NOT NULL,
    payment_status TEXT NOT NULL, lines TEXT NOT NULL, PRIMARY KEY (uscc, id));
CREATE INDEX IF NOT EXISTS declarations_due ON declarations (uscc, status, feedback_at);
CREATE TABLE IF NOT EXISTS due_holds (
    uscc TEXT NOT NULL, key TEXT NOT NULL, declaration_id TEXT NOT NULL, source TEXT NOT NULL,
    unit_number TEXT NOT NULL, item TEXT NOT NULL, offset_amount TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (uscc, key));
CREATE INDEX IF NOT EXISTS due_holds_declaration ON due_holds (uscc, declaration_id);
CREATE TABLE IF NOT EXISTS dues_voided (
    uscc TEXT NOT NULL, key TEXT NOT NULL, declaration_id TEXT NOT NULL,
    unit_number TEXT NOT NULL, period TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (uscc, key));
CREATE TABLE IF NOT EXISTS credits (
    uscc TEXT NOT NULL, unit_number TEXT NOT NULL, item_id TEXT NOT NULL,
    item_name TEXT NOT NULL, amount TEXT NOT NULL, verified INTEGER NOT NULL,
    PRIMARY KEY (uscc, unit_number, item_id));
CREATE TABLE IF NOT EXISTS paid_employees (
    uscc TEXT NOT NULL, declaration_id TEXT NOT NULL, n INTEGER NOT NULL, lines TEXT NOT NULL,
    PRIMARY KEY (uscc, declaration_id, n));
CREATE TABLE IF NOT EXISTS refunds (
    uscc TEXT NOT NULL, id TEXT NOT NULL, number INTEGER NOT NULL, key TEXT NOT NULL,
    kind TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, cause TEXT NOT NULL,
    explanation TEXT NOT NULL, account TEXT NOT NULL, handler TEXT NOT NULL, total TEXT NOT NULL,
    submitted_at TEXT NOT NULL, submitted_on TEXT NOT NULL, decide_at TEXT, decided_at TEXT,
    refunded_on TEXT, unit_numbers TEXT NOT NULL, tickets TEXT NOT NULL, lines TEXT NOT NULL,
    PRIMARY KEY (uscc, id));
CREATE TABLE IF NOT EXISTS refund_takes (
    uscc TEXT NOT NULL, key TEXT NOT NULL, refund_id TEXT NOT NULL, scope TEXT NOT NULL,
    declaration_id TEXT NOT NULL, n INTEGER NOT NULL, ticket_number TEXT NOT NULL,
    amount TEXT NOT NULL, PRIMARY KEY (uscc, key, refund_id));
CREATE TABLE IF NOT EXISTS project_links (
    uscc TEXT NOT NULL, project_id TEXT NOT NULL, tax_authority TEXT NOT NULL,
    tax_branch TEXT NOT NULL, linked_at TEXT NOT NULL, PRIMARY KEY (uscc, project_id));
CREATE TABLE IF NOT EXISTS project_dues (
    uscc TEXT NOT NULL, serial TEXT NOT NULL, project_id TEXT NOT NULL,
    unit_number TEXT NOT NULL, item_id TEXT NOT NULL, period_from TEXT NOT NULL,
    period_to TEXT NOT NULL, base TEXT NOT NULL, rate TEXT NOT NULL, amount TEXT NOT NULL,
    valid_until TEXT NOT NULL, PRIMARY KEY (uscc, serial));
"""


def iso(dt: datetime) -> str:
    """An aware datetime as UTC ISO text (sorts as text)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Db:
    """One connection shared by the app, serialised by a lock (the sandbox is single-process).

    Writes go through :meth:`tx` (``BEGIN IMMEDIATE`` … ``COMMIT``); reads through
    :meth:`read`, which holds the lock so a page and its cursor see one state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                    timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.lock = threading.RLock()
        with self.lock:
            self.conn.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    def one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()


def next_seq(conn: sqlite3.Connection, uscc: str) -> int:
    return conn.execute("UPDATE employers SET seq = seq + 1 WHERE uscc = ? RETURNING seq",
                        (uscc,)).fetchone()[0]


def load_employee(conn: sqlite3.Connection, uscc: str, eid: str) -> dict | None:
    row = conn.execute("SELECT doc FROM employees WHERE uscc = ? AND id = ?", (uscc, eid)).fetchone()
    return json.loads(row[0]) if row else None


def save_employee(conn: sqlite3.Connection, uscc: str, doc: dict, *, changed_on: str) -> dict:
    """Write one employee (new or changed): it gets the next ``seq`` and ``changed_on``."""
    doc["seq"] = next_seq(conn, uscc)
    doc["changed_on"] = changed_on
    conn.execute(
        "INSERT INTO employees (uscc, id, seq, name, id_number, status, group_id, doc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uscc, id) DO UPDATE SET"
        " seq = excluded.seq, name = excluded.name, id_number = excluded.id_number,"
        " status = excluded.status, group_id = excluded.group_id, doc = excluded.doc",
        (uscc, doc["id"], doc["seq"], doc["name"], doc["id_number"], doc["status"],
         doc["group_id"], dumps(doc)))
    return doc


def save_employees(conn: sqlite3.Connection, uscc: str, docs: list[dict], *,
                   changed_on: str) -> dict[str, int]:
    """Write many changed employees at once: consecutive new ``seq`` values in list order,
    ``changed_on`` set, one ``executemany``. Returns employee id -> its new ``seq``."""
    if not docs:
        return {}
    last = conn.execute("UPDATE employers SET seq = seq + ? WHERE uscc = ? RETURNING seq",
                        (len(docs), uscc)).fetchone()[0]
    first = last - len(docs) + 1
    rows = []
    for n, doc in enumerate(docs):
        doc["seq"] = first + n
        doc["changed_on"] = changed_on
        rows.append((doc["seq"], doc["name"], doc["id_number"], doc["status"], doc["group_id"],
                     dumps(doc), uscc, doc["id"]))
    conn.executemany("UPDATE employees SET seq = ?, name = ?, id_number = ?, status = ?,"
                     " group_id = ?, doc = ? WHERE uscc = ? AND id = ?", rows)
    return {doc["id"]: doc["seq"] for doc in docs}


def next_counter(conn: sqlite3.Connection, name: str) -> int:
    """The next value of a service-wide counter (ticket and voucher numbers, agreement ids)."""
    return conn.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET"
                        " value = value + 1 RETURNING value", (name,)).fetchone()[0]


def registrations(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    rows = conn.execute("SELECT * FROM registrations WHERE uscc = ? ORDER BY rowid", (uscc,))
    return [{
        "unit_number": r["unit_number"], "agency": r["agency"], "agency_system": r["agency_system"],
        "tax_authority": r["tax_authority"], "payer_type": r["payer_type"],
        "insurance_types": json.loads(r["insurance_types"]), "status": r["status"],
        "system_digit": r["system_digit"],
    } for r in rows]


def public_registration(reg: dict) -> dict:
    """The ``UnitRegistration`` wire shape of a registration row."""
    return {k: v for k, v in reg.items() if k != "system_digit"}
