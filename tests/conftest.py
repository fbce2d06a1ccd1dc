"""Shared fixtures: isolated homes, a sandbox server on loopback."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    """Never touch the user's real data dir, keyring or environment secrets."""
    monkeypatch.setenv("SBTUI_HOME", str(tmp_path / "home"))
    for var in ("SBTUI_PASSWORD", "SBTUI_NEW_PASSWORD", "SBTUI_REMOTE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("SBTUI_BACKOFF", "0.01")  # quick retries in tests


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory):
    """A real sandbox server (uvicorn in a child process) on 127.0.0.1 with 500 employees."""
    from sbtui.bench.server import SandboxServer
    from sbtui.remote.sandbox import info

    data = tmp_path_factory.mktemp("server")
    env_backup = os.environ.get("PYTHON_KEYRING_BACKEND")
    with SandboxServer(Path(data), employees=500) as srv:
        srv.facts = info(Path(data))
        yield srv
    del env_backup
