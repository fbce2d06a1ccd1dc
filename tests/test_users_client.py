"""用户管理 from the client side (SPEC U1, L4): HttpService requests (MockTransport), the
Workspace against the in-process sandbox, and the CLI twins (``sbtui users …``, ``login --user``)."""
from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.passwords import initial_password
from sbtui.remote import errors as E
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock
from sbtui.workspace import Workspace

USER = {"username": "CaiWu01", "permission": "pay", "status": "normal", "remark": "财务",
        "must_change_password": True, "locked_until": None, "created_at": "2026-05-15T02:00:00Z"}
UNIT = "66259112241843"
ADMIN_PASSWORD = "Passw0rd!"


def recorder(answer):
    seen: list[httpx.Request] = []

    def handle(request):
        seen.append(request)
        return answer(request) if callable(answer) else answer

    svc = HttpService("http://svc.test", transport=httpx.MockTransport(handle), backoff_base=0,
                      token="t-1")
    return svc, seen


async def test_user_calls_map_to_the_api():
    svc, seen = recorder(httpx.Response(200, json=USER))
    user = await svc.add_user("CaiWu01", "pay", "财务", key="k1")
    assert user.permission == "pay" and user.must_change_password
    await svc.modify_user("Cai/Wu", remark="新备注", key="k2")
    await svc.disable_user("CaiWu01", key="k3")
    await svc.enable_user("CaiWu01", key="k4")
    await svc.reset_user_password("CaiWu01", key="k5")
    sent = [(r.method, r.url.raw_path.decode(), r.headers.get("Idempotency-Key"),
             json.loads(r.content) if r.content else None) for r in seen]
    assert sent == [
        ("POST", "/api/v1/users", "k1", {"username": "CaiWu01", "permission": "pay", "remark": "财务"}),
        ("POST", "/api/v1/users/Cai%2FWu", "k2", {"remark": "新备注"}),  # only what changes
        ("POST", "/api/v1/users/CaiWu01/disable", "k3", None),
        ("POST", "/api/v1/users/CaiWu01/enable", "k4", None),
        ("POST", "/api/v1/users/CaiWu01/reset-password", "k5", None),
    ]
    assert all(r.headers["Authorization"] == "Bearer t-1" for r in seen)
    svc, seen = recorder(httpx.Response(200, json=[USER]))
    assert [u.username for u in await svc.users()] == ["CaiWu01"]
    assert seen[0].method == "GET" and seen[0].url.path == "/api/v1/users"


async def test_session_info_and_forbidden_mapping():
    info = {"uscc": DEMO_USCC, "name": "公司", "role": "pay", "username": "CaiWu01",
            "must_change_password": False, "expires_at": "2026-05-15T14:00:00Z"}
    svc, seen = recorder(httpx.Response(200, json=info))
    got = await svc.session_info()
    assert got.role == "pay" and got.username == "CaiWu01" and seen[0].url.path == "/api/v1/session"
    svc, _ = recorder(httpx.Response(403, json={"code": "forbidden", "message": "当前用户没有该功能的权限。",
                                                "detail": {"role": "pay"}}))
    with pytest.raises(E.AuthError) as caught:
        await svc.users()
    assert caught.value.code == "forbidden" and "没有该功能的权限" in str(caught.value)
    assert not isinstance(caught.value, (E.SessionExpired, E.PasswordChangeRequired))


async def test_a_keyed_user_call_retries_with_the_same_key():
    answers = iter([httpx.Response(503, json={"code": "server_error", "message": "忙"}),
                    httpx.Response(200, json=USER)])
    svc, seen = recorder(lambda request: next(answers))
    await svc.add_user("CaiWu01", "pay", key="once")
    assert [r.headers["Idempotency-Key"] for r in seen] == ["once", "once"]


@pytest.fixture
async def ws(tmp_path):
    app = create_app(tmp_path / "sb", employees=40, clock=FakeClock())
    ws = Workspace(tmp_path / "home", service=HttpService.in_process(app, backoff_base=0))
    first = await ws.login(DEMO_USCC, initial_password(UNIT))
    assert first.must_change_password
    await ws.change_password(initial_password(UNIT), ADMIN_PASSWORD)
    yield ws
    await ws.aclose()


async def test_workspace_user_lifecycle_in_process(ws):
    assert await ws.users.list() == []
    user = await ws.users.add("LaoZi01", "all", "劳资")
    assert user.username == "LaoZi01" and user.status == "normal"
    assert (await ws.users.modify("LaoZi01", permission="pay")).permission == "pay"
    assert (await ws.users.disable("LaoZi01")).status == "disabled"
    assert (await ws.users.enable("LaoZi01")).status == "normal"
    assert (await ws.users.reset_password("LaoZi01")).must_change_password
    with pytest.raises(E.RefusedError) as caught:
        await ws.users.add("laozi01", "pay")
    assert caught.value.code == "user_exists"
    with pytest.raises(E.RefusedError):
        await ws.users.add("x", "pay")
    info = await ws.session_info()
    assert info.role == "admin" and info.username is None


