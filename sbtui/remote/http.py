"""The HTTP client of the service API (``API.md``): :class:`HttpService`.

One code path for every deployment: over TCP to a real or sandbox server, or in-process to the
embedded sandbox through ``httpx.ASGITransport`` (:meth:`HttpService.in_process`).

Errors are mapped to :mod:`sbtui.remote.errors` (table in ``API.md``); nothing else escapes.
Retries (tenacity, exponential backoff with jitter) are made only where they are safe: for GET
requests and for keyed mutations (the ``Idempotency-Key`` makes a repeat harmless), and only on
:class:`OfflineError` / :class:`ServerError`. Login is never retried; a 409 is never retried here
(the caller, i.e. the sync, decides how long to wait).
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

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
from sbtui.remote.errors import (
    AuthError,
    ConflictError,
    KeyReusedError,
    LockedError,
    OfflineError,
    PasswordChangeRequired,
    ProtocolError,
    RefusedError,
    ResyncRequired,
    ServerError,
    ServiceError,
    SessionExpired,
    WrongPasswordError,
)
from sbtui.remote.interface import MUTATIONS, RemoteService

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
IN_PROCESS_URL = "http://sandbox"
BAD_REPLY = "服务返回的数据格式有误"
REPLAYED_HEADER = "Idempotent-Replayed"

_REGISTRY_PAGE = TypeAdapter(RegistryPage)
_CHANGES_PAGE = TypeAdapter(ChangesPage)
_SESSION = TypeAdapter(Session)
_EMPLOYERS = TypeAdapter(list[EmployerRecord])
_REGISTRATIONS = TypeAdapter(list[UnitRegistration])
_GROUPS = TypeAdapter(list[Group])
_KEY_OUTCOME = TypeAdapter(KeyOutcome)
_SESSION_INFO = TypeAdapter(SessionInfo)
_EMPLOYER_INFO = TypeAdapter(EmployerInfo)
_USER = TypeAdapter(User)
_USERS = TypeAdapter(list[User])
_TODO = TypeAdapter(list[TodoItem])
_NOTICES = TypeAdapter(list[Notice])
_MESSAGE = TypeAdapter(Message)
_MESSAGES = TypeAdapter(list[Message])
_WAGE_DECLARATION = TypeAdapter(WageDeclaration)
_WAGE_DECLARATIONS = TypeAdapter(list[WageDeclaration])
_DUES = TypeAdapter(list[DueLine])
_DUE_DETAIL = TypeAdapter(list[DueDetailLine])
_DECLARATION = TypeAdapter(Declaration)
_DECLARATIONS = TypeAdapter(list[Declaration])
_DECLARATION_EMPLOYEES = TypeAdapter(list[DeclarationEmployee])
_CREDITS = TypeAdapter(list[Credit])
_PROJECT = TypeAdapter(Project)
_PROJECTS = TypeAdapter(list[Project])
_PAY_LINES = TypeAdapter(list[PayLine])
_PAY_TICKET = TypeAdapter(PayTicket)
_PAYMENT = TypeAdapter(Payment)
_PAYMENTS = TypeAdapter(list[Payment])
_VOUCHER = TypeAdapter(Voucher)
_VOUCHERS = TypeAdapter(list[Voucher])
_ACCOUNTS = TypeAdapter(list[DepositAccount])
_AGREEMENT = TypeAdapter(Agreement)
_AGREEMENTS = TypeAdapter(list[Agreement])
_CERTIFICATE = TypeAdapter(Certificate)
_CERTIFICATES = TypeAdapter(list[Certificate])
_CERTIFICATE_CHECK = TypeAdapter(CertificateCheck)
_PAID_LINES = TypeAdapter(list[PaidLine])
_PAID_RECORDS = TypeAdapter(list[PaidRecord])
_REFUND = TypeAdapter(Refund)
_REFUNDS = TypeAdapter(list[Refund])
_ANY = TypeAdapter(Any)


class HttpService(RemoteService):
    """:class:`RemoteService` over ``httpx.AsyncClient``.

    ``retries`` is the number of repeats after the first attempt for retry-safe requests;
    the wait between attempts is random-exponential: ``backoff_base`` × 2ⁿ seconds at most,
    capped at ``backoff_max``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._client = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX,
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "sbtui"},
        )

    @classmethod
    def in_process(cls, app: Any, **options: Any) -> HttpService:
        """A client of an ASGI ``app`` (the embedded sandbox) in this process, base URL
        ``http://sandbox``. An exception inside the app answers 500 as over TCP."""
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        return cls(IN_PROCESS_URL, transport=transport, **options)

    async def __aenter__(self) -> HttpService:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the interface ---------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        return self._json(await self._get("/health"))

    async def region(self) -> dict[str, Any]:
        return self._json(await self._get("/region"))

    async def lookup_employer(self, uscc: str) -> list[EmployerRecord]:
        resp = await self._get(f"/employers/{_segment(uscc)}")
        return _parse(_EMPLOYERS, resp)

    async def login(self, uscc: str, password: str, *, username: str | None = None) -> Session:
        """Log in (never retried: a repeat could count as another wrong password)."""
        body = {"uscc": uscc, "password": password, "username": username}
        resp = await self._request("POST", "/auth/login", body=body, retry=False)
        session = _parse(_SESSION, resp)
        self.token = session.token
        return session

    async def change_password(self, old: str, new: str, *, key: str) -> Session:
        body = {"old_password": old, "new_password": new}
        resp = await self._request("POST", "/auth/password", body=body, key=key, retry=True)
        session = _parse(_SESSION, resp)
        self.token = session.token
        return session

    async def session_info(self) -> SessionInfo:
        return _parse(_SESSION_INFO, await self._get("/session"))

    async def employer_info(self) -> EmployerInfo:
        return _parse(_EMPLOYER_INFO, await self._get("/employer"))

    async def users(self) -> list[User]:
        return _parse(_USERS, await self._get("/users"))

    async def add_user(self, username: str, permission: str, remark: str = "", *,
                       key: str) -> User:
        body = {"username": username, "permission": permission, "remark": remark}
        return await self._keyed(_USER, "/users", body, key)

    async def modify_user(self, username: str, *, permission: str | None = None,
                          remark: str | None = None, key: str) -> User:
        body = {k: v for k, v in (("permission", permission), ("remark", remark)) if v is not None}
        return await self._keyed(_USER, f"/users/{_segment(username)}", body, key)

    async def disable_user(self, username: str, *, key: str) -> User:
        return await self._keyed(_USER, f"/users/{_segment(username)}/disable", None, key)

    async def enable_user(self, username: str, *, key: str) -> User:
        return await self._keyed(_USER, f"/users/{_segment(username)}/enable", None, key)

    async def reset_user_password(self, username: str, *, key: str) -> User:
        return await self._keyed(_USER, f"/users/{_segment(username)}/reset-password", None, key)

    async def home_todo(self) -> list[TodoItem]:
        return _parse(_TODO, await self._get("/home/todo"))

    async def notices(self) -> list[Notice]:
        return _parse(_NOTICES, await self._get("/notices"))

    async def messages(self) -> list[Message]:
        return _parse(_MESSAGES, await self._get("/messages"))

    async def mark_message_read(self, message_id: str, *, key: str) -> Message:
        return await self._keyed(_MESSAGE, f"/messages/{_segment(message_id)}/read", None, key)

    async def registrations(self) -> list[UnitRegistration]:
        return _parse(_REGISTRATIONS, await self._get("/registrations"))

    async def employees_page(self, *, after: str | None = None, limit: int = 2000) -> RegistryPage:
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = after
        return _parse(_REGISTRY_PAGE, await self._get("/registry/employees", params=params))

    async def employee_changes(self, *, since: int, limit: int = 2000) -> ChangesPage:
        params = {"since": since, "limit": limit}
        return _parse(_CHANGES_PAGE, await self._get("/registry/changes", params=params))

    async def groups(self) -> list[Group]:
        return _parse(_GROUPS, await self._get("/groups"))

    async def wage_declaration(self, declaration_id: str) -> WageDeclaration:
        resp = await self._get(f"/wages/declarations/{_segment(declaration_id)}")
        return _parse(_WAGE_DECLARATION, resp)

    async def wage_declarations(self, limit: int = 50) -> list[WageDeclaration]:
        resp = await self._get("/wages/declarations", params={"limit": limit})
        return _parse(_WAGE_DECLARATIONS, resp)

    async def dues(self, *, unit_number: str | None = None, period_from: str | None = None,
                   period_to: str | None = None) -> list[DueLine]:
        params = {k: v for k, v in (("unit_number", unit_number), ("period_from", period_from),
                                    ("period_to", period_to)) if v}
        return _parse(_DUES, await self._get("/dues", params=params))

    async def due_detail(self, unit_number: str, period: str, item: str) -> list[DueDetailLine]:
        params = {"unit_number": unit_number, "period": period, "item": item}
        return _parse(_DUE_DETAIL, await self._get("/dues/detail", params=params))

    async def declarations(self, *, status: str | None = None, date_from: str | None = None,
                           date_to: str | None = None, kind: str | None = None) -> list[Declaration]:
        params = {k: v for k, v in (("status", status), ("date_from", date_from),
                                    ("date_to", date_to), ("kind", kind)) if v}
        return _parse(_DECLARATIONS, await self._get("/declarations", params=params))

    async def declaration(self, declaration_id: str) -> Declaration:
        return _parse(_DECLARATION, await self._get(f"/declarations/{_segment(declaration_id)}"))

    async def declaration_employees(self, declaration_id: str,
                                    line: int | None = None) -> list[DeclarationEmployee]:
        params = {"line": line} if line is not None else None
        resp = await self._get(f"/declarations/{_segment(declaration_id)}/employees", params=params)
        return _parse(_DECLARATION_EMPLOYEES, resp)

    async def credits(self) -> list[Credit]:
        return _parse(_CREDITS, await self._get("/credits"))

    async def project_lookup(self, project_id: str) -> Project:
        return _parse(_PROJECT, await self._get(f"/projects/lookup/{_segment(project_id)}"))

    async def projects(self) -> list[Project]:
        return _parse(_PROJECTS, await self._get("/projects"))

    async def pay_list(self) -> list[PayLine]:
        return _parse(_PAY_LINES, await self._get("/payments/due"))

    async def authorize_payment(self, password: str) -> PayTicket:
        resp = await self._request("POST", "/payments/authorize", body={"password": password},
                                   retry=False)
        return _parse(_PAY_TICKET, resp)

    async def payments(self, *, date_from: str | None = None,
                       date_to: str | None = None) -> list[Payment]:
        params = {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v}
        return _parse(_PAYMENTS, await self._get("/payments", params=params))

    async def payment(self, payment_id: str) -> Payment:
        return _parse(_PAYMENT, await self._get(f"/payments/{_segment(payment_id)}"))

    async def vouchers(self, *, date_from: str | None = None,
                       date_to: str | None = None) -> list[Voucher]:
        params = {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v}
        return _parse(_VOUCHERS, await self._get("/vouchers", params=params))

    async def voucher(self, number: str) -> Voucher:
        return _parse(_VOUCHER, await self._get(f"/vouchers/{_segment(number)}"))

    async def deposit_accounts(self) -> list[DepositAccount]:
        return _parse(_ACCOUNTS, await self._get("/deposit-accounts"))

    async def certificates(self, *, date_from: str | None = None,
                           date_to: str | None = None) -> list[Certificate]:
        params = {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v}
        return _parse(_CERTIFICATES, await self._get("/certificates", params=params))

    async def certificate(self, number: str) -> Certificate:
        return _parse(_CERTIFICATE, await self._get(f"/certificates/{_segment(number)}"))

    async def verify_certificate(self, number: str, code: str) -> CertificateCheck:
        return _parse(_CERTIFICATE_CHECK, await self._get(
            "/certificates/verify", params={"number": number, "code": code}))

    async def agreements(self) -> list[Agreement]:
        return _parse(_AGREEMENTS, await self._get("/agreements"))

    async def agreement(self, agreement_id: str) -> Agreement:
        return _parse(_AGREEMENT, await self._get(f"/agreements/{_segment(agreement_id)}"))

    async def paid_lines(self, *, period_from: str, period_to: str, id_number: str | None = None,
                         name: str | None = None) -> list[PaidLine]:
        params = {k: v for k, v in (("period_from", period_from), ("period_to", period_to),
                                    ("id_number", id_number), ("name", name)) if v}
        return _parse(_PAID_LINES, await self._get("/refunds/paid-lines", params=params))

    async def paid_records(self, *, period_from: str, period_to: str,
                           ticket_number: str | None = None) -> list[PaidRecord]:
        params = {k: v for k, v in (("period_from", period_from), ("period_to", period_to),
                                    ("ticket_number", ticket_number)) if v}
        return _parse(_PAID_RECORDS, await self._get("/refunds/paid-records", params=params))

    async def refunds(self, *, date_from: str | None = None,
                      date_to: str | None = None) -> list[Refund]:
        params = {k: v for k, v in (("date_from", date_from), ("date_to", date_to)) if v}
        return _parse(_REFUNDS, await self._get("/refunds", params=params))

    async def refund(self, refund_id: str) -> Refund:
        return _parse(_REFUND, await self._get(f"/refunds/{_segment(refund_id)}"))

    async def perform(self, kind: str, payload: dict[str, Any], *, key: str) -> dict[str, Any]:
        """Send one outbox item: ``MUTATIONS[kind]`` with the path filled from ``payload`` and
        ``payload["body"]`` as the JSON body, under ``Idempotency-Key: key``.

        Returns ``{"status": int, "body": <JSON answer>, "replayed": bool}``; ``replayed`` is
        true when the service answered from its idempotency store (the mutation had already
        been applied by an earlier attempt). Refusals raise, replayed or not.
        An unknown ``kind`` or a payload missing a path field raises :class:`RefusedError`.
        """
        if kind not in MUTATIONS:
            raise RefusedError(f"未知的操作类型：{kind}", code="unknown_kind")
        method, template = MUTATIONS[kind]
        try:
            path = template.format(**{k: _segment(str(v)) for k, v in payload.items() if k != "body"})
        except KeyError as exc:
            raise RefusedError(f"操作缺少参数：{exc.args[0]}", code="bad_payload") from None
        resp = await self._request(method, path, body=payload.get("body"), key=key, retry=True)
        return {
            "status": resp.status_code,
            "body": self._json(resp) if resp.content else None,
            "replayed": resp.headers.get(REPLAYED_HEADER, "").lower() == "true",
        }

    async def key_outcome(self, key: str) -> KeyOutcome | None:
        try:
            resp = await self._get(f"/idempotency/{_segment(key)}")
        except RefusedError as exc:
            if exc.status == 404:
                return None
            raise
        return _parse(_KEY_OUTCOME, resp)

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- plumbing --------------------------------------------------------------------------

    async def _get(self, path: str, *, params: dict[str, Any] | None = None) -> httpx.Response:
        return await self._request("GET", path, params=params, retry=True)

    async def _keyed(self, adapter: TypeAdapter, path: str, body: Any, key: str) -> Any:
        """A keyed POST (retried with the same key) and its parsed answer."""
        return _parse(adapter, await self._request("POST", path, body=body, key=key, retry=True))

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        key: str | None = None,
        retry: bool,
    ) -> httpx.Response:
        """Send one request; 2xx answers are returned, everything else raised as mapped.

        ``retry`` is honoured only for GET and keyed requests."""
        headers: dict[str, str] = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        request = self._client.build_request(method, path, json=body, params=params, headers=headers)
        if not (retry and (method == "GET" or key is not None)) or self.retries <= 0:
            return await self._send(request)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_random_exponential(multiplier=self.backoff_base, max=self.backoff_max),
            retry=retry_if_exception_type((OfflineError, ServerError)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send(request)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            resp = await self._client.send(request)
        except httpx.TimeoutException as exc:
            raise OfflineError(f"连接服务超时：{self.base_url}", code="timeout") from exc
        except (httpx.TransportError, OSError) as exc:
            raise OfflineError(f"无法连接到服务：{self.base_url}", code="offline") from exc
        if 200 <= resp.status_code < 300:
            return resp
        raise _error_for(resp)

    @staticmethod
    def _json(resp: httpx.Response) -> Any:
        try:
            return json.loads(resp.content)
        except ValueError:
            raise ProtocolError(BAD_REPLY, code="bad_json", status=resp.status_code) from None


def _segment(value: str) -> str:
    """One URL path segment, percent-encoded."""
    return quote(value, safe="")


def _parse(adapter: TypeAdapter, resp: httpx.Response) -> Any:
    try:
        return adapter.validate_json(resp.content)
    except ValidationError:
        raise ProtocolError(BAD_REPLY, code="bad_shape", status=resp.status_code) from None


def _error_body(resp: httpx.Response) -> tuple[str | None, str | None, dict[str, Any]]:
    """``(code, message, detail)`` of an error answer, tolerating FastAPI's default shapes."""
    try:
        body = json.loads(resp.content)
    except ValueError:
        return None, None, {}
    if not isinstance(body, dict):
        return None, None, {}
    detail = body.get("detail")
    if "code" not in body and isinstance(detail, dict) and "code" in detail:
        body, detail = detail, detail.get("detail")  # HTTPException(detail={code, message})
    code = body.get("code")
    message = body.get("message")
    if message is None and isinstance(detail, str):
        message = detail
    if code is None and isinstance(detail, list):  # FastAPI's own request validation error
        code = "validation_error"
    return (
        str(code) if code is not None else None,
        str(message) if message is not None else None,
        detail if isinstance(detail, dict) else ({"errors": detail} if isinstance(detail, list) else {}),
    )


def _error_for(resp: httpx.Response) -> ServiceError:
    """The exception for a non-2xx answer (API.md error table)."""
    status = resp.status_code
    code, message, detail = _error_body(resp)
    if status >= 500:
        return ServerError(message or f"服务暂时不可用（HTTP {status}），请稍后再试", code=code,
                           status=status, detail=detail)
    if status < 400:
        return ProtocolError(BAD_REPLY, code=code, status=status, detail=detail)
    cls: type[ServiceError]
    if status == 401:
        cls = WrongPasswordError if code == "20101" else SessionExpired
        message = message or "登录已失效，请重新登录"
    elif status == 403:
        cls = PasswordChangeRequired if code == "password_change_required" else AuthError
    elif status == 409:
        cls = ConflictError
        message = message or "该操作正在处理中，请稍候"
    elif status == 410:
        cls = ResyncRequired
        message = message or "本地数据过旧，需要全量更新"
    elif status == 422 and code == "idempotency_key_reused":
        cls = KeyReusedError
    elif status == 423:
        cls = LockedError
    elif status == 429:
        cls = ServerError
        message = message or "服务繁忙，请稍后再试"
    else:
        cls = RefusedError
    return cls(message or f"服务拒绝了请求（HTTP {status}）", code=code, status=status, detail=detail)
