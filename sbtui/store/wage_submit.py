"""Submitting the wage grid and its feedback (SPEC W8, W11, W12).

:meth:`WageSubmissions.submit` (``store.wage_submissions``) checks the ticked rows, records a submission (table
``wage_submissions``) and queues one outbox item ``wages.submit`` per chunk of at most 5,000
rows (``wage_chunks``; entity ``wages:<submission>:<n>``), with what each employee was sent
(``wage_results``), all in one transaction: it works offline. When the service takes a chunk
(the outbox confirms it) the chunk gets its declaration id and ``feedback_at`` (``processing``);
the feedback (:meth:`WageSubmissions.apply_feedback`) sets every row's result. A chunk the service refuses
outright refuses its rows with the service's message. A submission is ``done`` when all its
chunks are; its summary is 全部申报成功 / 部分成功 / 全部失败 over all of them.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic_core import to_json

from sbtui import clock
from sbtui.domain import wages as rules
from sbtui.domain.vocab import WageResult, WageSubmissionState, WageSummary
from sbtui.store.outbox import now_iso
from sbtui.store.wages import CODES, Row, _ids_json, filled_items, insured_of

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem
    from sbtui.store.wage_draft import WageDraft

MAX_CHUNK = 5000  # the service's limit per declaration
KIND = "wages.submit"
ENTITY = "wages"
ALL_OK, SOME_OK, NONE_OK = WageSummary.ALL_OK, WageSummary.SOME_OK, WageSummary.NONE_OK
NOTHING_TICKED = "请勾选需要申报缴费工资的职工"
ALREADY_QUEUED = "已提交，正在等待反馈"
NO_RESULT = "服务未返回该职工的申报结果"
LOST = "服务找不到该申报记录"


def summary_of(accepted: int, refused: int) -> str:
    return ALL_OK if refused == 0 else NONE_OK if accepted == 0 else SOME_OK


def _row_reason(result: dict[str, Any]) -> str | None:
    if result.get("ok"):
        return None
    if result.get("reason"):
        return result["reason"]
    for item in result.get("items") or []:
        if not item.get("ok") and item.get("reason"):
            return f"{rules.type_label(item['type'])}：{item['reason']}"
    return "申报失败"


def _answer(declaration: Any) -> dict[str, Any]:
    """What :meth:`WageSubmissions.apply_feedback` reads of a ``WageDeclaration`` model, without
    dumping every row: an accepted row's items stay models (only serialized, by pydantic-core,
    into the same JSON), a refused row's become dicts for its reason (issue 16: dumping a
    5,000-row declaration cost as much as validating it)."""
    results = declaration.results
    if results is not None:
        results = [{"employee_id": r.employee_id, "ok": r.ok, "reason": r.reason,
                    "items": r.items if r.ok else [i.model_dump(mode="json") for i in r.items]}
                   for r in results]
    return {"id": declaration.id, "status": declaration.status, "results": results}


def declaration_answer(body: Any) -> dict[str, Any]:
    """The answer to ``wages.submit``: ``{"id", "status", "submitted_at", "feedback_at", …}``."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise ValueError("no declaration id")
    for name in ("submitted_at", "feedback_at"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ValueError(f"bad {name}")
    return body


class WageSubmissions:
    """Submission, feedback and records of the wage grid (``store.wage_submissions``); it
    owns the outbox kind ``wages.submit``."""

    def __init__(self, db: Database, outbox: Outbox, draft: WageDraft) -> None:
        self.db = db
        self.outbox = outbox
        self.draft = draft
        refused = lambda item: self.chunk_refused(item.entity)  # noqa: E731
        outbox.register(KIND, read=declaration_answer, confirmed=self.submitted,
                        refused=refused, unreadable=refused)  # no declaration id: nothing to follow

    # -- checks ----------------------------------------------------------------------------

    def problems(self, rowids: Iterable[int] | None = None) -> list[tuple[int, str]]:
        """Why rows (all, or ``rowids``) cannot be submitted: ``(rowid, reason)`` per problem,
        in rowid order (SPEC W4, W5; see :func:`sbtui.domain.wages.row_problems`)."""
        out: list[tuple[int, str]] = []
        for row in self.draft.draft_rows(rowids):
            out += [(row["id"], p) for p in rules.row_problems(filled_items(row), insured_of(row))]
        return out

    def warnings(self, rowids: Iterable[int] | None = None,
                      today: date | None = None) -> list[tuple[int, str]]:
        """SPEC W6: rows with a 生效年月起 (of a type with a wage) earlier than the month of
        ``today``: ``(rowid, "110、410的生效年月起早于当前月份，将产生补缴信息")``. Ask with
        :data:`sbtui.domain.wages.BACK_PAYMENT_WARNING` before submitting."""
        day = today or self.draft.today()
        out: list[tuple[int, str]] = []
        for row in self.draft.draft_rows(rowids):
            note = rules.back_payment_note(rules.back_payment_types(filled_items(row), day))
            if note:
                out.append((row["id"], note))
        return out

    # -- submit ----------------------------------------------------------------------------

    def submit(self, rowids: Iterable[int], *, chunk: int = MAX_CHUNK) -> str:
        """Submit the ticked rows (SPEC W8, W11); returns the submission id.

        Refuses (``ValueError`` naming the first rows and problems; nothing saved) when nothing
        is ticked, a row is gone, has a problem (:meth:`wage_problems`) or still waits for the
        feedback of an earlier submission. Otherwise, in one transaction: the submission, one
        ``wages.submit`` outbox item per ``chunk`` rows (only the types with a wage are sent),
        and the rows marked ``queued``. Offline it simply stays queued."""
        if not 1 <= chunk <= MAX_CHUNK:
            raise ValueError(f"每次最多申报{MAX_CHUNK}名职工")
        wanted = sorted({int(r) for r in rowids})
        if not wanted:
            raise ValueError(NOTHING_TICKED)
        with self.db.atomic():
            rows = self.draft.draft_rows(wanted)
            if len(rows) != len(wanted):
                raise ValueError(f"有{len(wanted) - len(rows)}行已不在编辑区，请刷新后重新勾选")
            problems = []
            for row in rows:
                found = rules.row_problems(filled_items(row), insured_of(row))
                if row["result"] == WageResult.QUEUED:
                    found.insert(0, ALREADY_QUEUED)
                problems += [f"{row['name']}（{row['id_number']}）：{p}" for p in found]
            if problems:
                more = f"；等共{len(problems)}处问题" if len(problems) > 5 else ""
                raise ValueError("以下职工不能申报：" + "；".join(problems[:5]) + more)
            sid = f"{clock.now().astimezone(clock.CST):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
            stamp = now_iso()
            parts = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
            self.db.execute(
                "INSERT INTO wage_submissions (id, created_at, rows, chunks, state, updated_at)"
                " VALUES (?, ?, ?, ?, 'queued', ?)", [sid, stamp, len(rows), len(parts), stamp])
            for n, part in enumerate(parts, 1):
                body = [_wire_row(r) for r in part]
                key = self.outbox.enqueue(KIND, {"body": {"rows": body}}, entity=f"{ENTITY}:{sid}:{n}")
                self.db.execute("INSERT INTO wage_chunks (submission, n, outbox_key, rows) VALUES (?, ?, ?, ?)",
                                [sid, n, key, len(part)])
                self.db.conn.executemany(
                    "INSERT INTO wage_results (submission, n, employee_id, name, id_number, items)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(sid, n, b["employee_id"], b["name"], b["id_number"], to_json(b["items"]).decode())
                     for b in body])
            ids = _ids_json(wanted)
            self.db.execute("UPDATE wage_draft SET result = 'queued', reason = NULL, submission = ?,"
                            " updated_at = ? WHERE id IN (SELECT value FROM json_each(?))", [sid, stamp, ids])
            # the submitted values are final for these rows: their cell undo ends here
            self.db.execute("DELETE FROM wage_undo WHERE row IN (SELECT value FROM json_each(?))", [ids])
        return sid

    # -- the service's answers -------------------------------------------------------------

    def submitted(self, item: OutboxItem, answer: dict[str, Any]) -> None:
        """The service took a chunk (the confirmed ``wages.submit`` item): its
        declaration id and ``feedback_at``; the submission is ``processing``."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE wage_chunks SET declaration_id = ?, status = 'processing', submitted_at = ?,"
                " feedback_at = ? WHERE outbox_key = ? AND status = 'queued'",
                [answer["id"], answer.get("submitted_at"), answer.get("feedback_at"), item.key])
            self._wage_recount(_submission_of(item.entity))

    def chunk_refused(self, entity: str) -> None:
        """The service refused a chunk outright (the outbox item is refused): its rows are
        refused with the service's message."""
        sid = _submission_of(entity)
        with self.db.atomic():
            found = self.db.execute(
                "SELECT c.n, o.last_error FROM wage_chunks c JOIN outbox o ON o.key = c.outbox_key"
                " WHERE o.entity = ? AND c.status = 'queued'", [entity]).fetchone()
            if found is None:
                return
            n, error = found
            reason = error or "申报被拒绝"
            self._settle_chunk(sid, n, {}, default=reason, status="refused", error=reason)

    def pending_feedback(self) -> list[tuple[str, str | None]]:
        """``(declaration id, feedback_at)`` of chunks the service took and has not answered
        yet, the earliest feedback first."""
        return [tuple(r) for r in self.db.execute(  # type: ignore[misc]
            "SELECT declaration_id, feedback_at FROM wage_chunks WHERE status = 'processing'"
            " ORDER BY feedback_at, submission, n")]

    def feedback_at(self, declaration_id: str, feedback_at: str | None) -> None:
        """Note a new ``feedback_at`` the service gave for a declaration still processing."""
        with self.db.atomic():
            self.db.execute("UPDATE wage_chunks SET feedback_at = ? WHERE declaration_id = ?"
                            " AND status = 'processing'", [feedback_at, declaration_id])

    def declaration_lost(self, declaration_id: str) -> None:
        """The service no longer knows a declaration (404): its rows are refused."""
        with self.db.atomic():
            found = self.db.execute("SELECT submission, n FROM wage_chunks WHERE declaration_id = ?"
                                    " AND status = 'processing'", [declaration_id]).fetchone()
            if found is not None:
                self._settle_chunk(found[0], found[1], {}, default=LOST, status="refused", error=LOST)

    def apply_feedback(self, declaration: Any) -> bool:
        """Apply a declaration's feedback (``WageDeclaration`` or its JSON dict): each row's
        result and reason onto the draft rows still ``queued`` for that submission and onto
        the records; the chunk and, when all are answered, the submission become ``done``.
        Returns ``False`` (nothing changed) while it is still processing, for an unknown
        declaration or one already applied."""
        d = _answer(declaration) if hasattr(declaration, "model_dump") else dict(declaration)
        if d.get("status") != "done" or d.get("results") is None:
            return False
        with self.db.atomic():
            found = self.db.execute("SELECT submission, n FROM wage_chunks WHERE declaration_id = ?"
                                    " AND status = 'processing'", [d["id"]]).fetchone()
            if found is None:
                return False
            results = {r["employee_id"]: r for r in d["results"]}
            self._settle_chunk(found[0], found[1], results, default=NO_RESULT, status="done")
        return True

    def _settle_chunk(self, sid: str, n: int, results: dict[str, dict[str, Any]], *,
                      default: str, status: str, error: str | None = None) -> None:
        ids = [r[0] for r in self.db.execute(
            "SELECT employee_id FROM wage_results WHERE submission = ? AND n = ?", [sid, n])]
        verdicts = []
        accepted_, refused_ = WageResult.ACCEPTED.value, WageResult.REFUSED.value  # plain text: a row each
        for eid in ids:
            r = results.get(eid)
            ok = bool(r and r.get("ok"))
            reason = None if ok else (_row_reason(r) if r else default)
            detail = to_json(r.get("items") or []).decode() if r else None
            verdicts.append((accepted_ if ok else refused_, reason, detail, eid))
        self.db.conn.executemany(
            "UPDATE wage_results SET result = ?, reason = ?, detail = ? WHERE submission = ?"
            " AND employee_id = ?", [(*v[:3], sid, v[3]) for v in verdicts])
        self.db.conn.executemany(
            "UPDATE wage_draft SET result = ?, reason = ? WHERE submission = ?"
            " AND result = 'queued' AND employee_id = ?", [(v[0], v[1], sid, v[3]) for v in verdicts])
        accepted = sum(1 for v in verdicts if v[0] == accepted_)
        self.db.execute(
            "UPDATE wage_chunks SET status = ?, accepted = ?, refused = ?, error = ?"
            " WHERE submission = ? AND n = ?", [status, accepted, len(verdicts) - accepted, error, sid, n])
        self._wage_recount(sid)

    def _wage_recount(self, sid: str) -> None:
        chunks = self.db.execute("SELECT status, accepted, refused FROM wage_chunks WHERE submission = ?",
                                 [sid]).fetchall()
        if not chunks:
            return
        accepted = sum(c[1] for c in chunks)
        refused = sum(c[2] for c in chunks)
        if all(c[0] in ("done", "refused") for c in chunks):
            state, summary = WageSubmissionState.DONE, summary_of(accepted, refused)
        else:
            state = (WageSubmissionState.QUEUED if all(c[0] == "queued" for c in chunks)
                     else WageSubmissionState.PROCESSING)
            summary = None
        self.db.execute("UPDATE wage_submissions SET state = ?, summary = ?, accepted = ?, refused = ?,"
                        " updated_at = ? WHERE id = ?", [state, summary, accepted, refused, now_iso(), sid])

    # -- records (SPEC W12) -----------------------------------------------------------------

    def records(self) -> list[dict[str, Any]]:
        """Every submission, newest first: ``id, created_at, rows, chunks, state`` (``queued``
        → ``sent`` while an item is on its way → ``processing`` → ``done``), ``summary`` (when
        done), ``accepted, refused, declarations`` (the service's ids so far), ``feedback_at``
        (the latest of its chunks)."""
        return self._submissions("", [])

    def record(self, submission_id: str) -> dict[str, Any] | None:
        """One submission as in :meth:`wage_submissions`, or ``None``."""
        rows = self._submissions("WHERE s.id = ?", [submission_id])
        return rows[0] if rows else None

    def _submissions(self, where: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.db.execute(
            "SELECT s.id, s.created_at, s.rows, s.chunks, s.state, s.summary, s.accepted, s.refused,"
            " (SELECT json_group_array(c.declaration_id) FROM wage_chunks c WHERE c.submission = s.id"
            "  AND c.declaration_id IS NOT NULL),"
            " (SELECT max(c.feedback_at) FROM wage_chunks c WHERE c.submission = s.id),"
            " (SELECT count(*) FROM wage_chunks c JOIN outbox o ON o.key = c.outbox_key"
            "  WHERE c.submission = s.id AND o.state = 'sent')"
            f" FROM wage_submissions s {where} ORDER BY s.created_at DESC, s.id DESC", params)
        out = []
        for sid, created, rows, chunks, state, summary, accepted, refused, decls, due, sent in cursor:
            out.append({"id": sid, "created_at": created, "rows": rows, "chunks": chunks,
                        "state": WageSubmissionState.SENT if state == WageSubmissionState.QUEUED and sent else state, "summary": summary,
                        "accepted": accepted, "refused": refused, "declarations": json.loads(decls),
                        "feedback_at": due})
        return out

    def record_rows(self, submission_id: str) -> list[dict[str, Any]]:
        """Per employee of a submission: ``employee_id, name, id_number, result`` (``queued`` /
        ``accepted`` / ``refused``), ``reason``, ``items`` (what was sent, each with the
        service's ``ok`` / ``reason`` once answered)."""
        out = []
        for eid, name, number, items, result, reason, detail in self.db.execute(
                "SELECT employee_id, name, id_number, items, result, reason, detail FROM wage_results"
                " WHERE submission = ? ORDER BY n, rowid", [submission_id]):
            sent = json.loads(items)
            verdict = {i["type"]: i for i in json.loads(detail)} if detail else {}
            for item in sent:
                got = verdict.get(item["type"])
                item["ok"] = None if got is None else got.get("ok")
                item["reason"] = None if got is None else got.get("reason")
            out.append({"employee_id": eid, "name": name, "id_number": number, "result": result,
                        "reason": reason, "items": sent})
        return out


def _submission_of(entity: str) -> str:
    """``wages:<submission>:<n>`` → the submission id."""
    return entity.split(":")[1]


def _wire_row(row: Row) -> dict[str, Any]:
    """A draft row as the service's declaration row: only the insured types with a wage."""
    insured = insured_of(row)
    items = [{"type": c, "wage": row[f"w{c}"], "period_from": row[f"f{c}"], "period_to": row[f"t{c}"]}
             for c in CODES if c in insured and row[f"w{c}"] is not None]
    return {"employee_id": row["employee_id"], "name": row["name"], "id_number": row["id_number"] or "",
            "items": items}
