"""系统设置 (SPEC U2): the declaration password change (and a sub-user's own), the optional
local login password (a salted hash only), 单位信息; through the API, the Workspace and the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.models import EmployerInfo
from sbtui.domain.passwords import initial_password
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token
from sbtui.services.users import LOGIN_PASSWORD, LoginPasswordError
from sbtui.workspace import Workspace

UNIT = "66259112241843"
PASSWORD = "Passw0rd!"


@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "sb", employees=30, clock=FakeClock())


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, UNIT, PASSWORD)
        yield c


async def change(c, old, new, headers=None):
    return await c.post("/auth/password", json={"old_password": old, "new_password": new},
                        headers={**(headers or {}), "Idempotency-Key": new_key()})


async def login(c, password, username=None):
    return await c.post("/auth/login", json={"uscc": DEMO_USCC, "password": password,
                                             "username": username})


async def test_admin_changes_the_declaration_password_U2(c):
    r = await change(c, "wrong-old", "Another1")
    assert r.status_code == 400 and r.json()["code"] == "old_password_wrong"
    r = await change(c, PASSWORD, PASSWORD)
    assert r.status_code == 400 and r.json()["code"] == "password_rule"
    assert "不能与原密码相同" in r.json()["message"]
    r = await change(c, PASSWORD, initial_password("15069120180327"))
    assert r.status_code == 400 and "初始密码" in r.json()["message"]
    r = await change(c, PASSWORD, "short")
    assert r.status_code == 400 and "6至20位" in r.json()["message"]
    r = await change(c, PASSWORD, "Another1")
    assert r.status_code == 200 and r.json()["role"] == "admin" and r.json()["username"] is None
    assert (await login(c, PASSWORD)).status_code == 401
    assert (await login(c, "Another1")).status_code == 200


async def test_sub_user_changes_its_own_password_only(c):
    await add_user(c, "LaoZi01", "all")
    token = await user_token(c, DEMO_USCC, "LaoZi01", "Staff1234")
    auth = {"Authorization": f"Bearer {token}"}
    r = await change(c, PASSWORD, "Whatever1", auth)  # the employer's password is not its old one
    assert r.status_code == 400 and r.json()["code"] == "old_password_wrong"
    r = await change(c, "Staff1234", "LaoZi01", auth)  # back to the initial one: refused
    assert r.status_code == 400 and r.json()["code"] == "password_rule"
    r = await change(c, "Staff1234", "Staff5678", auth)
    assert r.status_code == 200 and r.json()["username"] == "LaoZi01" and r.json()["role"] == "all"
    assert (await login(c, "Staff5678", "LaoZi01")).status_code == 200
    assert (await login(c, PASSWORD)).json()["role"] == "admin"  # the employer's is unchanged


async def test_employer_info_U2(c):
    r = await c.get("/employer")
    assert r.status_code == 200
    info = EmployerInfo.model_validate(r.json())
    assert info.uscc == DEMO_USCC and info.name.endswith("有限公司")
    assert info.registration_type and info.industry and info.address.startswith("内蒙古")
    assert info.tax_authority.startswith("国家税务总局") and info.status == "正常"
    assert {g.unit_number for g in info.registrations} >= {UNIT}
    await add_user(c, "LaoZi01", "all")
    token = await user_token(c, DEMO_USCC, "LaoZi01")
    assert (await c.get("/employer", headers={"Authorization": f"Bearer {token}"})).status_code == 200


def test_employer_details_are_filled_in_an_older_sandbox(tmp_path):
    create_app(tmp_path, employees=5, clock=FakeClock())
    from sbtui.remote.sandbox.db import Db

    db = Db(tmp_path / "sandbox.db")
    with db.tx() as conn:
        conn.execute("DELETE FROM employer_details")  # as if seeded before the table existed
    db.close()
    app = create_app(tmp_path, employees=5, clock=FakeClock())
    assert app.state.sandbox.db.one("SELECT count(*) FROM employer_details")[0] == 2


# -- the local login password ------------------------------------------------------------------

@pytest.mark.slow
def test_login_password_enable_change_disable(tmp_path):
    ws = Workspace(tmp_path / "home")
    assert not ws.users.has_login_password(DEMO_USCC) and ws.users.check_login_password(DEMO_USCC, "anything")
    with pytest.raises(LoginPasswordError, match="不一致"):
        ws.users.set_login_password(DEMO_USCC, "Local123", "Local124")
    with pytest.raises(LoginPasswordError, match="6至20位"):
        ws.users.set_login_password(DEMO_USCC, "abc", "abc")
    ws.users.set_login_password(DEMO_USCC, "Local123", "Local123")
    assert ws.users.has_login_password(DEMO_USCC)
    assert ws.users.check_login_password(DEMO_USCC, "Local123")
    assert not ws.users.check_login_password(DEMO_USCC, "local123")
    with pytest.raises(LoginPasswordError, match="原登录密码"):
        ws.users.set_login_password(DEMO_USCC, "Local456", "Local456")  # changing needs the old one
    with pytest.raises(LoginPasswordError, match="原登录密码"):
        ws.users.set_login_password(DEMO_USCC, "Local456", "Local456", old="nope")
    with pytest.raises(LoginPasswordError, match="不能与原密码相同"):
        ws.users.set_login_password(DEMO_USCC, "Local123", "Local123", old="Local123")
    ws.users.set_login_password(DEMO_USCC, "Local456", "Local456", old="Local123")
    assert ws.users.check_login_password(DEMO_USCC, "Local456")
    assert not ws.users.check_login_password(DEMO_USCC, "Local123")
    with pytest.raises(LoginPasswordError):
        ws.users.clear_login_password(DEMO_USCC, "Local123")
    ws.users.clear_login_password(DEMO_USCC, "Local456")
    assert not ws.users.has_login_password(DEMO_USCC)


def test_login_password_is_kept_as_a_salted_hash_only(tmp_path):
    ws = Workspace(tmp_path / "home")
    ws.users.set_login_password(DEMO_USCC, "Plain-Secret-9", "Plain-Secret-9")
    stored = ws.store(DEMO_USCC).meta_get(LOGIN_PASSWORD)
    scheme, rounds, salt, digest = stored.split("$")
    assert scheme == "pbkdf2_sha256" and int(rounds) >= 600_000 and len(bytes.fromhex(salt)) == 16
    path = ws.config.store_path(DEMO_USCC)
    ws.store(DEMO_USCC).db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"Plain-Secret-9" not in raw and "Plain-Secret-9" not in stored
    other = Workspace(tmp_path / "other")
    other.users.set_login_password(DEMO_USCC, "Plain-Secret-9", "Plain-Secret-9")
    assert other.store(DEMO_USCC).meta_get(LOGIN_PASSWORD) != stored  # salted
    assert other.users.check_login_password(DEMO_USCC, "Plain-Secret-9")


async def test_workspace_employer_info_and_password_change(app, tmp_path):
    ws = Workspace(tmp_path / "home", service=HttpService.in_process(app, backoff_base=0))
    first = initial_password(UNIT)
    await ws.login(DEMO_USCC, first)
    await ws.change_password(first, PASSWORD)
    info = await ws.employer_info()
    assert info.uscc == DEMO_USCC and info.registrations
    session = await ws.change_password(PASSWORD, "Another1")
    assert ws.session is session and ws.service().token == session.token
    await ws.aclose()


# -- the CLI twins ---------------------------------------------------------------------------

def sb(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def add_demo(tmp_path):
    from sbtui.remote.sandbox import info

    facts = info(tmp_path / "home" / "sandbox")
    r = sb("employer", "add", facts["uscc"], "--yes", "--no-sync",
           env={"SBTUI_PASSWORD": initial_password(facts["unit_numbers"][0]),
                "SBTUI_NEW_PASSWORD": PASSWORD})
    assert r.exit_code == 0, r.output


def test_cli_password_change_and_employer_info(tmp_path):
    add_demo(tmp_path)
    r = sb("password", "change", env={"SBTUI_PASSWORD": "wrong-old", "SBTUI_NEW_PASSWORD": "Another1"})
    assert r.exit_code == 4 and "20101" in r.stderr  # logs in with the old password first
    r = sb("password", "change", env={"SBTUI_PASSWORD": PASSWORD, "SBTUI_NEW_PASSWORD": PASSWORD})
    assert r.exit_code == 1 and "不能与原密码相同" in r.stderr
    r = sb("password", "change", env={"SBTUI_PASSWORD": PASSWORD, "SBTUI_NEW_PASSWORD": "Another1"})
    assert r.exit_code == 0 and "申报密码修改成功" in r.stdout
    r = sb("employer", "info", env={"SBTUI_PASSWORD": "Another1"})
    assert r.exit_code == 0 and "登记注册类型" in r.stdout and "主管税务机关" in r.stdout
    r = sb("--json", "employer", "info", env={"SBTUI_PASSWORD": "Another1"})
    assert json.loads(r.stdout)["uscc"] == DEMO_USCC
    # a sub-user's own password
    sb("users", "add", "LaoZi01", "--permission", "all", env={"SBTUI_PASSWORD": "Another1"})
    r = sb("--json", "password", "change", "--user", "LaoZi01",
           env={"SBTUI_PASSWORD": "LaoZi01", "SBTUI_NEW_PASSWORD": "Staff1234"})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["username"] == "LaoZi01"
    r = sb("--json", "login", "--user", "LaoZi01", env={"SBTUI_PASSWORD": "Staff1234"})
    assert r.exit_code == 0 and json.loads(r.stdout)["role"] == "all"


def test_cli_login_password(tmp_path):
    add_demo(tmp_path)
    r = sb("password", "login-set", env={"SBTUI_NEW_LOGIN_PASSWORD": "Local123"})
    assert r.exit_code == 0 and "登录密码已启用" in r.stdout
    r = sb("password", "login-set", env={"SBTUI_LOGIN_PASSWORD": "bad", "SBTUI_NEW_LOGIN_PASSWORD": "Local456"})
    assert r.exit_code == 2 and "原登录密码" in r.stderr
    r = sb("password", "login-set", env={"SBTUI_LOGIN_PASSWORD": "Local123",
                                         "SBTUI_NEW_LOGIN_PASSWORD": "Local456"})
    assert r.exit_code == 0 and "登录密码已修改" in r.stdout
    r = sb("password", "login-clear", env={"SBTUI_LOGIN_PASSWORD": "Local456"})
    assert r.exit_code == 0 and "已停用" in r.stdout
    assert "未启用" in sb("password", "login-clear").stdout
