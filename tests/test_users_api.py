"""用户管理 through the API (SPEC U1, L4): the permission of every route, the user lifecycle,
用户名密码登录 with the forced change, lockout and disabled users."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from sbtui.remote.sandbox import DEMO_USCC, SECOND_USCC, create_app
from sbtui.remote.sandbox.auth import FORBIDDEN, WRONG_PASSWORD
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token

UNIT = "66259112241843"
PREFIX = "/api/v1"
# Routes that need no token at all.
PUBLIC = {("GET", "/health"), ("GET", "/region"), ("GET", "/employers/{uscc}"),
          ("POST", "/auth/login")}
# What a 缴费 user may call besides the public routes: the session basics and the payment
# family (SPEC P5: §7 only; the three-party agreements are §8).
PAYMENT_FAMILY = {("GET", "/payments/due"), ("POST", "/payments/authorize"), ("POST", "/payments"),
                  ("GET", "/payments"), ("GET", "/payments/{payment_id}"), ("POST", "/vouchers"),
                  ("GET", "/vouchers"), ("GET", "/vouchers/{number}"),
                  ("POST", "/vouchers/{number}/void"), ("GET", "/deposit-accounts"),
                  # the payment dialog lists the verified agreements (P2); managing them is §8
                  ("GET", "/agreements"), ("GET", "/agreements/{agreement_id}")}
PAY_ALLOWED = {("POST", "/auth/password"), ("GET", "/session"), ("GET", "/notices"),
               ("GET", "/messages"), ("POST", "/messages/{message_id}/read")} | PAYMENT_FAMILY
# What only the administrator may call.
ADMIN_ONLY = {("GET", "/users"), ("POST", "/users"), ("POST", "/users/{username}"),
              ("POST", "/users/{username}/disable"), ("POST", "/users/{username}/enable"),
              ("POST", "/users/{username}/reset-password")}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app(tmp_path, employees=40, clock=clock)


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, UNIT)
        yield c


def api_routes(app) -> list[tuple[str, str]]:
    """Every registered route under /api/v1, from the app's OpenAPI schema (this FastAPI nests
    included routers, so ``app.routes`` is not flat; no sandbox route leaves the schema)."""
    out = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith(PREFIX):
            out += [(m.upper(), path[len(PREFIX):]) for m in sorted(operations)]
    return out


def code_of(r) -> str | None:
    body = r.json()
    return body.get("code") if isinstance(body, dict) else None


async def call(c, method: str, path: str, token: str):
    url = re.sub(r"\{[^}]+\}", "X0000001", path)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": new_key()}
    if method == "GET":
        return await c.get(url, headers=headers)
    return await c.request(method, url, headers=headers, json={})


def test_every_route_is_classified(app):
    routes = set(api_routes(app))
    assert len(routes) >= 30
    assert PUBLIC | PAY_ALLOWED | ADMIN_ONLY <= routes
    assert ("GET", "/home/todo") in routes and ("GET", "/employer") in routes


async def test_pay_token_is_refused_everywhere_but_the_allow_list(app, c):
    """U1: a 缴费 user gets 403 ``forbidden`` from every route not explicitly opened to it, so a
    route added later cannot forget its permission."""
    await add_user(c, "CaiWu01", "pay")
    token = await user_token(c, DEMO_USCC, "CaiWu01")
    checked = 0
    for method, path in api_routes(app):
        if (method, path) in PUBLIC or path.startswith("/sandbox/"):
            continue
        r = await call(c, method, path, token)
        if (method, path) in PAY_ALLOWED:
            assert r.status_code != 403, (method, path, r.json())
        else:
            assert r.status_code == 403, (method, path, r.status_code)
            assert r.json()["code"] == "forbidden" and r.json()["message"] == FORBIDDEN
            checked += 1
    assert checked >= 15


async def test_all_token_is_refused_user_management_only(app, c):
    await add_user(c, "LaoZi01", "all")
    token = await user_token(c, DEMO_USCC, "LaoZi01")
    for method, path in api_routes(app):
        if (method, path) in PUBLIC or path.startswith("/sandbox/"):
            continue
        r = await call(c, method, path, token)
        if (method, path) in ADMIN_ONLY:
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (method, path)
        else:
            assert code_of(r) != "forbidden", (method, path)


async def test_admin_is_refused_nothing(app, c):
    token = c.headers["Authorization"].split()[1]
    for method, path in api_routes(app):
        r = await call(c, method, path, token)
        assert code_of(r) != "forbidden", (method, path)


async def test_user_lifecycle(c):
    r = await c.get("/users")
    assert r.status_code == 200 and r.json() == []
    user = await add_user(c, "LaoZiRenYuan", "all", "劳资人员，可以查看职工明细")
    assert user["permission"] == "all" and user["status"] == "normal"
    assert user["must_change_password"] is True and user["remark"].startswith("劳资")
    await add_user(c, "CaiWuJiaoFei", "pay", "财务人员")
    listed = (await c.get("/users")).json()
    assert [u["username"] for u in listed] == ["CaiWuJiaoFei", "LaoZiRenYuan"]
    r = await c.post("/users/LaoZiRenYuan", json={"permission": "pay"},
                     headers={"Idempotency-Key": new_key()})
    assert r.json()["permission"] == "pay" and r.json()["remark"].startswith("劳资")
    r = await c.post("/users/laozirenyuan", json={"remark": "改为缴费"},  # the name ignores case
                     headers={"Idempotency-Key": new_key()})
    assert r.json()["username"] == "LaoZiRenYuan" and r.json()["remark"] == "改为缴费"
    r = await c.post("/users/LaoZiRenYuan/disable", headers={"Idempotency-Key": new_key()})
    assert r.json()["status"] == "disabled"
    r = await c.post("/users/LaoZiRenYuan/enable", headers={"Idempotency-Key": new_key()})
    assert r.json()["status"] == "normal"
    r = await c.post("/users/Nobody1/disable", headers={"Idempotency-Key": new_key()})
    assert r.status_code == 404 and r.json()["code"] == "user_not_found"


@pytest.mark.parametrize("name", ["abc", "abcdefghijklm", "王五用户", "ab_cd", "ab cd", ""])
async def test_username_rule(c, name):
    r = await c.post("/users", json={"username": name, "permission": "all"},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 400 and r.json()["code"] == "username_rule"
    assert "4-12位字母或数字" in r.json()["message"]


async def test_username_unique_ignoring_case_and_permission_values(app, c):
    await add_user(c, "Abcd", "all")
    r = await c.post("/users", json={"username": "ABCD", "permission": "pay"},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 400 and r.json()["code"] == "user_exists" and "Abcd" in r.json()["message"]
    r = await c.post("/users", json={"username": "Efgh", "permission": "admin"},
                     headers={"Idempotency-Key": new_key()})
    assert r.status_code == 422
    # another employer may use the same name
    async with client(app) as other:
        await activate(other, SECOND_USCC, "88025")
        assert (await add_user(other, "Abcd", "pay"))["permission"] == "pay"


async def test_user_add_is_keyed(c):
    key = new_key()
    body = {"username": "Keyed01", "permission": "pay", "remark": ""}
    first = await c.post("/users", json=body, headers={"Idempotency-Key": key})
    again = await c.post("/users", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert len((await c.get("/users")).json()) == 1
    r = await c.post("/users", json=body)
    assert r.status_code == 400 and r.json()["code"] == "idempotency_key_required"


async def login(c, username, password, uscc=DEMO_USCC):
    return await c.post("/auth/login", json={"uscc": uscc, "password": password, "username": username})


async def test_user_first_login_forced_change_then_session(c):
    await add_user(c, "CaiWu01", "pay")
    r = await login(c, "CaiWu01", "CaiWu01")
    first = r.json()
    assert r.status_code == 200 and first["must_change_password"] is True
    assert first["role"] == "pay" and first["username"] == "CaiWu01"
    auth = {"Authorization": f"Bearer {first['token']}"}
    r = await c.get("/session", headers=auth)
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
    r = await c.post("/auth/password", headers={**auth, "Idempotency-Key": new_key()},
                     json={"old_password": "CaiWu01", "new_password": "CaiWu01"})
    assert r.status_code == 400 and r.json()["code"] == "password_rule"
    r = await c.post("/auth/password", headers={**auth, "Idempotency-Key": new_key()},
                     json={"old_password": "CaiWu01", "new_password": "Pay12345"})
    assert r.status_code == 200 and r.json()["role"] == "pay" and not r.json()["must_change_password"]
    r = await c.get("/session", headers={"Authorization": f"Bearer {r.json()['token']}"})
    info = r.json()
    assert info["role"] == "pay" and info["username"] == "CaiWu01" and info["uscc"] == DEMO_USCC
    assert info["name"].startswith("鄂尔多斯市")
    assert (await login(c, "CaiWu01", "CaiWu01")).status_code == 401  # the initial one is gone
    assert (await login(c, "caiwu01", "Pay12345")).json()["username"] == "CaiWu01"
    # the employer's own password still logs in as the administrator
    assert (await login(c, None, "Passw0rd!")).json()["role"] == "admin"


async def test_user_lockout_is_per_user(c, clock):
    await add_user(c, "CaiWu01", "pay")
    await add_user(c, "LaoZi01", "all")
    r = await login(c, "CaiWu01", "wrong1")
    assert r.status_code == 401
    assert r.json() == {"code": "20101", "message": WRONG_PASSWORD, "detail": {"attempts_left": 2}}
    await login(c, "CaiWu01", "wrong2")
    r = await login(c, "CaiWu01", "wrong3")
    assert r.status_code == 423 and r.json()["code"] == "20102" and "该用户已被锁定" in r.json()["message"]
    until = datetime.fromisoformat(r.json()["detail"]["locked_until"])
    assert 170 <= (until - clock.now).total_seconds() <= 180
    assert (await login(c, "CaiWu01", "CaiWu01")).status_code == 423  # right password, locked
    assert (await login(c, "LaoZi01", "LaoZi01")).status_code == 200  # another user is not
    assert (await login(c, None, "Passw0rd!")).status_code == 200  # nor the employer
    locked = {u["username"]: u for u in (await c.get("/users")).json()}["CaiWu01"]
    assert locked["locked_until"] is not None
    clock.advance(minutes=3, seconds=1)
    assert (await login(c, "CaiWu01", "CaiWu01")).status_code == 200


async def test_disabled_user_is_refused_and_its_sessions_end(c):
    await add_user(c, "CaiWu01", "pay")
    token = await user_token(c, DEMO_USCC, "CaiWu01", "Pay12345")
    auth = {"Authorization": f"Bearer {token}"}
    assert (await c.get("/session", headers=auth)).status_code == 200
    await c.post("/users/CaiWu01/disable", headers={"Idempotency-Key": new_key()})
    r = await c.get("/session", headers=auth)
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    r = await login(c, "CaiWu01", "Pay12345")
    assert r.status_code == 403 and r.json()["code"] == "user_disabled"
    assert "停用" in r.json()["message"]
    await c.post("/users/CaiWu01/enable", headers={"Idempotency-Key": new_key()})
    assert (await login(c, "CaiWu01", "Pay12345")).status_code == 200


async def test_permission_change_ends_sessions_and_takes_effect(c):
    await add_user(c, "LaoZi01", "all")
    token = await user_token(c, DEMO_USCC, "LaoZi01", "Staff1234")
    auth = {"Authorization": f"Bearer {token}"}
    assert (await c.get("/groups", headers=auth)).status_code == 200
    await c.post("/users/LaoZi01", json={"remark": "only the remark"},
                 headers={"Idempotency-Key": new_key()})
    assert (await c.get("/groups", headers=auth)).status_code == 200  # a remark keeps sessions
    await c.post("/users/LaoZi01", json={"permission": "pay"}, headers={"Idempotency-Key": new_key()})
    assert (await c.get("/groups", headers=auth)).status_code == 401
    token = (await login(c, "LaoZi01", "Staff1234")).json()["token"]
    r = await c.get("/groups", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"


async def test_reset_password_back_to_the_user_name(c):
    await add_user(c, "CaiWu01", "pay")
    await user_token(c, DEMO_USCC, "CaiWu01", "Pay12345")
    for p in ("x1", "x2", "x3"):
        await login(c, "CaiWu01", p)  # locked
    r = await c.post("/users/CaiWu01/reset-password", headers={"Idempotency-Key": new_key()})
    assert r.json()["must_change_password"] is True and r.json()["locked_until"] is None
    assert (await login(c, "CaiWu01", "Pay12345")).status_code == 401
    r = await login(c, "CaiWu01", "CaiWu01")
    assert r.status_code == 200 and r.json()["must_change_password"] is True


async def test_unknown_user_login(c):
    r = await login(c, "Nobody1", "whatever")
    assert r.status_code == 404 and r.json()["code"] == "user_not_found"


async def test_a_key_is_scoped_to_its_principal(c):
    """The same key and body from another principal is not replayed to it (422)."""
    await add_user(c, "CaiWu01", "pay")
    token = await user_token(c, DEMO_USCC, "CaiWu01", "Pay12345")
    key = new_key()
    r = await c.post("/messages/M0001/read", headers={"Idempotency-Key": key})
    assert r.status_code == 200
    r = await c.post("/messages/M0001/read",
                     headers={"Idempotency-Key": key, "Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
