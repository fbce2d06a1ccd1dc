"""The sandbox's own time per request family (issue 16): the floor a benchmark sets beside an
end-to-end figure (``sbtui bench wages``: the service's processing of the submitted chunks).

:class:`BusyClock` is the outermost ASGI middleware: from a request's arrival to its last
response byte handed to the server, the seconds are added to the family of its path (the first
segment after ``/api/v1``: ``wages``, ``registry`` …). ``GET /api/v1/sandbox/busy`` reads them,
``POST /api/v1/sandbox/busy/reset`` zeroes them; neither is counted.
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request

from .errors import ERRORS

PREFIX = "/api/v1/"
router = APIRouter()


class Busy:
    """The counters (``app.state.busy``)."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.requests: defaultdict[str, int] = defaultdict(int)

    def add(self, family: str, seconds: float) -> None:
        self.seconds[family] += seconds
        self.requests[family] += 1

    def read(self) -> dict:
        return {"seconds": dict(self.seconds), "requests": dict(self.requests)}

    def reset(self) -> None:
        self.seconds.clear()
        self.requests.clear()


class BusyClock:
    def __init__(self, app: Any, busy: Busy) -> None:
        self.app = app
        self.busy = busy

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(PREFIX) or path.startswith(PREFIX + "sandbox/"):
            await self.app(scope, receive, send)
            return
        family = path[len(PREFIX):].split("/", 1)[0]
        t0 = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.busy.add(family, time.perf_counter() - t0)


def _clock(request: Request) -> Busy:
    return request.app.state.busy


@router.get("/sandbox/busy", responses=ERRORS)
async def busy(request: Request) -> dict:
    """Seconds the service spent per request family since the last reset, and how many requests."""
    return _clock(request).read()


@router.post("/sandbox/busy/reset", responses=ERRORS)
async def reset(request: Request) -> dict:
    _clock(request).reset()
    return {}
