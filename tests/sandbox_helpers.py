"""Helpers for sync tests against the sandbox: log in, compare registries, inject faults."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sbtui.domain.passwords import initial_password
from sbtui.remote.errors import OfflineError
from sbtui.remote.http import HttpService
from sbtui.remote.interface import RemoteService
from sbtui.remote.sandbox import info
from sbtui.store import Store
from sbtui.store.registry import _COLUMNS, employee_row

NEW_PASSWORD = "Passw0rd!"


async def activate(service: HttpService, data_dir: Path) -> dict:
    """First login with the initial password + the forced change; returns the sandbox facts."""
    facts = info(data_dir)
    first = initial_password(facts["unit_numbers"][0])
    await service.login(facts["uscc"], first)
    await service.change_password(first, NEW_PASSWORD, key=str(uuid.uuid4()))
    return facts


async def server_rows(service: RemoteService) -> list[tuple]:
    """The service's whole registry as store rows."""
    rows, after = [], None
    while True:
        page = await service.employees_page(after=after, limit=5000)
        rows += [employee_row(e) for e in page.items]
        if page.next_after is None:
            return rows
        after = page.next_after


def local_rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM employees ORDER BY id")]


class Killed(BaseException):
    """Stands for a SIGKILL: nothing catches it."""


class Faulty(RemoteService):
    """Wraps a service: records calls; can lose replies or die after some pages."""

    def __init__(self, inner: RemoteService, *, lose_replies: int = 0, kill_after_pages: int | None = None,
                 offline_before_perform: bool = False) -> None:
        self.inner = inner
        self.lose_replies = lose_replies
        self.kill_after_pages = kill_after_pages
        self.offline_before_perform = offline_before_perform
        self.offline = False  # health() fails: the service cannot be reached at all
        self.pages: list[str | None] = []
        self.performed: list[tuple[str, str]] = []
        self.answers: list[dict[str, Any]] = []

    @property
    def token(self):  # type: ignore[override]
        return self.inner.token

    async def health(self):
        if self.offline:
            raise OfflineError("无法连接到服务：test", code="offline")
        return await self.inner.health()

    async def region(self):
        return await self.inner.region()

    async def lookup_employer(self, uscc):
        return await self.inner.lookup_employer(uscc)

    async def login(self, uscc, password, *, username=None):
        return await self.inner.login(uscc, password, username=username)

    async def change_password(self, old, new, *, key):
        return await self.inner.change_password(old, new, key=key)

    async def registrations(self):
        return await self.inner.registrations()

    async def session_info(self):
        return await self.inner.session_info()

    async def employer_info(self):
        return await self.inner.employer_info()

    async def users(self):
        return await self.inner.users()

    async def add_user(self, username, permission, remark="", *, key):
        return await self.inner.add_user(username, permission, remark, key=key)

    async def modify_user(self, username, *, permission=None, remark=None, key):
        return await self.inner.modify_user(username, permission=permission, remark=remark, key=key)

    async def disable_user(self, username, *, key):
        return await self.inner.disable_user(username, key=key)

    async def enable_user(self, username, *, key):
        return await self.inner.enable_user(username, key=key)

    async def reset_user_password(self, username, *, key):
        return await self.inner.reset_user_password(username, key=key)

    async def home_todo(self):
        return await self.inner.home_todo()

    async def notices(self):
        return await self.inner.notices()

    async def messages(self):
        return await self.inner.messages()

    async def mark_message_read(self, message_id, *, key):
        return await self.inner.mark_message_read(message_id, key=key)

    async def employees_page(self, *, after=None, limit=2000):
        if self.kill_after_pages is not None and len(self.pages) >= self.kill_after_pages:
            raise Killed()
        self.pages.append(after)
        return await self.inner.employees_page(after=after, limit=limit)

    async def employee_changes(self, *, since, limit=2000):
        return await self.inner.employee_changes(since=since, limit=limit)

    async def groups(self):
        return await self.inner.groups()

    async def wage_declaration(self, declaration_id):
        return await self.inner.wage_declaration(declaration_id)

    async def wage_declarations(self, limit=50):
        return await self.inner.wage_declarations(limit)

    async def dues(self, *, unit_number=None, period_from=None, period_to=None):
        return await self.inner.dues(unit_number=unit_number, period_from=period_from, period_to=period_to)

    async def due_detail(self, unit_number, period, item):
        return await self.inner.due_detail(unit_number, period, item)

    async def declarations(self, *, status=None, date_from=None, date_to=None, kind=None):
        return await self.inner.declarations(status=status, date_from=date_from, date_to=date_to, kind=kind)

    async def declaration(self, declaration_id):
        return await self.inner.declaration(declaration_id)

    async def declaration_employees(self, declaration_id, line=None):
        return await self.inner.declaration_employees(declaration_id, line)

    async def credits(self):
        return await self.inner.credits()

    async def project_lookup(self, project_id):
        return await self.inner.project_lookup(project_id)

    async def projects(self):
        return await self.inner.projects()

    async def pay_list(self):
        return await self.inner.pay_list()

    async def authorize_payment(self, password):
        return await self.inner.authorize_payment(password)

    async def payments(self, *, date_from=None, date_to=None):
        return await self.inner.payments(date_from=date_from, date_to=date_to)

    async def payment(self, payment_id):
        return await self.inner.payment(payment_id)

    async def vouchers(self, *, date_from=None, date_to=None):
        return await self.inner.vouchers(date_from=date_from, date_to=date_to)

    async def voucher(self, number):
        return await self.inner.voucher(number)

    async def deposit_accounts(self):
        return await self.inner.deposit_accounts()

    async def agreements(self):
        return await self.inner.agreements()

    async def agreement(self, agreement_id):
        return await self.inner.agreement(agreement_id)

    async def certificates(self, *, date_from=None, date_to=None):
        return await self.inner.certificates(date_from=date_from, date_to=date_to)

    async def certificate(self, number):
        return await self.inner.certificate(number)

    async def verify_certificate(self, number, code):
        return await self.inner.verify_certificate(number, code)

    async def paid_lines(self, *, period_from, period_to, id_number=None, name=None):
        return await self.inner.paid_lines(period_from=period_from, period_to=period_to,
                                           id_number=id_number, name=name)

    async def paid_records(self, *, period_from, period_to, ticket_number=None):
        return await self.inner.paid_records(period_from=period_from, period_to=period_to,
                                             ticket_number=ticket_number)

    async def refunds(self, *, date_from=None, date_to=None):
        return await self.inner.refunds(date_from=date_from, date_to=date_to)

    async def refund(self, refund_id):
        return await self.inner.refund(refund_id)

    async def perform(self, kind, payload, *, key):
        self.performed.append((kind, key))
        if self.offline_before_perform:
            raise OfflineError("无法连接到服务：test")
        answer = await self.inner.perform(kind, payload, key=key)
        self.answers.append(answer)
        if self.lose_replies:
            self.lose_replies -= 1
            raise OfflineError("无法连接到服务：test")  # applied by the service, reply lost
        return answer

    async def key_outcome(self, key):
        return await self.inner.key_outcome(key)

    async def aclose(self):
        await self.inner.aclose()
