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


# The type codes of the catalogue when m003 was written (SPEC W1). A new type needs a new
# migration adding its three columns; tests check the catalogue against the table.
M003_TYPES = ("110", "120", "130", "210", "310", "320", "330", "360", "410")


@migrations()
def m003_wages(db: Database) -> None:
    # 职工工资编辑区 (SPEC W2–W8): one row per employee; per type w = 新缴费工资 ("8888.00"),
    # f / t = 生效年月起 / 止 ("YYYY-MM"); NULL = empty. The INTEGER rowid is the grid's key.
    cells = ",\n".join(f"w{c} TEXT, f{c} TEXT, t{c} TEXT" for c in M003_TYPES)
    db.execute(
        f"""
        CREATE TABLE wage_draft (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            employee_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            id_type TEXT,
            id_number TEXT,
            group_id TEXT,
            unit_numbers TEXT,
            insured TEXT NOT NULL DEFAULT '',   -- type codes joined with ','
            {cells},
            result TEXT CHECK (result IN ('queued', 'accepted', 'refused')),
            reason TEXT,
            submission TEXT,
            warn TEXT,
            updated_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_wage_draft_submission ON wage_draft (submission)")
    # Undo/redo of cell changes: one action per user edit; done = 1 applied, 0 undone.
    db.execute(
        """
        CREATE TABLE wage_undo (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            action INTEGER NOT NULL,
            row INTEGER NOT NULL,
            col TEXT NOT NULL,
            old TEXT,
            new TEXT,
            done INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute("CREATE INDEX idx_wage_undo_action ON wage_undo (done, action)")
    db.execute(
        """
        CREATE TABLE wage_submissions (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            rows INTEGER NOT NULL,
            chunks INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sent', 'processing', 'done')),
            summary TEXT,
            accepted INTEGER NOT NULL DEFAULT 0,
            refused INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE wage_chunks (
            submission TEXT NOT NULL REFERENCES wage_submissions (id),
            n INTEGER NOT NULL,
            outbox_key TEXT NOT NULL UNIQUE,
            declaration_id TEXT,
            rows INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'processing', 'done', 'refused')),
            submitted_at TEXT,
            feedback_at TEXT,
            accepted INTEGER NOT NULL DEFAULT 0,
            refused INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (submission, n)
        )
        """
    )
    db.execute("CREATE INDEX idx_wage_chunks_declaration ON wage_chunks (declaration_id)")
    # What each submission sent per employee and what the service answered (SPEC W12): kept
    # when the draft rows are edited, removed or cleared.
    db.execute(
        """
        CREATE TABLE wage_results (
            submission TEXT NOT NULL REFERENCES wage_submissions (id),
            n INTEGER NOT NULL,
            employee_id TEXT NOT NULL,
            name TEXT NOT NULL,
            id_number TEXT,
            items TEXT NOT NULL,      -- JSON: the submitted items
            result TEXT NOT NULL DEFAULT 'queued'
                CHECK (result IN ('queued', 'accepted', 'refused')),
            reason TEXT,
            detail TEXT,             -- JSON: the per-type results of the feedback
            PRIMARY KEY (submission, employee_id)
        )
        """
    )


@migrations()
def m004_dues(db: Database) -> None:
    # 日常申报 / 应缴信息 (SPEC D1, D2, D11): the service's dues lines as last pulled, replaced
    # whole by each sync. Money as text ("1422.08"); rate as printed ("16%").
    db.execute(
        """
        CREATE TABLE dues (
            n INTEGER PRIMARY KEY,            -- the service's order
            source TEXT NOT NULL CHECK (source IN ('tax', 'collection')),
            serial TEXT,
            unit_number TEXT NOT NULL,
            agency TEXT NOT NULL DEFAULT '',
            period_from TEXT NOT NULL,
            period_to TEXT NOT NULL,
            item TEXT NOT NULL,
            item_name TEXT NOT NULL,
            type_code TEXT NOT NULL DEFAULT '',
            headcount INTEGER,
            wage_total TEXT,
            base_total TEXT,
            rate TEXT,
            fixed TEXT,
            due TEXT NOT NULL,
            status TEXT NOT NULL,
            generated_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_dues_unit_period ON dues (unit_number, period_from)")


@migrations()
def m005_declarations(db: Database) -> None:
    # 社保费申报 (SPEC D3–D12). The dues lines gain the four sources, their key and D3 tick, the
    # D5 / D9 / D12 fields and the declaration holding them; the rows of m004 are kept (keys and
    # ticks built as sbtui.domain.models.due_key / due_tick do) until the next sync replaces them.
    db.execute("ALTER TABLE dues RENAME TO dues_m004")
    db.execute("DROP INDEX IF EXISTS idx_dues_unit_period")
    db.execute(
        """
        CREATE TABLE dues (
            n INTEGER PRIMARY KEY,            -- the service's order
            source TEXT NOT NULL,             -- tax / collection / special / project
            key TEXT NOT NULL DEFAULT '',     -- due_key()
            tick TEXT NOT NULL DEFAULT '',    -- due_tick() (SPEC D3)
            serial TEXT,
            unit_number TEXT NOT NULL,
            agency TEXT NOT NULL DEFAULT '',
            period_from TEXT NOT NULL,
            period_to TEXT NOT NULL,
            item TEXT NOT NULL,
            item_name TEXT NOT NULL,
            type_code TEXT NOT NULL DEFAULT '',
            headcount INTEGER,
            wage_total TEXT,
            base_total TEXT,
            rate TEXT,
            fixed TEXT,
            due TEXT NOT NULL,
            reduction TEXT NOT NULL DEFAULT '0.00',
            max_offset TEXT NOT NULL DEFAULT '0.00',
            status TEXT NOT NULL,
            generated_at TEXT,
            deadline TEXT,
            late_fee TEXT NOT NULL DEFAULT '0.00',
            valid_until TEXT,
            remark TEXT NOT NULL DEFAULT '',
            project_id TEXT,
            declaration_id TEXT
        )
        """
    )
    db.execute(
        """
        INSERT INTO dues (n, source, key, tick, serial, unit_number, agency, period_from, period_to,
                          item, item_name, type_code, headcount, wage_total, base_total, rate, fixed,
                          due, status, generated_at)
        SELECT n, source,
               CASE source WHEN 'tax' THEN 't|' || unit_number || '|' || period_from || '|' || item
                    ELSE 'c|' || unit_number || '|' || coalesce(serial, 'None') || '|' || item END,
               CASE source WHEN 'tax' THEN 't|' || unit_number || '|' || period_from || '|'
                                           || period_to || '|' || type_code
                    ELSE 'c|' || unit_number || '|' || coalesce(serial, 'None') END,
               serial, unit_number, agency, period_from, period_to, item, item_name, type_code,
               headcount, wage_total, base_total, rate, fixed, due, status, generated_at
        FROM dues_m004
        """
    )
    db.execute("DROP TABLE dues_m004")
    db.execute("CREATE INDEX idx_dues_unit_period ON dues (unit_number, period_from)")
    db.execute("CREATE INDEX idx_dues_key ON dues (key)")
    db.execute("CREATE INDEX idx_dues_tick ON dues (tick)")
    # Offsets (D5) and remarks (D9) typed here for lines not declared yet: they survive a pull.
    db.execute("CREATE TABLE due_edits (key TEXT PRIMARY KEY, offset TEXT, remark TEXT)")
    # 申报记录 (D8): the service's declarations and the ones queued here. A queued one has a
    # local id (``local_id`` = ``id``) and status 待发送 and holds its lines (``held``, JSON
    # keys); the service's answer replaces it under the service's id, ``local_id`` kept.
    db.execute(
        """
        CREATE TABLE declarations (
            id TEXT PRIMARY KEY,
            local_id TEXT UNIQUE,
            outbox_key TEXT,
            kind TEXT NOT NULL DEFAULT 'daily',
            unit_number TEXT NOT NULL,
            agency TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,             -- 待发送 / 申报中 / 申报成功 / 申报失败 / 作废中 / 已作废
            submitted_at TEXT,
            feedback_at TEXT,
            decided_at TEXT,
            message TEXT,
            line_count INTEGER NOT NULL DEFAULT 0,
            headcount INTEGER NOT NULL DEFAULT 0,
            base_total TEXT NOT NULL DEFAULT '0.00',
            due_total TEXT NOT NULL DEFAULT '0.00',
            offset_total TEXT NOT NULL DEFAULT '0.00',
            actual_total TEXT NOT NULL DEFAULT '0.00',
            paid TEXT NOT NULL DEFAULT '0.00',
            payment_status TEXT NOT NULL DEFAULT '未缴费',
            voided_at TEXT,
            held TEXT NOT NULL DEFAULT '[]',
            doc TEXT NOT NULL,                -- JSON Declaration, with lines when known
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_declarations_status ON declarations (status)")
    db.execute("CREATE INDEX idx_declarations_submitted ON declarations (submitted_at)")
    # Construction projects (D10): looked up or linked; ``state`` linked / 待发送 / refused.
    db.execute(
        """
        CREATE TABLE projects (
            project_id TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'linked',
            error TEXT,
            doc TEXT NOT NULL,                -- JSON Project
            updated_at TEXT NOT NULL
        )
        """
    )
    # Verified credit balances per unit number and item (D5), as last pulled.
    db.execute(
        """
        CREATE TABLE credits (
            unit_number TEXT NOT NULL,
            item TEXT NOT NULL,
            item_name TEXT NOT NULL DEFAULT '',
            amount TEXT NOT NULL,
            verified INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (unit_number, item)
        )
        """
    )


@migrations()
def m006_payments(db: Database) -> None:
    # 费款缴纳 (SPEC P1–P4, D12; issue 12). The pay list as last pulled (``seq``: the service's
    # order; ``doc``: JSON PayLine), replaced whole by every pull.
    db.execute(
        """
        CREATE TABLE pay_lines (
            key TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            declaration_id TEXT NOT NULL,
            doc TEXT NOT NULL
        )
        """
    )
    # 缴费记录 (P4): the service's payments (JSON Payment).
    db.execute(
        """
        CREATE TABLE payments (
            id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            paid_at TEXT NOT NULL,
            total TEXT NOT NULL,
            doc TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_payments_paid_at ON payments (paid_at)")
    # 缴费凭证打印记录 (P3): the service's vouchers (JSON Voucher).
    db.execute(
        """
        CREATE TABLE vouchers (
            number TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            issued_on TEXT NOT NULL,
            total TEXT NOT NULL,
            doc TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_vouchers_issued_on ON vouchers (issued_on)")
    # 缴费人存款账户 (the voucher's optional account), as last pulled.
    db.execute(
        """
        CREATE TABLE deposit_accounts (
            bank TEXT NOT NULL,
            account TEXT NOT NULL,
            seq INTEGER NOT NULL,
            doc TEXT NOT NULL,
            PRIMARY KEY (bank, account)
        )
        """
    )
    # 单位三方协议 (A1): the service's agreements and the ones added here and not sent yet
    # (``id`` = ``local_id``, ``pending``); ``prior`` is the service's last version of a row
    # changed here (put back when the service refuses the change).
    db.execute(
        """
        CREATE TABLE agreements (
            id TEXT PRIMARY KEY,
            local_id TEXT UNIQUE,
            status TEXT NOT NULL,
            message TEXT,
            prior TEXT,
            doc TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m007_certificates(db: Database) -> None:
    # 证明打印 (SPEC C1–C3; issue 13): the service's 税收完税证明 (JSON Certificate).
    db.execute(
        """
        CREATE TABLE certificates (
            number TEXT PRIMARY KEY,
            issued_on TEXT NOT NULL,
            print_count INTEGER NOT NULL,
            doc TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_certificates_issued_on ON certificates (issued_on)")


@migrations()
def m008_refunds(db: Database) -> None:
    # 单位退费申请管理 (SPEC R1–R3; issue 13): the service's refund applications (JSON Refund).
    db.execute(
        """
        CREATE TABLE refunds (
            id TEXT PRIMARY KEY,
            submitted_at TEXT NOT NULL,
            status TEXT NOT NULL,
            doc TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_refunds_submitted_at ON refunds (submitted_at)")
