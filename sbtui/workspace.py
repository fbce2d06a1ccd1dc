"""The service layer: what the CLI (and the TUI) call. No Textual, no printing.

A :class:`Workspace` ties together the configuration, the remote service (an HTTP server, or
the embedded sandbox in-process through the same HTTP client), the per-employer local stores
and the secret store. Every remote failure surfaces as a :mod:`sbtui.remote.errors` exception.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sbtui.config import Config, EmployerEntry, home_dir
from sbtui.domain.ids import check_uscc
from sbtui.domain.models import (
    EmployerInfo,
    EmployerRecord,
    Session,
    SessionInfo,
    UnitRegistration,
)
from sbtui.private import tighten_home
from sbtui.remote.errors import SessionExpired
from sbtui.remote.interface import RemoteService
from sbtui.secrets import InsecureBackendError, SecretStore
from sbtui.services import Area, Employer
from sbtui.services.settings import SettingsService
from sbtui.services.users import UsersService
from sbtui.store import Store, open_store

PasswordPrompt = Callable[[str], str]


def _key() -> str:
    """A fresh idempotency key for one direct online action. Password, user and message
    actions are not outbox items: the user waits for the answer and sees it at once; the
    client's retries of that one call reuse the key, so the service applies it once."""
    return str(uuid.uuid4())


@dataclass
class LoginOutcome:
    session: Session
    token_stored: bool
    note: str | None = None  # e.g. why the token was not kept


class Workspace:
    def __init__(self, home: str | os.PathLike | None = None, *, remote: str | None = None,
                 allow_token_file: bool = False, service: RemoteService | None = None) -> None:
        """``service``: use this one instead of building it from ``remote`` (tests, drills)."""
        self.data_dir = home_dir(home)  # not ``home``: that is the home page (SPEC H2–H5)
        tighten_home(self.data_dir)  # a home made by an older sbtui was 0755 / 0644 (issue 14)
        self.config = Config.load(self.data_dir)
        if remote is not None:
            self.remote_url: str | None = remote
        else:
            self.remote_url = os.environ.get("SBTUI_REMOTE") or self.config.remote
        self.secrets = SecretStore(self.data_dir, allow_file=allow_token_file)
        self._service: RemoteService | None = service
        self._stores: dict[str, Store] = {}
        self._employers: dict[str, Employer] = {}
        self.session: Session | None = None  # the last login / resumed session
        self.users = UsersService(self)  # 用户管理 and the local login password (SPEC U1)
        self.settings = SettingsService(self.config)  # the client's settings (quick buttons)

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
        self._employers.clear()

    def demo_uscc(self) -> str | None:
        """The embedded sandbox's demo employer (None when a remote is configured)."""
        if not self.embedded:
            return None
        return self.sandbox_facts()["uscc"]

    def sandbox_facts(self) -> dict:
        """The embedded sandbox's summary (it is seeded here, at the configured size, when new)."""
        from sbtui.remote.sandbox import info

        return info(self.config.sandbox_dir, employees=self.config.sandbox_employees)

    # -- local stores and the area services --------------------------------------------------
    def store(self, uscc: str) -> Store:
        if uscc not in self._stores:
            self._stores[uscc] = open_store(self.config.store_path(uscc))
        return self._stores[uscc]

    def employer(self, uscc: str) -> Employer:
        """The menu areas of ``uscc`` (:mod:`sbtui.services`), over its local store."""
        if uscc not in self._employers:
            area = Area(uscc=uscc, store=self.store(uscc), remote=self.service, config=self.config,
                        session=lambda: self.session)
            self._employers[uscc] = Employer(area)
        return self._employers[uscc]

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
        store.meta_set("region", record.region)
        store.registry.replace_registrations(registrations)

    def remove_employer(self, uscc: str, *, logged_in: str | None = None) -> None:
        if logged_in == uscc:
            raise ValueError("不能删除当前已登录的单位。")
        self.forget_token(uscc)
        self.config.remove_employer(uscc)
        self.config.save()
        self._employers.pop(uscc, None)
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
        """单位密码登录, or 用户名密码登录 with ``username`` (SPEC L4)."""
        self.session = await self.service().login(uscc, password, username=username)
        return self.session

    async def change_password(self, old: str, new: str) -> Session:
        """Change the logged-in principal's password (the declaration password for the
        administrator, a sub-user's own one; SPEC L2, U2); the new token replaces the old."""
        self.session = await self.service().change_password(old, new, key=_key())
        return self.session

    async def resume(self, uscc: str, password: str | None = None, *,
                     username: str | None = None) -> Session | None:
        """Make the service usable for ``uscc``: a kept token if it still works, else a login
        with ``password`` (or ``$SBTUI_PASSWORD``) as ``username`` (or ``$SBTUI_USER``; none:
        the employer password). ``None`` when neither is available."""
        session = await self.resume_token(uscc)
        if session is not None:
            return session
        password = password or os.environ.get("SBTUI_PASSWORD")
        if not password:
            return None
        return await self.login(uscc, password, username=username or os.environ.get("SBTUI_USER"))

    async def resume_token(self, uscc: str) -> Session | None:
        """The kept session token only, if the service still accepts it; never a password and
        never ``$SBTUI_PASSWORD`` (the TUI's login, SPEC L4). ``None``: type the password."""
        token = self.secrets.get(self._token_name(uscc))
        if not token:
            return None
        service = self.service()
        service.token = token
        try:
            info = await service.session_info()
        except SessionExpired:
            self.forget_token(uscc)
            service.token = None
            return None
        self.session = Session(token=token, uscc=info.uscc, role=info.role, username=info.username,
                               expires_at=info.expires_at,
                               must_change_password=info.must_change_password)
        return self.session

    async def session_info(self) -> SessionInfo:
        """Who the current token speaks for: employer, role, user name."""
        return await self.service().session_info()

    async def employer_info(self) -> EmployerInfo:
        """单位信息 (SPEC U2): the tax registration and the unit registrations."""
        return await self.service().employer_info()

    # -- sync -------------------------------------------------------------------------------
    async def sync(self, uscc: str, *, full: bool = False, progress=None):
        from sbtui.sync import sync

        store = self.store(uscc)
        payments_only = self.session is not None and self.session.role == "pay"  # SPEC P5
        result = await sync(store, self.service(), full=full, progress=progress, payments_only=payments_only)
        return result
