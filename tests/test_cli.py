"""The command line end to end on the embedded sandbox (same code path as HTTP) and over
loopback: SPEC L2–L4, the outbox (§1), exit codes for bad input (README)."""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import click
import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.domain.passwords import initial_password
from sbtui.domain.vocab import OUTBOX_PENDING_LABEL, OutboxState, label
from sbtui.remote.sandbox import info as sandbox_info

NEW = "Newpass2026"


@pytest.fixture
def runner():
    return CliRunner()


def sb(runner, *args, env=None):
    result = runner.invoke(cli, list(args), env=env or {}, catch_exceptions=False)
    return result


def embedded_facts(tmp_path):
    return sandbox_info(tmp_path / "home" / "sandbox")


def add_demo(runner, tmp_path):
    facts = embedded_facts(tmp_path)
    first = initial_password(facts["unit_numbers"][0])
    r = sb(runner, "--json", "employer", "add", facts["uscc"], "--yes",
           env={"SBTUI_PASSWORD": first, "SBTUI_NEW_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    return facts, json.loads(r.stdout)


def test_every_command_has_help():
    def walk(cmd, path):
        assert cmd.help or cmd.short_help, f"{' '.join(path)} has no help"
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
    walk(cli, ["sbtui"])


def test_choices_are_the_stored_words():
    """``click.Choice`` matches an enum member by its name: every choice is plain text, so
    ``--status 初始`` and ``--state queued`` are what a user types (vocab.values / labels)."""
    def walk(cmd, path):
        for param in cmd.params:
            if isinstance(param.type, click.Choice):
                assert all(type(c) is str for c in param.type.choices), (path, param.name)
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
    walk(cli, ["sbtui"])
    r = CliRunner().invoke(cli, ["dues", "list", "--status", "初始", "--help"])
    assert r.exit_code == 0 and "销账" in r.output, r.output


def test_demo_runs_with_no_setup(runner):
    r = sb(runner, "demo", "--limit", "5")
    assert r.exit_code == 0, r.output
    assert "显示 5 人，共" in r.stdout
    # the password change is said, so a newcomer does not type the initial one into a lock (issue 15 item 14)
    assert "已修改为演示密码 sbtui2026" in r.stderr and "演示单位的申报密码现为 sbtui2026" in r.stderr
    again = sb(runner, "demo", "--limit", "3")  # second run: already added, incremental
    assert again.exit_code == 0, again.output
    assert "演示单位的申报密码现为 sbtui2026" in again.stderr


def test_employer_add_L2_non_interactive(runner, tmp_path):
    facts, out = add_demo(runner, tmp_path)
    assert out["employer"]["uscc"] == facts["uscc"]
    assert out["token_stored"] is False  # fail keyring backend and no opt-in: nothing kept
    assert out["sync"]["total"] == facts["employees"]
    rows = json.loads(sb(runner, "--json", "employees", "list").stdout)
    assert len(rows) == facts["employees"]
    for key in ("name", "id_type", "id_number", "unit_numbers", "insured_types", "status", "group"):
        assert key in rows[0]
    assert all(r["status"] in ("normal", "stopped") for r in rows)


def test_wrong_check_digit_is_usage_error(runner, tmp_path):
    facts = embedded_facts(tmp_path)
    bad = facts["uscc"][:-1] + ("0" if facts["uscc"][-1] != "0" else "1")
    r = sb(runner, "employer", "add", bad, "--yes")
    assert r.exit_code == 2
    assert "校验位" in r.stderr and "Traceback" not in r.output


def test_a_uscc_in_another_digit_set_is_a_usage_error_not_a_traceback(runner, tmp_path):
    """Found by the Hypothesis tests (issue 14): ``employer add 91١٥٠٦91MA1234567X`` ended in a
    ValueError traceback (str.isdigit passed ١٥٠٦, the check-character table did not)."""
    r = sb(runner, "employer", "add", "91١٥٠٦91MA1234567X", "--yes", "--no-sync")
    assert r.exit_code == 2, r.output
    assert "第3位“١”不是有效字符" in r.stderr and "Traceback" not in r.output


def test_repeat_must_match(runner, tmp_path):
    facts = embedded_facts(tmp_path)
    other = "91110000100000000" + "0"
    r = sb(runner, "employer", "add", facts["uscc"], "--repeat", other, "--yes")
    assert r.exit_code == 2


def test_wrong_password_then_lock_L4(runner, tmp_path):
    facts = embedded_facts(tmp_path)
    for attempt in range(3):
        r = sb(runner, "employer", "add", facts["uscc"], "--yes", "--no-sync",
               env={"SBTUI_PASSWORD": "999999", "SBTUI_NEW_PASSWORD": NEW})
        assert r.exit_code == 4
        if attempt < 2:
            assert "申报密码验证失败：[20101]您输入的申报密码有误，请重新输入。" in r.stderr
    right = initial_password(facts["unit_numbers"][0])
    r = sb(runner, "employer", "add", facts["uscc"], "--yes", "--no-sync",
           env={"SBTUI_PASSWORD": right, "SBTUI_NEW_PASSWORD": NEW})
    assert r.exit_code == 4 and "解锁时间" in r.stderr


def test_forced_change_refuses_the_initial_password(runner, tmp_path):
    facts = embedded_facts(tmp_path)
    first = initial_password(facts["unit_numbers"][0])
    r = sb(runner, "employer", "add", facts["uscc"], "--yes",
           env={"SBTUI_PASSWORD": first, "SBTUI_NEW_PASSWORD": first})
    assert r.exit_code == 2 and "初始密码" in r.stderr


def test_offline_exit_3(runner):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = sb(runner, "--remote", f"http://127.0.0.1:{port}", "employer", "add", _valid(), "--yes")
    assert r.exit_code == 3
    assert "无法连接" in r.stderr and "Traceback" not in r.output


def _valid() -> str:
    from stdnum.cn import uscc
    body = "91110108MA01AB2C3"
    return body + uscc.calc_check_digit(body)


class _Garbage(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{not json")

    def log_message(self, *a):
        pass


def test_malformed_reply_exit_6(runner):
    server = HTTPServer(("127.0.0.1", 0), _Garbage)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        r = sb(runner, "--remote", f"http://127.0.0.1:{server.server_port}", "employer", "add", _valid(), "--yes")
    finally:
        server.shutdown()
    assert r.exit_code == 6 and "Traceback" not in r.output


def test_outbox_assign_and_sync(runner, tmp_path):
    facts, _ = add_demo(runner, tmp_path)
    groups = json.loads(sb(runner, "--json", "employees", "groups").stdout)
    rows = json.loads(sb(runner, "--json", "employees", "list", "--status", "normal", "--limit", "1").stdout)
    target = next(g["id"] for g in groups if g["id"] != rows[0]["group_id"])
    r = sb(runner, "--json", "employees", "assign", rows[0]["id_number"], "--group", target)
    assert r.exit_code == 0, r.output
    key = json.loads(r.stdout)["key"]
    box = json.loads(sb(runner, "--json", "outbox").stdout)
    assert box["counts"]["queued"] == 1
    r = sb(runner, "--json", "sync", env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["pushed"] == 1
    box = json.loads(sb(runner, "--json", "outbox").stdout)
    assert [i["state"] for i in box["items"] if i["key"] == key] == ["confirmed"]
    after = json.loads(sb(runner, "--json", "employees", "list", "--id-number", rows[0]["id_number"]).stdout)
    assert after[0]["group_id"] == target


def test_outbox_and_sync_print_the_tuis_words(runner, tmp_path):
    """One word, one meaning: ``sbtui outbox`` and ``sbtui sync`` print each outbox state with the
    word the TUI's 待发送队列 and status bar show for it."""
    from sbtui.tui.strings import shell as S

    add_demo(runner, tmp_path)
    groups = json.loads(sb(runner, "--json", "employees", "groups").stdout)
    rows = json.loads(sb(runner, "--json", "employees", "list", "--status", "normal", "--limit", "1").stdout)
    target = next(g["id"] for g in groups if g["id"] != rows[0]["group_id"])
    key = json.loads(sb(runner, "--json", "employees", "assign", rows[0]["id_number"], "--group", target).stdout)["key"]
    out = sb(runner, "outbox").stdout
    counts, line = out.splitlines()[0], next(ln for ln in out.splitlines() if ln.startswith(key[:8]))
    assert [t for t in counts.split() if not t.isdigit()] == [S.OUTBOX_STATES[s] for s in OutboxState]
    assert f"  {S.OUTBOX_STATES['queued']}  " in line
    r = sb(runner, "sync", env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    assert f"{label(OutboxState.CONFIRMED)} 1 项" in r.stdout
    assert S.SYNC_DONE.startswith(f"同步完成：{label(OutboxState.CONFIRMED)}")
    line = next(ln for ln in sb(runner, "outbox").stdout.splitlines() if ln.startswith(key[:8]))
    assert f"  {S.OUTBOX_STATES['confirmed']}  " in line and "已发送" not in line
    assert S.OUTBOX_FILTERS["confirmed"] == S.OUTBOX_STATES["confirmed"]
    assert S.OUTBOX.split()[0] == S.OUTBOX_FILTERS["pending"] == OUTBOX_PENDING_LABEL


def test_sync_needs_a_password_when_nothing_is_kept(runner, tmp_path):
    add_demo(runner, tmp_path)
    r = sb(runner, "sync")
    assert r.exit_code == 4 and "SBTUI_PASSWORD" in r.stderr


def test_region_show_json(runner):
    r = sb(runner, "--json", "region", "show", "nm")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert "floor" in text and "cap" in text and "rate" in text


def test_sandbox_info_json(runner, tmp_path):
    r = sb(runner, "sandbox", "info", "--data", str(tmp_path / "sb"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"uscc", "name", "unit_numbers", "employees"} <= set(data)


def test_over_loopback_http(runner, sandbox_server, tmp_path):
    """The same commands against a real uvicorn server on 127.0.0.1."""
    facts = sandbox_server.facts
    home = str(tmp_path / "h2")
    r = sb(runner, "--home", home, "--remote", sandbox_server.url, "--json", "employer", "add", facts["uscc"],
           "--yes", env={"SBTUI_PASSWORD": initial_password(facts["unit_numbers"][0]), "SBTUI_NEW_PASSWORD": NEW})
    if r.exit_code == 4:  # the session's server already had its password changed by another test
        r = sb(runner, "--home", home, "--remote", sandbox_server.url, "--json", "employer", "add", facts["uscc"],
               "--yes", env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["sync"]["total"] == facts["employees"]


def test_sync_offline_keeps_the_outbox_exit_3(runner, sandbox_server, tmp_path):
    """A dropped service: sync says so (exit 3), the queued change stays queued, nothing lost."""
    facts = sandbox_server.facts
    home = str(tmp_path / "h3")
    env = {"SBTUI_PASSWORD": initial_password(facts["unit_numbers"][0]), "SBTUI_NEW_PASSWORD": NEW}
    r = sb(runner, "--home", home, "--remote", sandbox_server.url, "employer", "add", facts["uscc"], "--yes", env=env)
    if r.exit_code == 4:
        r = sb(runner, "--home", home, "--remote", sandbox_server.url, "employer", "add", facts["uscc"], "--yes",
               env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    rows = json.loads(sb(runner, "--home", home, "--json", "employees", "list", "--limit", "1").stdout)
    groups = json.loads(sb(runner, "--home", home, "--json", "employees", "groups").stdout)
    target = next(g["id"] for g in groups if g["id"] != rows[0]["group_id"])
    assert sb(runner, "--home", home, "employees", "assign", rows[0]["id"], "--group", target).exit_code == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    r = sb(runner, "--home", home, "--remote", dead, "sync", env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 3 and f"{OUTBOX_PENDING_LABEL} 1 项" in r.stderr, r.output
    local = json.loads(sb(runner, "--home", home, "--json", "employees", "list", "--id-number",
                          rows[0]["id_number"]).stdout)
    assert local[0]["group_id"] == target  # the local change is kept
    box = json.loads(sb(runner, "--home", home, "--json", "outbox").stdout)
    assert box["counts"]["queued"] + box["counts"]["sent"] == 1


def test_token_kept_only_with_opt_in_and_0600(runner, tmp_path):
    """Secrets (SPEC L2/§11): with only the fail keyring, nothing is kept unless the user opts in;
    then the token (never the password) is in a 0600 file and later commands need no password."""
    facts, _ = add_demo(runner, tmp_path)
    secrets = tmp_path / "home" / "secrets.json"
    assert not secrets.exists()
    r = sb(runner, "--insecure-token-file", "login", env={"SBTUI_PASSWORD": NEW})
    assert r.exit_code == 0, r.output
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert NEW not in secrets.read_text()
    r = sb(runner, "--insecure-token-file", "sync")  # no SBTUI_PASSWORD: the kept token is used
    assert r.exit_code == 0, r.output
