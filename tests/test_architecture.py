"""The layer contracts of pyproject.toml ``[tool.importlinter]`` hold (import-linter checks them,
CI runs it too), and importing the core leaves Textual unloaded (STYLE.md)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_import_contracts_are_kept():
    # lint-imports is the console script of importlinter.cli. --no-cache: after a run with other
    # settings its cache can answer with a stale graph (seen with import-linter 2.17: a cycle
    # fixed meanwhile still reported).
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    out = subprocess.run([sys.executable, "-c", code, str(PYPROJECT), "--no-cache"],
                         cwd=PYPROJECT.parent, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_core_import_leaves_textual_unloaded():
    code = ("import sys, sbtui.domain.models, sbtui.domain.catalogue, sbtui.store, sbtui.sync, "
            "sbtui.remote.http, sbtui.remote.sandbox, sbtui.workspace, sbtui.services, sbtui.forms; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
