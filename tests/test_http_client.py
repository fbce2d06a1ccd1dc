"""HttpService requests and answers: paths, query, token, perform, key outcome, in-process."""
from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from sbtui.remote import errors as E
from sbtui.remote.http import HttpService

SESSION = {"token": "t-1", "role": "admin", "must_change_password": True,
           "expires_at": "2025-01-01T12:00:00+08:00", "uscc": "91110000000000000X"}
EMPLOYEE = {"id": "E0000001", "name": "张三", "id_type": "201", "id_number": "110101199001011234",
            "status": "normal", "registrations": [], "wages": [],
            "added_on": "2024-01-01", "changed_on": "2024-06-01", "seq": 7, "group_id": "G1"}


class Recorder:
    def __init__(self, answer):
        self.requests: list[httpx.Request] = []
        self.answer = answer

    def __call__(self, request):
        self.requests.append(request)
        return self.answer(request) if callable(self.answer) else self.answer


def make(answer) -> tuple[HttpService, Recorder]:
    rec = Recorder(answer)
    return HttpService("http://svc.test/", transport=httpx.MockTransport(rec), backoff_base=0), rec


async def test_login_keeps_token_and_sends_it():
    def answer(request):
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(200, json=SESSION)
        if request.url.path.endswith("/auth/password"):
            return httpx.Response(200, json={**SESSION, "token": "t-2", "must_change_password": False})
        return httpx.Response(200, json=[])

    svc, rec = make(answer)
    session = await svc.login("91110000000000000X", "123456")
    assert session.must_change_password and svc.token == "t-1"
    login = rec.requests[0]
    assert login.url.path == "/api/v1/auth/login"
    assert json.loads(login.content) == {"uscc": "91110000000000000X", "password": "123456", "username": None}
    assert "Authorization" not in login.headers
    await svc.change_password("123456", "Abc12345", key="pw-1")
    assert rec.requests[1].headers["Authorization"] == "Bearer t-1"
    assert rec.requests[1].headers["Idempotency-Key"] == "pw-1"
    assert svc.token == "t-2"
    await svc.groups()
    assert rec.requests[2].headers["Authorization"] == "Bearer t-2"


async def test_registry_paging_parameters():
    page = {"items": [EMPLOYEE], "next_after": "E0000001", "cursor": 42, "total": 1}
    svc, rec = make(httpx.Response(200, json=page))
    got = await svc.employees_page(after="E0000000", limit=10)
    assert got.items[0]["name"] == "张三" and got.cursor == 42
    assert dict(rec.requests[0].url.params) == {"after": "E0000000", "limit": "10"}
    await svc.employees_page()
    assert dict(rec.requests[1].url.params) == {"limit": "2000"}
    svc, rec = make(httpx.Response(200, json={"items": [], "cursor": 50, "has_more": False}))
    changes = await svc.employee_changes(since=42, limit=5)
    assert changes.cursor == 50 and not changes.has_more
    assert rec.requests[0].url.path == "/api/v1/registry/changes"
    assert dict(rec.requests[0].url.params) == {"since": "42", "limit": "5"}


async def test_perform_fills_path_and_sends_body_with_key():
    svc, rec = make(httpx.Response(200, json=EMPLOYEE))
    out = await svc.perform("group.assign", {"employee_id": "E/1", "body": {"group_id": "G1"}}, key="k-9")
    req = rec.requests[0]
    assert req.method == "POST"
    assert req.url.raw_path == b"/api/v1/employees/E%2F1/group"
    assert req.headers["Idempotency-Key"] == "k-9"
    assert json.loads(req.content) == {"group_id": "G1"}
    assert out == {"status": 200, "body": EMPLOYEE, "replayed": False}


async def test_lookup_employer_and_registrations():
    rec_answer = [{"uscc": "91110000000000000X", "name": "测试公司", "tax_authority": "税务局",
                   "tax_branch": "一所", "region": "nm"}]
    svc, rec = make(httpx.Response(200, json=rec_answer))
    employers = await svc.lookup_employer("91110000000000000X")
    assert employers[0].name == "测试公司"
    assert rec.requests[0].url.path == "/api/v1/employers/91110000000000000X"


async def test_key_outcome_unknown_is_none():
    svc, _ = make(httpx.Response(404, json={"code": "unknown_key", "message": "无", "detail": {}}))
    assert await svc.key_outcome("k") is None
    outcome = {"key": "k", "state": "completed", "method": "POST", "path": "/api/v1/groups",
               "status_code": 200, "response": {"id": "G1"}, "created_at": "2025-01-01T00:00:00"}
    svc, rec = make(httpx.Response(200, json=outcome))
    got = await svc.key_outcome("k")
    assert got.state == "completed" and got.response == {"id": "G1"}
    assert rec.requests[0].url.path == "/api/v1/idempotency/k"


def _tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/health")
    async def health():
        return {"ok": True, "service": "tiny", "version": "0", "region": "nm"}

    @app.get("/api/v1/groups")
    async def boom():
        raise RuntimeError("bug")

    return app


async def test_in_process_uses_asgi_transport_and_maps_app_errors():
    svc = HttpService.in_process(_tiny_app(), retries=1, backoff_base=0)
    assert svc.base_url == "http://sandbox"
    assert (await svc.health())["ok"] is True
    with pytest.raises(E.ServerError):
        await svc.groups()
    await svc.aclose()


async def test_async_context_manager_closes():
    async with HttpService("http://svc.test", transport=httpx.MockTransport(lambda r: httpx.Response(200, json={}))) as svc:
        assert await svc.region() == {}
    with pytest.raises(RuntimeError, match="closed"):
        await svc.region()
