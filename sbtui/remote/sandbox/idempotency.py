"""Idempotent execution of mutating requests (API.md "Idempotency").

:meth:`Keyed.run` is the one path every mutating route takes:

1. no key → 400 ``idempotency_key_required``;
2. the same key still running in this process → 409 ``idempotency_in_progress``;
3. a stored outcome: same fingerprint → replayed (``Idempotent-Replayed: true``), other
   fingerprint → 422 ``idempotency_key_reused``;
4. otherwise the mutation runs, and its effects, its response (success or refusal) and the
   key's outcome are committed in **one** transaction;
5. the configured ``reply_delay_ms`` is slept **after** the commit, then the reply is sent.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import Header, Request, Response

from .db import Db, dumps, iso
from .errors import ApiError

KEEP_FOR = timedelta(days=35)
MAX_KEY_LENGTH = 200

# A mutation: runs inside the transaction, returns (status, JSON body, [(effect kind, target)])
# or raises ApiError (a refusal, stored and replayed like any outcome).
Mutation = Callable[[sqlite3.Connection], tuple[int, Any, list[tuple[str, str]]]]


IdemKey = Annotated[str | None, Header(alias="Idempotency-Key",
                                        description="required; see API.md Idempotency")]


class Principal(Protocol):
    """Who sends a keyed request (a route's ``Caller``)."""

    uscc: str  # the key's scope
    username: str | None  # a sub-user, or None for the employer password


def fingerprint(method: str, path: str, body: Any, principal: str | None = None) -> str:
    """Method + path + canonical JSON body, and the sub-user sending it (so a key can never
    replay one principal's answer to another)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    who = f"\n{principal}" if principal else ""
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}{who}".encode()).hexdigest()


@dataclass(frozen=True)
class Running:
    fingerprint: str
    method: str
    path: str
    created_at: str


class Keyed:
    """Runs keyed mutations exactly once per (employer, key)."""

    def __init__(self, db: Db, now: Callable[[], datetime]) -> None:
        self.db = db
        self.now = now
        self.reply_delay_ms = 0
        self._running: dict[tuple[str, str], Running] = {}
        self._lock = threading.Lock()
        # Test hook: awaited after the key is marked running and before the mutation applies.
        self.before_apply: Callable[[str], Awaitable[None]] | None = None

    def purge(self) -> int:
        """Forget keys older than :data:`KEEP_FOR`; returns how many."""
        with self.db.tx() as conn:
            cur = conn.execute("DELETE FROM idem_keys WHERE created_at < ?",
                               (iso(self.now() - KEEP_FOR),))
            return cur.rowcount

    async def run(self, request: Request, who: Principal, key: str | None, body: Any,
                  mutation: Mutation) -> Response:
        """Run ``mutation`` once for ``who``'s employer and ``key``; ``body`` is the request
        body as JSON data (it only goes into the fingerprint)."""
        uscc = who.uscc
        if not key or not key.strip():
            raise ApiError(400, "idempotency_key_required", "缺少幂等键（Idempotency-Key）。")
        if len(key) > MAX_KEY_LENGTH:
            raise ApiError(400, "bad_request", "幂等键过长。", {"max_length": MAX_KEY_LENGTH})
        method, path = request.method, request.url.path
        fp = fingerprint(method, path, body, who.username)
        slot = (uscc, key)
        with self._lock:
            if slot in self._running:
                raise ApiError(409, "idempotency_in_progress", "该请求正在处理中，请稍后再试。",
                               {"key": key})
            stored = self.db.one("SELECT fingerprint, status_code, response FROM idem_keys"
                                 " WHERE uscc = ? AND key = ?", slot)
            if stored is None:
                self._running[slot] = Running(fp, method, path, iso(self.now()))
        if stored is not None:
            if stored["fingerprint"] != fp:
                raise ApiError(422, "idempotency_key_reused",
                               "该幂等键已用于另一笔不同的请求，请使用新的幂等键。", {"key": key})
            return Response(stored["response"], stored["status_code"],
                            media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})
        try:
            if self.before_apply is not None:
                await self.before_apply(key)
            status, content = self._apply(uscc, key, fp, method, path, mutation)
        finally:
            with self._lock:
                self._running.pop(slot, None)
        if self.reply_delay_ms:
            await asyncio.sleep(self.reply_delay_ms / 1000)
        return Response(content, status, media_type="application/json")

    def _apply(self, uscc: str, key: str, fp: str, method: str, path: str,
               mutation: Mutation) -> tuple[int, str]:
        at = iso(self.now())
        with self.db.tx() as conn:
            conn.execute("SAVEPOINT mutation")
            try:
                status, payload, effects = mutation(conn)
                conn.execute("RELEASE mutation")
            except ApiError as refusal:
                conn.execute("ROLLBACK TO mutation")
                conn.execute("RELEASE mutation")
                status, payload, effects = refusal.status, refusal.envelope(), []
            content = dumps(payload)
            conn.execute("INSERT INTO idem_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (uscc, key, fp, method, path, status, content, at))
            conn.executemany("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                             [(uscc, key, kind, target, at) for kind, target in effects])
        return status, content

    def outcome(self, uscc: str, key: str) -> dict:
        """The ``KeyOutcome`` of a key, or 404 ``unknown_key``."""
        with self._lock:
            running = self._running.get((uscc, key))
        if running is not None:
            return {"key": key, "state": "running", "method": running.method, "path": running.path,
                    "status_code": None, "response": None, "created_at": running.created_at}
        row = self.db.one("SELECT * FROM idem_keys WHERE uscc = ? AND key = ?", (uscc, key))
        if row is None:
            raise ApiError(404, "unknown_key", "服务端没有该幂等键的记录。", {"key": key})
        return {"key": key, "state": "completed", "method": row["method"], "path": row["path"],
                "status_code": row["status_code"], "response": json.loads(row["response"]),
                "created_at": row["created_at"]}

    def effects(self, kind: str | None = None) -> list[dict]:
        sql = "SELECT key, kind, target, at FROM effects"
        rows = self.db.all(sql + (" WHERE kind = ? ORDER BY id" if kind else " ORDER BY id"),
                           (kind,) if kind else ())
        return [dict(r) for r in rows]
