"""职工参保信息 (SPEC E1–E8): the registry, groups and unit registrations.

:class:`RegistryService` (``ws.employer(uscc).registry``) holds the area's use cases: the
list's counts and rows (职工参保信息管理, and the views 本月更新数据 and 停止缴费职工清单),
one employee's detail, export to xlsx, groups and their assignment (saved locally and queued
in the outbox), the group templates and their imports, and 单位参保信息 with its 「更新」.
The TUI screens (in workers) and the CLI twins call it; no Textual here.

The pure helpers stay module functions: the list's filter (:class:`EmployeeFilter`,
:func:`view_filter`), the SQL of 变动类型, the unit filter, export file names.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.catalogue import catalogue
from sbtui.domain.period import Period
from sbtui.domain.vocab import EmployeeChange, EmployeeStatus, labels, values
from sbtui.services.grid import GridReader

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store import Store
    from sbtui.xlsx.common import CellError

Progress = Callable[[int, int], None]

STATUS_LABELS = labels(EmployeeStatus)  # 正常缴费 / 停止缴费, as the TUI shows them
CHANGE_LABELS = labels(EmployeeChange)
VIEWS = ("all", "month", "stopped")  # 职工参保信息管理, 本月更新数据, 停止缴费职工清单


@dataclass(frozen=True)
class EmployeeFilter:
    """The query conditions of 职工参保信息管理 (SPEC E2). Empty fields do not filter."""

    name: str = ""
    id_number: str = ""
    unit_number: str | None = None
    agency: str | None = None
    type_code: str | None = None
    status: str | None = None  # "normal" / "stopped"
    group_id: str | None = None  # with its subgroups
    ungrouped: bool = False
    changed_since: str | None = None  # YYYY-MM-DD: added or changed since (本月更新数据)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def where(self, store: "Store") -> tuple[str, list[Any]]:
        """SQL condition over the ``employees`` table and its parameters."""
        return store.registry.employee_where(
            name=self.name or None, id_number=self.id_number or None,
            unit_number=self.unit_number, agency=self.agency, type_code=self.type_code,
            status=self.status, group_id=self.group_id, ungrouped=self.ungrouped,
            changed_since=self.changed_since)

    def describe(self, group_paths: dict[str, str]) -> list[str]:
        """The active conditions in words (for the line above the list and exports)."""
        cat = catalogue()
        out = []
        if self.name:
            out.append(f"姓名含“{self.name}”")
        if self.id_number:
            out.append(f"证件号码含“{self.id_number}”")
        if self.unit_number:
            out.append(f"单位编号 {self.unit_number}")
        if self.agency:
            out.append(self.agency)
        if self.type_code:
            out.append(cat.types[self.type_code].name if self.type_code in cat.types else self.type_code)
        if self.status:
            out.append(STATUS_LABELS.get(self.status, self.status))
        if self.group_id:
            out.append(f"分组 {group_paths.get(self.group_id, self.group_id)}")
        if self.ungrouped:
            out.append("未分组")
        if self.changed_since:
            out.append(f"{self.changed_since} 以来新增或变更")
        return out


def month_start(today: date | None = None) -> str:
    return Period.of(today or clock.today()).first_day.isoformat()


def view_filter(view: str, base: EmployeeFilter | None = None, *, today: date | None = None) -> EmployeeFilter:
    """The fixed condition of a view on top of the user's filter."""
    base = base or EmployeeFilter()
    if view == "month":
        return replace(base, changed_since=month_start(today))
    if view == "stopped":
        return replace(base, status=EmployeeStatus.STOPPED)
    return base


def change_kind_sql(since: str) -> str:
    """SQL giving 新增 / 停止缴费 / 变更 of a row changed since ``since`` (本月更新数据)."""
    since = since.replace("'", "")
    return (f"CASE WHEN added_on >= '{since}' THEN '{CHANGE_LABELS['added']}'"
            f" WHEN status = '{EmployeeStatus.STOPPED}' THEN '{CHANGE_LABELS['stopped']}'"
            f" ELSE '{CHANGE_LABELS['changed']}' END")


