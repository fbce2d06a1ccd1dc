"""Shared fixtures: isolated homes, a sandbox server on loopback."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hypothesis import HealthCheck, settings

from sbtui import clock

# Hypothesis (issue 14): each property test bounds its own example count. CI (CI=true) runs the
# "ci" profile: derandomized, so a run is reproducible, and no per-example deadline on a shared
# machine; elsewhere "dev" (random examples, failures kept in .hypothesis/ and replayed first).
# HYPOTHESIS_PROFILE=ci reproduces CI's examples locally.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# The day the suite runs on (DEVELOPERS.md: tests never depend on the day they run). December
# 2026's 20th is a Sunday: the deadline moves to Monday the 21st. Run on other days with
# ``pytest --today 2027-02-03`` (or SBTUI_TEST_TODAY), e.g. a month whose 20th does not move.
DEFAULT_TODAY = "2026-12-03"


def pytest_addoption(parser):
    parser.addoption("--today", default=os.environ.get("SBTUI_TEST_TODAY", DEFAULT_TODAY),
                     help="the date (YYYY-MM-DD, 09:00 China time) the suite's clock starts at")


def pytest_configure(config):
    """Set the one clock before any test: the in-process code reads it through sbtui.clock,
    and child processes (the sandbox server, CLI runs) inherit SBTUI_CLOCK."""
    clock.set_clock(config.getoption("--today"))


def pytest_report_header(config):
    return f"sbtui clock: {clock.now().astimezone(clock.CST).isoformat(timespec='seconds')}"


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    """Never touch the user's real data dir, keyring or environment secrets."""
    monkeypatch.setenv("SBTUI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))  # exports_dir()
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
