"""The exceptions every remote service implementation raises, and nothing else.

::

    ServiceError                 base; ``code``/``message`` as the service said them
    ├── OfflineError             the service could not be reached (connect error, timeout)
    ├── ProtocolError            the reply was not what the API promises (bad JSON, bad shape)
    ├── ServerError              5xx after the retries that were allowed
    ├── AuthError                401/403/423
    │   ├── WrongPasswordError   [20101] 申报密码验证失败
    │   ├── LockedError          3 wrong passwords: locked until ``locked_until``
    │   ├── PasswordChangeRequired  forced change after the initial password (SPEC L2)
    │   └── SessionExpired       token missing, unknown or expired: log in again
    ├── ConflictError            409: the same idempotency key is still being processed
    ├── ResyncRequired           410: cursor too old, do a full download
    └── RefusedError             400/404/422: refused with a reason; never retried
        └── KeyReusedError       422: an idempotency key was reused with another body

``str(exc)`` is the message to show the user (Chinese where the service speaks it).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any


class ServiceError(Exception):
    """Base of every remote error."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail or {}


class OfflineError(ServiceError):
    """The service could not be reached."""


class ProtocolError(ServiceError):
    """The service answered something the API does not allow."""


class ServerError(ServiceError):
    """The service failed (5xx)."""


class AuthError(ServiceError):
    """Authentication or permission problem."""


class WrongPasswordError(AuthError):
    """Wrong declaration password ([20101])."""


class LockedError(AuthError):
    """The employer is locked after three wrong passwords (SPEC L4)."""

    @property
    def locked_until(self) -> datetime | None:
        value = self.detail.get("locked_until")
        return datetime.fromisoformat(value) if value else None


class PasswordChangeRequired(AuthError):
    """The initial password must be changed before anything else (SPEC L2)."""


class SessionExpired(AuthError):
    """No valid token: log in again."""


class ConflictError(ServiceError):
    """The same idempotency key is still in flight (409): wait and retry with the same key."""


class ResyncRequired(ServiceError):
    """The change cursor is older than the service keeps (410): do a full download."""


class RefusedError(ServiceError):
    """The service refused the request with a reason; retrying will not help."""


class KeyReusedError(RefusedError):
    """An idempotency key was reused with a different request body (422)."""