async def test_workspace_sub_user_login_and_role(ws):
    await ws.users.add("CaiWu01", "pay")
    session = await ws.login(DEMO_USCC, "CaiWu01", username="CaiWu01")
    assert session.must_change_password and session.role == "pay"
    with pytest.raises(E.RefusedError) as caught:
        await ws.change_password("CaiWu01", "CaiWu01")
    assert caught.value.code == "password_rule"
    session = await ws.change_password("CaiWu01", "Pay12345")
    assert ws.session == session and session.username == "CaiWu01" and session.role == "pay"
    with pytest.raises(E.AuthError) as caught:
        await ws.users.list()
    assert caught.value.code == "forbidden"
    with pytest.raises(E.AuthError):
        await ws.service().groups()
    assert (await ws.session_info()).username == "CaiWu01"


# -- the CLI twins ---------------------------------------------------------------------------

def sb(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def add_demo(tmp_path):
    from sbtui.remote.sandbox import info

    facts = info(tmp_path / "home" / "sandbox")
    first = initial_password(facts["unit_numbers"][0])
    r = sb("--json", "employer", "add", facts["uscc"], "--yes", "--no-sync",
           env={"SBTUI_PASSWORD": first, "SBTUI_NEW_PASSWORD": ADMIN_PASSWORD})
    assert r.exit_code == 0, r.output
    return facts


ADMIN = {"SBTUI_PASSWORD": ADMIN_PASSWORD}


def test_cli_users_add_list_modify_disable_reset(tmp_path):
    add_demo(tmp_path)
    r = sb("--json", "users", "add", "CaiWu01", "--permission", "pay", "--remark", "财务人员", env=ADMIN)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["permission"] == "pay"
    r = sb("users", "add", "LaoZi01", "--permission", "all", env=ADMIN)
    assert r.exit_code == 0 and "已新增用户" in r.stdout and "全部功能" in r.stdout
    r = sb("users", "list", env=ADMIN)
    assert r.exit_code == 0 and "CaiWu01" in r.stdout and "缴费" in r.stdout and "财务人员" in r.stdout
    r = sb("--json", "users", "modify", "LaoZi01", "--permission", "pay", env=ADMIN)
    assert json.loads(r.stdout)["permission"] == "pay"
    assert sb("users", "modify", "LaoZi01", env=ADMIN).exit_code == 2  # nothing to change
    r = sb("users", "disable", "LaoZi01", "--yes", env=ADMIN)
    assert r.exit_code == 0 and "已停用" in r.stdout
    r = sb("users", "disable", "LaoZi01", env=ADMIN)  # not a terminal, no --yes
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert sb("users", "enable", "LaoZi01", env=ADMIN).exit_code == 0
    r = sb("users", "reset", "LaoZi01", "--yes", env=ADMIN)
    assert r.exit_code == 0 and "已重置密码" in r.stdout
    r = sb("users", "add", "abc", "--permission", "pay", env=ADMIN)
    assert r.exit_code == 2 and "4-12位字母或数字" in r.stderr
    r = sb("users", "add", "caiwu01", "--permission", "pay", env=ADMIN)
    assert r.exit_code == 1 and "已存在" in r.stderr
    r = sb("users", "disable", "Nobody1", "--yes", env=ADMIN)
    assert r.exit_code == 1 and "用户名不存在" in r.stderr


def test_cli_login_as_sub_user_forced_change_then_refused_user_management(tmp_path):
    add_demo(tmp_path)
    assert sb("users", "add", "CaiWu01", "--permission", "pay", env=ADMIN).exit_code == 0
    r = sb("--json", "login", "--user", "CaiWu01",
           env={"SBTUI_PASSWORD": "CaiWu01", "SBTUI_NEW_PASSWORD": "Pay12345"})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["role"] == "pay"
    user = {"SBTUI_PASSWORD": "Pay12345", "SBTUI_USER": "CaiWu01"}
    r = sb("users", "list", env=user)
    assert r.exit_code == 4 and "没有该功能的权限" in r.stderr
    r = sb("login", "--user", "CaiWu01", env={"SBTUI_PASSWORD": "CaiWu01"})
    assert r.exit_code == 4 and "20101" in r.stderr  # the initial password is gone
    sb("users", "disable", "CaiWu01", "--yes", env=ADMIN)
    r = sb("login", "--user", "CaiWu01", env={"SBTUI_PASSWORD": "Pay12345"})
    assert r.exit_code == 4 and "停用" in r.stderr
