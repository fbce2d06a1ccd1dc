"""Sandbox employer lookup, initial password, forced change and lockout (SPEC L2, L4)."""
from __future__ import annotations

from datetime import datetime

import pytest

from sbtui.remote.sandbox import DEMO_USCC, SECOND_USCC, create_app, info
from sbtui.remote.sandbox.auth import WRONG_PASSWORD
from sbtui.remote.sandbox.testing import FakeClock, activate, client, new_key


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def c(tmp_path, clock):
    async with client(create_app(tmp_path, employees=50, clock=clock)) as c:
        yield c


async def login(c, password, uscc=DEMO_USCC):
    return await c.post("/auth/login", json={"uscc": uscc, "password": password, "username": None})


async def test_lookup(c):
    r = await c.get(f"/employers/{DEMO_USCC}")
    assert r.status_code == 200
    [rec] = r.json()
    assert rec["uscc"] == DEMO_USCC and rec["status"] == "正常"
    assert rec["tax_authority"] == "国家税务总局鄂尔多斯市康巴什区税务局"
    r = await c.get(f"/employers/{DEMO_USCC.lower()}")  # compacted and upper-cased
    assert r.status_code == 200


async def test_lookup_bad_check_digit_and_unknown(c):
    wrong = DEMO_USCC[:-1] + ("0" if DEMO_USCC[-1] != "0" else "1")
    r = await c.get(f"/employers/{wrong}")
    assert r.status_code == 400 and r.json()["code"] == "invalid_uscc"
    r = await c.get("/employers/91110000600037341L")  # valid, not registered here
    body = r.json()
    assert r.status_code == 404 and body["code"] == "employer_not_found"
    assert "未查询到" in body["message"] and body["detail"]["uscc"] == "91110000600037341L"


@pytest.mark.parametrize("unit", ["66259112241843", "15069120180327", "15069130000512"])
async def test_initial_password_any_unit_number(c, unit):
    r = await login(c, unit[-6:])
    assert r.status_code == 200
    assert r.json()["must_change_password"] is True


async def test_initial_password_is_padded(c):
    # the small employer's unit number 88025 is shorter than 6 digits: 880250
    r = await login(c, "880250", uscc=SECOND_USCC)
    assert r.status_code == 200 and r.json()["must_change_password"]
    assert (await login(c, "88025", uscc=SECOND_USCC)).status_code == 401


async def test_forced_change(c):
    r = await login(c, "241843")
    token = r.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    r = await c.get("/registrations", headers=auth)
    assert r.status_code == 403 and r.json()["code"] == "password_change_required"
    # the new password may not be any unit number's initial password
    r = await c.post("/auth/password", headers={**auth, "Idempotency-Key": new_key()},
                     json={"old_password": "241843", "new_password": "180327"})
    assert r.status_code == 400 and r.json()["code"] == "password_rule"
    r = await c.post("/auth/password", headers={**auth, "Idempotency-Key": new_key()},
                     json={"old_password": "000000", "new_password": "Secret123"})
    assert r.status_code == 400 and r.json()["code"] == "old_password_wrong"
    r = await c.post("/auth/password", headers={**auth, "Idempotency-Key": new_key()},
                     json={"old_password": "241843", "new_password": "Secret123"})
    assert r.status_code == 200
    session = r.json()
    assert session["must_change_password"] is False and session["token"] != token
    r = await c.get("/registrations", headers={"Authorization": f"Bearer {session['token']}"})
    assert r.status_code == 200 and len(r.json()) == 4
    # the initial password no longer works; the new one does
    assert (await login(c, "241843")).status_code == 401
    r = await login(c, "Secret123")
    assert r.status_code == 200 and r.json()["must_change_password"] is False


async def test_token_required(c):
    r = await c.get("/registrations")
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    r = await c.get("/registrations", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


async def test_token_expires_after_12_hours(c, clock):
    await activate(c, DEMO_USCC, "66259112241843")
    clock.advance(hours=11, minutes=59)
    assert (await c.get("/groups")).status_code == 200
    clock.advance(minutes=2)
    assert (await c.get("/groups")).status_code == 401


async def test_three_wrong_passwords_lock_for_three_minutes(c, clock):
    r = await login(c, "999999")
    assert r.status_code == 401
    assert r.json() == {"code": "20101", "message": WRONG_PASSWORD, "detail": {"attempts_left": 2}}
    r = await login(c, "999998")
    assert r.json()["detail"]["attempts_left"] == 1
    r = await login(c, "999997")
    assert r.status_code == 423
    body = r.json()
    assert body["code"] == "20102"
    until = datetime.fromisoformat(body["detail"]["locked_until"])
    assert 170 <= (until - clock.now).total_seconds() <= 180
    assert "锁定" in body["message"] and "后重试" in body["message"]
    clock.advance(minutes=2)
    r = await login(c, "241843")  # right password, still locked
    assert r.status_code == 423 and r.json()["code"] == "20102"
    clock.advance(minutes=1, seconds=1)
    r = await login(c, "241843")
    assert r.status_code == 200


async def test_success_resets_the_count(c):
    await login(c, "999999")
    await login(c, "999998")
    assert (await login(c, "241843")).status_code == 200
    r = await login(c, "999997")
    assert r.status_code == 401 and r.json()["detail"]["attempts_left"] == 2


async def test_lockout_is_per_employer(c):
    for p in ("1", "2", "3"):
        await login(c, p * 6)
    assert (await login(c, "880250", uscc=SECOND_USCC)).status_code == 200


async def test_login_unknown_and_invalid(c):
    assert (await login(c, "x", uscc="91110000600037341L")).status_code == 404
    assert (await login(c, "x", uscc="123")).json()["code"] == "invalid_uscc"


def test_info_lists_unit_numbers(tmp_path):
    assert "66259112241843" in info(tmp_path)["unit_numbers"]
