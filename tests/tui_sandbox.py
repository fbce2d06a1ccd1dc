"""A real Workspace on the embedded (in-process) sandbox, logged in and synced, for the TUI
pilot tests; and the sandbox's training controls beside it (:func:`sandbox_request`), reached as
the tests of the sync reach them: a second HTTP client of the same sandbox app."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import httpx

from sbtui.domain.passwords import initial_password
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import create_app, info
from sbtui.workspace import Workspace

PASSWORD = "Passw0rd!"

_SANDBOXES: WeakKeyDictionary[Workspace, Any] = WeakKeyDictionary()


async def sandbox_workspace(home: Path, *, employees: int = 200) -> tuple[Workspace, dict]:
    """The demo employer added, its initial password changed to :data:`PASSWORD`, logged in
    as the administrator and its registry downloaded. Returns the workspace and the facts."""
    config = Workspace(home).config
    config.sandbox_employees = employees
    config.save()
    app = create_app(config.sandbox_dir, employees=employees)  # creates and seeds its database
    service = HttpService.in_process(app, backoff_base=float(os.environ.get("SBTUI_BACKOFF", "0.5")))
    ws = Workspace(home, service=service)
    _SANDBOXES[ws] = app
    facts = info(ws.config.sandbox_dir)
    first = initial_password(facts["unit_numbers"][0])
    await ws.login(facts["uscc"], first)
    await ws.change_password(first, PASSWORD)
    [record] = await ws.lookup_employer(facts["uscc"])
    ws.save_employer(record, await service.registrations())
    await ws.sync(facts["uscc"])
    return ws, facts


async def sandbox_request(ws: Workspace, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """``method path`` (under ``/api/v1``) on the sandbox of ``ws`` (from :func:`sandbox_workspace`),
    as the logged-in employer: its training controls (``/sandbox/...``), or a route the client
    has no call for (``/paid-periods``)."""
    headers = {"Authorization": f"Bearer {ws.session.token}"} if ws.session else {}
    transport = httpx.ASGITransport(app=_SANDBOXES[ws])
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/api/v1",
                                 headers=headers) as client:
        answer = await client.request(method, path, **kwargs)
    answer.raise_for_status()
    return answer
