"""The one interface to the tax side. Everything the client may ask of it is a method here.

Implementations: :class:`sbtui.remote.http.HttpService` (httpx; over TCP to a real or sandbox
server, or in-process through ``httpx.ASGITransport`` to the embedded sandbox).

All methods are ``async``. They raise only :mod:`sbtui.remote.errors` exceptions.
Mutating methods take ``key``: the idempotency key, created once by the caller (the outbox,
or the workspace for the direct online actions: password, users, messages) and passed again,
unchanged, on every retry.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sbtui.domain.models import (
    Agreement,
    Certificate,
    CertificateCheck,
    ChangesPage,
    Credit,
    Declaration,
    DeclarationEmployee,
    DepositAccount,
    DueDetailLine,
    DueLine,
    EmployerInfo,
    EmployerRecord,
    Group,
    KeyOutcome,
    Message,
    Notice,
    PaidLine,
    PaidRecord,
    PayLine,
    Payment,
    PayTicket,
    Project,
    Refund,
    RegistryPage,
    Session,
    SessionInfo,
    TodoItem,
    UnitRegistration,
    User,
    Voucher,
    WageDeclaration,
)

# Outbox kinds and the service call each one makes: kind -> (HTTP method, path template).
# The payload of an outbox item holds the template's fields plus the JSON body under "body".
MUTATIONS: dict[str, tuple[str, str]] = {
    "group.create": ("POST", "/groups"),
    "group.assign": ("POST", "/employees/{employee_id}/group"),
    "group.rename": ("POST", "/groups/{group_id}"),
    "group.delete": ("POST", "/groups/{group_id}/delete"),
    "group.assign_many": ("POST", "/employees/group-assignments"),
    "wages.submit": ("POST", "/wages/declarations"),  # body: {"rows": [...]} (API.md, SPEC W8)
    # SPEC D6, D9, D10: body {"kind", "unit_number", "lines": [{"key", "offset", "remark"}]}
    "declaration.submit": ("POST", "/declarations"),
    "declaration.void": ("POST", "/declarations/{declaration_id}/void"),  # SPEC D8
    "project.link": ("POST", "/projects/links"),  # SPEC D10: {"project_id", "tax_authority", "tax_branch"}
    # SPEC P2: body {"lines": [PayLine.key …], "agreement_id", "ticket", "total"} -> Payment
    "payment.pay": ("POST", "/payments"),
    # SPEC P3: body {"lines": [...], "ticket", "total", "account": {"bank", "name", "account"} | null} -> Voucher
    "voucher.issue": ("POST", "/vouchers"),
    "voucher.void": ("POST", "/vouchers/{number}/void"),  # -> Voucher
    # SPEC A1: body {"batch", "tax_authority", "region", "bank", "branch", "account_name", "account"}
    "agreement.add": ("POST", "/agreements"),  # -> Agreement
    "agreement.modify": ("POST", "/agreements/{agreement_id}"),  # same body -> Agreement (未验证)
    "agreement.verify": ("POST", "/agreements/{agreement_id}/verify"),  # -> Agreement (验证中)
    "agreement.void": ("POST", "/agreements/{agreement_id}/void"),  # -> Agreement (协议终止)
    "agreement.revoke": ("POST", "/agreements/{agreement_id}/revoke"),  # -> Agreement (协议终止)
    # SPEC C1: body {"period_from", "period_to"} or {"keys": [PaymentLine.key …]}, "mode"
    # ("separate" | "merged") -> list[Certificate]
    "certificate.issue": ("POST", "/certificates"),
    "certificate.reprint": ("POST", "/certificates/{number}/reprint"),  # SPEC C2 -> Certificate
    # SPEC R1–R3: body {"kind": "ticket", "tickets": [电子税票号码 …]} or {"kind": "employee",
    # "lines": [{"key": PaidLine.key, "adjusted_base": "6000.00" | null}]}, plus "total",
    # "cause", "explanation", "account": RefundAccount, "handler": RefundHandler -> Refund 受理中
    "refund.submit": ("POST", "/refunds"),
}
"""Kinds whose item must not wait in the outbox: sent at once or refused (SPEC §1: a payment's
late fee depends on the day it is made)."""
ONLINE_ONLY: frozenset[str] = frozenset({"payment.pay", "voucher.issue"})


class RemoteService(ABC):
    """What the client may ask of the tax side."""

    token: str | None = None

    @abstractmethod
    async def health(self) -> dict[str, Any]: ...

    @abstractmethod
    async def region(self) -> dict[str, Any]: ...

    @abstractmethod
    async def lookup_employer(self, uscc: str) -> list[EmployerRecord]: ...

    @abstractmethod
    async def login(self, uscc: str, password: str, *, username: str | None = None) -> Session:
        """Log in; on success the token is kept for the following calls."""

    @abstractmethod
    async def change_password(self, old: str, new: str, *, key: str) -> Session:
        """Change the password of the session's principal (the declaration password for the
        administrator, a sub-user's own one); the new token is kept."""

    @abstractmethod
    async def session_info(self) -> SessionInfo:
        """Who the kept token speaks for (any role)."""

    @abstractmethod
    async def employer_info(self) -> EmployerInfo:
        """单位信息: the tax registration and the unit registrations (SPEC U2)."""

    # -- 用户管理 (SPEC U1; administrator only) -------------------------------------------

    @abstractmethod
    async def users(self) -> list[User]: ...

    @abstractmethod
    async def add_user(self, username: str, permission: str, remark: str = "", *,
                       key: str) -> User: ...

    @abstractmethod
    async def modify_user(self, username: str, *, permission: str | None = None,
                          remark: str | None = None, key: str) -> User: ...

    @abstractmethod
    async def disable_user(self, username: str, *, key: str) -> User: ...

    @abstractmethod
    async def enable_user(self, username: str, *, key: str) -> User: ...

    @abstractmethod
    async def reset_user_password(self, username: str, *, key: str) -> User: ...

    # -- home (SPEC H2, H4) ------------------------------------------------------------------

    @abstractmethod
    async def home_todo(self) -> list[TodoItem]: ...

    @abstractmethod
    async def notices(self) -> list[Notice]:
        """通知公告 and 消息中心 messages (``kind``), newest first."""

    @abstractmethod
    async def messages(self) -> list[Message]:
        """消息中心 messages with their read flags, newest first."""

    @abstractmethod
    async def mark_message_read(self, message_id: str, *, key: str) -> Message: ...

    @abstractmethod
    async def registrations(self) -> list[UnitRegistration]: ...

    @abstractmethod
    async def employees_page(self, *, after: str | None = None, limit: int = 2000) -> RegistryPage: ...

    @abstractmethod
    async def employee_changes(self, *, since: int, limit: int = 2000) -> ChangesPage: ...

    @abstractmethod
    async def groups(self) -> list[Group]: ...

    # -- wage declaration (SPEC W8, W12); submitting is the outbox kind "wages.submit" -------

    @abstractmethod
    async def wage_declaration(self, declaration_id: str) -> WageDeclaration:
        """One wage declaration; its per-row ``results`` once ``status`` is ``done``. Reading
        it after ``feedback_at`` is what makes the service process it."""

    @abstractmethod
    async def wage_declarations(self, limit: int = 50) -> list[WageDeclaration]:
        """申报记录: the newest ``limit`` wage declarations, newest first, without results."""

    # -- fee declaration: dues (SPEC D1, D2, D11) --------------------------------------------

    @abstractmethod
    async def dues(self, *, unit_number: str | None = None, period_from: str | None = None,
                   period_to: str | None = None) -> list[DueLine]:
        """日常申报 / 应缴信息: tax-generated lines per unit number × period × item and the
        collection notices' lines (``source``), optionally filtered (≤ 12 months, SPEC D11)."""

    @abstractmethod
    async def due_detail(self, unit_number: str, period: str, item: str) -> list[DueDetailLine]:
        """职工预处理明细 of one tax-generated line, computed by the service on demand."""

    # -- fee declaration: declarations (SPEC D5–D10); submit / void / link are outbox kinds ---

    @abstractmethod
    async def declarations(self, *, status: str | None = None, date_from: str | None = None,
                           date_to: str | None = None, kind: str | None = None) -> list[Declaration]:
        """申报记录 (SPEC D8): declarations newest first, without lines, filtered by status,
        申报日期 range (YYYY-MM-DD) and kind. Reading makes the service process what is due."""

    @abstractmethod
    async def declaration(self, declaration_id: str) -> Declaration:
        """One declaration with its lines."""

    @abstractmethod
    async def declaration_employees(self, declaration_id: str,
                                    line: int | None = None) -> list[DeclarationEmployee]:
        """The employees of a declaration's tax lines (one line, or all): the rows of
        《社会保险费缴费明细申报表（适用职工个人）》."""

    @abstractmethod
    async def credits(self) -> list[Credit]:
        """Verified credit balances per unit number and item (SPEC D5)."""

    @abstractmethod
    async def project_lookup(self, project_id: str) -> Project:
        """The registration of a construction project by its ID, linked or not (SPEC D10)."""

    @abstractmethod
    async def projects(self) -> list[Project]:
        """The projects linked to this employer (SPEC D10)."""

    # -- payment (SPEC P1–P4, D12); pay / issue / void are outbox kinds -----------------------

    @abstractmethod
    async def pay_list(self) -> list[PayLine]:
        """缴费: every line of a 申报成功 declaration not paid and not on an open voucher, with
        its late fee as of the service's today."""

    @abstractmethod
    async def authorize_payment(self, password: str) -> PayTicket:
        """安全认证: check the declaration password (a sub-user: its own) again; the ticket
        names it in ``payment.pay`` / ``voucher.issue``. Wrong: :class:`WrongPasswordError`."""

    @abstractmethod
    async def payments(self, *, date_from: str | None = None,
                       date_to: str | None = None) -> list[Payment]:
        """缴费记录 (SPEC P4), newest first, with lines."""

    @abstractmethod
    async def payment(self, payment_id: str) -> Payment: ...

    @abstractmethod
    async def vouchers(self, *, date_from: str | None = None,
                       date_to: str | None = None) -> list[Voucher]:
        """缴费凭证打印记录 (SPEC P3) by 填开日期, newest first, with lines."""

    @abstractmethod
    async def voucher(self, number: str) -> Voucher: ...

    @abstractmethod
    async def deposit_accounts(self) -> list[DepositAccount]:
        """The employer's 缴费人存款账户 (for the voucher's optional account), without balances."""

    # -- three-party agreements (SPEC A1); add / modify / verify / void / revoke are outbox kinds

    @abstractmethod
    async def agreements(self) -> list[Agreement]:
        """单位三方协议管理. Reading makes the service answer every verification that is due."""

    @abstractmethod
    async def agreement(self, agreement_id: str) -> Agreement: ...

    # -- certificates (SPEC C1–C3); issue / reprint are outbox kinds ---------------------------
    @abstractmethod
    async def certificates(self, *, date_from: str | None = None,
                           date_to: str | None = None) -> list[Certificate]:
        """税收完税证明 issued, by 填发日期, newest first."""

    @abstractmethod
    async def certificate(self, number: str) -> Certificate: ...

    @abstractmethod
    async def verify_certificate(self, number: str, code: str) -> CertificateCheck:
        """查验 (C3): genuine or not, never an error for a forged number or a wrong code."""

    # -- refunds (SPEC R1–R3); submitting is the outbox kind "refund.submit" -------------------

    @abstractmethod
    async def paid_lines(self, *, period_from: str, period_to: str, id_number: str | None = None,
                         name: str | None = None) -> list[PaidLine]:
        """职工明细退费 query (R2) and the stuff of 单位/职工缴费证明 (C4): every employee's
        booked fee and late-fee lines whose 费款所属期 lies in the range, by
        declaration, line, employee; optionally one employee (ID number and/or name)."""

    @abstractmethod
    async def paid_records(self, *, period_from: str, period_to: str,
                           ticket_number: str | None = None) -> list[PaidRecord]:
        """税票退费 query (R1): the booked records per 电子税票号码 × unit number having a line
        in the period range, optionally one ticket."""

    @abstractmethod
    async def refunds(self, *, date_from: str | None = None,
                      date_to: str | None = None) -> list[Refund]:
        """单位退费申请管理: applications by 申请日期 (YYYY-MM-DD), newest first, with lines.
        Reading makes the service take every decision (and 退库) that is due."""

    @abstractmethod
    async def refund(self, refund_id: str) -> Refund: ...

    @abstractmethod
    async def perform(self, kind: str, payload: dict[str, Any], *, key: str) -> dict[str, Any]:
        """Send one outbox item (see :data:`MUTATIONS`) and return the service's answer as
        ``{"status": int, "body": <JSON answer>, "replayed": bool}`` (``replayed``: answered from
        the idempotency store, the mutation was applied by an earlier attempt)."""

    @abstractmethod
    async def key_outcome(self, key: str) -> KeyOutcome | None:
        """What the service knows of ``key``; ``None`` if it never saw it."""

    @abstractmethod
    async def aclose(self) -> None: ...
