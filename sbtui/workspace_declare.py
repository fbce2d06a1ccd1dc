"""The fee declaration part of :class:`sbtui.workspace.Workspace` (SPEC D5–D10): sending and
feedback, the records, the employees of a declaration, its two forms, and the construction
projects. The local work (open lines, checks, queueing) is in :mod:`sbtui.services.declarations`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbtui.domain.models import (
    Declaration,
    EmployerRecord,
    Project,
)
from sbtui.domain.vocab import DeclarationStatus, ProjectState


@dataclass(frozen=True)
class DeclarationFeedbackState:
    """What :meth:`Workspace.declaration_feedback` did: the declarations settled now (records
    as :func:`sbtui.services.declarations.declaration` gives them) and when the next waiting one is due."""

    settled: list[dict]
    next_feedback_at: str | None


class DeclarationsWorkspace:
    """Mixed into :class:`sbtui.workspace.Workspace`."""

    store: Any
    service: Any

    async def declaration_feedback(self, uscc: str, *, wait: bool = False,
                                   timeout: float = 60.0) -> DeclarationFeedbackState:
        """获取反馈 (SPEC D7, D8): send what the outbox holds (declarations, voids just queued),
        then read every declaration whose ``feedback_at`` has passed (every one waiting,
        polling, with ``wait``) and store the results; when one settled, the dues lines are
        pulled again. Raises OfflineError when the service cannot be reached (nothing is lost)."""
        from sbtui.services import declarations as declare
        from sbtui.remote.errors import OfflineError
        from sbtui.sync.declarations import UNSETTLED, fetch_declaration_feedback
        from sbtui.sync.dues import pull_dues
        from sbtui.sync.progress import SyncResult
        from sbtui.sync.push import push

        store, service = self.store(uscc), self.service()
        watched = [d["id"] for d in declare.pending(store)]
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

    async def refresh_declarations(self, uscc: str) -> int:
        """申报记录 「刷新」: the service's records (and linked projects, credits) into the store;
        returns how many records the service listed."""
        from sbtui.sync.declarations import pull_declarations

        return await pull_declarations(self.store(uscc), self.service())

    async def _declaration(self, uscc: str, ident: str, *, lines: bool = True):
        """The service's Declaration of a local record (read from the service when its lines
        are not known here); DeclareError when unknown or not sent yet."""
        from sbtui.domain.declare import DeclareError

        store = self.store(uscc)
        row = store.declarations.row(ident)
        if row is None:
            raise DeclareError("申报记录不存在")
        if row["status"] == DeclarationStatus.QUEUED or row.get("local_id") == row["id"]:  # never taken by the service
            raise DeclareError("该申报尚未被税务端受理，没有申报表和明细")
        if lines and not row.get("lines"):
            found = await self.service().declaration(row["id"])
            store.declarations.put(found)
            return found
        return Declaration.model_validate(row)

    async def declaration_employees(self, uscc: str, ident: str, line: int | None = None) -> list:
        """The employees of a declaration's tax lines (one line ``n``, or all; SPEC D8)."""
        declaration = await self._declaration(uscc, ident, lines=False)
        return await self.service().declaration_employees(declaration.id, line)

    async def write_declaration_form(self, uscc: str, ident: str, form: str, path: str | os.PathLike) -> Path:
        """打印 / 导出 (SPEC D8): 《社会保险费缴费申报表（适用单位缴费人）》 (``form="unit"``) or
        《社会保险费缴费明细申报表（适用职工个人）》 (``"employees"``), xlsx or PDF by the suffix."""
        from datetime import timedelta, timezone

        from sbtui import forms

        if form not in ("unit", "employees"):
            raise ValueError(f"未知的申报表：{form}")
        declaration = await self._declaration(uscc, ident)
        employer = await self._employer_record(uscc)
        accepted_on = declaration.submitted_at.astimezone(timezone(timedelta(hours=8))).date()
        if form == "unit":
            return Path(forms.write_unit_form(Path(path), declaration, employer, accepted_on))
        employees = await self.service().declaration_employees(declaration.id)
        return Path(forms.write_employee_form(Path(path), declaration, employees, employer, accepted_on))

    async def _employer_record(self, uscc: str) -> EmployerRecord:
        """The employer as registered (for the forms): kept in the store once read."""
        from sbtui.remote.errors import OfflineError

        store = self.store(uscc)
        kept = store.meta_get("employer_record")
        if kept:
            return EmployerRecord.model_validate(kept)
        try:
            record = EmployerRecord.model_validate((await self.service().employer_info()).model_dump())
        except OfflineError:
            return EmployerRecord(uscc=uscc, name=store.meta_get("name") or "", tax_authority="",
                                  tax_branch="", region=store.meta_get("region") or "nm")
        store.meta_set("employer_record", record.model_dump(mode="json"))
        return record

    async def project_lookup(self, project_id: str) -> Project:
        """A construction project's registration by its ID (SPEC D10)."""
        return await self.service().project_lookup(project_id.strip())

    async def link_project(self, uscc: str, project_id: str, tax_authority: str, tax_branch: str) -> Project:
        """确认关联 (SPEC D10): look the project up, queue ``project.link`` and send it. Raises
        the service's RefusedError (e.g. 该工程项目已关联), or OfflineError (the link stays
        queued and is sent by the next sync)."""
        from sbtui.remote.errors import OfflineError, RefusedError
        from sbtui.sync.progress import SyncResult
        from sbtui.sync.push import push

        store, service = self.store(uscc), self.service()
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

    async def projects(self, uscc: str) -> list[Project]:
        """The linked projects (from the service when it answers, else as last seen here),
        and those whose link is still to send (``linked`` false)."""
        from sbtui.remote.errors import OfflineError

        store = self.store(uscc)
        try:
            store.projects.replace(await self.service().projects())
        except OfflineError:
            pass
        return [Project.model_validate(r) for r in store.projects.rows() if r["state"] != ProjectState.REFUSED]
