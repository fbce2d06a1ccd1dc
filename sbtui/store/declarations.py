"""Fee declarations in the local store (SPEC D3–D10): the offsets and remarks typed for open
dues lines, the declarations queued here and the service's records, credits and projects.

**Submit** (:meth:`Declarations.queue`): per unit number, one outbox item
``declaration.submit`` (entity ``declaration:<local id>``) and one ``declarations`` row with
status 待发送 holding its line keys (``held``), so they are not offered again, all in one
transaction (offline too). The offsets and remarks sent leave ``due_edits``.
When the service takes it (:meth:`Store.confirm`), the row becomes the service's Declaration
under the service's id (``local_id`` keeps the local one, so a screen can follow it) and its
dues lines are marked 申报中. When the service refuses it (400/422), the row becomes 申报失败
with the service's message, the lines are free again and the edits come back.

**Void** (:meth:`declaration_void_queue`): outbox ``declaration.void`` (entity
``declaration-void:<id>``), the row 作废中 at once; a refusal puts it back to 申报成功 with the
reason. **Feedback** and **pulls** write the service's version (:meth:`declaration_put`), never
over a void still to send. **Projects** (D10): ``project.link`` (entity ``project:<id>``).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sbtui import clock
from sbtui.domain import declare as rules
from sbtui.domain.models import Credit, Declaration, Project
from sbtui.domain.vocab import DECLARATION_PENDING, DeclarationStatus, DueStatus, PaymentStatus, ProjectState
from sbtui.store.outbox import BAD_ANSWER, now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.dues import Dues
    from sbtui.store.outbox import Outbox, OutboxItem

SUBMIT = "declaration.submit"
VOID = "declaration.void"
LINK = "project.link"
QUEUED = DeclarationStatus.QUEUED  # local only: the outbox item is not answered yet
PROCESSING, OK, FAILED = DeclarationStatus.PROCESSING, DeclarationStatus.OK, DeclarationStatus.FAILED
VOIDING, VOIDED = DeclarationStatus.VOIDING, DeclarationStatus.VOIDED
PENDING = DECLARATION_PENDING
PAID = PaymentStatus.PAID
NOT_PAID = "已缴费的申报不能作废"
NOT_VOIDABLE = "只有申报成功且未缴费的申报可以作废"
UNKNOWN = "申报记录不存在"
LOST = "服务找不到该申报记录"
_FIELDS = ("kind", "unit_number", "agency", "status", "submitted_at", "feedback_at", "decided_at",
           "message", "line_count", "headcount", "base_total", "due_total", "offset_total",
           "actual_total", "paid", "payment_status", "voided_at")


def _doc(declaration: Declaration | dict[str, Any]) -> dict[str, Any]:
    if isinstance(declaration, Declaration):
        return declaration.model_dump(mode="json")
    return Declaration.model_validate(declaration).model_dump(mode="json")


def local_id() -> str:
    """A declaration id made here before the service answers: ``L`` + time + random."""
    return f"L{clock.now().astimezone(clock.CST):%Y%m%d%H%M%S}{uuid.uuid4().hex[:4].upper()}"


class Declarations:
    """The fee declarations of a store (``store.declarations``): offsets and remarks typed
    for open dues lines, credits, declarations queued, sent and voided; it owns the outbox
    kinds ``declaration.submit`` and ``declaration.void``."""

    def __init__(self, db: Database, outbox: Outbox, dues: Dues) -> None:
        self.db = db
        self.outbox = outbox
        self.dues = dues
        outbox.register(SUBMIT, read=Declaration.model_validate, confirmed=self.submitted,
                        refused=lambda item: self.refused(item.entity),
                        unreadable=lambda item: self.refused(item.entity, BAD_ANSWER))
        outbox.register(VOID, read=Declaration.model_validate,
                        confirmed=lambda item, declaration: self.put(declaration),
                        refused=lambda item: self.void_refused(item.entity))

    # -- offsets and remarks typed for open lines (D5, D9) -----------------------------------

    def due_edits(self) -> dict[str, dict[str, str | None]]:
        """key → ``{"offset", "remark"}`` (``None``: not edited)."""
        return {k: {"offset": o, "remark": r}
                for k, o, r in self.db.execute("SELECT key, offset, remark FROM due_edits")}

    def set_due_edit(self, key: str, *, offset: Decimal | str | None = ...,  # type: ignore[assignment]
                     remark: str | None = ...) -> None:  # type: ignore[assignment]
        """Keep an offset and/or remark for ``key`` (``None`` clears it); not given: unchanged."""
        with self.db.atomic():
            self.db.execute("INSERT INTO due_edits (key) VALUES (?) ON CONFLICT(key) DO NOTHING", [key])
            if offset is not ...:
                self.db.execute("UPDATE due_edits SET offset = ? WHERE key = ?",
                                [None if offset is None else f"{Decimal(offset):.2f}", key])
            if remark is not ...:
                self.db.execute("UPDATE due_edits SET remark = ? WHERE key = ?", [remark, key])
            self.db.execute("DELETE FROM due_edits WHERE key = ? AND offset IS NULL AND remark IS NULL",
                            [key])

    def held_keys(self) -> set[str]:
        """Line keys held by declarations queued here and not sent yet."""
        return {k for (k,) in self.db.execute(
            "SELECT j.value FROM declarations d, json_each(d.held) j WHERE d.status = ?", [QUEUED])}

    def due_line(self, key: str) -> dict[str, Any] | None:
        """The open (初始) dues line of ``key``, else any line of it, else ``None``."""
        rows = [r for r in self.dues.lines() if r["key"] == key]
        rows.sort(key=lambda r: r["status"] != rules.INITIAL)
        return rows[0] if rows else None

    # -- credits (D5) ------------------------------------------------------------------------

    def replace_credits(self, credits: Iterable[Credit]) -> int:
        rows = [(c.unit_number, c.item, c.item_name, f"{c.amount:.2f}", int(c.verified)) for c in credits]
        with self.db.atomic():
            self.db.execute("DELETE FROM credits")
            self.db.conn.executemany("INSERT OR REPLACE INTO credits VALUES (?, ?, ?, ?, ?)", rows)
        return len(rows)

    def credit_amounts(self) -> dict[tuple[str, str], Decimal]:
        """(unit number, item) → verified credit left, as last pulled."""
        return {(u, i): Decimal(a) for u, i, a in self.db.execute(
            "SELECT unit_number, item, amount FROM credits WHERE verified = 1")}

    # -- submit --------------------------------------------------------------------------------

    def queue(self, kind: str, lines: list[dict[str, Any]]) -> list[str]:
        """Queue one ``declaration.submit`` per unit number of ``lines`` (already checked by
        the caller); returns the local ids. One transaction; the lines are held."""
        groups = rules.by_unit(lines)
        ids: list[str] = []
        with self.db.atomic():
            held = self.held_keys()
            taken = [rules.key_of(r) for r in lines if rules.key_of(r) in held]
            if taken:
                raise rules.DeclareError(f"{rules.NOT_OPEN}：{taken[0]}")
            stamp = now_iso()
            for unit, rows in groups.items():
                ident = local_id()
                while self._declaration_id(ident) is not None:
                    ident = local_id()
                body = {"kind": kind, "unit_number": unit, "lines": rules.wire_lines(rows)}
                key = self.outbox.enqueue(SUBMIT, {"body": body}, entity=f"declaration:{ident}")
                doc = rules.draft_declaration(ident, kind, rows, stamp)
                self._insert(doc, status=QUEUED, local=ident, outbox_key=key,
                             held=[rules.key_of(r) for r in rows])
                self.db.conn.executemany("DELETE FROM due_edits WHERE key = ?",
                                         [(rules.key_of(r),) for r in rows])
                ids.append(ident)
        return ids

    def submitted(self, item: OutboxItem, declaration: Declaration) -> None:
        """The service took a queued declaration: its row becomes the service's (under the
        service's id, the local id kept) and its lines are 申报中 locally."""
        local = item.entity.partition(":")[2]
        doc = _doc(declaration)
        with self.db.atomic():
            row = self.db.execute("SELECT held, doc FROM declarations WHERE local_id = ?", [local]).fetchone()
            if row is None:
                return
            held, old = json.loads(row[0]), json.loads(row[1])
            if not doc.get("lines"):
                doc["lines"] = old.get("lines", [])
            # a pull during a lost reply may have brought the same declaration already
            self.db.execute("DELETE FROM declarations WHERE id = ? AND local_id IS NOT ?", [doc["id"], local])
            self.db.execute(f"UPDATE declarations SET id = ?, {', '.join(f'{f} = ?' for f in _FIELDS)},"
                            " held = '[]', doc = ?, updated_at = ? WHERE local_id = ?",
                            [doc["id"], *[_col(doc, f) for f in _FIELDS], json.dumps(doc, ensure_ascii=False),
                             now_iso(), local])
            keys = [ln["key"] for ln in doc["lines"]] or held
            self.db.execute("UPDATE dues SET status = ?, declaration_id = ? WHERE status = ?"
                            " AND key IN (SELECT value FROM json_each(?))",
                            [DueStatus.DECLARING, doc["id"], DueStatus.INITIAL, json.dumps(keys)])
            self._dues_follow(doc["id"], doc["status"])

    def refused(self, entity: str, message: str | None = None) -> None:
        """The service refused a queued declaration (or answered nonsense): 申报失败 with its
        message; the lines are free again and their offsets and remarks come back."""
        local = entity.partition(":")[2]
        with self.db.atomic():
            row = self.db.execute("SELECT doc FROM declarations WHERE local_id = ? AND status = ?",
                                  [local, QUEUED]).fetchone()
            if row is None:
                return
            reason = message or self.outbox.refusal(entity) or "申报被拒绝"
            body = self.outbox.payload_of(entity).get("body", {})
            for line in body.get("lines", []):
                edit = {"offset": line["offset"] if Decimal(line.get("offset") or "0") else None,
                        "remark": line.get("remark") or None}
                if edit["offset"] is not None or edit["remark"] is not None:
                    self.db.execute("INSERT INTO due_edits (key, offset, remark) VALUES (?, ?, ?)"
                                    " ON CONFLICT(key) DO NOTHING", [line["key"], edit["offset"], edit["remark"]])
            doc = json.loads(row[0])
            doc.update(status=FAILED, message=reason)
            self.db.execute("UPDATE declarations SET status = ?, message = ?, held = '[]', doc = ?,"
                            " updated_at = ? WHERE local_id = ?",
                            [FAILED, reason, json.dumps(doc, ensure_ascii=False), now_iso(), local])

    # -- void (D8) -----------------------------------------------------------------------------

    def void_queue(self, ident: str) -> str:
        """Queue the void of a declaration 申报成功 and unpaid; returns its id (the service's).
        :class:`DeclareError` ``已缴费的申报不能作废`` / ``只有申报成功且未缴费的申报可以作废``."""
        with self.db.atomic():
            row = self.row(ident)
            if row is None:
                raise rules.DeclareError(UNKNOWN)
            if row["payment_status"] != PaymentStatus.UNPAID or Decimal(row.get("paid") or "0") > 0:
                raise rules.DeclareError(NOT_PAID)
            if row["status"] != OK:
                raise rules.DeclareError(NOT_VOIDABLE)
            self.outbox.enqueue(VOID, {"declaration_id": row["id"]}, entity=f"declaration-void:{row['id']}")
            self.db.execute("UPDATE declarations SET status = ?, message = NULL, updated_at = ? WHERE id = ?",
                            [VOIDING, now_iso(), row["id"]])
        return row["id"]

    def void_refused(self, entity: str) -> None:
        ident = entity.partition(":")[2]
        reason = self.outbox.refusal(entity) or "作废被拒绝"
        with self.db.atomic():
            self.db.execute("UPDATE declarations SET status = ?, message = ?, updated_at = ?"
                            " WHERE id = ? AND status = ?", [OK, reason, now_iso(), ident, VOIDING])

    # -- the service's versions ----------------------------------------------------------------

    def put(self, declaration: Declaration | dict[str, Any]) -> bool:
        """Write the service's version of a declaration (feedback, a pull, a void's answer):
        lines kept when it has none; its local dues lines follow its status. A row still
        queued here, or with a void still to send, keeps its status. Returns whether the
        status changed."""
        doc = _doc(declaration)
        with self.db.atomic():
            row = self.db.execute("SELECT status, doc FROM declarations WHERE id = ?", [doc["id"]]).fetchone()
            if row is None:
                self._insert(doc, status=doc["status"])
                self._dues_follow(doc["id"], doc["status"])
                return True
            status, old = row[0], json.loads(row[1])
            if status == QUEUED:
                return False
            if not doc.get("lines"):
                doc["lines"] = old.get("lines", [])
            if self.outbox.has_pending(f"declaration-void:{doc['id']}"):
                doc["status"] = status
            self.db.execute(f"UPDATE declarations SET {', '.join(f'{f} = ?' for f in _FIELDS)}, doc = ?,"
                            " updated_at = ? WHERE id = ?",
                            [*[_col(doc, f) for f in _FIELDS], json.dumps(doc, ensure_ascii=False),
                             now_iso(), doc["id"]])
            if doc["status"] != status:
                self._dues_follow(doc["id"], doc["status"])
            return doc["status"] != status

    def lost(self, ident: str) -> None:
        """The service no longer knows a declaration (404): 申报失败, lines free."""
        with self.db.atomic():
            self.db.execute("UPDATE declarations SET status = ?, message = ?, updated_at = ? WHERE id = ?",
                            [FAILED, LOST, now_iso(), ident])
            self._dues_follow(ident, FAILED)

    def awaiting(self) -> list[tuple[str, str | None]]:
        """``(id, feedback_at)`` of declarations the service has and has not settled (申报中,
        作废中 with the void sent), the earliest feedback first."""
        rows = self.db.execute(
            "SELECT id, feedback_at FROM declarations WHERE status IN (?, ?) ORDER BY feedback_at, id",
            [PROCESSING, VOIDING]).fetchall()
        voids = self.outbox.pending_entities("declaration-void")
        return [(i, at) for i, at in rows if i not in voids]

    def _dues_follow(self, ident: str, status: str) -> None:
        """The local dues lines of a declaration follow it until the next pull replaces them."""
        if status == OK:
            self.db.execute("UPDATE dues SET status = ? WHERE declaration_id = ? AND status = ?",
                            [DueStatus.DECLARED, ident, DueStatus.DECLARING])
        elif status in (FAILED, VOIDED):
            self.db.execute("UPDATE dues SET status = ?, declaration_id = NULL WHERE declaration_id = ?"
                            " AND status IN (?, ?)", [DueStatus.INITIAL, ident, DueStatus.DECLARING,
                                                          DueStatus.DECLARED])

    # -- reading -------------------------------------------------------------------------------

    def rows(self, *, status: str | None = None, date_from: str | None = None,
                         date_to: str | None = None, kind: str | None = None,
                         statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """申报记录, newest first, without lines: the Declaration fields (money as text), the
        local status (待发送 for one not sent yet), ``local_id`` and ``pending``."""
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if statuses:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += list(statuses)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if date_from:  # 申报日期: the day in China (UTC+8)
            where.append("date(submitted_at, '+8 hours') >= ?")
            params.append(date_from)
        if date_to:
            where.append("date(submitted_at, '+8 hours') <= ?")
            params.append(date_to)
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        return self._declarations(cond + " ORDER BY submitted_at DESC, id DESC", params, lines=False)

    def row(self, ident: str, *, lines: bool = True) -> dict[str, Any] | None:
        """One declaration by the service's id or the local one, with ``lines``."""
        rows = self._declarations(" WHERE id = ? OR local_id = ? LIMIT 1", [ident, ident], lines=lines)
        return rows[0] if rows else None

    def _declarations(self, where: str, params: list[Any], *, lines: bool) -> list[dict[str, Any]]:
        voids = self.outbox.pending_entities("declaration-void")
        out = []
        for ident, local, status, message, doc in self.db.execute(
                f"SELECT id, local_id, status, message, doc FROM declarations{where}", params):
            d = json.loads(doc)
            if not lines:
                d.pop("lines", None)
            d.update(id=ident, local_id=local, status=status, message=message,
                     pending=status == QUEUED or ident in voids)
            out.append(d)
        return out

    # -- plumbing ------------------------------------------------------------------------------

    def _declaration_id(self, ident: str) -> str | None:
        row = self.db.execute("SELECT id FROM declarations WHERE id = ? OR local_id = ?", [ident, ident]).fetchone()
        return row[0] if row else None

    def _insert(self, doc: dict[str, Any], *, status: str, local: str | None = None,
                outbox_key: str | None = None, held: list[str] | None = None) -> None:
        self.db.execute(
            f"INSERT INTO declarations (id, local_id, outbox_key, {', '.join(_FIELDS)}, held, doc, updated_at)"
            f" VALUES (?, ?, ?, {', '.join('?' * len(_FIELDS))}, ?, ?, ?)",
            [doc["id"], local, outbox_key, *[status if f == "status" else _col(doc, f) for f in _FIELDS],
             json.dumps(held or []), json.dumps(doc, ensure_ascii=False), now_iso()])


def _col(doc: dict[str, Any], name: str) -> Any:
    value = doc.get(name)
    if name in ("line_count", "headcount"):
        return int(value or 0)
    if name in ("base_total", "due_total", "offset_total", "actual_total", "paid"):
        return str(value if value is not None else "0.00")
    if name == "payment_status":
        return value or PaymentStatus.UNPAID
    return value


class Projects:
    """The construction projects of a store (``store.projects``, SPEC D10): linked, queued or
    refused links; it owns the outbox kind ``project.link``."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox
        outbox.register(LINK, read=Project.model_validate,
                        confirmed=lambda item, project: self.put(project),
                        refused=lambda item: self.link_refused(item.entity))

    def put(self, project: Project, *, state: str = ProjectState.LINKED, error: str | None = None) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO projects (project_id, state, error, doc, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(project_id) DO UPDATE SET state = excluded.state, error = excluded.error,"
                " doc = excluded.doc, updated_at = excluded.updated_at",
                [project.project_id, state, error, project.model_dump_json(), now_iso()])

    def replace(self, projects: Iterable[Project]) -> int:
        """The linked projects as the service lists them; links still to send are kept."""
        items = list(projects)
        with self.db.atomic():
            pending = self.outbox.pending_entities("project")
            self.db.execute("DELETE FROM projects WHERE state = 'linked'")
            for p in items:
                if p.project_id not in pending:
                    self.put(p)
        return len(items)

    def link_queue(self, project: Project, tax_authority: str, tax_branch: str) -> str:
        """Queue ``project.link``; the project is kept as 待发送 until answered."""
        with self.db.atomic():
            body = {"project_id": project.project_id, "tax_authority": tax_authority, "tax_branch": tax_branch}
            key = self.outbox.enqueue(LINK, {"body": body}, entity=f"project:{project.project_id}")
            pending = project.model_copy(update={"tax_authority": tax_authority, "tax_branch": tax_branch})
            self.put(pending, state=ProjectState.QUEUED)
        return key

    def link_refused(self, entity: str) -> None:
        ident = entity.partition(":")[2]
        with self.db.atomic():
            self.db.execute("UPDATE projects SET state = 'refused', error = ?, updated_at = ?"
                            " WHERE project_id = ? AND state = ?",
                            [self.outbox.refusal(entity) or "关联被拒绝", now_iso(), ident, ProjectState.QUEUED])

    def rows(self) -> list[dict[str, Any]]:
        """The projects known here (linked, 待发送 or refused): Project fields + state, error."""
        out = []
        for state, error, doc in self.db.execute(
                "SELECT state, error, doc FROM projects ORDER BY project_id"):
            d = json.loads(doc)
            d.update(state=state, error=error)
            out.append(d)
        return out
