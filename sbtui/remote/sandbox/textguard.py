"""The one text rule at the service boundary (issue 14 finding 4): a request whose JSON body
holds a string (a group name, a remark, a user's remark, an agreement's account name, any
field, any key) with a control character or a bidi control (:mod:`sbtui.domain.text`) is
answered 400 ``bad_request`` naming the field (``detail.field``: its path in the body, e.g.
``name`` or ``lines[0].remark``) before any route runs — nothing stored, nothing keyed.

Clean bodies cost one byte scan: only a body with a backslash (a JSON escape) or the UTF-8
of a C1 or bidi control is parsed here."""
from __future__ import annotations

import json
import re
from typing import Any

from sbtui.domain.text import TextError, first_forbidden

from .errors import BodyTooLarge, envelope_response, too_large_message

_SUSPECT = re.compile(rb"\\|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c"
                      rb"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LABELS = {"name": "名称", "remark": "备注", "account_name": "账户名称", "username": "用户名",
          "bank": "银行行别", "branch": "开户网点", "tax_authority": "税务机关",
          "tax_branch": "主管税务所", "group": "分组", "account": "缴费账号", "region": "行政区划"}


def bad_text(body: bytes) -> tuple[str, TextError] | None:
    """The first string of a JSON ``body`` breaking the text rule: ``(path, error)``."""
    if not _SUSPECT.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the route answers 422
    return _walk(data, "")


def _walk(value: Any, path: str) -> tuple[str, TextError] | None:
    if isinstance(value, str):
        found = first_forbidden(value)
        if found is None:
            return None
        key = path.rsplit(".", 1)[-1].split("[", 1)[0]
        label = f"{LABELS[key]}（{path}）" if key in LABELS else (path or "请求内容")
        return path, TextError(label, found[1], found[0])
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            hit = _walk(k, sub) or _walk(v, sub)
            if hit:
                return hit
    elif isinstance(value, list):
        for i, v in enumerate(value):
            hit = _walk(v, f"{path}[{i}]")
            if hit:
                return hit
    return None


class TextGuard:
    """ASGI middleware applying :func:`bad_text` to every request with a body."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        messages: list[dict] = []
        try:
            while True:
                message = await receive()
                messages.append(message)
                if message.get("type") != "http.request" or not message.get("more_body"):
                    break
        except BodyTooLarge as exc:
            response = envelope_response(413, "payload_too_large", too_large_message(exc.limit),
                                         {"max_bytes": exc.limit})
            await response(scope, receive, send)
            return
        hit = bad_text(b"".join(m.get("body", b"") for m in messages
                                if m.get("type") == "http.request"))
        if hit is not None:
            path, error = hit
            await envelope_response(400, "bad_request", str(error), {"field": path})(scope, receive, send)
            return

        async def replay() -> dict:
            if messages:
                return messages.pop(0)
            return await receive()

        await self.app(scope, replay, send)
