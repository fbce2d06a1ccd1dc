"""Employee groups in the local store (SPEC E4) and the local edits that go through the outbox.

A group created offline gets a temporary id ``local-…`` until the service confirms it; then
the real id replaces it everywhere (groups, employees, queued outbox payloads). A group with a
pending outbox item (``group:<id>``: create, rename, delete) keeps its local state through
pulls until the service has answered.

Batch assignment (SPEC E4 批量编辑职工分组): :meth:`Groups.assign_many` changes the employees
locally and queues one ``group.assign_many`` item per chunk (at most the service's 5000 per
request), entity ``employees:batch-<hex>``, each with a multi-row undo (every row's old group).
The employees an item lists count as having a pending change
(:meth:`~sbtui.store.outbox.Outbox.pending_employee_ids`), so a pull holds their rows back
until the service has answered.

The group tree's reads that the registry needs too (paths, subgroups) are module functions
over the connection.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sbtui.domain.models import Employee, Group
from sbtui.domain.text import check_text
from sbtui.domain.vocab import OutboxState

if TYPE_CHECKING:
    from sqlite_utils import Database

    from sbtui.store.outbox import Outbox, OutboxItem
    from sbtui.store.registry import Registry

LOCAL_PREFIX = "local-"
MAX_DEPTH = 3
PATH_SEP = "/"
HAS_CHILDREN = "该分组下还有下级分组，不能删除。"
EMPTY_NAME = "分组名称不能为空。"
MAX_CHUNK = 5000  # the service's limit per batch request


def group_rows(db: Database) -> dict[str, dict[str, Any]]:
    cursor = db.execute("SELECT id, name, parent_id FROM groups ORDER BY id")
    return {r[0]: {"id": r[0], "name": r[1], "parent_id": r[2]} for r in cursor}


def group_paths(db: Database) -> dict[str, str]:
    """Group id → path name ("财务部/会计组")."""
    return _paths(group_rows(db))


def seqs_answer(body: Any) -> dict[str, Any]:
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


def group_exists(db: Database, group_id: str) -> bool:
    return db.execute("SELECT 1 FROM groups WHERE id = ?", [group_id]).fetchone() is not None


def subgroup_ids(db: Database, group_id: str) -> list[str]:
    """``group_id`` and all its descendants; ``KeyError`` for an unknown group."""
    rows = group_rows(db)
    if group_id not in rows:
        raise KeyError(group_id)
    children: dict[str | None, list[str]] = {}
    for row in rows.values():
        children.setdefault(row["parent_id"], []).append(row["id"])
    out: list[str] = []
    todo = [group_id]
    while todo:  # depth first, children in id order: tree order
        gid = todo.pop()
        if gid not in out:
            out.append(gid)
            todo.extend(sorted(children.get(gid, []), reverse=True))
    return out


class Groups:
    """The employee groups of a store (``store.groups``): the tree, local edits, and the
    answers to the ``group.*`` outbox kinds it owns."""

    def __init__(self, db: Database, outbox: Outbox, registry: Registry) -> None:
        self.db = db
        self.outbox = outbox
        self.registry = registry  # employees take the seqs of an answer; held rows settle
        outbox.register("group.assign", read=Employee.model_validate,
                        confirmed=lambda item, employee: registry.put_employee(employee),
                        refused=registry.release_refused)
        outbox.register("group.assign_many", read=seqs_answer, confirmed=self.batch_assigned,
                        refused=registry.release_refused)
        for kind in ("group.create", "group.rename"):
            outbox.register(kind, read=Group.model_validate, confirmed=self._confirmed)
        outbox.register("group.delete", read=seqs_answer,
                        confirmed=lambda item, answer: self.deleted(item.payload["group_id"], answer))

    def _confirmed(self, item: OutboxItem, group: Group) -> None:
        temp = item.entity.partition(":")[2] if item.kind == "group.create" else None
        self.put(group, temp_id=temp)

    def replace(self, groups: list[Group]) -> None:
        """Replace the groups with the service's list, except groups with a pending local
        change (created, renamed or deleted here and not yet answered): they keep their local
        state (row or no row)."""
        with self.db.atomic():
            pending = self.outbox.pending_entities("group")
            self.db.execute("DELETE FROM groups WHERE id NOT IN (SELECT value FROM json_each(?))",
                            [json.dumps(sorted(pending))])
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                [(g.id, g.name, g.parent_id) for g in groups if g.id not in pending],
            )

    def rows(self) -> list[dict[str, Any]]:
        """Groups ordered by path: ``id, name, parent_id, path`` ("财务部/会计组"), ``level``
        (1–3) and ``pending`` (created or renamed locally, not yet confirmed)."""
        rows = group_rows(self.db)
        paths = _paths(rows)
        pending = self.outbox.pending_entities("group")
        out = []
        for row in rows.values():
            path = paths[row["id"]]
            out.append({**row, "path": path, "level": path.count(PATH_SEP) + 1,
                        "pending": row["id"] in pending or row["id"].startswith(LOCAL_PREFIX)})
        out.sort(key=lambda g: g["path"])
        return out

    def paths(self) -> dict[str, str]:
        """Group id → path name."""
        return group_paths(self.db)

    def ids_by_path(self) -> dict[str, str]:
        """Path name ("财务部/会计组") → group id (the smallest id if two share a path)."""
        out: dict[str, str] = {}
        for gid, path in sorted(self.paths().items()):
            out.setdefault(path, gid)
        return out

    def subgroup_ids(self, group_id: str) -> list[str]:
        """``group_id`` and all its descendants; ``KeyError`` for an unknown group."""
        return subgroup_ids(self.db, group_id)

    # -- local edits (each with its outbox item, in one transaction) ------------------------

    def assign(self, employee_id: str, group_id: str | None) -> str:
        """Put one employee in a group (``None``: no group) locally and queue it for the
        service; return the outbox key. Raises ``KeyError`` for an unknown employee and
        ``ValueError`` for an unknown group (then nothing is saved)."""
        with self.db.atomic():
            row = self.db.execute("SELECT group_id FROM employees WHERE id = ?",
                                  [employee_id]).fetchone()
            if row is None:
                raise KeyError(employee_id)
            if group_id is not None and not group_exists(self.db, group_id):
                raise ValueError(f"分组不存在：{group_id}")
            self.db.execute("UPDATE employees SET group_id = ? WHERE id = ?", [group_id, employee_id])
            return self.outbox.enqueue(
                "group.assign",
                {"employee_id": employee_id, "body": {"group_id": group_id}},
                entity=f"employee:{employee_id}",
                undo={"table": "employees", "id": employee_id, "set": {"group_id": row[0]}},
            )

    def create(self, name: str, parent_id: str | None = None) -> tuple[str, str]:
        """Create a group locally (temporary id) and queue it; return ``(temp id, key)``.
        Raises ``ValueError`` for an empty name (or one with "/"), an unknown parent, a fourth
        level or a sibling of the same name."""
        name = _clean_name(name)
        with self.db.atomic():
            if parent_id is not None:
                if not group_exists(self.db, parent_id):
                    raise ValueError(f"上级分组不存在：{parent_id}")
                if self.paths()[parent_id].count(PATH_SEP) + 1 >= MAX_DEPTH:
                    raise ValueError(f"分组最多只能设置{MAX_DEPTH}级。")
            self._refuse_sibling(name, parent_id)
            temp = LOCAL_PREFIX + uuid.uuid4().hex[:12]
            self.db.execute("INSERT INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                            [temp, name, parent_id])
            key = self.outbox.enqueue(
                "group.create", {"body": {"name": name, "parent_id": parent_id}},
                entity=f"group:{temp}", undo={"table": "groups", "id": temp, "delete": True},
            )
        return temp, key

    def put(self, group: Group, *, temp_id: str | None = None) -> None:
        """Write a group confirmed by the service. With ``temp_id``, the local temporary id is
        replaced by the real one in groups, employees and queued outbox items. If a later
        local change of the group is still pending (a rename, a delete), the local state
        stays (only the id changes)."""
        with self.db.atomic():
            local = None
            if temp_id and temp_id != group.id:
                local = self.db.execute("SELECT name, parent_id FROM groups WHERE id = ?",
                                        [temp_id]).fetchone()
                self.db.execute("DELETE FROM groups WHERE id = ?", [temp_id])
                for sql in ("UPDATE groups SET parent_id = ? WHERE parent_id = ?",
                            "UPDATE employees SET group_id = ? WHERE group_id = ?"):
                    self.db.execute(sql, [group.id, temp_id])
                self._rewrite_outbox(temp_id, group.id)
            if self.outbox.has_pending(f"group:{group.id}"):
                if local is not None:
                    self.db.execute("INSERT OR REPLACE INTO groups (id, name, parent_id)"
                                    " VALUES (?, ?, ?)", [group.id, local[0], local[1]])
                return
            self.db.execute("INSERT OR REPLACE INTO groups (id, name, parent_id) VALUES (?, ?, ?)",
                            [group.id, group.name, group.parent_id])

    def rename(self, group_id: str, name: str) -> str:
        """Rename a group locally and queue it (``group.rename``); return the outbox key.
        ``KeyError`` for an unknown group; ``ValueError`` for an empty name or a sibling of
        that name."""
        name = _clean_name(name)
        with self.db.atomic():
            row = self.db.execute("SELECT name, parent_id FROM groups WHERE id = ?",
                                  [group_id]).fetchone()
            if row is None:
                raise KeyError(group_id)
            self._refuse_sibling(name, row[1], group_id)
            self.db.execute("UPDATE groups SET name = ? WHERE id = ?", [name, group_id])
            return self.outbox.enqueue(
                "group.rename", {"group_id": group_id, "body": {"name": name}},
                entity=f"group:{group_id}",
                undo={"table": "groups", "id": group_id, "set": {"name": row[0]}},
            )

    def delete(self, group_id: str) -> str:
        """Delete a group locally and queue it (``group.delete``); return the outbox key.

        Its employees keep their ``group_id`` until the service confirms (it then shows as no
        group); the confirmation clears it. ``KeyError`` for an unknown group; ``ValueError``
        while it has subgroups. A refusal puts the group back."""
        with self.db.atomic():
            row = self.db.execute("SELECT name, parent_id FROM groups WHERE id = ?",
                                  [group_id]).fetchone()
            if row is None:
                raise KeyError(group_id)
            if self.db.execute("SELECT 1 FROM groups WHERE parent_id = ? LIMIT 1",
                               [group_id]).fetchone():
                raise ValueError(HAS_CHILDREN)
            self.db.execute("DELETE FROM groups WHERE id = ?", [group_id])
            return self.outbox.enqueue(
                "group.delete", {"group_id": group_id}, entity=f"group:{group_id}",
                undo={"table": "groups", "id": group_id,
                      "insert": {"name": row[0], "parent_id": row[1]}},
            )

    def deleted(self, group_id: str, answer: dict[str, Any]) -> None:
        """The service confirmed deleting ``group_id``: its employees lose the group and take
        the ``seq`` and ``changed_on`` the service gave them (``answer``)."""
        with self.db.atomic():
            if not self.outbox.has_pending(f"group:{group_id}"):
                self.db.execute("DELETE FROM groups WHERE id = ?", [group_id])
            self.db.execute("UPDATE employees SET group_id = NULL WHERE group_id = ?", [group_id])
            self._took_seqs(answer)

    def ensure_paths(self, paths: list[list[str]]) -> dict[str, str]:
        """Create every missing group along each path (1–3 names, top first) with
        :meth:`create_group`, in one transaction; return path ("a/b/c") → group id for every
        given path. ``ValueError`` (nothing saved) for an empty path or name, a name with "/",
        or a fourth level."""
        out: dict[str, str] = {}
        with self.db.atomic():
            for names in paths:
                names = [_clean_name(n) for n in names]
                if not names or len(names) > MAX_DEPTH:
                    raise ValueError(f"分组最多只能设置{MAX_DEPTH}级：{PATH_SEP.join(names)}")
                parent: str | None = None
                for name in names:
                    row = self.db.execute(
                        "SELECT id FROM groups WHERE name = ? AND parent_id IS ? ORDER BY id LIMIT 1",
                        [name, parent]).fetchone()
                    parent = row[0] if row else self.create(name, parent)[0]
                out[PATH_SEP.join(names)] = parent
        return out

    # -- batch assignment (many employees per outbox item) ------------------------------
    def assign_many(self, pairs: Iterable[tuple[str, str | None]], *,
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
        self.registry.release_held([*(members or []), *seqs], seqs)


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
            if state == OutboxState.QUEUED:
                payload = payload.replace(token_old, token_new)
            if undo:
                undo = undo.replace(token_old, token_new)
            if entity == f"group:{old}":
                entity = f"group:{new}"
            self.db.execute("UPDATE outbox SET payload = ?, undo = ?, entity = ? WHERE seq = ?",
                            [payload, undo, entity, seq])

    def _refuse_sibling(self, name: str, parent_id: str | None, self_id: str | None = None) -> None:
        if self.db.execute("SELECT 1 FROM groups WHERE name = ? AND parent_id IS ? AND id IS NOT ?",
                           [name, parent_id, self_id]).fetchone():
            raise ValueError(f"同一上级下已存在名为“{name}”的分组。")


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError(EMPTY_NAME)
    check_text(name, "分组名称")  # the service's text rule, before anything is queued (issue 14)
    if PATH_SEP in name:
        raise ValueError(f"分组名称不能包含“{PATH_SEP}”。")
    return name


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


def _some(what: str, ids: list[str]) -> str:
    shown = "、".join(ids[:10])
    return f"{what}：{shown}" + (f" 等{len(ids)}个" if len(ids) > 10 else "")
