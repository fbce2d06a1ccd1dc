"""Issue 15 items 14–15: what a newcomer meets on the command line — ``sbtui --version``, shell
completion the click-documented way, the password rule said in the prompt before it can be
broken."""
from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.passwords import initial_password
from sbtui.remote.sandbox import info as sandbox_info


def test_version():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"sbtui {version('sbtui')}"


def test_bash_completion_script_and_a_completion():
    env = {k: v for k, v in os.environ.items() if not k.startswith("_SBTUI")}
    script = subprocess.run([sys.executable, "-m", "sbtui"], env={**env, "_SBTUI_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0, script.stderr
    assert "_sbtui_completion()" in script.stdout and "complete -o nosort -F _sbtui_completion sbtui" in script.stdout
    # what the script asks at a Tab: `sbtui du<Tab>` → dues
    words = subprocess.run([sys.executable, "-m", "sbtui"], capture_output=True, text=True, timeout=60,
                           env={**env, "_SBTUI_COMPLETE": "bash_complete", "COMP_WORDS": "sbtui du", "COMP_CWORD": "1"})
    assert "plain,dues" in words.stdout.splitlines(), words.stdout
    zsh = subprocess.run([sys.executable, "-m", "sbtui"], env={**env, "_SBTUI_COMPLETE": "zsh_source"},
                         capture_output=True, text=True, timeout=60)
    assert "#compdef sbtui" in zsh.stdout


def test_the_new_password_prompt_states_the_rule_and_a_short_one_is_refused_here(tmp_path, monkeypatch):
    """The forced change at ``sbtui employer add`` on a terminal: the prompt says 6至20位; a
    5-character password is refused with the rule, before the service is asked."""
    import sbtui.cli.common as common
    import sbtui.cli.employer as employer

    facts = sandbox_info(tmp_path / "sandbox")
    first = initial_password(facts["unit_numbers"][0])
    runner = CliRunner()
    for module in (common, employer):  # "on a terminal"
        monkeypatch.setattr(module, "interactive", lambda: True)
    r = runner.invoke(cli, ["employer", "add", facts["uscc"], "--repeat", facts["uscc"], "--yes", "--no-sync"],
                      env={"SBTUI_HOME": str(tmp_path), "SBTUI_PASSWORD": first},
                      input="12345\n12345\nGood2026\nGood2026\n")
    assert r.exit_code == 0, r.output
    assert "新申报密码（6至20位，不能与初始密码相同）" in r.output
    assert "新密码长度应为6至20位。" in r.output
