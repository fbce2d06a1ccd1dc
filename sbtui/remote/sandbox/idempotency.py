"""Idempotent execution of mutating requests (API.md "Idempotency").

:meth:`Keyed.run` is the one path every mutating route takes:

1. no key → 400 ``idempotency_key_required``;
2. the same key still running in this process → 409 ``idempotency_in_progress``;
3. a stored outcome: same fingerprint → replayed (``Idempotent-Replayed: true``), other
   fingerprint → 422 ``idempotency_key_reused``;
4. otherwise the mutation runs, and its effects, its response (success or refusal) and the
   key's outcome are committed in **one** transaction;
5. the configured ``reply_delay_ms`` is slept **after** the commit, then the reply is sent.

Secrets at rest (issue 14 finding 8): the fingerprint is an HMAC-SHA256 keyed with the
server's secret (``idempotency.secret`` in the data folder, 0600) over the request with every
password field removed, so a stolen database gives no password to guess offline. A key
belongs to the principal (employer + sub-user) that made it: ``GET /idempotency/{key}``
answers no one else (404 ``unknown_key``, as for a key never seen), and never hands out a
session token, even to its own principal (the token travels only in the POST's reply).
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
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


SECRET_FILE = "idempotency.secret"
HMAC_PREFIX = "h1:"  # a stored fingerprint without it is an old unsalted SHA-256


def load_secret(data_dir: Path) -> bytes:
    """The server's fingerprint key: ``data_dir/idempotency.secret`` (32 random bytes, hex),
    made 0600 on first use and tightened to 0600 if it is found wider."""
    path = Path(data_dir) / SECRET_FILE
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o777 != 0o600:
            os.chmod(path, 0o600)
    return bytes.fromhex(path.read_text("ascii").strip())


def without_passwords(body: Any) -> Any:
    """``body`` with every field whose name holds ``password`` removed, at any depth (the old
    and new passwords of ``auth/password``, a new user's password)."""
    if isinstance(body, dict):
        return {k: without_passwords(v) for k, v in body.items()
                if not (isinstance(k, str) and "password" in k.lower())}
    if isinstance(body, list):
        return [without_passwords(v) for v in body]
    return body


def _message(method: str, path: str, body: Any, principal: str | None) -> bytes:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    who = f"\n{principal}" if principal else ""
    return f"{method.upper()} {path}\n{canonical}{who}".encode()


def fingerprint(method: str, path: str, body: Any, principal: str | None = None, *,
                secret: bytes) -> str:
    """Method + path + canonical JSON body without its passwords, and the sub-user sending it
    (so a key can never replay one principal's answer to another), as an HMAC keyed with the
    server's ``secret``."""
    mac = hmac.new(secret, _message(method, path, without_passwords(body), principal), "sha256")
    return HMAC_PREFIX + mac.hexdigest()


def legacy_fingerprint(method: str, path: str, body: Any, principal: str | None = None) -> str:
    """The unsalted SHA-256 of keys stored before issue 14 (compared, never stored)."""
    return hashlib.sha256(_message(method, path, body, principal)).hexdigest()


def _withhold_token(response: Any) -> Any:
    """A stored answer as ``GET /idempotency`` shows it: a session's ``token`` is null."""
    if isinstance(response, dict) and "token" in response:
        return {**response, "token": None}
    return response


@dataclass(frozen=True)
class Running:
    fingerprint: str
    method: str
    path: str
    created_at: str
    principal: str


def principal_of(who: Principal) -> str:
    """The key's owner within its employer: the sub-user's name, ``""`` for the employer
    password (管理员)."""
    return who.username or ""


class Keyed:
    """Runs keyed mutations exactly once per (employer, key)."""

    def __init__(self, db: Db, now: Callable[[], datetime], secret: bytes | None = None) -> None:
        self.db = db
        self.now = now
        # a secret of this process only when none is given (tests): then a restart cannot
        # replay, which the data folder's secret file (create_app) avoids
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        cols = {r[1] for r in db.all("PRAGMA table_info(idem_keys)")}
        if "principal" not in cols:  # a database from before issue 14
            with db.tx() as conn:
                conn.execute("ALTER TABLE idem_keys ADD COLUMN principal TEXT")
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
        fp = fingerprint(method, path, body, who.username, secret=self.secret)
        slot = (uscc, key)
        with self._lock:
            if slot in self._running:
                raise ApiError(409, "idempotency_in_progress", "该请求正在处理中，请稍后再试。",
                               {"key": key})
            stored = self.db.one("SELECT fingerprint, status_code, response FROM idem_keys"
                                 " WHERE uscc = ? AND key = ?", slot)
            if stored is None:
                self._running[slot] = Running(fp, method, path, iso(self.now()), principal_of(who))
        if stored is not None:
            same = (hmac.compare_digest(stored["fingerprint"], fp)
                    if stored["fingerprint"].startswith(HMAC_PREFIX) else
                    stored["fingerprint"] == legacy_fingerprint(method, path, body, who.username))
            if not same:
                raise ApiError(422, "idempotency_key_reused",
                               "该幂等键已用于另一笔不同的请求，请使用新的幂等键。", {"key": key})
            return Response(stored["response"], stored["status_code"],
                            media_type="application/json",
                            headers={"Idempotent-Replayed": "true"})
        try:
            if self.before_apply is not None:
                await self.before_apply(key)
            status, content = self._apply(uscc, key, fp, method, path, mutation, principal_of(who))
        finally:
            with self._lock:
                self._running.pop(slot, None)
        if self.reply_delay_ms:
            await asyncio.sleep(self.reply_delay_ms / 1000)
        return Response(content, status, media_type="application/json")

    def _apply(self, uscc: str, key: str, fp: str, method: str, path: str,
               mutation: Mutation, principal: str = "") -> tuple[int, str]:
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
            conn.execute("INSERT INTO idem_keys (uscc, key, fingerprint, method, path, status_code,"
                         " response, created_at, principal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (uscc, key, fp, method, path, status, content, at, principal))
            conn.executemany("INSERT INTO effects (uscc, key, kind, target, at) VALUES (?, ?, ?, ?, ?)",
                             [(uscc, key, kind, target, at) for kind, target in effects])
        return status, content

    def outcome(self, who: Principal, key: str) -> dict:
        """The ``KeyOutcome`` of ``who``'s key, or 404 ``unknown_key`` — also when the key is
        another principal's (or from before keys had owners): its answer is not theirs to
        read. A stored session's token is withheld (issue 14 finding 8)."""
        uscc, principal = who.uscc, principal_of(who)
        unknown = ApiError(404, "unknown_key", "服务端没有该幂等键的记录。", {"key": key})
        with self._lock:
            running = self._running.get((uscc, key))
        if running is not None:
            if running.principal != principal:
                raise unknown
            return {"key": key, "state": "running", "method": running.method, "path": running.path,
                    "status_code": None, "response": None, "created_at": running.created_at}
        row = self.db.one("SELECT * FROM idem_keys WHERE uscc = ? AND key = ?", (uscc, key))
        if row is None or row["principal"] != principal:
            raise unknown
        return {"key": key, "state": "completed", "method": row["method"], "path": row["path"],
                "status_code": row["status_code"],
                "response": _withhold_token(json.loads(row["response"])),
                "created_at": row["created_at"]}

    def effects(self, kind: str | None = None) -> list[dict]:
        sql = "SELECT key, kind, target, at FROM effects"
        rows = self.db.all(sql + (" WHERE kind = ? ORDER BY id" if kind else " ORDER BY id"),
                           (kind,) if kind else ())
        return [dict(r) for r in rows]
