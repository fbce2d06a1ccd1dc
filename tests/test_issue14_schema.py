"""Issue 14 finding 9: the 422 bodies of ``sandbox/compact``, ``paid`` and ``simulate`` did
not match the OpenAPI schema, ``paid`` answered an undocumented 404, and there was no
request-size limit anywhere."""
from __future__ import annotations

import json

import pytest

from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.errors import MAX_BODY, ErrorBody
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key

ENT = "66259112241843"
ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("sb"), employees=20).openapi()


def _ref(op: dict, status: str) -> str | None:
    r = op.get("responses", {}).get(status)
    return None if r is None else r.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_every_documented_422_and_413_is_the_envelope(schema):
    """issue 14 finding 9: every 422 the schema documents is the envelope the service sends
    (FastAPI's HTTPValidationError was documented for the sandbox controls), and every
    operation with a body documents the 413 of the size limit."""
    wrong, no_413 = [], []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            if "422" in op.get("responses", {}) and _ref(op, "422") != ERROR_REF:
                wrong.append(f"{method.upper()} {path}")
            if "requestBody" in op and _ref(op, "413") != ERROR_REF:
                no_413.append(f"{method.upper()} {path}")
    assert wrong == [] and no_413 == []
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    paid = schema["paths"]["/api/v1/sandbox/declarations/{declaration_id}/paid"]["post"]
    assert all(_ref(paid, s) == ERROR_REF for s in ("400", "404", "422", "413"))


@pytest.fixture
async def c(tmp_path):
    async with client(create_app(tmp_path, employees=20, clock=FakeClock(), max_body=4096)) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


def envelope(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    ErrorBody.model_validate(body)
    assert set(body) == {"code", "message", "detail"} and body["code"] == code, body
    return body


async def test_control_422_and_404_bodies_are_the_envelope(c):
    for path, body in [("/sandbox/compact", {"uscc": 5}), ("/sandbox/simulate", {"changes": -1}),
                       ("/sandbox/declarations/FD0000001/paid", {"amount": 5}),
                       ("/sandbox/settings", {"reply_delay_ms": -1})]:
        got = envelope(await c.post(path, json=body), 422, "validation_error")
        assert got["detail"]["errors"], path
    envelope(await c.post("/sandbox/declarations/FD9999999/paid", json={}), 404, "not_found")


async def test_a_body_over_the_limit_is_413_and_nothing_is_applied(c):
    key = new_key()
    big = {"name": "x" * 5000, "parent_id": None}
    body = envelope(await c.post("/groups", json=big, headers={"Idempotency-Key": key}), 413,
                    "payload_too_large")
    assert "请求数据过大" in body["message"] and body["detail"]["max_bytes"] == 4096
    assert (await c.get(f"/idempotency/{key}")).status_code == 404
    assert [g for g in (await c.get("/groups")).json() if g["name"].startswith("xxx")] == []

    async def chunks():  # no Content-Length: the limit counts what is read
        data = json.dumps(big).encode()
        for i in range(0, len(data), 1000):
            yield data[i:i + 1000]

    r = await c.post("/groups", content=chunks(), headers={"Idempotency-Key": key,
                                                           "Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    envelope(r, 413, "payload_too_large")
    assert (await c.get(f"/idempotency/{key}")).status_code == 404
    ok = await c.post("/groups", json={"name": "一组", "parent_id": None},
                      headers={"Idempotency-Key": new_key()})
    assert ok.status_code in (200, 201), ok.text


async def test_the_default_limit_is_8_mib(tmp_path):
    assert MAX_BODY == 8 * 1024 * 1024
    async with client(create_app(tmp_path, employees=20, clock=FakeClock())) as c:
        await activate(c, DEMO_USCC, ENT)
        r = await c.post("/wages/declarations", content=b" " * (MAX_BODY + 1),
                         headers={"Idempotency-Key": new_key(), "Content-Type": "application/json"})
        envelope(r, 413, "payload_too_large")
