"""Issue 15 item 12: every command takes the common options before or after its name, as gh
and git users expect — one mechanism (``add_common_options``) over the whole click tree."""
from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.passwords import initial_password
from sbtui.remote.sandbox import info as sandbox_info

NO_WORKSPACE = ("sandbox", "bench")


def every_command():
    out = []

    def walk(cmd, path):
        out.append(path)
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                walk(sub, [*path, name])
    for name, sub in sorted(cli.commands.items()):
        walk(sub, [name])
    return out


@pytest.mark.parametrize("path", every_command(), ids=" ".join)
def test_common_options_after_every_command(path, tmp_path):
    runner = CliRunner()
    opts = ["--json"] if path[0] in NO_WORKSPACE else [
        "--json", "--home", str(tmp_path), "--remote", "http://127.0.0.1:9", "--insecure-token-file"]
    r = runner.invoke(cli, [*path, *opts, "--help"], env={"SBTUI_HOME": str(tmp_path)})
    assert r.exit_code == 0, (path, r.output)
    assert "--json" in r.output


def test_json_and_home_after_the_command_take_effect(tmp_path):
    runner = CliRunner()
    home = tmp_path / "h"
    facts = sandbox_info(home / "sandbox")
    env = {"SBTUI_PASSWORD": initial_password(facts["unit_numbers"][0]),
           "SBTUI_NEW_PASSWORD": "Newpass2026", "SBTUI_HOME": str(tmp_path / "elsewhere")}
    r = runner.invoke(cli, ["employer", "add", facts["uscc"], "--yes", "--home", str(home), "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["employer"]["uscc"] == facts["uscc"]
    # before, after, and mixed: the same JSON
    before = runner.invoke(cli, ["--home", str(home), "--json", "employees", "list", "--limit", "3"], env=env)
    after = runner.invoke(cli, ["employees", "list", "--limit", "3", "--json", "--home", str(home)], env=env)
    assert before.exit_code == after.exit_code == 0, (before.output, after.output)
    assert json.loads(after.stdout) == json.loads(before.stdout) and len(json.loads(after.stdout)) == 3
    # given after the command, it wins over the one before (and over SBTUI_HOME)
    r = runner.invoke(cli, ["--home", str(tmp_path / "empty"), "employees", "list", "--home", str(home), "--json"], env=env)
    assert r.exit_code == 0 and len(json.loads(r.stdout)) > 0
    r = runner.invoke(cli, ["region", "show", "--json"], env=env)
    assert json.loads(r.stdout)["id"] == "nm"
