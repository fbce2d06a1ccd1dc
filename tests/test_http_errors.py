"""HttpService error mapping and retry rules (API.md error table), over httpx.MockTransport."""
from __future__ import annotations

import httpx
import pytest

from sbtui.remote import errors as E
from sbtui.remote.http import HttpService


def make(handler, **options) -> HttpService:
    options.setdefault("backoff_base", 0)
    return HttpService("http://svc.test", transport=httpx.MockTransport(handler), **options)


def reply(status: int, code: str, message: str = "说明", detail: dict | None = None):
    body = {"code": code, "message": message, "detail": detail or {}}
    return lambda request: httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "invalid_uscc", E.RefusedError),
        (400, "group_depth", E.RefusedError),
        (401, "20101", E.WrongPasswordError),
        (401, "token_invalid", E.SessionExpired),
        (403, "password_change_required", E.PasswordChangeRequired),
        (403, "forbidden", E.AuthError),
        (404, "employer_not_found", E.RefusedError),
        (404, "not_found", E.RefusedError),
        (409, "idempotency_in_progress", E.ConflictError),
        (410, "cursor_too_old", E.ResyncRequired),
        (422, "idempotency_key_reused", E.KeyReusedError),
        (422, "validation_error", E.RefusedError),
        (423, "20102", E.LockedError),
        (500, "server_error", E.ServerError),
        (503, "unavailable", E.ServerError),
    ],
)
async def test_status_maps_to_exception(status, code, cls):
    svc = make(reply(status, code, "服务的说明", {"x": 1}))
    with pytest.raises(E.ServiceError) as info:
        await svc.groups()
    assert type(info.value) is cls
    assert info.value.code == code
    assert info.value.status == status
    assert info.value.detail == {"x": 1}
    assert str(info.value) == "服务的说明"


async def test_wrong_password_message_and_locked_until():
    msg = "申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。"
    svc = make(reply(401, "20101", msg, {"attempts_left": 2}))
    with pytest.raises(E.WrongPasswordError) as wrong:
        await svc.login("91110000000000000X", "000000")
    assert str(wrong.value) == msg and wrong.value.detail["attempts_left"] == 2
    svc = make(reply(423, "20102", "锁定", {"locked_until": "2025-01-01T10:03:00+08:00"}))
    with pytest.raises(E.LockedError) as locked:
        await svc.login("91110000000000000X", "000000")
    assert locked.value.locked_until.minute == 3


async def test_malformed_json_is_protocol_error():
    svc = make(lambda r: httpx.Response(200, content=b"{not json"))
    with pytest.raises(E.ProtocolError) as info:
        await svc.groups()
    assert str(info.value) == "服务返回的数据格式有误"
    with pytest.raises(E.ProtocolError):
        await svc.health()


async def test_body_failing_validation_is_protocol_error():
    svc = make(lambda r: httpx.Response(200, json={"items": [{"id": 1}], "cursor": "x"}))
    with pytest.raises(E.ProtocolError):
        await svc.employees_page()
    with pytest.raises(E.ProtocolError):
        await svc.groups()


async def test_error_without_envelope_still_maps():
    svc = make(lambda r: httpx.Response(404, text="nope"), retries=0)
    with pytest.raises(E.RefusedError) as info:
        await svc.groups()
    assert "404" in str(info.value)
    svc = make(lambda r: httpx.Response(422, json={"detail": [{"loc": ["body"], "msg": "x"}]}))
    with pytest.raises(E.RefusedError) as info:
        await svc.groups()
    assert info.value.code == "validation_error"


async def test_connect_error_is_offline_after_retries():
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    svc = make(handler, retries=3)
    with pytest.raises(E.OfflineError) as info:
        await svc.groups()
    assert len(calls) == 4
    assert str(info.value) == "无法连接到服务：http://svc.test"


async def test_timeout_is_offline():
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(E.OfflineError):
        await make(handler, retries=1).health()


async def test_get_retried_after_5xx_then_succeeds():
    answers = iter([httpx.Response(502), httpx.Response(500), httpx.Response(200, json=[])])
    svc = make(lambda r: next(answers))
    assert await svc.groups() == []


@pytest.mark.parametrize("failure", ["connect", "500"])
async def test_login_is_never_retried(failure):
    calls = []

    def handler(request):
        calls.append(request)
        if failure == "connect":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(500, json={"code": "server_error", "message": "x", "detail": {}})

    with pytest.raises((E.OfflineError, E.ServerError)):
        await make(handler, retries=4).login("91110000000000000X", "123456")
    assert len(calls) == 1
    assert "Idempotency-Key" not in calls[0].headers


async def test_keyed_post_retried_with_the_same_key_and_body():
    seen = []

    def handler(request):
        seen.append((request.headers.get("Idempotency-Key"), request.content))
        if len(seen) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(seen) == 2:
            return httpx.Response(503)
        return httpx.Response(200, json={"id": "G1", "name": "财务部", "parent_id": None},
                              headers={"Idempotent-Replayed": "true"})

    svc = make(handler)
    answer = await svc.perform("group.create", {"body": {"name": "财务部", "parent_id": None}}, key="k-1")
    assert answer == {"status": 200, "body": {"id": "G1", "name": "财务部", "parent_id": None},
                      "replayed": True}
    assert len(seen) == 3
    assert {k for k, _ in seen} == {"k-1"}
    assert len({body for _, body in seen}) == 1


async def test_409_is_not_retried_inside_the_client():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(409, json={"code": "idempotency_in_progress", "message": "处理中", "detail": {}})

    with pytest.raises(E.ConflictError):
        await make(handler).perform("group.assign", {"employee_id": "E1", "body": {"group_id": None}}, key="k")
    assert len(calls) == 1


async def test_refusal_is_not_retried():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(400, json={"code": "group_depth", "message": "分组最多三级", "detail": {}})

    with pytest.raises(E.RefusedError):
        await make(handler).perform("group.create", {"body": {"name": "x", "parent_id": "G3"}}, key="k")
    assert len(calls) == 1


async def test_server_error_after_retries():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(500, json={"code": "server_error", "message": "服务内部错误", "detail": {}})

    with pytest.raises(E.ServerError) as info:
        await make(handler, retries=2).perform("group.create", {"body": {}}, key="k")
    assert len(calls) == 3
    assert str(info.value) == "服务内部错误"


async def test_default_timeout_is_explicit():
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.extensions["timeout"])
        return httpx.Response(200, json={})

    async with HttpService("http://svc.test", transport=httpx.MockTransport(handler)) as svc:
        await svc.region()
    assert sent == [{"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 5.0}]


async def test_perform_with_unknown_kind_or_missing_field_is_refused():
    svc = make(lambda r: httpx.Response(200, json={}))
    with pytest.raises(E.RefusedError):
        await svc.perform("no.such", {"body": {}}, key="k")
    with pytest.raises(E.RefusedError):
        await svc.perform("group.assign", {"body": {"group_id": None}}, key="k")


async def test_only_service_errors_escape_on_odd_status():
    svc = make(lambda r: httpx.Response(302, headers={"Location": "/x"}))
    with pytest.raises(E.ProtocolError):
        await svc.groups()
