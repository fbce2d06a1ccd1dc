"""The employee registry in the local store: employees, the employer's unit registrations.

Rows written by a pull never replace a row with a pending local change (an outbox item for
``employee:<id>`` that is queued or sent, or a pending batch listing it): the service's
version is *held* instead and applied once that change is confirmed or refused
(:meth:`Registry.release_refused`, :meth:`Registry.release_held`).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic_core import from_json, to_json

from sbtui.domain.models import Employee, EmployeeDoc, UnitRegistration
from sbtui.domain.vocab import EmployeeStatus
from sbtui.store import filters
from sbtui.store.filters import TYPE_SEP, UNIT_SEP
from sbtui.store.groups import group_paths

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem

_STOPPED = EmployeeStatus.STOPPED  # bound once: compared for every pulled employee
__all__ = ["TYPE_SEP", "UNIT_SEP", "Counts", "Registry", "as_doc", "employee_row"]
_COLUMNS = ("id", "name", "id_type", "id_number", "status", "group_id", "unit_numbers",
            "insured_types", "registrations", "wages", "added_on", "changed_on", "seq")
_UPSERT = (
    f"INSERT INTO employees ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
    " ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "id")
)


class Counts(NamedTuple):
    """What a registry write did (SPEC E6)."""

    added: int = 0
    changed: int = 0
    stopped: int = 0


def _compact(value: Any) -> str:
    """Compact UTF-8 JSON text (pydantic-core's serializer: ~5× the stdlib's speed here)."""
    return to_json(value).decode()


def as_doc(e: Employee | EmployeeDoc) -> EmployeeDoc:
    return e.to_doc() if isinstance(e, Employee) else e


def employee_row(e: EmployeeDoc) -> tuple[Any, ...]:
    """The ``employees`` row of one employee document, in ``_COLUMNS`` order."""
    regs = e["registrations"]
    types = sorted({t for r in regs for t in r["insurance_types"]})
    return (
        e["id"], e["name"], e["id_type"], e["id_number"], e["status"], e["group_id"],
        UNIT_SEP.join(r["unit_number"] for r in regs), TYPE_SEP.join(types),
        _compact(regs), _compact(e["wages"]), e["added_on"], e["changed_on"], e["seq"],
    )


def _split(text: str | None, sep: str) -> list[str]:
    return text.split(sep) if text else []


class Registry:
    """The employee registry of a store (``store.registry``): employees, the employee
    query conditions (:mod:`sbtui.store.filters`) and the unit registrations."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    # -- the query conditions (SPEC E2, E5) -------------------------------------------------

    def employee_where(self, **conditions: Any) -> tuple[str, list[Any]]:
        """``(condition, parameters)``: see :func:`sbtui.store.filters.employee_where`."""
        return filters.employee_where(self.db, **conditions)

    def month_changes_where(self, month: str) -> tuple[str, list[Any]]:
        """本月更新数据: see :func:`sbtui.store.filters.month_changes_where`."""
        return filters.month_changes_where(month)

    def agencies(self) -> list[str]:
        """The distinct agencies of the employer's unit registrations, sorted."""
        return filters.agencies(self.db)

    # -- employees: writing ----------------------------------------------------------------

    def upsert_employees(self, employees: list[EmployeeDoc] | list[Employee]) -> Counts:
        """Write employees from the service; return how many were added, changed, stopped.

        A new id counts as added; an existing row whose status turns to ``stopped`` counts as
        stopped; any other difference as changed; an identical row not at all. Rows with a
        pending local change are held back (not counted)."""
        added = changed = stopped = 0
        rows: list[tuple[Any, ...]] = []
        with self.db.atomic():
            pending = self.outbox.pending_employee_ids()
            docs = [as_doc(e) for e in employees]
            existing = self._rows_by_id([e["id"] for e in docs])
            for e in docs:
                if e["id"] in pending:
                    self._hold(e)
                    continue
                row = employee_row(e)
                old = existing.get(e["id"])
                if old is None:
                    added += 1
                elif old == row:
                    continue
                elif old[4] != _STOPPED and e["status"] == _STOPPED:
                    stopped += 1
                else:
                    changed += 1
                rows.append(row)
            self.db.conn.executemany(_UPSERT, rows)
        return Counts(added, changed, stopped)

    def put_employee(self, employee: Employee | EmployeeDoc) -> None:
        """Write the service's confirmed version of one employee (the answer to a mutation).

        The newer (by ``seq``) of it and a held version wins; if another local change of the
        employee is still pending, it is held instead of written."""
        employee = as_doc(employee)
        with self.db.atomic():
            held = self._held(employee["id"])
            best = held if held is not None and held["seq"] > employee["seq"] else employee
            if self.outbox.employee_pending(employee["id"]):
                self._hold(best)
            else:
                self.db.conn.execute(_UPSERT, employee_row(best))
                self.db.execute("DELETE FROM held WHERE id = ?", [employee["id"]])

    def release_refused(self, item: OutboxItem) -> None:
        """After an item about employees was refused: for its employees with nothing pending
        any more, write the service's version a pull held back."""
        kind, _, ident = item.entity.partition(":")
        if kind == "employee":
            self.release_held([ident], {})
        elif kind == "employees":
            self.release_held(self.outbox.members(item.key), {})

    def release_held(self, ids: list[str], floors: dict[str, int]) -> None:
        """Of ``ids`` with nothing pending: write the held service version if its ``seq`` is
        at least ``floors[id]`` (default 0), else drop it as outdated."""
        with self.db.atomic():
            rows = self.db.execute(
                "SELECT id, seq, employee FROM held WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(ids)]).fetchall()
            if not rows:
                return
            pending = self.outbox.pending_employee_ids()
            done = [(ident,) for ident, _, _ in rows if ident not in pending]
            self.db.conn.executemany(_UPSERT, [
                employee_row(json.loads(doc)) for ident, seq, doc in rows
                if ident not in pending and seq >= floors.get(ident, 0)])
            self.db.conn.executemany("DELETE FROM held WHERE id = ?", done)

    def remove_missing(self, seen: list[str], *, after: str | None, upto: str | None) -> int:
        """Delete local employees with ``after < id <= upto`` (open bounds when ``None``) that
        are not in ``seen`` and have no pending change: the reconcile step of a full download,
        one page's id range at a time. Returns how many were deleted."""
        clauses = ["id NOT IN (SELECT value FROM json_each(?))"]
        params: list[Any] = [json.dumps(seen)]
        if after is not None:
            clauses.append("id > ?")
            params.append(after)
        if upto is not None:
            clauses.append("id <= ?")
            params.append(upto)
        clauses.append("id NOT IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(self.outbox.pending_employee_ids())))
        with self.db.atomic():
            cursor = self.db.execute(f"DELETE FROM employees WHERE {' AND '.join(clauses)}", params)
            return cursor.rowcount

    def _rows_by_id(self, ids: list[str]) -> dict[str, tuple[Any, ...]]:
        cursor = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM employees WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        )
        return {row[0]: tuple(row) for row in cursor}

    def _hold(self, e: EmployeeDoc) -> None:
        self.db.execute(
            "INSERT INTO held (id, seq, employee) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE"
            " SET seq = excluded.seq, employee = excluded.employee WHERE excluded.seq >= held.seq",
            [e["id"], e["seq"], _compact(e)],
        )

    def _held(self, ident: str) -> EmployeeDoc | None:
        row = self.db.execute("SELECT employee FROM held WHERE id = ?", [ident]).fetchone()
        return json.loads(row[0]) if row else None

    # -- employees: reading ----------------------------------------------------------------

    def employee_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM employees").fetchone()[0]

    def employees(
        self,
        *,
        status: str | None = None,
        group_id: str | None = None,
        name: str | None = None,
        id_number: str | None = None,
        unit_number: str | None = None,
        type_code: str | None = None,
        agency: str | None = None,
        subgroups: bool = False,
        ungrouped: bool = False,
        changed_since: str | None = None,
        limit: int | None = None,
        detail: bool = True,
    ) -> list[dict[str, Any]]:
        """Employees in id order, filtered as :meth:`employee_where` says (here ``group_id``
        is that group only unless ``subgroups``).

        Each row is a dict: ``id, name, id_type, id_number, status, group_id, group`` (path
        name or ``None``), ``unit_numbers`` and ``insured_types`` (lists), ``added_on,
        changed_on, seq``, ``pending`` (a local change not yet confirmed) and, with ``detail``
        (the default; about twice as slow), ``registrations`` and ``wages`` (lists of dicts,
        money as strings)."""
        where, params = self.employee_where(
            name=name, id_number=id_number, unit_number=unit_number, agency=agency,
            type_code=type_code, status=status, group_id=group_id, subgroups=subgroups,
            ungrouped=ungrouped, changed_since=changed_since)
        sql = "SELECT * FROM employees"
        if where:
            sql += " WHERE " + where
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._employee_dicts(sql, params, detail)

    def wage_rows(self, *, status: str | None = None) -> Iterator[tuple[str, str, str, list[str], list[dict]]]:
        """``(id, name, status, insured type codes, wage documents)`` of every employee (of
        ``status``), in id order, read lazily: the cheap pass behind whole-registry checks such
        as the empty-wage alert (SPEC H3)."""
        sql = "SELECT id, name, status, insured_types, wages FROM employees"
        params: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            params.append(status)
        for ident, name, state, types, wages in self.db.execute(sql + " ORDER BY id", params):
            yield ident, name, state, _split(types, TYPE_SEP), from_json(wages)

    def employee(self, employee_id: str) -> dict[str, Any] | None:
        pending = {employee_id} if self.outbox.employee_pending(employee_id) else set()
        rows = self._employee_dicts("SELECT * FROM employees WHERE id = ?", [employee_id],
                                    pending=pending)
        return rows[0] if rows else None

    def _employee_dicts(self, sql: str, params: list[Any], detail: bool = True, *,
                        pending: set[str] | None = None) -> list[dict[str, Any]]:
        paths = group_paths(self.db)
        if pending is None:
            pending = self.outbox.pending_employee_ids()
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        out = []
        for values in cursor:
            row = dict(zip(names, values))
            row["unit_numbers"] = _split(row["unit_numbers"], UNIT_SEP)
            row["insured_types"] = _split(row["insured_types"], TYPE_SEP)
            if detail:
                row["registrations"] = json.loads(row["registrations"])
                row["wages"] = json.loads(row["wages"])
            else:
                del row["registrations"], row["wages"]
            row["group"] = paths.get(row["group_id"]) if row["group_id"] else None
            row["pending"] = row["id"] in pending
            out.append(row)
        return out

    # -- unit registrations ----------------------------------------------------------------

    def replace_registrations(self, regs: list[UnitRegistration]) -> None:
        """Replace the employer's unit registrations (SPEC E8) with the service's list."""
        with self.db.atomic():
            self.db.execute("DELETE FROM registrations")
            self.db.conn.executemany(
                "INSERT INTO registrations (unit_number, agency, agency_system, tax_authority,"
                " payer_type, insurance_types, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r.unit_number, r.agency, r.agency_system, r.tax_authority, r.payer_type,
                  TYPE_SEP.join(r.insurance_types), r.status) for r in regs],
            )

    def registrations(self) -> list[dict[str, Any]]:
        """Unit registrations by unit number; ``insurance_types`` as a list of codes."""
        cursor = self.db.execute("SELECT * FROM registrations ORDER BY unit_number")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor]
        for row in rows:
            row["insurance_types"] = _split(row["insurance_types"], TYPE_SEP)
        return rows
