"""Issue 15 item 13: ``sbtui dues list | head -1`` — a reader that closes the pipe early is not
an error: exit 0 (1 means "refused by the service"), nothing on stderr."""
from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from sbtui.cli import cli


def test_closed_pipe_is_not_an_error(tmp_path):
    env = {**os.environ, "SBTUI_HOME": str(tmp_path)}
    env.pop("SBTUI_REMOTE", None)
    r = CliRunner().invoke(cli, ["demo", "--limit", "1"], env={"SBTUI_HOME": str(tmp_path), "SBTUI_REMOTE": None})
    assert r.exit_code == 0, r.output
    # far more than a pipe buffer (64 KiB): the writer is still writing when the reader leaves
    for args in (["employees", "list", "--limit", "2000"], ["employees", "list", "--limit", "2000", "--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "sbtui", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 0, err.decode()
        assert err == b""
    # the shell form of the issue, with the command it names
    shell = subprocess.run(f"{sys.executable} -m sbtui dues list | head -1; exit ${{PIPESTATUS[0]}}",
                           shell=True, executable="/bin/bash", env=env, capture_output=True, timeout=120)
    assert shell.returncode == 0 and shell.stderr == b"" and shell.stdout.strip()
