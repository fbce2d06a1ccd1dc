"""Helpers for tests that drive the sandbox in-process (also useful to other modules' tests)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from sbtui.domain.passwords import initial_password

BASE_URL = "http://sandbox/api/v1"


class FakeClock:
    """A settable UTC clock: ``clock()`` returns the current fake time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 5, 15, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def client(app: FastAPI) -> httpx.AsyncClient:
    """An in-process client (``ASGITransport``) with the API base URL."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


def new_key() -> str:
    return str(uuid.uuid4())


async def activate(c: httpx.AsyncClient, uscc: str, unit_number: str,
                   new_password: str = "Passw0rd!") -> str:
    """Log in with the initial password, change it, log in again; returns the token and sets it
    as the client's default ``Authorization``."""
    first = initial_password(unit_number)
    r = await c.post("/auth/login", json={"uscc": uscc, "password": first})
    r.raise_for_status()
    r = await c.post("/auth/password", json={"old_password": first, "new_password": new_password},
                     headers={"Authorization": f"Bearer {r.json()['token']}",
                              "Idempotency-Key": new_key()})
    r.raise_for_status()
    token = r.json()["token"]
    c.headers["Authorization"] = f"Bearer {token}"
    return token


async def add_user(c: httpx.AsyncClient, username: str, permission: str, remark: str = "") -> dict:
    """As the administrator (the client's default token): a new sub-user."""
    r = await c.post("/users", json={"username": username, "permission": permission,
                                     "remark": remark}, headers={"Idempotency-Key": new_key()})
    r.raise_for_status()
    return r.json()


async def user_token(c: httpx.AsyncClient, uscc: str, username: str,
                     new_password: str = "Userpass1") -> str:
    """A sub-user's first login (initial password = its name) and forced change; returns its
    token (the client's default ``Authorization`` is left alone)."""
    r = await c.post("/auth/login", json={"uscc": uscc, "password": username, "username": username})
    r.raise_for_status()
    r = await c.post("/auth/password", json={"old_password": username, "new_password": new_password},
                     headers={"Authorization": f"Bearer {r.json()['token']}",
                              "Idempotency-Key": new_key()})
    r.raise_for_status()
    return r.json()["token"]
