"""The employee registry: keyset paging, the change feed, and the agency-side changes the
training control ``/sandbox/simulate`` makes (groups: :mod:`.groups`)."""
from __future__ import annotations

import json
import random
import sqlite3
from datetime import date

from sbtui.domain.catalogue import catalogue
from sbtui.domain.period import month_of
from sbtui.domain.vocab import EmployeeChange, EmployeeStatus, values

from . import db as dbm
from .db import Db, load_employee, save_employee
from .errors import ApiError
from .people import change_wage, money, random_wage_cents
from .seed import make_employee

def _page_bytes(docs: list[str], tail: dict) -> bytes:
    """``{"items": [...docs], **tail}`` without decoding the stored documents."""
    rest = json.dumps(tail, ensure_ascii=False, separators=(",", ":"))[1:]
    return ('{"items":[' + ",".join(docs) + "]" + ("," + rest if rest != "}" else "}")).encode()


def employees_page(db: Db, uscc: str, after: str | None, limit: int) -> bytes:
    """A ``RegistryPage`` as JSON bytes: employees with id > ``after``, in id order."""
    with db.read() as conn:
        # Employees are never deleted and ids are E<serial>: the count is next_employee - 1.
        cursor, total = conn.execute("SELECT seq, next_employee - 1 FROM employers WHERE uscc = ?",
                                     (uscc,)).fetchone()
        rows = conn.execute(
            "SELECT id, doc FROM employees WHERE uscc = ? AND id > ? ORDER BY id LIMIT ?",
            (uscc, after or "", limit + 1)).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1][0] if more else None
    return _page_bytes([r[1] for r in rows], {"next_after": next_after, "cursor": cursor,
                                              "total": total})


def changes_page(db: Db, uscc: str, since: int, limit: int) -> bytes:
    """A ``ChangesPage`` as JSON bytes; 410 ``cursor_too_old`` below the floor (or past the
    current sequence, which means the service's data was reset)."""
    with db.read() as conn:
        seq, floor = conn.execute("SELECT seq, floor FROM employers WHERE uscc = ?",
                                  (uscc,)).fetchone()
        if since < floor or since > seq:
            raise ApiError(410, "cursor_too_old", "本地职工数据已过期，请进行全量更新。",
                           {"since": since, "floor": floor, "current": seq})
        rows = conn.execute(
            "SELECT seq, doc FROM employees WHERE uscc = ? AND seq > ? ORDER BY seq LIMIT ?",
            (uscc, since, limit + 1)).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1][0] if more else seq
    return _page_bytes([r[1] for r in rows], {"cursor": cursor, "has_more": more})


def employee(db: Db, uscc: str, eid: str) -> dict:
    with db.read() as conn:
        doc = load_employee(conn, uscc, eid)
    if doc is None:
        raise ApiError(404, "not_found", "未找到该职工。", {"employee_id": eid})
    return doc


# --- training controls --------------------------------------------------------------------------

def simulate(db: Db, uscc: str, changes: int, seed: int, today: date) -> dict:
    """``changes`` agency-side changes, each to a different employee: about 20% new hires,
    15% stops and the rest wage changes from this month on (binding groups respected)."""
    rng = random.Random(seed)
    counts = dict.fromkeys(values(EmployeeChange), 0)
    this_month = month_of(today)
    with db.tx() as conn:
        employer = conn.execute("SELECT * FROM employers WHERE uscc = ?", (uscc,)).fetchone()
        if employer is None:
            raise ApiError(404, "employer_not_found", "未查询到该纳税人。", {"uscc": uscc})
        kinds = [_pick_kind(rng) for _ in range(changes)]
        normal = [r[0] for r in conn.execute(
            "SELECT id FROM employees WHERE uscc = ? AND status = ? ORDER BY id", (uscc, EmployeeStatus.NORMAL))]
        existing = [k for k in kinds if k != EmployeeChange.ADDED]
        targets = iter(rng.sample(normal, min(len(existing), len(normal))))
        units = dbm.registrations(conn, uscc)
        groups_ = [r[0] for r in conn.execute("SELECT id FROM groups WHERE uscc = ? ORDER BY id",
                                              (uscc,))]
        prefix = _person_prefix(conn, uscc)
        for kind in kinds:
            if kind == EmployeeChange.ADDED:
                _hire(conn, rng, uscc, units, prefix, groups_, today)
                counts[kind] += 1
                continue
            eid = next(targets, None)
            if eid is None:
                continue
            doc = load_employee(conn, uscc, eid)
            if kind == EmployeeChange.STOPPED:
                doc["status"] = EmployeeStatus.STOPPED.value
            else:
                types = sorted({t for r in doc["registrations"] for t in r["insurance_types"]})
                bound = catalogue().bound_with(rng.choice(types), types)
                change_wage(doc, bound, money(random_wage_cents(rng)), this_month)
            save_employee(conn, uscc, doc, changed_on=today.isoformat())
            counts[kind] += 1
        cursor = conn.execute("SELECT seq FROM employers WHERE uscc = ?", (uscc,)).fetchone()[0]
    return {**counts, "cursor": cursor}


def _pick_kind(rng: random.Random) -> str:
    r = rng.random()
    return (EmployeeChange.ADDED if r < 0.2 else EmployeeChange.STOPPED if r < 0.35
            else EmployeeChange.CHANGED)


def _person_prefix(conn: sqlite3.Connection, uscc: str) -> str:
    row = conn.execute("SELECT doc FROM employees WHERE uscc = ? ORDER BY id LIMIT 1",
                       (uscc,)).fetchone()
    if row is None:
        return "1509"
    return json.loads(row[0])["registrations"][0]["person_number"][:4]


def _hire(conn: sqlite3.Connection, rng: random.Random, uscc: str, units: list[dict],
          prefix: str, group_ids: list[str], today: date) -> dict:
    serial = conn.execute("UPDATE employers SET next_employee = next_employee + 1 WHERE uscc = ?"
                          " RETURNING next_employee - 1", (uscc,)).fetchone()[0]
    taken: set[str] = set()
    while True:
        doc = make_employee(rng, uscc=uscc, serial=serial, units=units, prefix=prefix,
                            today=today, taken=taken, group_ids=group_ids, new_hire=True)
        if conn.execute("SELECT 1 FROM employees WHERE uscc = ? AND id_number = ?",
                        (uscc, doc["id_number"])).fetchone() is None:
            break
    if rng.random() < 0.6:  # most new hires come with their wages already declared
        types = sorted({t for r in doc["registrations"] for t in r["insurance_types"]})
        change_wage(doc, types, money(random_wage_cents(rng)), month_of(today))
    return save_employee(conn, uscc, doc, changed_on=today.isoformat())


def compact(db: Db, uscc: str | None) -> dict:
    """Raise the change floor to the current sequence (older cursors get 410)."""
    with db.tx() as conn:
        if uscc is None:
            conn.execute("UPDATE employers SET floor = seq")
        elif conn.execute("UPDATE employers SET floor = seq WHERE uscc = ?", (uscc,)).rowcount == 0:
            raise ApiError(404, "employer_not_found", "未查询到该纳税人。", {"uscc": uscc})
        rows = conn.execute("SELECT uscc, floor FROM employers ORDER BY uscc").fetchall()
    return {"floors": {r[0]: r[1] for r in rows}}

