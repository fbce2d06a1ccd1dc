"""The sandbox's error envelope ``{"code", "message", "detail"}`` for every failure, including
FastAPI's own validation errors and unknown routes, and the request-size limit (413
``payload_too_large``, issue 14 finding 9)."""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

MAX_BODY = 8 * 1024 * 1024  # bytes of a request body: a 5,000-row wage declaration is ~4 MiB
TOO_LARGE = "请求数据过大（超过{mib}MiB），请分批提交。"

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "token_invalid",
              413: "payload_too_large"}
HTTP_MESSAGES = {404: "请求的资源不存在。", 405: "不支持的请求方法。"}


class ErrorBody(BaseModel):
    code: str
    message: str
    detail: dict = Field(default_factory=dict)


# the ``responses=`` of a route: every error status answers the envelope (OpenAPI schema)
ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (400, 401, 403, 404, 409, 410, 413, 422, 423)}


class ApiError(Exception):
    """A refusal with an HTTP status and the envelope's code, message and detail."""

    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail or {}
        self.headers = headers

    def envelope(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


def envelope_response(status: int, code: str, message: str, detail: dict | None = None,
                      headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "detail": detail or {}},
                        status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the envelope."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return envelope_response(exc.status, exc.code, exc.message, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        return envelope_response(422, "validation_error", "请求数据有误，请检查后重新提交。",
                                 {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "server_error")
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        detail = {"max_bytes": exc.limit} if isinstance(exc, BodyTooLarge) else {}
        return envelope_response(exc.status_code, code, message, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("sandbox: unhandled error on %s %s", request.method, request.url.path)
        return envelope_response(500, "server_error", "服务内部错误，请稍后重试。")


class BodyTooLarge(StarletteHTTPException):
    """Raised while a body is read past the limit; an HTTPException, so FastAPI's body
    parsing lets it through to :func:`install`'s handler (the envelope) unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    return TOO_LARGE.format(mib=f"{limit / (1024 * 1024):g}")


class BodyLimit:
    """ASGI middleware: a request whose body is over ``max_bytes`` is answered 413
    ``payload_too_large`` in the envelope — at once when its ``Content-Length`` says so, else
    as soon as the chunks read pass the limit (nothing of it is applied: the route has not
    run, or fails reading its body)."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    response = envelope_response(413, "payload_too_large", too_large_message(limit),
                                                 {"max_bytes": limit})
                    await response(scope, receive, send)
                    return
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)
