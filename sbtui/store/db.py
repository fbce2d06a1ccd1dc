"""Opening the local store (SQLite via sqlite-utils) and the :class:`Store` facade.

Every screen reads from the store and every edit is saved to it at once (SPEC §1). The file is
opened in WAL mode with ``synchronous=FULL`` (a committed transaction survives a power cut) and
``foreign_keys=ON``; pending migrations are applied on open. Multi-row writes run inside
``store.db.atomic()``; the methods here nest in a caller's transaction as savepoints.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Self

from pydantic import ValidationError
from sqlite_utils import Database

from sbtui.domain.models import Declaration, Employee, Group, Project
from sbtui.store import declarations as decl
from sbtui.store.declarations import DeclarationsMixin
from sbtui.store.dues import DuesMixin
from sbtui.store.filters import FiltersMixin
from sbtui.store.group_batch import GroupBatchMixin
from sbtui.store.groups import GroupsMixin
from sbtui.store.migrations import migrations
from sbtui.store.outbox import Outbox, OutboxItem
from sbtui.store.registry import RegistryMixin
from sbtui.store.wage_add import WageAddMixin
from sbtui.store.wage_query import WageQueryMixin
from sbtui.store.wage_submit import KIND as WAGES_SUBMIT
from sbtui.store.wage_submit import WageSubmitMixin
from sbtui.store.wages import WagesMixin


def open_store(path: Path) -> Store:
    """Open (creating it and its folder if needed) the store at ``path`` and migrate it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False: a worker thread may use the store; one at a time.
    conn = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
    db = Database(conn)
    db.enable_wal()
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return Store(db, path)


class Store(RegistryMixin, FiltersMixin, GroupsMixin, GroupBatchMixin, WagesMixin,
            WageAddMixin, WageSubmitMixin, WageQueryMixin, DuesMixin, DeclarationsMixin):
    """The local store of one employer: meta, sync state, registry, filters, groups, the wage
    declaration grid and its submissions, the dues lines, the fee declarations, credits and
    projects, and the outbox."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self.outbox = Outbox(db, on_settle=self.settle)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key/value tables (values kept as JSON) --------------------------------------------

    def meta_get(self, key: str, default: Any = None) -> Any:
        """A value of ``meta`` (employer uscc, name, …); ``default`` when not set."""
        return self._kv_get("meta", key, default)

    def meta_set(self, key: str, value: Any) -> None:
        """Set a ``meta`` value (any JSON value; ``None`` deletes it)."""
        self._kv_set("meta", key, value)

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM meta")}

    def sync_get(self, key: str, default: Any = None) -> Any:
        """A value of ``sync_state`` (``cursor``, ``full_after``, ``full_cursor``, …)."""
        return self._kv_get("sync_state", key, default)

    def sync_set(self, key: str, value: Any) -> None:
        """Set a ``sync_state`` value (``None`` deletes it)."""
        self._kv_set("sync_state", key, value)

    def sync_state(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM sync_state")}

    def _kv_get(self, table: str, key: str, default: Any) -> Any:
        row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def _kv_set(self, table: str, key: str, value: Any) -> None:
        if value is None:
            self.db.execute(f"DELETE FROM {table} WHERE key = ?", [key])
        else:
            self.db.execute(
                f"INSERT INTO {table} (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )

    # -- outbox results applied locally ----------------------------------------------------

    def settle(self, entity: str) -> None:
        """After an item for ``entity`` was refused (the outbox's ``on_settle``)."""
        if entity.startswith("wages:"):
            self.wage_chunk_refused(entity)
        elif entity.startswith("declaration:"):
            self.declaration_refused(entity)
        elif entity.startswith("declaration-void:"):
            self.declaration_void_refused(entity)
        elif entity.startswith("project:"):
            self.project_link_refused(entity)
        else:
            super().settle(entity)

    def confirm(self, item: OutboxItem, response: dict[str, Any]) -> None:
        """Mark ``item`` confirmed and apply the service's answer (``perform``'s result) to
        the local rows, in one transaction. An answer of the wrong shape still confirms the
        item (the service applied it) and is noted in ``last_error``."""
        body = response.get("body")
        entity: Employee | Group | Declaration | Project | dict[str, Any] | None = None
        try:
            if item.kind == "group.assign":
                entity = Employee.model_validate(body)  # one row: the full model check is cheap
            elif item.kind in ("group.create", "group.rename"):
                entity = Group.model_validate(body)
            elif item.kind in ("group.delete", "group.assign_many"):
                entity = _seqs_answer(body)
            elif item.kind == WAGES_SUBMIT:
                entity = _declaration_answer(body)
            elif item.kind in (decl.SUBMIT, decl.VOID):
                entity = Declaration.model_validate(body)
            elif item.kind == decl.LINK:
                entity = Project.model_validate(body)
        except (ValidationError, ValueError, TypeError):
            entity = None
            problem: str | None = "服务返回的数据格式有误"
        else:
            problem = None
        with self.db.atomic():
            self.outbox.mark_confirmed(item.key, response)
            if problem:
                self.db.execute("UPDATE outbox SET last_error = ? WHERE key = ?", [problem, item.key])
                if item.kind == WAGES_SUBMIT:
                    self.wage_chunk_refused(item.entity)  # no declaration id: nothing to follow
                elif item.kind == decl.SUBMIT:
                    self.declaration_refused(item.entity, decl.BAD_ANSWER)
            elif isinstance(entity, Employee):
                self.put_employee(entity)
            elif isinstance(entity, Group):
                temp = item.entity.partition(":")[2] if item.kind == "group.create" else None
                self.put_group(entity, temp_id=temp)
            elif item.kind == "group.delete":
                self.group_deleted(item.payload["group_id"], entity)
            elif item.kind == "group.assign_many":
                self.batch_assigned(item, entity)
            elif item.kind == WAGES_SUBMIT:
                self.wage_submitted(item, entity)
            elif item.kind == decl.SUBMIT:
                self.declaration_submitted(item, entity)
            elif item.kind == decl.VOID:
                self.declaration_put(entity)
            elif item.kind == decl.LINK:
                self.project_put(entity)


def _seqs_answer(body: Any) -> dict[str, Any]:
    """An answer carrying ``seqs`` (employee id → new seq) and ``changed_on``, checked."""
    if not isinstance(body, dict):
        raise TypeError("not an object")
    seqs = body.get("seqs", {})
    if not isinstance(seqs, dict) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in seqs.items()):
        raise ValueError("bad seqs")
    day = body.get("changed_on")
    if day is not None and not (isinstance(day, str) and len(day) == 10):
        raise ValueError("bad changed_on")
    return {"seqs": seqs, "changed_on": day}


def _declaration_answer(body: Any) -> dict[str, Any]:
    """The answer to ``wages.submit``: ``{"id", "status", "submitted_at", "feedback_at", …}``."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise ValueError("no declaration id")
    for name in ("submitted_at", "feedback_at"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ValueError(f"bad {name}")
    return body
