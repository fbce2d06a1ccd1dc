"""Employee groups (SPEC E4): the keyed mutations behind ``/groups…`` and the group
assignments of employees. Every employee whose group changes gets a new ``seq`` (so the change
feed delivers it) and ``changed_on`` = today.

Each mutation runs inside :meth:`Keyed.run`'s transaction and returns ``(status, body,
effects)`` or raises :class:`ApiError` (a refusal, stored with the key like any outcome).
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date

from .db import Db, load_employee, save_employee
from .errors import ApiError

MAX_GROUP_DEPTH = 3
MAX_ASSIGNMENTS = 5000
HAS_CHILDREN = "该分组下还有下级分组，不能删除。"


def groups(db: Db, uscc: str) -> list[dict]:
    rows = db.all("SELECT id, name, parent_id FROM groups WHERE uscc = ? ORDER BY id", (uscc,))
    return [dict(r) for r in rows]


def _depth(conn: sqlite3.Connection, uscc: str, group_id: str) -> int:
    depth, current = 0, group_id
    while current is not None and depth <= MAX_GROUP_DEPTH:
        row = conn.execute("SELECT parent_id FROM groups WHERE uscc = ? AND id = ?",
                           (uscc, current)).fetchone()
        depth, current = depth + 1, row[0]
    return depth


def _group(conn: sqlite3.Connection, uscc: str, group_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT id, name, parent_id FROM groups WHERE uscc = ? AND id = ?",
                        (uscc, group_id)).fetchone()


def _existing(conn: sqlite3.Connection, uscc: str, group_id: str) -> sqlite3.Row:
    """The group named in the path, or 404 ``group_not_found``."""
    row = _group(conn, uscc, group_id)
    if row is None:
        raise ApiError(404, "group_not_found", "分组不存在。", {"group_id": group_id})
    return row


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApiError(400, "bad_request", "分组名称不能为空。")
    return name


def _refuse_sibling(conn: sqlite3.Connection, uscc: str, name: str, parent_id: str | None,
                    self_id: str | None = None) -> None:
    same = conn.execute("SELECT id FROM groups WHERE uscc = ? AND name = ? AND parent_id IS ?"
                        " AND id IS NOT ?", (uscc, name, parent_id, self_id)).fetchone()
    if same:
        raise ApiError(400, "group_exists", f"同一上级下已存在名为“{name}”的分组。",
                       {"group_id": same[0]})


def create_group(conn: sqlite3.Connection, uscc: str, name: str, parent_id: str | None):
    """``POST /groups``."""
    name = _clean_name(name)
    if parent_id is not None:
        if _group(conn, uscc, parent_id) is None:
            raise ApiError(400, "group_not_found", "上级分组不存在。", {"group_id": parent_id})
        if _depth(conn, uscc, parent_id) >= MAX_GROUP_DEPTH:
            raise ApiError(400, "group_depth", f"分组最多只能设置{MAX_GROUP_DEPTH}级。",
                           {"parent_id": parent_id, "max_depth": MAX_GROUP_DEPTH})
    _refuse_sibling(conn, uscc, name, parent_id)
    number = conn.execute("UPDATE employers SET next_group = next_group + 1 WHERE uscc = ?"
                          " RETURNING next_group - 1", (uscc,)).fetchone()[0]
    group = {"id": f"G{number:04d}", "name": name, "parent_id": parent_id}
    conn.execute("INSERT INTO groups VALUES (?, ?, ?, ?)", (uscc, group["id"], name, parent_id))
    return 200, group, [("group.create", group["id"])]


def rename_group(conn: sqlite3.Connection, uscc: str, group_id: str, name: str):
    """``POST /groups/{group_id}``: the renamed ``Group``."""
    row = _existing(conn, uscc, group_id)
    name = _clean_name(name)
    _refuse_sibling(conn, uscc, name, row["parent_id"], group_id)
    conn.execute("UPDATE groups SET name = ? WHERE uscc = ? AND id = ?", (name, uscc, group_id))
    return 200, {"id": group_id, "name": name, "parent_id": row["parent_id"]}, \
        [("group.rename", group_id)]


def delete_group(conn: sqlite3.Connection, uscc: str, group_id: str, today: date):
    """``POST /groups/{group_id}/delete``: refused while it has subgroups; its employees are
    left without a group (each with a new ``seq``)."""
    _existing(conn, uscc, group_id)
    child = conn.execute("SELECT id FROM groups WHERE uscc = ? AND parent_id = ? LIMIT 1",
                         (uscc, group_id)).fetchone()
    if child is not None:
        raise ApiError(400, "group_has_children", HAS_CHILDREN,
                       {"group_id": group_id, "child_id": child[0]})
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM employees WHERE uscc = ? AND group_id = ? ORDER BY id", (uscc, group_id))]
    seqs = _set_groups(conn, uscc, [(eid, None) for eid in ids], today)
    conn.execute("DELETE FROM groups WHERE uscc = ? AND id = ?", (uscc, group_id))
    body = {"deleted": group_id, "ungrouped": len(ids), "changed_on": today.isoformat(),
            "seqs": seqs}
    return 200, body, [("group.delete", group_id)]


def assign_group(conn: sqlite3.Connection, uscc: str, eid: str, group_id: str | None, today: date):
    """``POST /employees/{id}/group``: the employee, ``seq`` bumped."""
    doc = load_employee(conn, uscc, eid)
    if doc is None:
        raise ApiError(404, "not_found", "未找到该职工。", {"employee_id": eid})
    if group_id is not None and _group(conn, uscc, group_id) is None:
        raise ApiError(400, "group_not_found", "分组不存在。", {"group_id": group_id})
    doc["group_id"] = group_id
    save_employee(conn, uscc, doc, changed_on=today.isoformat())
    return 200, doc, [("group.assign", eid)]


def assign_many(conn: sqlite3.Connection, uscc: str, assignments: list[tuple[str, str | None]],
                today: date):
    """``POST /employees/group-assignments``: all or nothing. Employees whose group really
    changes get a new ``seq`` (in request order); the answer maps each of them to it."""
    if len(assignments) > MAX_ASSIGNMENTS:
        raise ApiError(400, "bad_request", f"每次最多提交{MAX_ASSIGNMENTS}条分组调整。",
                       {"max": MAX_ASSIGNMENTS, "count": len(assignments)})
    ids = [eid for eid, _ in assignments]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dupes = sorted({eid for eid in ids if eid in seen or seen.add(eid)})
        raise ApiError(400, "bad_request", "同一职工在请求中出现了多次。",
                       {"employee_ids": dupes[:100]})
    current = dict(conn.execute(
        "SELECT id, group_id FROM employees WHERE uscc = ? AND id IN"
        " (SELECT value FROM json_each(?))", (uscc, json.dumps(ids))).fetchall())
    missing = [eid for eid in ids if eid not in current]
    if missing:
        raise ApiError(400, "employee_not_found", f"有{len(missing)}名职工不存在。",
                       {"employee_ids": missing[:100], "count": len(missing)})
    known = {r[0] for r in conn.execute("SELECT id FROM groups WHERE uscc = ?", (uscc,))}
    unknown = sorted({g for _, g in assignments if g is not None and g not in known})
    if unknown:
        raise ApiError(400, "group_not_found", "分组不存在。", {"group_ids": unknown[:100]})
    changes = [(eid, gid) for eid, gid in assignments if current[eid] != gid]
    seqs = _set_groups(conn, uscc, changes, today)
    body = {"assigned": len(changes), "unchanged": len(assignments) - len(changes),
            "changed_on": today.isoformat(), "seqs": seqs}
    return 200, body, [("group.assign_many", eid) for eid, _ in changes]


def _set_groups(conn: sqlite3.Connection, uscc: str, changes: list[tuple[str, str | None]],
                today: date) -> dict[str, int]:
    """Set each employee's group (column and document) with consecutive new ``seq`` values;
    returns employee id → its new ``seq``."""
    if not changes:
        return {}
    last = conn.execute("UPDATE employers SET seq = seq + ? WHERE uscc = ? RETURNING seq",
                        (len(changes), uscc)).fetchone()[0]
    first = last - len(changes) + 1
    day = today.isoformat()
    rows = [(gid, first + i, gid, first + i, day, uscc, eid)
            for i, (eid, gid) in enumerate(changes)]
    conn.executemany(
        "UPDATE employees SET group_id = ?, seq = ?, doc = json_set(doc, '$.group_id', ?,"
        " '$.seq', ?, '$.changed_on', ?) WHERE uscc = ? AND id = ?", rows)
    return {eid: first + i for i, (eid, _) in enumerate(changes)}
