"""Employee groups in the local store (SPEC E4) and the local edits that go through the outbox.

A group created offline gets a temporary id ``local-…`` until the service confirms it; then
the real id replaces it everywhere (groups, employees, queued outbox payloads).
"""
from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from sbtui.domain.models import Group

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox

LOCAL_PREFIX = "local-"
MAX_DEPTH = 3
PATH_SEP = "/"


class GroupsMixin:
    """Group methods of :class:`sbtui.store.Store`."""

    db: Database
    outbox: Outbox

    def replace_groups(self, groups: list[Group]) -> None:
        """Replace the groups with the service's list (groups created locally and not yet
        confirmed are kept)."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM groups WHERE NOT (substr(id, 1, ?) = ? AND 'group:' || id IN"
                " (SELECT entity FROM outbox WHERE state IN ('queued', 'sent')))",
                [len(LOCAL_PREFIX), LOCAL_PREFIX],
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                [(g.id, g.name, g.parent_id) for g in groups],
            )

    def groups(self) -> list[dict[str, Any]]:
        """Groups ordered by path: ``id, name, parent_id, path`` ("财务部/会计组"), ``level``
        (1–3) and ``pending`` (created locally, not yet confirmed)."""
        rows = self._group_rows()
        paths = _paths(rows)
        out = []
        for row in rows.values():
            path = paths[row["id"]]
            out.append({**row, "path": path, "level": path.count(PATH_SEP) + 1,
                        "pending": row["id"].startswith(LOCAL_PREFIX)})
        out.sort(key=lambda g: g["path"])
        return out

    def group_paths(self) -> dict[str, str]:
        """Group id → path name."""
        return _paths(self._group_rows())

    def _group_rows(self) -> dict[str, dict[str, Any]]:
        cursor = self.db.execute("SELECT id, name, parent_id FROM groups")
        return {r[0]: {"id": r[0], "name": r[1], "parent_id": r[2]} for r in cursor}

    # -- local edits (each with its outbox item, in one transaction) ------------------------

    def assign_group(self, employee_id: str, group_id: str | None) -> str:
        """Put one employee in a group (``None``: no group) locally and queue it for the
        service; return the outbox key. Raises ``KeyError`` for an unknown employee and
        ``ValueError`` for an unknown group (then nothing is saved)."""
        with self.db.atomic():
            row = self.db.execute("SELECT group_id FROM employees WHERE id = ?",
                                  [employee_id]).fetchone()
            if row is None:
                raise KeyError(employee_id)
            if group_id is not None and not self._group_exists(group_id):
                raise ValueError(f"unknown group: {group_id}")
            self.db.execute("UPDATE employees SET group_id = ? WHERE id = ?", [group_id, employee_id])
            return self.outbox.enqueue(
                "group.assign",
                {"employee_id": employee_id, "body": {"group_id": group_id}},
                entity=f"employee:{employee_id}",
                undo={"table": "employees", "id": employee_id, "set": {"group_id": row[0]}},
            )

    def create_group(self, name: str, parent_id: str | None = None) -> tuple[str, str]:
        """Create a group locally (temporary id) and queue it; return ``(temp id, key)``.
        Raises ``ValueError`` for an empty name, an unknown parent or a fourth level."""
        name = name.strip()
        if not name:
            raise ValueError("group name is empty")
        with self.db.atomic():
            if parent_id is not None:
                if not self._group_exists(parent_id):
                    raise ValueError(f"unknown group: {parent_id}")
                if self.group_paths()[parent_id].count(PATH_SEP) + 1 >= MAX_DEPTH:
                    raise ValueError("groups have at most three levels")
            temp = LOCAL_PREFIX + uuid.uuid4().hex[:12]
            self.db.execute("INSERT INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                            [temp, name, parent_id])
            key = self.outbox.enqueue(
                "group.create", {"body": {"name": name, "parent_id": parent_id}},
                entity=f"group:{temp}", undo={"table": "groups", "id": temp, "delete": True},
            )
        return temp, key

    def put_group(self, group: Group, *, temp_id: str | None = None) -> None:
        """Write a group confirmed by the service. With ``temp_id``, the local temporary id is
        replaced by the real one in groups, employees and queued outbox items."""
        with self.db.atomic():
            if temp_id and temp_id != group.id:
                self.db.execute("DELETE FROM groups WHERE id = ?", [temp_id])
                for sql in ("UPDATE groups SET parent_id = ? WHERE parent_id = ?",
                            "UPDATE employees SET group_id = ? WHERE group_id = ?"):
                    self.db.execute(sql, [group.id, temp_id])
                self._rewrite_outbox(temp_id, group.id)
            self.db.execute("INSERT OR REPLACE INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                            [group.id, group.name, group.parent_id])

    def _rewrite_outbox(self, old: str, new: str) -> None:
        """Replace a temporary id in items not sent yet (their key was never used, so their
        body may still change) and in the undo of any pending item."""
        token_old, token_new = json.dumps(old), json.dumps(new)
        rows = self.db.execute(
            "SELECT seq, state, payload, undo, entity FROM outbox"
            " WHERE state IN ('queued', 'sent') AND (instr(payload, ?) > 0 OR instr(undo, ?) > 0)",
            [token_old, token_old],
        ).fetchall()
        for seq, state, payload, undo, entity in rows:
            if state == "queued":
                payload = payload.replace(token_old, token_new)
            if undo:
                undo = undo.replace(token_old, token_new)
            if entity == f"group:{old}":
                entity = f"group:{new}"
            self.db.execute("UPDATE outbox SET payload = ?, undo = ?, entity = ? WHERE seq = ?",
                            [payload, undo, entity, seq])

    def _group_exists(self, group_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM groups WHERE id = ?", [group_id]).fetchone() is not None


def _paths(rows: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Group id → "parent/child" path name; cycles and unknown parents are cut off."""
    paths: dict[str, str] = {}

    def path(gid: str, seen: tuple[str, ...] = ()) -> str:
        if gid in paths:
            return paths[gid]
        row = rows[gid]
        parent = row["parent_id"]
        if parent in rows and parent not in seen and len(seen) < 8:
            result = path(parent, (*seen, gid)) + PATH_SEP + row["name"]
        else:
            result = row["name"]
        paths[gid] = result
        return result

    for gid in rows:
        path(gid)
    return paths
