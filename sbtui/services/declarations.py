"""费款申报 (SPEC D1–D12): dues, fee declarations, their records and forms, construction projects.

:class:`DeclarationsService` (``ws.employer(uscc).declarations``) holds the area's use cases,
over the employer's local store and the remote service:

- the dues lines as last synced and a tax line's employees (D1, D2, D11);
- the open dues lines of a kind with the offsets and remarks typed here (D3, D5, D9), the
  checks before submitting (D6), queueing the declarations and their voids;
- sending them and reading their feedback (D7), the records (D8), the employees of a
  declaration and its two forms (D8);
- the construction projects: look up, link, list (D10).

The pure helpers over lines (ticks, totals, summary, blocking) are module functions here; the
rules themselves are in :mod:`sbtui.domain.declare`. No Textual.
"""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui import clock, forms
from sbtui.domain import declare as rules
from sbtui.domain.declare import KIND_SOURCES, DeclareError, Totals, UnitSummary
from sbtui.domain.models import Declaration, DeclarationEmployee, DueDetailLine, EmployerRecord, Project
from sbtui.domain.vocab import DECLARATION_PENDING, DeclarationStatus, PaymentStatus, ProjectState
from sbtui.remote.errors import OfflineError, RefusedError, ServiceError
from sbtui.sync.declarations import UNSETTLED, fetch_declaration_feedback, pull_declarations
from sbtui.sync.dues import pull_dues
from sbtui.sync.progress import SyncResult
from sbtui.sync.push import push

if TYPE_CHECKING:
    from sbtui.services.area import Area

__all__ = ["DeclarationFeedbackState", "DeclarationsService", "DeclareError", "KINDS", "Totals",
           "UnitSummary", "blocking", "summary", "ticks", "totals"]

KINDS = tuple(KIND_SOURCES)


@dataclass(frozen=True)
class DeclarationFeedbackState:
    """What :meth:`DeclarationsService.declaration_feedback` did: the declarations settled now
    (records as :meth:`DeclarationsService.declaration` gives them) and when the next waiting
    one is due."""

    settled: list[dict]
    next_feedback_at: str | None


def _sources(kind: str) -> tuple[str, ...]:
    if kind not in KIND_SOURCES:
        raise DeclareError(f"未知的申报类型：{kind}")
    return KIND_SOURCES[kind]