def registered_types(store: "Store") -> list[str]:
    """The insurance type codes of the employer's registrations, in catalogue order (the ✓
    columns); every catalogue type when no registration is known. (Also the wage draft's
    columns; :meth:`RegistryService.registered_types` for a caller without the store.)"""
    codes = {c for r in store.registry.registrations() for c in r["insurance_types"]}
    cat = catalogue()
    return [c for c in cat.types if c in codes] or list(cat.types)


def filter_units(regs: list[dict], *, unit_number: str | None = None,
                 agency: str | None = None) -> list[dict]:
    return [r for r in regs if (not unit_number or r["unit_number"] == unit_number)
            and (not agency or r["agency"] == agency)]


def default_path(stem: str, today: date | None = None) -> str:
    """Where an export goes unless the user says otherwise: the working directory."""
    today = today or clock.today()
    return str(Path.cwd() / f"{stem}_{today:%Y%m%d}.xlsx")


@dataclass
class ImportOutcome:
    """What an import did: rows loaded (and queued for the service), skipped (empty), and every
    bad cell by row and column; ``keys`` are the outbox items made."""

    loaded: int = 0
    skipped: int = 0
    errors: list["CellError"] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "skipped": self.skipped,
                "errors": [e.to_json() for e in self.errors], "keys": self.keys}


