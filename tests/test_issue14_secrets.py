"""Issue 14 finding 8, secrets at rest: the home and its folders 0700, the stores (and their
WAL) and personal-data exports 0600; the sandbox's idempotency fingerprints keyed HMACs with
no password in them; a key's outcome readable only by its own principal, never with a token."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat

import pytest

from sbtui.private import private_sqlite
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.idempotency import (SECRET_FILE, fingerprint, legacy_fingerprint,
                                              without_passwords)
from sbtui.remote.sandbox.testing import FakeClock, activate, add_user, client, new_key, user_token
from sbtui.store import open_store
from sbtui.workspace import Workspace
from test_cli import NEW, add_demo, runner, sb  # noqa: F401 (fixture)

ENT = "66259112241843"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)  # the umask that made 0644 / 0755 before
    yield
    os.umask(old)


# -- files --------------------------------------------------------------------------------------

def test_home_folders_0700_stores_and_exports_0600(runner, tmp_path, monkeypatch):  # noqa: F811
    """issue 14 finding 8: the store (names, ID numbers, the login-password hash) was 0644 in
    a 0755 home."""
    facts, _ = add_demo(runner, tmp_path)  # the embedded sandbox, an employer, its store
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    home = tmp_path / "home"
    r = sb(runner, "wages", "add", "--all")
    assert r.exit_code == 0, r.output
    export = tmp_path / "w.xlsx"
    assert sb(runner, "wages", "export", str(export)).exit_code == 0
    for d in (home, home / "employers", home / "sandbox"):
        assert mode(d) == 0o700, d
    files = [p for d in (home, home / "employers", home / "sandbox") for p in d.iterdir() if p.is_file()]
    assert any(p.suffix == ".db" for p in files) and any(p.name.endswith("-wal") for p in files)
    assert (home / "sandbox" / SECRET_FILE) in files
    for p in files:
        assert mode(p) == 0o600, p
    assert mode(export) == 0o600


def test_an_old_home_is_tightened_when_opened(tmp_path):
    home = tmp_path / "home"
    (home / "employers").mkdir(parents=True)
    store = open_store(home / "employers" / "X.db")
    store.db.execute("CREATE TABLE t (x)")
    store.close()
    for p in (home, home / "employers"):
        p.chmod(0o755)
    for p in (home / "employers").iterdir():
        p.chmod(0o644)
    (home / "config.json").write_text("{}", "utf-8")
    (home / "config.json").chmod(0o644)
    Workspace(home)
    assert mode(home) == mode(home / "employers") == 0o700
    assert mode(home / "config.json") == 0o600
    assert all(mode(p) == 0o600 for p in (home / "employers").iterdir())


def test_a_new_store_and_its_wal_are_0600(tmp_path):
    path = tmp_path / "s" / "E.db"
    store = open_store(path)
    store.db.execute("CREATE TABLE t (x)")
    store.db.execute("INSERT INTO t VALUES (1)")
    assert mode(path.parent) == 0o700
    for p in (path, path.with_name("E.db-wal"), path.with_name("E.db-shm")):
        assert p.exists() and mode(p) == 0o600, p
    store.close()
    private_sqlite(path)  # idempotent on an existing file
    assert sqlite3.connect(path).execute("SELECT x FROM t").fetchone() == (1,)


def test_a_new_form_is_0600_an_existing_ones_mode_is_kept(tmp_path):
    """The forms list employees' names and ID numbers: a new file is 0600 (it was 0666 less
    the umask); replacing a file keeps the mode its owner gave it."""
    from sbtui.forms.common import atomic_file

    target = tmp_path / "f.pdf"
    with atomic_file(target) as tmp:
        open(tmp, "wb").write(b"%PDF")
    assert mode(target) == 0o600
    target.chmod(0o640)
    with atomic_file(target) as tmp:
        open(tmp, "wb").write(b"%PDF")
    assert mode(target) == 0o640


# -- idempotency --------------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    return create_app(tmp_path / "sb", employees=30, clock=FakeClock())


@pytest.fixture
async def c(app):
    async with client(app) as c:
        await activate(c, DEMO_USCC, ENT)
        yield c


def test_fingerprint_is_a_keyed_hmac_without_passwords():
    body = {"old_password": "Passw0rd!", "new_password": "Better1!x", "nested": [{"password": "p"}]}
    a = fingerprint("POST", "/api/v1/auth/password", body, secret=b"1" * 32)
    assert a == fingerprint("POST", "/api/v1/auth/password", {"nested": [{}]}, secret=b"1" * 32)
    assert without_passwords(body) == {"nested": [{}]}
    assert a != fingerprint("POST", "/api/v1/auth/password", body, secret=b"2" * 32)
    assert a != legacy_fingerprint("POST", "/api/v1/auth/password", body)


async def test_stored_fingerprint_cannot_be_guessed_offline(app, c, tmp_path):
    """issue 14 finding 8: an unsalted SHA-256 over a body with both passwords was stored;
    now neither the stored value nor the database holds anything a guess can be checked
    against without the server's secret (0600 in the data folder)."""
    key = new_key()
    body = {"old_password": "Passw0rd!", "new_password": "Newpass2027"}
    r = await c.post("/auth/password", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 200, r.text
    row = app.state.sandbox.db.one("SELECT fingerprint, response FROM idem_keys WHERE key = ?", (key,))
    path = "/api/v1/auth/password"
    assert row["fingerprint"] != legacy_fingerprint("POST", path, body)
    assert row["fingerprint"] != hashlib.sha256(json.dumps(body).encode()).hexdigest()
    assert "Passw0rd" not in row["fingerprint"] and "Newpass2027" not in row["response"]
    assert mode(tmp_path / "sb" / SECRET_FILE) == 0o600
    # the same request again is still a replay (same principal, same key)
    again = await c.post("/auth/password", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"


async def test_key_outcome_only_for_its_principal_and_never_with_a_token(c):
    """issue 14 finding 8: ``GET /idempotency/{key}`` replayed an admin's password-change
    outcome, with a live admin token, to another principal."""
    await add_user(c, "CaiWu01", "all")
    other = await user_token(c, DEMO_USCC, "CaiWu01")
    key = new_key()
    r = await c.post("/auth/password", json={"old_password": "Passw0rd!", "new_password": "Newpass2027"},
                     headers={"Idempotency-Key": key})
    assert r.status_code == 200
    admin_token = r.json()["token"]
    as_other = await c.get(f"/idempotency/{key}", headers={"Authorization": f"Bearer {other}"})
    assert as_other.status_code == 404 and as_other.json()["code"] == "unknown_key"
    assert admin_token not in as_other.text
    # the other principal cannot get it replayed through the POST either
    replay = await c.post("/auth/password", json={"old_password": "x", "new_password": "y"},
                          headers={"Idempotency-Key": key, "Authorization": f"Bearer {other}"})
    assert replay.status_code == 422 and admin_token not in replay.text
    mine = await c.get(f"/idempotency/{key}")
    assert mine.status_code == 200 and mine.json()["state"] == "completed"
    assert mine.json()["response"]["token"] is None and admin_token not in mine.text
    # an ordinary key: its principal reads the answer, another does not
    key2 = new_key()
    r = await c.post("/groups", json={"name": "一组", "parent_id": None}, headers={"Idempotency-Key": key2})
    assert r.status_code in (200, 201), r.text
    assert (await c.get(f"/idempotency/{key2}")).json()["response"] == r.json()
    as_other = await c.get(f"/idempotency/{key2}", headers={"Authorization": f"Bearer {other}"})
    assert as_other.status_code == 404
