"""Batch group assignment (SPEC E4 批量编辑职工分组): many employees per outbox item.

:meth:`GroupBatchMixin.assign_groups` changes the employees locally and queues one
``group.assign_many`` item per chunk (at most the service's 5000 per request), entity
``employees:batch-<hex>``, each with a multi-row undo (every row's old group). The employees an
item lists count as having a pending change (:meth:`Outbox.pending_employee_ids`), so a pull
holds their rows back until the service has answered.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem

MAX_CHUNK = 5000  # the service's limit per request


class GroupBatchMixin:
    """Batch assignment methods of :class:`sbtui.store.Store`."""

    db: Database
    outbox: Outbox
    _release_held: Callable[..., None]  # RegistryMixin

    def assign_groups(self, pairs: Iterable[tuple[str, str | None]], *,
                      chunk: int = MAX_CHUNK) -> list[str]:
        """Put many employees in groups (``None``: no group): ``(employee id, group id)``
        pairs, the last one winning for an employee listed twice. Employees already in that
        group are left out; the rest are changed locally and queued, ``chunk`` per outbox item,
        all in one transaction. Returns the keys (``[]`` when nothing changes).

        ``KeyError`` for unknown employees and ``ValueError`` for unknown groups (or a bad
        ``chunk``), before anything is saved."""
        if not 1 <= chunk <= MAX_CHUNK:
            raise ValueError(f"每批最多{MAX_CHUNK}条。")
        wanted = dict(pairs)
        if not wanted:
            return []
        keys: list[str] = []
        with self.db.atomic():
            if len(wanted) * 2 > self.db.execute("SELECT count(*) FROM employees").fetchone()[0]:
                current = dict(self.db.execute("SELECT id, group_id FROM employees").fetchall())
            else:
                current = dict(self.db.execute(
                    "SELECT id, group_id FROM employees WHERE id IN (SELECT value FROM json_each(?))",
                    [json.dumps(list(wanted))]).fetchall())
            missing = [eid for eid in wanted if eid not in current]
            if missing:
                raise KeyError(_some("职工不存在", missing))
            known = {r[0] for r in self.db.execute("SELECT id FROM groups")}
            unknown = sorted({g for g in wanted.values() if g is not None and g not in known})
            if unknown:
                raise ValueError(_some("分组不存在", unknown))
            changes = [(eid, gid) for eid, gid in wanted.items() if current[eid] != gid]
            # one statement over a JSON array: about a third faster than executemany here
            self.db.execute(
                "UPDATE employees SET group_id = json_extract(j.value, '$[1]') FROM json_each(?) j"
                " WHERE employees.id = json_extract(j.value, '$[0]')", [json.dumps(changes)])
            for start in range(0, len(changes), chunk):
                part = changes[start:start + chunk]
                keys.append(self.outbox.enqueue(
                    "group.assign_many",
                    {"body": {"assignments": [{"employee_id": e, "group_id": g} for e, g in part]}},
                    entity=f"employees:batch-{uuid.uuid4().hex[:12]}",
                    undo={"table": "employees",
                          "rows": [{"id": e, "set": {"group_id": current[e]}} for e, _ in part]},
                ))
        return keys

    def batch_assigned(self, item: OutboxItem, answer: dict[str, Any]) -> None:
        """The service confirmed a batch: its employees take the ``seq`` and ``changed_on``
        it gave them, and rows a pull held back meanwhile are settled."""
        with self.db.atomic():
            self._took_seqs(answer, members=self.outbox.members(item.key))

    def _took_seqs(self, answer: dict[str, Any], *, members: list[str] | None = None) -> None:
        """Give employees the ``seqs`` and ``changed_on`` of a service answer (so the next
        pull finds them unchanged), then write or drop what a pull held back for them (the
        held row wins only if it is at least as new)."""
        seqs: dict[str, int] = answer.get("seqs") or {}
        day = answer.get("changed_on")
        if day:
            self.db.conn.executemany("UPDATE employees SET seq = ?, changed_on = ? WHERE id = ?",
                                     [(seq, day, eid) for eid, seq in seqs.items()])
        self._release_held([*(members or []), *seqs], seqs)


def _some(what: str, ids: list[str]) -> str:
    shown = "、".join(ids[:10])
    return f"{what}：{shown}" + (f" 等{len(ids)}个" if len(ids) > 10 else "")
