"""Assembly of the sandbox service: open (and seed) the database, build the FastAPI app,
read its summary, serve it with uvicorn."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import metadata, resources
from pathlib import Path

from fastapi import FastAPI

from sbtui import clock
from sbtui.private import private_dir, private_sqlite

from . import (agreements, bank, busy, certificates, controls, dues, errors, home, payments, refunds,
               routes, users, wages)
from .db import Db, public_registration, registrations
from .idempotency import Keyed, load_secret
from .seed import DEMO_USCC, REGION, is_seeded, local_today, upgrade
from .seed import seed as seed_db
from .textguard import TextGuard

DB_NAME = "sandbox.db"
API_PREFIX = "/api/v1"


def _version() -> str:
    try:
        return metadata.version("sbtui")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _utc_now() -> datetime:
    return clock.now()


class Sandbox:
    """What the routes share: the database, the clock and the keyed-mutation runner."""

    def __init__(self, db: Db, clock: Callable[[], datetime], secret: bytes | None = None) -> None:
        self.db = db
        self._clock = clock
        self.keyed = Keyed(db, self.now, secret)
        self.feedback_delay_ms = wages.DEFAULT_FEEDBACK_DELAY_MS  # wage declaration feedback
        self.version = _version()
        self.region_id = REGION

    def now(self) -> datetime:
        now = self._clock()
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

    def today(self) -> date:
        """The service's calendar day (China Standard Time)."""
        return local_today(self.now())

    def region_profile(self) -> dict:
        """The region data file's JSON, when the region data is installed."""
        try:
            path = resources.files("sbtui.domain").joinpath(f"data/regions/{self.region_id}.json")
            return json.loads(path.read_text("utf-8"))
        except (FileNotFoundError, ModuleNotFoundError, json.JSONDecodeError):
            return {"id": self.region_id, "name": "内蒙古自治区"}


def open_db(data_dir: Path, *, employees: int = 2000, seed_value: int = 1,
            clock: Callable[[], datetime] = _utc_now) -> Db:
    """Open ``data_dir/sandbox.db``, seeding it first when it has never been seeded."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():  # a folder we make is 0700; one given (say ".") keeps its mode
        private_dir(data_dir)
    private_sqlite(data_dir / DB_NAME)  # the registry's names and ID numbers: 0600 (issue 14)
    db = Db(data_dir / DB_NAME)
    if not is_seeded(db):
        now = clock()
        seed_db(db, employees=employees, seed=seed_value,
             today=local_today(now if now.tzinfo else now.replace(tzinfo=UTC)))
    else:
        upgrade(db)
    return db


def create_app(data_dir: Path, *, employees: int = 2000, seed: int = 1,
               clock: Callable[[], datetime] | None = None,
               max_body: int = errors.MAX_BODY) -> FastAPI:
    """The sandbox service as an ASGI app (no lifespan needed: works via ``ASGITransport``).
    A request body over ``max_body`` bytes is answered 413 ``payload_too_large``."""
    clock = clock or _utc_now
    db = open_db(data_dir, employees=employees, seed_value=seed, clock=clock)
    sandbox = Sandbox(db, clock, load_secret(Path(data_dir)))
    sandbox.keyed.purge()
    dues.install(sandbox.db)
    app = FastAPI(title="sbtui sandbox", version=sandbox.version, openapi_url="/openapi.json",
                  description="The tax-side service sbtui talks to (see sbtui/remote/API.md).")
    app.state.sandbox = sandbox
    errors.install(app)
    app.add_middleware(TextGuard)  # inside BodyLimit: it reads bodies already limited
    app.add_middleware(errors.BodyLimit, max_bytes=max_body)
    app.state.busy = busy.Busy()
    app.add_middleware(busy.BusyClock, busy=app.state.busy)  # outermost: the service's own seconds per request family
    for router in (routes.router, users.router, home.router, wages.router,
                   controls.router, dues.router, payments.router, agreements.router,
                   bank.router, certificates.router, busy.router, refunds.router):
        app.include_router(router, prefix=API_PREFIX)
    return app


def info(data_dir: Path, *, employees: int = 2000) -> dict:
    """A summary of the sandbox database (seeded with ``employees`` when missing)."""
    db = open_db(data_dir, employees=employees)
    try:
        with db.read() as conn:
            employer = conn.execute("SELECT * FROM employers WHERE uscc = ?", (DEMO_USCC,)).fetchone()
            regs = [public_registration(r) for r in registrations(conn, DEMO_USCC)]
            count = conn.execute("SELECT count(*) FROM employees WHERE uscc = ?",
                                 (DEMO_USCC,)).fetchone()[0]
            others = conn.execute("SELECT uscc, name FROM employers WHERE uscc != ? ORDER BY uscc",
                                  (DEMO_USCC,)).fetchall()
        accounts = bank.all_accounts(db)
    finally:
        db.close()
    return {"uscc": DEMO_USCC, "name": employer["name"], "region": employer["region"],
            "unit_numbers": [r["unit_number"] for r in regs], "registrations": regs,
            "employees": count, "other_employers": [dict(r) for r in others],
            "bank_accounts": accounts}


def serve(host: str = "127.0.0.1", port: int = 8765, data_dir: Path | None = None,
          employees: int = 2000, seed: int = 1) -> None:
    """Run the sandbox with uvicorn (single worker, log level warning) until interrupted."""
    import uvicorn

    app = create_app(Path(data_dir or "."), employees=employees, seed=seed)
    uvicorn.run(app, host=host, port=port, workers=1, log_level="warning")
