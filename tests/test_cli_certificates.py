"""``sbtui certificates list|issue|reissue|verify`` and CertificatesService over the in-process
sandbox (SPEC C1–C3; issue 13): declare, pay, then certify — merged and separate, 补开 counts
up, 查验 of a forgery is "not genuine" (exit 1), the PDF written and read back."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client
from sbtui.workspace import Workspace

from test_sandbox_certificates import paid_three_months
from test_sandbox_payments import ENT, PASSWORD


@pytest.fixture
def paid(tmp_path, monkeypatch):
    """The demo employer with 2026-02 … 2026-04 declared and paid in one payment (one 电子税票
    号码); the CLI's Workspace talks to that sandbox in-process."""
    clock = FakeClock()
    app = create_app(tmp_path / "sandbox", employees=40, clock=clock)

    async def setup():
        async with client(app) as c:
            await activate(c, DEMO_USCC, ENT, PASSWORD)
            return await paid_three_months(app, c, clock)

    lines = asyncio.run(setup())
    monkeypatch.setattr("sbtui.cli.common.Workspace", lambda *a, **k: Workspace(
        *a, service=HttpService.in_process(app, retries=0),
        **{x: y for x, y in k.items() if x != "remote"}))
    monkeypatch.setenv("SBTUI_PASSWORD", PASSWORD)
    monkeypatch.setenv("SBTUI_HOME", str(tmp_path / "home"))
    return lines


def run(*args, code=0):
    r = CliRunner().invoke(cli, ["--json", *args, "--employer", DEMO_USCC], catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


def test_issue_merged_reissue_verify_end_to_end(paid, tmp_path):
    out, _ = run("certificates", "issue", "--period-from", "2026-02", "--period-to", "2026-04",
                 "--merged", "--output", str(tmp_path / "c.pdf"))
    [cert] = out
    assert {"number", "total", "print_count", "code", "path"} <= set(cert)
    assert cert["print_count"] == 1
    assert Decimal(cert["total"]) == sum(Decimal(x["amount"]) + Decimal(x["late_fee"]) for x in paid)
    assert {(r["period_from"], r["period_to"]) for r in cert["rows"]} == {("2026-02", "2026-04")}
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    number, code = cert["number"], cert["code"]
    listed, _ = run("certificates", "list")
    assert [c["number"] for c in listed] == [number]
    # nothing left to certify in that range: refused, exit 1, in Chinese
    _, err = run("certificates", "issue", "--period-from", "2026-02", "--period-to", "2026-04", code=1)
    assert "没有可开具完税证明" in err and "Traceback" not in err
    out, _ = run("certificates", "reissue", "--number", number, "--output", str(tmp_path / "r.pdf"))
    assert out[0]["print_count"] == 2 and out[0]["rows"] == cert["rows"]
    out, _ = run("certificates", "reprint", number)
    assert out[0]["print_count"] == 3
    out, _ = run("certificates", "verify", number, "--code", code)
    assert out["genuine"] is True and out["number"] == number and out["print_count"] == 3
    out, _ = run("certificates", "verify", number, "--code", "12345678" if code != "12345678" else "0", code=1)
    assert out == {**out, "genuine": False}
    out, _ = run("certificates", "verify", "399999999999999999", code, code=1)
    assert out["genuine"] is False
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert number in text and "第 2 次打印" in text and code in text
        assert "2026-02至2026-04" in text and "税务机关（盖章）" in text
        assert "人民币" in text and "¥" in text


def test_issue_separate_by_lines_into_a_folder_and_usage_errors(paid, tmp_path):
    _, err = run("certificates", "issue", code=2)
    assert "二选一" in err
    out, _ = run("certificates", "issue", *[a for x in paid for a in ("--line", x["key"])],
                 "--output", str(tmp_path / "out"))
    [cert] = out  # one payment, one unit number: one 电子税票号码
    assert cert["mode"] == "separate" and (tmp_path / "out" / f"{cert['number']}.pdf").exists()
    _, err = run("certificates", "issue", "--line", paid[0]["key"], code=1)
    assert "已开具完税证明" in err
    _, err = run("certificates", "verify", cert["number"], code=2)
    assert "验证码" in err


def test_issue_offline_exits_3_and_queues_nothing(paid, monkeypatch):
    from sbtui.remote.errors import OfflineError

    async def down(self):
        raise OfflineError("无法连接到服务：test", code="offline")

    run("certificates", "list", "--refresh")  # logged in, synced
    with monkeypatch.context() as m:
        m.setattr(HttpService, "health", down)
        m.setattr(HttpService, "login", lambda *a, **k: down(None))
        _, err = run("certificates", "issue", "--period-from", "2026-02", "--period-to", "2026-04",
                     code=3)
    assert "需要联网" in err and "Traceback" not in err
    out, _ = run("outbox")
    assert not [i for i in out["items"] if i["kind"].startswith("certificate.")]
