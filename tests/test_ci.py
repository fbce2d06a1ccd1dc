""".ci/run runs README's test command, and constraints.txt pins every direct dependency."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    """A requirement's project name, normalized (PEP 503)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_ci_runs_readme_test_command():
    readme = (REPO / "README.md").read_text("utf-8")
    command = readme.split("run the whole suite", 1)[1].split("\n\n", 2)[1].strip()
    assert command.startswith("python -m pip install -e '.[test]'"), command
    ci_lines = [ln.strip() for ln in (REPO / ".ci" / "run").read_text("utf-8").splitlines()]
    assert command in ci_lines


def test_constraints_pin_every_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    pinned = {_name(ln) for ln in (REPO / "constraints.txt").read_text("utf-8").splitlines()
              if ln.strip() and not ln.startswith("#") and "==" in ln}
    assert wanted - pinned == set()
