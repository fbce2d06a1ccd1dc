"""Sandbox training controls (``/sandbox/*``, no token) and the read-only fee-side fixture
lists (notices, collection notices, special dues, paid periods). The projects are served by
:mod:`.projects` (``GET /projects``: the linked ones), the three-party agreements by
:mod:`.agreements`, the bank's accounts control by :mod:`.bank`, the voucher collection
control by :mod:`.payments`.

Every route documents the error envelope for its error statuses (``responses=ERRORS``), so
its 422 (a body that does not validate) and 413 match the OpenAPI schema (issue 14 finding 9)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from . import registry, settle
from .auth import PayWho, Who
from .declarations import record
from .errors import ERRORS
from .seed import DEMO_USCC

router = APIRouter()


class SimulateIn(BaseModel):
    changes: int = Field(ge=0, le=100_000)
    seed: int = 0
    uscc: str = DEMO_USCC


class CompactIn(BaseModel):
    uscc: str | None = None


class PaidIn(BaseModel):
    amount: str | None = None  # default: what is still unpaid
    uscc: str = DEMO_USCC


class SettingsIn(BaseModel):
    reply_delay_ms: int | None = Field(None, ge=0, le=600_000)
    feedback_delay_ms: int | None = Field(None, ge=0, le=86_400_000)


def sandbox(request: Request):
    return request.app.state.sandbox


@router.post("/sandbox/simulate", responses=ERRORS)
async def simulate(body: SimulateIn, request: Request) -> dict:
    """Make ``changes`` agency-side registry changes (deterministic for a seed and a state)."""
    sb = sandbox(request)
    return registry.simulate(sb.db, body.uscc, body.changes, body.seed, sb.today())


@router.post("/sandbox/compact", responses=ERRORS)
async def compact(request: Request, body: CompactIn | None = None) -> dict:
    """Raise the change floor to the current cursor (of one employer, or all)."""
    return registry.compact(sandbox(request).db, body.uscc if body else None)


@router.get("/sandbox/settings", responses=ERRORS)
async def get_settings(request: Request) -> dict:
    sb = sandbox(request)
    return {"reply_delay_ms": sb.keyed.reply_delay_ms, "feedback_delay_ms": sb.feedback_delay_ms}


@router.post("/sandbox/settings", responses=ERRORS)
async def set_settings(body: SettingsIn, request: Request) -> dict:
    """``reply_delay_ms``: sleep that long after each mutation's commit, before replying;
    ``feedback_delay_ms``: how long after its submission (or void) a wage or fee declaration
    gets its feedback.
    Answers the settings it was given."""
    sb = sandbox(request)
    given = body.model_dump(exclude_none=True)
    if "reply_delay_ms" in given:
        sb.keyed.reply_delay_ms = given["reply_delay_ms"]
    if "feedback_delay_ms" in given:
        sb.feedback_delay_ms = given["feedback_delay_ms"]
    return given


@router.post("/sandbox/declarations/{declaration_id}/paid", responses=ERRORS)
async def declaration_paid(declaration_id: str, request: Request,
                           body: PaidIn | None = None) -> dict:
    """The bank side, until payment exists: mark a 申报成功 declaration (part) paid (``amount``,
    default the rest). Once wholly paid, its fully paid tax periods join ``paid_periods``.
    Answers the ``Declaration`` (with lines)."""
    sb = sandbox(request)
    body = body or PaidIn()
    settle.process_due(sb.db, body.uscc, sb.now())
    with sb.db.tx() as conn:
        settle.mark_paid(conn, body.uscc, declaration_id, body.amount, sb.today())
        row = conn.execute("SELECT * FROM declarations WHERE uscc = ? AND id = ?",
                           (body.uscc, declaration_id)).fetchone()
        return record(row, with_lines=True)


@router.get("/sandbox/effects", responses=ERRORS)
async def effects(request: Request, kind: str | None = None) -> list[dict]:
    """Every applied mutation, one row per effect."""
    return sandbox(request).keyed.effects(kind)


def _rows(request: Request, sql: str, params: tuple) -> list[dict]:
    return [dict(r) for r in sandbox(request).db.all(sql, params)]


@router.get("/notices", responses=ERRORS)
async def notices(request: Request, who: PayWho) -> list[dict]:
    """通知公告 (kind ``notice``) and 消息中心 messages (kind ``message``), newest first; every
    role (they are on every user's home page). ``GET /messages`` adds the read flags."""
    return _rows(request, "SELECT id, kind, title, date, body FROM notices"
                 " WHERE uscc IS NULL OR uscc = ? ORDER BY date DESC, id", (who.uscc,))


@router.get("/paid-periods", responses=ERRORS)
async def paid_periods(request: Request, who: Who) -> list[dict]:
    return _rows(request, "SELECT unit_number, period, amount, paid_on FROM paid_periods"
                 " WHERE uscc = ? ORDER BY unit_number, period", (who.uscc,))


@router.get("/collection-notices", responses=ERRORS)
async def collection_notices(request: Request, who: Who) -> list[dict]:
    return _rows(request, "SELECT serial, unit_number, agency, period, item_id, item_name, amount,"
                 " status FROM collection_notices WHERE uscc = ? ORDER BY serial, item_id",
                 (who.uscc,))


@router.get("/special-dues", responses=ERRORS)
async def special_dues(request: Request, who: Who) -> list[dict]:
    return _rows(request, "SELECT serial, unit_number, item_id, item_name, period_from, period_to,"
                 " amount, valid_until, remark FROM special_dues WHERE uscc = ? ORDER BY serial",
                 (who.uscc,))