class RegistryService:
    """职工参保信息 of one employer (``ws.employer(uscc).registry``, SPEC E1–E8): the registry,
    groups and unit registrations. Everything but :meth:`update_registrations` works offline
    on the local store."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- the list (SPEC E1, E2, E5) ---------------------------------------------------------

    def where(self, flt: EmployeeFilter) -> tuple[str, list[Any]]:
        """SQL condition over the ``employees`` table for ``flt``, and its parameters (the
        virtual grid's filter)."""
        return flt.where(self.store)

    def registered_types(self) -> list[str]:
        """The insurance type codes of the employer's registrations (see :func:`registered_types`)."""
        return registered_types(self.store)

    def status_counts(self) -> dict[str, int]:
        """职工总数 / 正常缴费 / 停止缴费 (manual 004 §3)."""
        counts = dict(self.store.db.execute(
            "SELECT status, count(*) FROM employees GROUP BY status").fetchall())
        return {"total": sum(counts.values()), **{s: counts.get(s, 0) for s in values(EmployeeStatus)}}

    def grid(self) -> GridReader:
        """The employee grid's own read connection on the store's file (the screen closes it),
        as :meth:`WagesService.draft_grid` gives the wage grid's."""
        return GridReader(self.store.path)

    def employee_ids(self, rowids: list[int]) -> list[str]:
        """The employee ids of grid rows (the grid is keyed on the table's rowid)."""
        cursor = self.store.db.execute(
            "SELECT id FROM employees WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(list(rowids))])
        return [r[0] for r in cursor]

    def iter_employees(self, flt: EmployeeFilter, *, order_by: str = "id",
                       rowids: list[int] | None = None,
                       limit: int | None = None) -> tuple[int, Iterator[dict[str, Any]]]:
        """``(count, rows)`` of the filtered employees (or of just the rows ``rowids``, ticked in
        the grid, whatever the filter) as the exporters want them, read lazily."""
        store = self.store
        where, params = flt.where(store)
        if rowids is not None:
            where, params = "rowid IN (SELECT value FROM json_each(?))", [json.dumps(list(rowids))]
        clause = f" WHERE {where}" if where else ""
        total = store.db.execute(f"SELECT count(*) FROM employees{clause}", params).fetchone()[0]
        paths = store.groups.paths()
        since = flt.changed_since

        def rows() -> Iterator[dict[str, Any]]:
            kind = f", {change_kind_sql(since)}" if since else ", NULL"
            sql = (f"SELECT id, name, id_type, id_number, unit_numbers, insured_types, status, group_id,"
                   f" changed_on{kind} FROM employees{clause} ORDER BY {order_by}")
            args = list(params)
            if limit is not None:
                sql += " LIMIT ?"
                args.append(limit)
            # a long read gets a connection of its own (the store's is shared with other workers)
            conn = sqlite3.connect(str(store.path)) if store.path else store.db.conn
            try:
                for ident, name, id_type, id_number, units, types, status, gid, changed, change in conn.execute(sql, args):
                    yield {"id": ident, "name": name, "id_type": id_type, "id_number": id_number,
                           "unit_numbers": units.split("，") if units else [],
                           "insured_types": types.split(",") if types else [],
                           "status": status, "group_id": gid, "group": paths.get(gid) if gid else None,
                           "changed_on": changed, "change": change}
            finally:
                if conn is not store.db.conn:
                    conn.close()

        return total, rows()

    # -- one employee (SPEC E3) ---------------------------------------------------------------

    def employee(self, employee_id: str) -> dict[str, Any] | None:
        """职工详细参保信息: the row with its ``registrations``, ``wages``, ``group`` (path) and
        ``pending``; ``None`` when the store has no such employee."""
        return self.store.registry.employee(employee_id)

    def employee_at(self, rowid: int) -> dict[str, Any] | None:
        """The employee of a grid row (see :meth:`employee`)."""
        ids = self.employee_ids([rowid])
        return self.employee(ids[0]) if ids else None

    def find_employee(self, employee: str) -> dict[str, Any] | None:
        """An employee by id or by ID number (see :meth:`employee`)."""
        row = self.employee(employee)
        if row is not None:
            return row
        number = employee.upper()
        return next((r for r in self.store.registry.employees(id_number=number, limit=2)
                     if r["id_number"] == number), None)

    # -- export (SPEC E7) -----------------------------------------------------------------------

    def export_employees(self, path: str | Path, flt: EmployeeFilter, *,
                         order_by: str = "id", rowids: list[int] | None = None,
                         progress: Progress | None = None, title: str = "职工参保信息") -> int:
        """Write the filtered list (or the ticked ``rowids``) to ``path``; returns the row count."""
        from sbtui.xlsx.employees import write_employees

        total, rows = self.iter_employees(flt, order_by=order_by, rowids=rowids)
        extra = [("变动类型", "change")] if flt.changed_since else []
        return write_employees(path, rows, total=total, progress=progress,
                               type_codes=self.registered_types(), title=title, extra=extra)

    # -- groups (SPEC E4) -----------------------------------------------------------------------

    def groups(self) -> list[dict[str, Any]]:
        """The group tree ordered by path: ``id, name, parent_id, path``, ``level`` (1–3) and
        ``pending`` (created or renamed here, not yet confirmed)."""
        return self.store.groups.rows()

    def group_paths(self) -> dict[str, str]:
        """Group id → path name ("财务部/会计组")."""
        return self.store.groups.paths()

    def group_id(self, group: str) -> str | None:
        """A group given by id or by path ("财务部/会计组", "／" too); ``None`` when there is none."""
        if group in {g["id"] for g in self.groups()}:
            return group
        norm = "/".join(p.strip() for p in group.replace("／", "/").split("/"))
        return self.store.groups.ids_by_path().get(norm)

    def group_members(self) -> dict[str, int]:
        """Group id → how many employees are in it (itself, not its subgroups)."""
        return dict(self.store.db.execute(
            "SELECT group_id, count(*) FROM employees WHERE group_id IS NOT NULL GROUP BY group_id").fetchall())

    def group_member_count(self, group_id: str) -> int:
        """How many employees are in the group (itself, not its subgroups)."""
        return self.store.db.execute(
            "SELECT count(*) FROM employees WHERE group_id = ?", [group_id]).fetchone()[0]

    def create_group(self, name: str, parent_id: str | None = None) -> tuple[str, str]:
        """Create a group here (a temporary id) and queue it; ``(temp id, outbox key)``. Raises
        ``ValueError`` for an empty name (or one with "/"), an unknown parent, a fourth level or
        a sibling of the same name."""
        return self.store.groups.create(name, parent_id)

    def rename_group(self, group_id: str, name: str) -> str:
        """Rename a group here and queue it; the outbox key (``KeyError``/``ValueError`` refuse)."""
        return self.store.groups.rename(group_id, name)

    def delete_group(self, group_id: str) -> str:
        """Delete a group without subgroups here (its employees are left in no group) and queue
        it; the outbox key (``KeyError``/``ValueError`` refuse)."""
        return self.store.groups.delete(group_id)

    def assign(self, employee_id: str, group_id: str | None) -> str:
        """单个职工分组: put one employee in a group (``None``: no group) here and queue it; the
        outbox key. ``KeyError`` for an unknown employee, ``ValueError`` for an unknown group."""
        return self.store.groups.assign(employee_id, group_id)

    def assign_rows(self, rowids: list[int], group_id: str | None) -> int:
        """Put the employees of grid rows (the cursor's, or the ticked ones) in a group (``None``:
        no group), saved here and queued; how many were put."""
        ids = self.employee_ids(rowids)
        if len(ids) == 1:
            self.store.groups.assign(ids[0], group_id)
        else:
            self.store.groups.assign_many([(i, group_id) for i in ids])
        return len(ids)

    def group_template(self, path: str | Path, *, flt: EmployeeFilter | None = None,
                       progress: Progress | None = None) -> int:
        """批量编辑职工分组模板: the existing groups, and (with ``flt``) the listed employees
        prefilled with their current group. Returns the number of prefilled rows."""
        from sbtui.xlsx.groups import write_group_template

        total, employees = 0, iter(())
        if flt is not None:
            total, rows = self.iter_employees(flt)
            employees = ((r["name"], r["id_type"], r["id_number"], r["group"]) for r in rows)
        write_group_template(path, group_paths=sorted(self.group_paths().values()), employees=employees,
                             total=total, progress=progress)
        return total

    def import_group_assignments(self, path: str | Path, *,
                                 progress: Progress | None = None) -> ImportOutcome:
        """批量编辑职工分组导入: good rows are saved and queued; bad cells are reported."""
        from sbtui.xlsx.groups import read_group_assignments

        store = self.store
        lookup = {number: (ident, name) for ident, name, number in
                  store.db.execute("SELECT id, name, id_number FROM employees")}
        result = read_group_assignments(path, employees=lookup, groups=store.groups.ids_by_path(),
                                        progress=progress)
        keys = store.groups.assign_many(result.assignments) if result.assignments else []
        return ImportOutcome(loaded=len(result.assignments), skipped=result.skipped,
                             errors=list(result.errors), keys=keys)

    def import_group_tree(self, path: str | Path, *,
                          progress: Progress | None = None) -> ImportOutcome:
        """分组批量导入: every missing group of the file's tree is created (and queued)."""
        from sbtui.xlsx.groups import read_group_tree

        groups = self.store.groups
        result = read_group_tree(path, progress=progress)
        before = set(groups.ids_by_path())
        if result.paths:
            groups.ensure_paths(result.paths)
        after = groups.ids_by_path()
        created = len(set(after) - before)
        return ImportOutcome(loaded=created, skipped=result.skipped, errors=list(result.errors))

    def group_tree_template(self, path: str | Path) -> int:
        """分组模板 (一级分组 / 二级分组 / 三级分组) with the existing groups; how many."""
        from sbtui.xlsx.groups import write_group_tree_template

        paths = sorted(self.group_paths().values())
        write_group_tree_template(path, group_paths=paths)
        return len(paths)

    # -- units (SPEC E8) ------------------------------------------------------------------------

    def registrations(self) -> list[dict[str, Any]]:
        """单位参保信息 as last fetched: unit registrations by unit number, ``insurance_types``
        as a list of codes."""
        return self.store.registry.registrations()

    def units(self, *, unit_number: str | None = None, agency: str | None = None) -> list[dict[str, Any]]:
        """The registrations of one unit number and/or agency (every one by default)."""
        return filter_units(self.registrations(), unit_number=unit_number, agency=agency)

    def export_units(self, path: str | Path, *, unit_number: str | None = None,
                     agency: str | None = None) -> int:
        """单位参保信息 (SPEC E8) to xlsx; returns the row count."""
        from sbtui.xlsx.employees import write_units

        regs = self.units(unit_number=unit_number, agency=agency)
        write_units(path, regs)
        return len(regs)

    async def update_registrations(self) -> list[dict[str, Any]]:
        """单位参保信息 「更新」 (SPEC E8): the service's registrations replace the local ones."""
        regs = await self.area.remote().registrations()
        self.store.registry.replace_registrations(regs)
        return self.registrations()
