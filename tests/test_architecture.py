"""The core runs without the UI: domain, store, remote and sync never import Textual (STYLE.md)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sbtui

ROOT = Path(sbtui.__file__).parent
CORE = ["domain", "store", "remote", "sync.py", "sync", "workspace.py", "config.py", "secrets.py",
        "employees.py", "wages.py", "xlsx", "declare.py", "workspace_declare.py", "forms", "home.py"]


def _core_files():
    for name in CORE:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from path.rglob("*.py")


def test_core_sources_do_not_import_textual():
    offenders = []
    for path in _core_files():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_core_import_leaves_textual_unloaded():
    code = ("import sys, sbtui.domain.models, sbtui.domain.catalogue, sbtui.store, sbtui.sync, "
            "sbtui.remote.http, sbtui.remote.sandbox, sbtui.workspace, sbtui.declare, sbtui.forms; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_module_over_500_lines():
    big = [(p.relative_to(ROOT), n) for p in ROOT.rglob("*.py")
           if (n := len(p.read_text("utf-8").splitlines())) > 520]
    assert big == []
