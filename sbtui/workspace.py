"""The service layer: what the CLI (and the TUI) call. No Textual, no printing.

A :class:`Workspace` ties together the configuration, the remote service (an HTTP server, or
the embedded sandbox in-process through the same HTTP client), the per-employer local stores
and the secret store. Every remote failure surfaces as a :mod:`sbtui.remote.errors` exception.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sbtui.config import Config, EmployerEntry, home_dir
from sbtui.domain.ids import check_uscc
from sbtui.domain.models import EmployerRecord, Session, UnitRegistration
from sbtui.remote.errors import SessionExpired
from sbtui.remote.interface import RemoteService
from sbtui.secrets import InsecureBackendError, SecretStore

PasswordPrompt = Callable[[str], str]


@dataclass
class LoginOutcome:
    session: Session
    token_stored: bool
    note: str | None = None  # e.g. why the token was not kept


class Workspace:
    def __init__(self, home: str | os.PathLike | None = None, *, remote: str | None = None,
                 allow_token_file: bool = False) -> None:
        self.home = home_dir(home)
        self.config = Config.load(self.home)
        if remote is not None:
            self.remote_url: str | None = remote
        else:
            self.remote_url = os.environ.get("SBTUI_REMOTE") or self.config.remote
        self.secrets = SecretStore(self.home, allow_file=allow_token_file)
        self._service: RemoteService | None = None
        self._stores: dict[str, Any] = {}

    # -- remote ---------------------------------------------------------------------------
    @property
    def embedded(self) -> bool:
        return not self.remote_url

    def service(self) -> RemoteService:
        if self._service is None:
            from sbtui.remote.http import HttpService

            options = {"backoff_base": float(os.environ.get("SBTUI_BACKOFF", "0.5"))}
            if self.embedded:
                from sbtui.remote.sandbox import create_app

                app = create_app(self.config.sandbox_dir, employees=self.config.sandbox_employees)
                self._service = HttpService.in_process(app, **options)
            else:
                self._service = HttpService(self.remote_url, **options)
        return self._service

    async def aclose(self) -> None:
        if self._service is not None:
            await self._service.aclose()
            self._service = None
        for store in self._stores.values():
            store.close()
        self._stores.clear()

    def demo_uscc(self) -> str | None:
        """The embedded sandbox's demo employer (None when a remote is configured)."""
        if not self.embedded:
            return None
        from sbtui.remote.sandbox import info

        return info(self.config.sandbox_dir)["uscc"]

    # -- local stores ---------------------------------------------------------------------
    def store(self, uscc: str):
        if uscc not in self._stores:
            from sbtui.store import open_store

            self._stores[uscc] = open_store(self.config.store_path(uscc))
        return self._stores[uscc]

    # -- employers (SPEC L2, L3) ------------------------------------------------------------
    async def lookup_employer(self, uscc: str) -> list[EmployerRecord]:
        return await self.service().lookup_employer(check_uscc(uscc))

    def save_employer(self, record: EmployerRecord, registrations: list[UnitRegistration]) -> None:
        unit = registrations[0].unit_number if len(registrations) == 1 else None
        self.config.add_employer(EmployerEntry(uscc=record.uscc, name=record.name, unit_number=unit))
        self.config.current = record.uscc
        self.config.save()
        store = self.store(record.uscc)
        store.meta_set("uscc", record.uscc)
        store.meta_set("name", record.name)
        store.replace_registrations(registrations)

    def remove_employer(self, uscc: str, *, logged_in: str | None = None) -> None:
        if logged_in == uscc:
            raise ValueError("不能删除当前已登录的单位。")
        self.forget_token(uscc)
        self.config.remove_employer(uscc)
        self.config.save()
        store = self._stores.pop(uscc, None)
        if store is not None:
            store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.config.store_path(uscc)) + suffix).unlink(missing_ok=True)

    # -- sessions (SPEC L2, L4) -------------------------------------------------------------
    def _token_name(self, uscc: str) -> str:
        return f"token:{uscc}"

    def forget_token(self, uscc: str) -> None:
        self.secrets.delete(self._token_name(uscc))

    def keep_token(self, session: Session) -> LoginOutcome:
        try:
            self.secrets.set(self._token_name(session.uscc), session.token)
            return LoginOutcome(session, True)
        except InsecureBackendError as exc:
            return LoginOutcome(session, False, str(exc))

    async def login(self, uscc: str, password: str, *, username: str | None = None) -> Session:
        return await self.service().login(uscc, password, username=username)

    async def change_password(self, old: str, new: str) -> Session:
        import uuid

        return await self.service().change_password(old, new, key=str(uuid.uuid4()))

    async def resume(self, uscc: str, password: str | None = None) -> Session | None:
        """Make the service usable for ``uscc``: a kept token if it still works, else a login
        with ``password`` (or ``$SBTUI_PASSWORD``). ``None`` when neither is available."""
        service = self.service()
        token = self.secrets.get(self._token_name(uscc))
        if token:
            service.token = token
            try:
                await service.registrations()
                return Session(token=token, uscc=uscc, expires_at=_far_future())
            except SessionExpired:
                self.forget_token(uscc)
                service.token = None
        password = password or os.environ.get("SBTUI_PASSWORD")
        if not password:
            return None
        return await self.login(uscc, password)

    # -- sync -------------------------------------------------------------------------------
    async def sync(self, uscc: str, *, full: bool = False, progress=None):
        from sbtui.sync import sync

        store = self.store(uscc)
        result = await sync(store, self.service(), full=full, progress=progress)
        return result


def _far_future():
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone.utc) + timedelta(hours=12)
