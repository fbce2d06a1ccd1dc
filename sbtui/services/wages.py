"""缴费工资申报 (SPEC W1–W13): :class:`WagesService` (``ws.employer(uscc).wages``) holds the
area's use cases over one employer's store and the remote service — the 职工工资编辑区 (W1–W6),
the official xlsx (W10: export, template, import), submit and feedback (W8, W11: one plan for
the CLI and the TUI), the records (W12) and the wage query (W13) — and, beside it, the pure
helpers: the month in force and the filters of the 编辑区. The grids read what it hands out
(:mod:`sbtui.services.grid`).

Used by the TUI screens (in workers) and by the CLI twins; no Textual here. Work for the
service goes through the outbox; :meth:`WagesService.feedback` sends it and reads the feedback.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain.period import month_of
from sbtui.domain.vocab import EmployeeStatus
from sbtui.domain.wages import back_payment
from sbtui.services.grid import DraftGrid, WageQueryGrid
from sbtui.services.registry import registered_types
from sbtui.store import wage_query

if TYPE_CHECKING:
    from sbtui.domain.wages import Rule
    from sbtui.services.area import Area
    from sbtui.xlsx.common import CellError

Progress = Callable[[int, int], None]

DRAFT_FILTERS: dict[str, tuple[str, tuple]] = {
    "all": ("", ()),
    "refused": ("result = 'refused'", ()),
    "draft": ("result IS NULL", ()),
    "queued": ("result IN ('queued', 'sent')", ()),
    "accepted": ("result = 'accepted'", ()),
}


def today() -> date:
    return clock.today()


def this_month(day: date | None = None) -> str:
    return month_of(day or today())


def is_back_payment(month: str, day: date | None = None) -> bool:
    """W6: a 生效年月 earlier than this month makes back payments."""
    return back_payment(month, day or today())


def draft_filter(name: str) -> tuple[str, tuple]:
    return DRAFT_FILTERS.get(name, DRAFT_FILTERS["all"])


@dataclass
class WageImportOutcome:
    loaded: int = 0
    skipped: int = 0
    errors: list["CellError"] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "skipped": self.skipped, "errors": [e.to_json() for e in self.errors]}


@dataclass(frozen=True)
class SubmitProblem:
    """A row that cannot be submitted, and why (SPEC W4, W5)."""

    rowid: int
    name: str
    id_number: str
    reason: str


@dataclass(frozen=True)
class SubmitCheck:
    """What submitting some rows meets (:meth:`WagesService.check_submit`): the rows that
    cannot be submitted (then nothing is), else how many rows make back payments (W6: said
    before the user confirms)."""

    problems: list[SubmitProblem]
    back_payments: int = 0


@dataclass(frozen=True)
class WageFeedbackState:
    """What :meth:`WagesService.feedback` did: declarations settled now, and when the next
    pending one is due (ISO text, or None)."""

    settled: int
    next_feedback_at: str | None


QUERY_HEADERS = ["序号", "姓名", "证件类型", "证件号码", "分组", "险种类型", "缴费基数(元)", "有效期起",
                 "有效期止", "人员编号", "单位编号", "社保经办机构"]  # manual 000 §5.3


class WagesService:
    """缴费工资申报 (SPEC W1–W13) of one employer (``ws.employer(uscc).wages``): the wage draft,
    its submission and feedback, records and the wage query."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- the 职工工资编辑区 (W1–W6) ------------------------------------------------------------

    def draft_grid(self) -> DraftGrid:
        """The wage grid's own read connection on the store's file (the screen closes it)."""
        return DraftGrid(self.store.path)

    def draft_count(self) -> int:
        return self.store.wages.draft_count()

    def has_empty_wages(self) -> bool:
        """Any normal-paying employee with an empty wage for a type it is insured for (H3, W2)."""
        from sbtui.domain.employees import empty_wage_types_of

        month = this_month()
        for _id, _name, status, types, wages in self.store.registry.wage_rows(status=EmployeeStatus.NORMAL):
            if empty_wage_types_of(status, types, wages, month):
                return True
        return False

    def add_all_normal(self, month: str, *, progress: Progress | None = None) -> int:
        """添加全部正常缴费职工 (W2): every normal-paying employee with each insured type's
        current wage, 生效年月起 = ``month``; returns how many rows were added or rewritten.
        ``progress(done, total)`` after each batch of employees (raising in it undoes the add)."""
        return self.store.wages.add_all_normal(month, progress=progress)

    def add_empty(self, month: str, *, progress: Progress | None = None) -> int:
        """存在缴费工资为空的职工 (W2, H3): the normal-paying employees with an insured type that
        has no wage covering ``month``; 生效年月起 = ``month``."""
        return self.store.wages.add_empty(month, progress=progress)

    def add_targets(self, kind: str) -> list[tuple[str, str]]:
        """What 按单位编号 (``kind="unit"``) or 按分组 (``"group"``) 添加 offers (W3):
        ``(value, label)``, each unit number with its agency, or each group by its path."""
        if kind == "unit":
            return [(r["unit_number"], f"{r['unit_number']} {r['agency']}") for r in self.store.registry.registrations()]
        return [(g["id"], g["path"]) for g in self.store.groups.rows()]

    def add_by_unit(self, unit_number: str, rule: Rule, period_from: str, period_to: str | None = None, *,
                    progress: Progress | None = None) -> int:
        """按单位编号添加缴费职工 (W3): the normal-paying employees with that unit number, per
        insured type ``rule`` (``("ratio", pct)`` / ``("fixed", amount)``) applied to the
        current wage; 生效年月起/止 as given."""
        return self.store.wages.add_by_unit(unit_number, rule, period_from, period_to, progress=progress)

    def add_by_group(self, group_id: str, rule: Rule, period_from: str, period_to: str | None = None, *,
                     progress: Progress | None = None) -> int:
        """按分组添加缴费职工 (W3): as :meth:`add_by_unit` for a group and its subgroups;
        ``ValueError`` for an unknown group."""
        return self.store.wages.add_by_group(group_id, rule, period_from, period_to, progress=progress)

    def find_employees(self, name: str, *, limit: int = 8) -> list[tuple[str, str, str, list[str]]]:
        """添加单个职工: the normal-paying employees whose name contains ``name``, as ``(id,
        name, ID number, insured types)``."""
        rows = self.store.registry.employees(name=name, status=EmployeeStatus.NORMAL, limit=limit, detail=False)
        return [(r["id"], r["name"], r["id_number"], r["insured_types"]) for r in rows]

    def add_single(self, employee_id: str, items: Mapping[str, tuple[Any, Any, Any]]) -> int:
        """单个录入 (W2): one employee's row as typed (type code → ``(wage, from, to)``); returns
        its rowid. ``KeyError`` for an unknown employee, ``ValueError`` for a bad row."""
        return self.store.wages.add_single(employee_id, items)

    def set_cell(self, rowid: int, column: str, text: Any) -> dict[str, str | None]:
        """Save one typed cell (``"w110"``, ``"f410"``, ``"t310"``) with its W4 binding; one undo
        action; returns every changed column → new value. ``ValueError`` (Chinese) for a bad
        value or a type the employee is not insured for (the grid's writer)."""
        return self.store.wages.set(rowid, column, text)

    def fill(self, rowids: Iterable[int], column: str, text: Any) -> list[int]:
        """Fill down ``text`` into ``column`` of the rows insured for that type; one undo action."""
        return self.store.wages.fill(rowids, column, text)

    def copy_type(self, source: str, target: str, rowids: Iterable[int]) -> list[int]:
        """Copy type ``source``'s wage and months to ``target`` (and its bound types) in the rows
        insured for both; one undo action."""
        return self.store.wages.copy_type(source, target, rowids)

    def undo(self) -> list[int]:
        """Undo the last cell action; the rowids put back (``[]``: nothing to undo)."""
        return self.store.wages.undo()

    def redo(self) -> list[int]:
        """Redo the last undone action; the rowids changed (``[]``: nothing to redo)."""
        return self.store.wages.redo()

    def remove(self, rowids: Iterable[int]) -> int:
        """Remove rows from the 编辑区; returns how many."""
        return self.store.wages.remove(rowids)

    def clear(self) -> int:
        """Empty the 编辑区 (submitted declarations are not affected); returns how many rows went."""
        return self.store.wages.clear()

    # -- xlsx in the official layout (W10) -----------------------------------------------------

    def _draft_rows(self, rowids: list[int] | None, types: list[str]) -> tuple[int, Iterator[dict]]:
        store = self.store
        where, params = "", []
        if rowids is not None:
            where, params = " WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(list(rowids))]
        total = store.db.execute(f"SELECT count(*) FROM wage_draft{where}", params).fetchone()[0]
        paths = store.groups.paths()
        cols = ", ".join(f"w{c}, f{c}, t{c}" for c in types)

        def rows() -> Iterator[dict]:
            import sqlite3
            from decimal import Decimal

            conn = sqlite3.connect(str(store.path)) if store.path else store.db.conn
            try:
                sql = f"SELECT name, id_type, id_number, group_id, {cols} FROM wage_draft{where} ORDER BY rowid"
                for row in conn.execute(sql, params):
                    items = {}
                    for i, code in enumerate(types):
                        wage, start, end = row[4 + 3 * i: 7 + 3 * i]
                        if wage is not None:  # W5: no wage = not declared (a prefilled month alone is not exported)
                            items[code] = (Decimal(wage), start, end)
                    yield {"name": row[0], "id_type": row[1], "id_number": row[2],
                           "group": paths.get(row[3]) if row[3] else None, "items": items}
            finally:
                if conn is not store.db.conn:
                    conn.close()

        return total, rows()

    def export_draft(self, path: str | Path, *, rowids: list[int] | None = None,
                     progress: Progress | None = None) -> int:
        """导出 (选中数据 / 全部数据): the draft rows in the official import layout."""
        from sbtui.xlsx.wages import write_wage_file

        types = registered_types(self.store)
        total, rows = self._draft_rows(rowids, types)
        return write_wage_file(path, uscc=self.store.meta_get("uscc") or "", type_codes=types, rows=rows,
                               total=total, progress=progress)

    def write_template(self, path: str | Path) -> int:
        """导入模板下载: the official layout with no rows."""
        from sbtui.xlsx.wages import write_wage_file

        return write_wage_file(path, uscc=self.store.meta_get("uscc") or "",
                               type_codes=registered_types(self.store), rows=[])

    def import_draft(self, path: str | Path, *, progress: Progress | None = None) -> WageImportOutcome:
        """外部文件导入: good rows go into the 职工工资编辑区 (all-empty rows skipped); every bad cell
        is reported by row and column."""
        from sbtui.xlsx.wages import read_wage_file

        store = self.store
        lookup = {number: (ident, name, frozenset(types.split(",")) if types else frozenset())
                  for ident, name, number, types in
                  store.db.execute("SELECT id, name, id_number, insured_types FROM employees")}
        result = read_wage_file(path, employees=lookup, progress=progress)
        rows = [{"employee_id": r.employee_id, "items": r.items} for r in result.rows]
        loaded = store.wages.load_rows(rows) if rows else 0
        return WageImportOutcome(loaded=loaded, skipped=result.skipped, errors=list(result.errors))

    # -- submit and feedback (W4–W8, W11): the one plan of the CLI and the TUI ----------------
    # the rows: :meth:`submittable` (``sbtui wages submit --all``) or the ticked ones (the grid);
    # :meth:`check_submit` (problems: list them, send nothing; back payments: say so, confirm);
    # :meth:`submit` (queued in the outbox: offline it stays queued); then :meth:`feedback`
    # until :meth:`record` is done (the TUI's countdown), or :meth:`follow` (``--wait``).

    def submittable(self) -> list[int]:
        """The rows not submitted yet (or refused) that declare at least one wage, in rowid
        order: rows with nothing declared (W5) are not sent."""
        from sbtui.domain.catalogue import catalogue

        declared = " OR ".join(f"w{c} IS NOT NULL" for c in catalogue().types)
        return [r for (r,) in self.store.db.execute(
            f"SELECT rowid FROM wage_draft WHERE (result IS NULL OR result = 'refused') AND ({declared})"
            " ORDER BY rowid")]

    def check_submit(self, rowids: list[int]) -> SubmitCheck:
        """Before :meth:`submit`: every problem of the rows (W4, W5) with the employee's name and
        ID number; when there is none, how many rows have a 生效年月起 before this month (W6)."""
        found = self.store.wage_submissions.problems(rowids)
        if not found:
            return SubmitCheck([], len(self.store.wage_submissions.warnings(rowids, today())))
        names = {r: (n, i) for r, n, i in self.store.db.execute(
            "SELECT rowid, name, id_number FROM wage_draft WHERE rowid IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted({p[0] for p in found}))])}
        return SubmitCheck([SubmitProblem(rowid, *names.get(rowid, ("", "")), reason) for rowid, reason in found])

    def submit(self, rowids: list[int]) -> str:
        """提交申报 (W8, W11): the rows go into the outbox in chunks (one idempotency key each);
        returns the submission id. ``ValueError`` (nothing saved) when a row cannot be submitted."""
        return self.store.wage_submissions.submit(rowids)

    async def feedback(self, *, submission: str | None = None, wait: bool = False,
                       timeout: float = 60.0) -> WageFeedbackState:
        """获取反馈 (SPEC W8): send what the outbox holds (a submit just queued), then read the
        feedback of the declarations that are due (every pending one, polling, with ``wait``).
        Raises OfflineError when the service cannot be reached (nothing is lost: the outbox
        and the pending declarations stay)."""
        from sbtui.remote.errors import OfflineError
        from sbtui.sync import fetch_wage_feedback
        from sbtui.sync.progress import SyncResult
        from sbtui.sync.push import push

        store, service = self.store, self.area.remote()
        if store.outbox.next_pending() is not None:
            result = SyncResult()
            if not await push(store, service, result, progress=lambda event: None):
                raise OfflineError(result.error or "无法连接服务")
        settled = await fetch_wage_feedback(store, service, wait=wait, timeout=timeout)
        pending = [at for _id, at in store.wage_submissions.pending_feedback() if at]
        return WageFeedbackState(settled, min(pending) if pending else None)

    async def follow(self, submission: str, *, timeout: float = 120.0) -> dict[str, Any] | None:
        """Send ``submission`` and wait up to ``timeout`` seconds for its feedback, then sync
        (the accepted wages come down, W9); returns its :meth:`record`. Raises OfflineError
        (the submission stays queued)."""
        from sbtui.sync import sync

        await self.feedback(submission=submission, wait=True, timeout=timeout)
        await sync(self.store, self.area.remote())
        return self.record(submission)

    # -- records (W12) ----------------------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """申报记录: each submission made here, newest first, with its state and counts."""
        return self.store.wage_submissions.records()

    def record(self, submission: str) -> dict[str, Any] | None:
        """One submission's record (``state`` ``done`` once its feedback is in), or None."""
        return self.store.wage_submissions.record(submission)

    def record_rows(self, submission: str) -> list[dict[str, Any]]:
        """Every employee of one submission with its result and reason."""
        return self.store.wage_submissions.record_rows(submission)

    # -- the wage query (W13) --------------------------------------------------------------------

    def query_grid(self, *, threads: bool = False) -> WageQueryGrid:
        """The query's own connection with its TEMP table (call ``build()``; close it after)."""
        return WageQueryGrid(self.store.path, threads=threads)

    def query_where(self, *, name: str | None = None, id_number: str | None = None,
                    type_code: str | None = None, unit_number: str | None = None,
                    group_id: str | None = None, month: str | None = None) -> tuple[str, list[Any]]:
        """The query conditions over :class:`WageQueryGrid`'s table (``("", [])``: none):
        ``name``, ``id_number`` a part; ``group_id`` with its subgroups; ``month`` ("YYYY-MM")
        the periods covering it (``ValueError`` when malformed)."""
        group_ids = self.store.groups.subgroup_ids(group_id) if group_id else None
        return wage_query.where(name=name, id_number=id_number, type_code=type_code,
                                unit_number=unit_number, group_ids=group_ids, month=month)

    def query_rows(self, **conditions: Any) -> list[dict[str, Any]]:
        """职工缴费工资查询: one row per employee × type × period (dicts of
        ``WageQueryGrid.columns``) meeting the :meth:`query_where` ``conditions``."""
        where, params = self.query_where(**conditions)
        with closing(self.query_grid()) as grid:
            grid.build()
            return list(grid.rows(where, params))

    def export_query(self, path: str | Path, *, where: str = "", params: Sequence[Any] = (),
                     total: int = 0, progress: Progress | None = None) -> int:
        """The query's rows meeting ``where`` (of :meth:`query_where`) to xlsx, built afresh on a
        connection of its own."""
        with closing(self.query_grid()) as grid:
            grid.build()
            return self.export_query_rows(path, grid.rows(where, params), total=total, progress=progress)

    def export_query_rows(self, path: str | Path, rows: Iterable[dict[str, Any]], *, total: int = 0,
                          progress: Progress | None = None) -> int:
        """职工缴费工资查询 rows (``sbtui.store.wage_query.COLUMNS`` dicts) to xlsx."""
        from sbtui.domain.catalogue import catalogue
        from sbtui.xlsx.common import write_table

        types = catalogue().types
        paths = self.store.groups.paths()
        out = ([n, r["name"], "居民身份证" if r["id_type"] == "201" else r["id_type"], r["id_number"],
                paths.get(r["group_id"], "") if r["group_id"] else "",
                types[r["type"]].name if r["type"] in types else r["type"], r["wage"], r["period_from"],
                r["period_to"], r["person_number"], r["unit_number"], r["agency"]]
               for n, r in enumerate(rows, start=1))
        return write_table(path, title="职工缴费工资查询", headers=QUERY_HEADERS, rows=out, total=total,
                           progress=progress, text_columns=(3, 9, 10))