def ticks(lines: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """SPEC D3: lines by tick unit, in first-seen order."""
    return rules.ticks(lines)


def totals(lines: list[dict[str, Any]]) -> Totals:
    """Count, ticks, 缴费人数, 缴费基数合计, 应缴费额合计, 抵缴, 实际缴纳, 滞纳金 of ``lines`` (D4)."""
    return rules.totals(lines)


def summary(lines: list[dict[str, Any]]) -> list[UnitSummary]:
    """The 提交申报确认 summary: one entry (one declaration) per unit number."""
    return rules.summary(lines)


def blocking(lines: list[dict[str, Any]], today: date | None = None) -> list[str]:
    """Refusals before any confirm: nothing ticked, an expired special / project line
    ("征集通知流水号…已超过征集有效日期，不能申报"), a tick only partly ticked (D3)."""
    return rules.blocking(lines, today or clock.today())


class DeclarationsService:
    """费款申报 (SPEC D1–D12): dues, fee declarations, their records and forms, construction projects."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- dues (D1, D2, D11) ---------------------------------------------------------------------------
    def dues_lines(self, unit_number: str | None = None, period_from: str | None = None,
                   period_to: str | None = None, *, sources: tuple[str, ...] | None = None,
                   status: str | None = None) -> list[dict[str, Any]]:
        """The dues lines as last synced (offline), in the service's order, filtered."""
        return self.store.dues.lines(unit_number, period_from, period_to, sources=sources, status=status)

    def dues_count(self) -> int:
        """How many dues lines the last sync brought."""
        return self.store.dues.count()

    async def due_detail(self, line: dict[str, Any]) -> list[DueDetailLine]:
        """职工预处理明细 (D1): the employees of a 税务生成 line, computed by the service on demand."""
        return await self.area.remote().due_detail(line["unit_number"], line["period_from"], line["item"])

    # -- open lines (D3) --------------------------------------------------------------------------------
    def open_lines(self, kind: str, *, unit_number: str | None = None, agency: str | None = None,
                   period_from: str | None = None, period_to: str | None = None,
                   today: date | None = None) -> list[dict[str, Any]]:
        """The local dues lines of ``kind``'s sources still 初始 and not held by a declaration
        queued here, in the service's order, filtered (a period range that meets
        ``period_from``…``period_to``). Each is the DueLine's fields (money as text) plus
        ``offset`` (typed here, or ``"0.00"``), ``actual`` (payable − offset), ``remark`` (typed
        here, or the line's), ``expired`` (D9), ``late_fee`` and ``tick_keys`` (every open line of
        its tick, unfiltered: what :func:`blocking` checks a selection against)."""
        day = today or clock.today()
        rows = self._open(kind)
        ticks_all: dict[str, list[str]] = {}
        for r in rows:
            ticks_all.setdefault(r["tick"], []).append(r["key"])
        out = []
        for r in rows:
            if unit_number and r["unit_number"] != unit_number:
                continue
            if agency and r["agency"] != agency:
                continue
            if period_from and r["period_to"] < period_from:
                continue
            if period_to and r["period_from"] > period_to:
                continue
            r["tick_keys"] = ticks_all[r["tick"]]
            r["expired"] = rules.is_expired(r, day)
            out.append(r)
        return out

    def _open(self, kind: str) -> list[dict[str, Any]]:
        """Every open line of the kind, with the local edits applied (no filter)."""
        store = self.store
        held = store.declarations.held_keys()
        edits = store.declarations.due_edits()
        out = []
        for r in store.dues.lines(sources=_sources(kind), status=rules.INITIAL):
            if r["key"] in held:
                continue
            edit = edits.get(r["key"], {})
            r["offset"] = edit.get("offset") or "0.00"
            if edit.get("remark") is not None:
                r["remark"] = edit["remark"]
            r["remark"] = r.get("remark") or ""
            r["late_fee"] = r.get("late_fee") or "0.00"
            r["actual"] = f"{rules.actual(r):.2f}"
            out.append(r)
        return out

    # -- offsets and remarks (D5, D9) -------------------------------------------------------------------
    def _line(self, key: str) -> dict[str, Any]:
        line = self.store.declarations.due_line(key)
        if line is None or line["status"] != rules.INITIAL or key in self.store.declarations.held_keys():
            raise DeclareError(rules.NOT_OPEN)
        return line

    def offset_limit(self, key: str) -> Decimal:
        """The most that may be offset on the line ``key``: its 最大可抵缴金额, and no more than the
        unit + item credit (when pulled) leaves after the offsets typed on its other lines."""
        store = self.store
        line = self._line(key)
        credit = store.declarations.credit_amounts().get((line["unit_number"], line["item"]))
        left = None
        if credit is not None:
            others = Decimal("0.00")
            edits = store.declarations.due_edits()
            for r in store.dues.lines(sources=(line["source"],), status=rules.INITIAL):
                if r["key"] != key and r["unit_number"] == line["unit_number"] and r["item"] == line["item"]:
                    others += Decimal(edits.get(r["key"], {}).get("offset") or "0")
            left = credit - others
        return rules.offset_limit(line, left)

    def set_offset(self, key: str, text: Any) -> Decimal:
        """Keep the 抵缴金额 typed for line ``key`` (blank: 0.00); returns it. DeclareError when it
        is not an amount, negative or over the limit (D5: "抵缴金额超出可抵缴金额上限（最大可抵缴金额X元）")."""
        amount = rules.parse_offset(text, self.offset_limit(key))
        self.store.declarations.set_due_edit(key, offset=amount if amount else None)
        return amount

    def set_remark(self, key: str, text: str | None) -> str:
        """Keep the 备注 typed for line ``key`` (D9: printed on the certificate; ≤ 100 characters)."""
        self._line(key)
        value = rules.check_remark(text)
        self.store.declarations.set_due_edit(key, remark=value or None)
        return value

    # -- checks (D6) ------------------------------------------------------------------------------------
    def insured_headcounts(self, units: set[str] | None = None) -> dict[tuple[str, str], int]:
        """(unit number, type code) → normal employees registered under the unit number for the
        type (the local registry)."""
        sql = ("SELECT json_extract(r.value, '$.unit_number') AS unit, t.value AS code, count(DISTINCT e.id)"
               " FROM employees e, json_each(e.registrations) r, json_each(r.value, '$.insurance_types') t"
               " WHERE e.status = 'normal' GROUP BY unit, code")
        return {(u, c): n for u, c, n in self.store.db.execute(sql) if units is None or u in units}

    def submit_checks(self, kind: str, lines: list[dict[str, Any]]) -> list[str]:
        """SPEC D6: the confirms to ask, in order, with the official texts (see
        :func:`sbtui.domain.declare.submit_checks`)."""
        if kind != "daily" or not any(r.get("source") == "tax" for r in lines):
            return rules.submit_checks(kind, lines, [], {})
        units = {r["unit_number"] for r in lines}
        return rules.submit_checks(kind, lines, self._open(kind), self.insured_headcounts(units))

    # -- queueing (D3, D8) ------------------------------------------------------------------------------
    def queue(self, kind: str, lines: list[dict[str, Any]]) -> list[str]:
        """Queue one ``declaration.submit`` per unit number (D3); returns the local declaration
        ids. The lines are held (not open) until the service answers; a refusal releases them.
        DeclareError when a blocking refusal applies or a line is not open any more."""
        sources = _sources(kind)
        if any(r["source"] not in sources for r in lines):
            raise DeclareError("所选应缴信息不属于该申报类型")
        now_open = self._open(kind)
        keys = {r["key"] for r in now_open}
        gone = [r for r in lines if rules.key_of(r) not in keys]
        if gone:
            raise DeclareError(f"{gone[0].get('item_name') or ''}（{rules.tick_label(gone[0])}）：{rules.NOT_OPEN}")
        problems = rules.blocking(lines, clock.today(), open_lines=now_open)
        if problems:
            raise DeclareError(problems[0])
        return self.store.declarations.queue(kind, lines)

    def queue_void(self, ident: str) -> str:
        """Queue the void (作废) of a declaration 申报成功 and unpaid; returns its id. DeclareError
        "已缴费的申报不能作废" / "只有申报成功且未缴费的申报可以作废"."""
        return self.store.declarations.void_queue(ident)

    # -- records (D8) -----------------------------------------------------------------------------------
    def declarations(self, *, status: str | None = None, date_from: str | None = None,
                     date_to: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """申报记录 here, newest first, without lines (status 待发送: queued, not sent yet)."""
        return self.store.declarations.rows(status=status, date_from=date_from, date_to=date_to, kind=kind)

    def declaration(self, ident: str) -> dict[str, Any] | None:
        """One declaration by the service's id or the local one, with its ``lines``."""
        return self.store.declarations.row(ident)

    def unpaid(self) -> list[dict[str, Any]]:
        """申报成功 and not fully paid (D7: "当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？")."""
        return [d for d in self.store.declarations.rows(status=DeclarationStatus.OK)
                if d.get("payment_status") != PaymentStatus.PAID]

    def pending(self) -> list[dict[str, Any]]:
        """Declarations waiting for the service: 待发送, 申报中, 作废中."""
        return self.store.declarations.rows(statuses=DECLARATION_PENDING)

    # -- sending and feedback (D7, D8) --------------------------------------------------------------------
    async def declaration_feedback(self, *, wait: bool = False, timeout: float = 60.0) -> DeclarationFeedbackState:
        """获取反馈 (SPEC D7, D8): send what the outbox holds (declarations, voids just queued),
        then read every declaration whose ``feedback_at`` has passed (every one waiting,
        polling, with ``wait``) and store the results; when one settled, the dues lines are
        pulled again. Raises OfflineError when the service cannot be reached (nothing is lost)."""
        store, service = self.store, self.area.remote()
        watched = [d["id"] for d in self.pending()]
        if store.outbox.next_pending() is not None:
            result = SyncResult()
            if not await push(store, service, result, progress=lambda event: None):
                raise OfflineError(result.error or "无法连接服务")
        watched += await fetch_declaration_feedback(store, service, wait=wait, timeout=timeout)
        settled: dict[str, dict] = {}
        for ident in watched:
            row = store.declarations.row(ident)
            if row is not None and row["status"] not in (DeclarationStatus.QUEUED, *UNSETTLED):
                settled[row["id"]] = row
        if any(r.get("local_id") != r["id"] for r in settled.values()):  # the service's dues moved
            await pull_dues(store, service)
        waiting = [at for _id, at in store.declarations.awaiting() if at]
        return DeclarationFeedbackState(list(settled.values()), min(waiting) if waiting else None)

    async def refresh_declarations(self) -> int:
        """申报记录 「刷新」: the service's records (and linked projects, credits) into the store;
        returns how many records the service listed."""
        return await pull_declarations(self.store, self.area.remote())

    async def refresh_declaration(self, ident: str) -> dict[str, Any] | None:
        """One record as the service has it now (e.g. its latest payment status) into the
        store; returns the local record. The service is not asked for one still 待发送."""
        row = self.store.declarations.row(ident)
        if row is None or row["status"] == DeclarationStatus.QUEUED:
            return row
        self.store.declarations.put(await self.area.remote().declaration(row["id"]))
        return self.store.declarations.row(ident)

    async def remote_declaration(self, ident: str, *, lines: bool = True) -> Declaration:
        """The service's Declaration of a local record (read from the service, and kept here,
        when its lines are not known here); DeclareError when unknown or not sent yet."""
        store = self.store
        row = store.declarations.row(ident)
        if row is None:
            raise DeclareError("申报记录不存在")
        if row["status"] == DeclarationStatus.QUEUED or row.get("local_id") == row["id"]:  # never taken by the service
            raise DeclareError("该申报尚未被税务端受理，没有申报表和明细")
        if lines and not row.get("lines"):
            found = await self.area.remote().declaration(row["id"])
            store.declarations.put(found)
            return found
        return Declaration.model_validate(row)

    async def declaration_employees(self, ident: str, line: int | None = None) -> list[DeclarationEmployee]:
        """The employees of a declaration's tax lines (one line ``n``, or all; SPEC D8)."""
        declaration = await self.remote_declaration(ident, lines=False)
        return await self.area.remote().declaration_employees(declaration.id, line)

    async def write_declaration_form(self, ident: str, form: str, path: str | os.PathLike) -> Path:
        """打印 / 导出 (SPEC D8): 《社会保险费缴费申报表（适用单位缴费人）》 (``form="unit"``) or
        《社会保险费缴费明细申报表（适用职工个人）》 (``"employees"``), xlsx or PDF by the suffix."""
        if form not in ("unit", "employees"):
            raise ValueError(f"未知的申报表：{form}")
        declaration = await self.remote_declaration(ident)
        employer = await self.employer_record()
        accepted_on = declaration.submitted_at.astimezone(timezone(timedelta(hours=8))).date()
        if form == "unit":
            return Path(forms.write_unit_form(Path(path), declaration, employer, accepted_on))
        employees = await self.area.remote().declaration_employees(declaration.id)
        return Path(forms.write_employee_form(Path(path), declaration, employees, employer, accepted_on))

    async def employer_record(self) -> EmployerRecord:
        """The employer as registered (for the forms, and a project link's default 主管税务机关):
        kept in the store once read; offline and never read, what the store knows."""
        store = self.store
        kept = store.meta_get("employer_record")
        if kept:
            return EmployerRecord.model_validate(kept)
        try:
            record = EmployerRecord.model_validate((await self.area.remote().employer_info()).model_dump())
        except OfflineError:
            return EmployerRecord(uscc=self.area.uscc, name=store.meta_get("name") or "", tax_authority="",
                                  tax_branch="", region=store.meta_get("region") or "nm")
        store.meta_set("employer_record", record.model_dump(mode="json"))
        return record

    # -- construction projects (D10) ----------------------------------------------------------------------
    async def project_lookup(self, project_id: str) -> Project:
        """A construction project's registration by its ID (SPEC D10)."""
        return await self.area.remote().project_lookup(project_id.strip())

    async def tax_choices(self) -> tuple[list[str], list[str]]:
        """新增关联's 主管税务机关 and 主管税务所（科、分局）: the employer's first (the default,
        from the service when it answers), then the other authorities of its registrations."""
        authorities: list[str] = []
        branches: list[str] = []
        try:
            info = await self.area.remote().employer_info()
            authorities.append(info.tax_authority)
            branches.append(info.tax_branch)
        except ServiceError:
            pass
        for r in await asyncio.to_thread(self.store.registry.registrations):
            if r.get("tax_authority") and r["tax_authority"] not in authorities:
                authorities.append(r["tax_authority"])
        return authorities, branches

    async def link_project(self, project_id: str, tax_authority: str, tax_branch: str) -> Project:
        """确认关联 (SPEC D10): look the project up, queue ``project.link`` and send it. Raises
        the service's RefusedError (e.g. 该工程项目已关联), or OfflineError (the link stays
        queued and is sent by the next sync: :meth:`link_queued`)."""
        store, service = self.store, self.area.remote()
        project = await self.project_lookup(project_id)
        store.projects.link_queue(project, tax_authority, tax_branch)
        result = SyncResult()
        if not await push(store, service, result, progress=lambda event: None):
            raise OfflineError(result.error or "无法连接服务")
        for refusal in result.refusals:
            if refusal.entity == f"project:{project.project_id}":
                raise RefusedError(refusal.message, code=refusal.code, status=400)
        row = next((r for r in store.projects.rows() if r["project_id"] == project.project_id), None)
        return Project.model_validate(row) if row else project

    def link_queued(self, project_id: str) -> bool:
        """Whether a link of ``project_id`` waits in the outbox (sent by the next sync)."""
        return self.store.outbox.has_pending(f"project:{project_id.strip()}")

    async def projects(self) -> list[Project]:
        """The linked projects (from the service when it answers, else as last seen here),
        and those whose link is still to send (``linked`` false)."""
        store = self.store
        try:
            store.projects.replace(await self.area.remote().projects())
        except OfflineError:
            pass
        return [Project.model_validate(r) for r in store.projects.rows() if r["state"] != ProjectState.REFUSED]
