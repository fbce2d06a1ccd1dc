"""``sbtui refunds list|paid-lines|paid-records|show|new`` and RefundsService over the
in-process sandbox (SPEC R1–R3; issue 13): pay, query the employees' paid lines, apply for a
per-employee refund and a ticket refund, see them decided; refusals exit 1 in Chinese; the
same application is not sent twice; offline it waits in the outbox."""
from __future__ import annotations

import asyncio
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from click.testing import CliRunner

from sbtui.cli import cli
from sbtui.remote.http import HttpService
from sbtui.remote.sandbox import DEMO_USCC, create_app
from sbtui.remote.sandbox.testing import FakeClock, activate, client
from sbtui.workspace import Workspace
from test_sandbox_payments import ENT, ICBC, NAME, PASSWORD
from test_sandbox_refunds import HANDLER, paid_april

CENT = Decimal("0.01")


@pytest.fixture
def paid(tmp_path, monkeypatch):
    """2026-04 pension declared and paid 25 days late; the CLI talks to that sandbox."""
    clock = FakeClock()
    app = create_app(tmp_path / "sandbox", employees=12, clock=clock)

    async def setup():
        async with client(app) as c:
            await activate(c, DEMO_USCC, ENT, PASSWORD)
            return await paid_april(app, c, clock)

    payment = asyncio.run(setup())
    monkeypatch.setattr("sbtui.cli.common.Workspace", lambda *a, **k: Workspace(
        *a, service=HttpService.in_process(app, retries=0),
        **{x: y for x, y in k.items() if x != "remote"}))
    monkeypatch.setenv("SBTUI_PASSWORD", PASSWORD)
    monkeypatch.setenv("SBTUI_HOME", str(tmp_path / "home"))
    return app, clock, payment


def run(*args, code=0):
    r = CliRunner().invoke(cli, ["--json", *args, "--employer", DEMO_USCC], catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


ACCOUNT = ["--account-name", NAME, "--bank", ICBC[0], "--account", ICBC[2], "--reason", "多报缴费工资",
           "--handler-name", "小昭", "--handler-id-number", HANDLER, "--handler-phone", "13333333333"]


def test_r2_per_employee_refund_end_to_end(paid):
    app, clock, _payment = paid
    lines, _ = run("refunds", "paid-lines", "--period-from", "2026-04")
    assert {"key", "kind", "id_number", "item", "period_from", "period_to", "paid", "base"} <= set(lines[0])
    assert {x["kind"] for x in lines} == {"fee", "late_fee"}
    emp = lines[0]["id_number"]
    mine, _ = run("refunds", "paid-lines", "--period-from", "2026-04", "--id-number", emp)
    fees = [x for x in mine if x["kind"] == "fee"]
    lates = [x for x in mine if x["kind"] == "late_fee"]
    base = Decimal("4600.00")  # 2026's floor
    want = Decimal("0.00")
    for f in fees:
        rate = Decimal(f["rate"].rstrip("%")) / 100
        refund = Decimal(f["paid"]) - (base * rate).quantize(CENT, ROUND_HALF_UP)
        late = next(x for x in lates if x["fee_key"] == f["key"])
        want += refund + (Decimal(late["paid"]) * refund / Decimal(f["paid"])).quantize(CENT, ROUND_HALF_UP)
    args = [a for f in fees for a in ("--line", f"{f['key']}=4,600")]
    args += [a for x in lates for a in ("--line", x["key"])]
    out, _ = run("refunds", "new", *args, *ACCOUNT, "--yes")
    assert out["status"] == "受理中" and Decimal(out["total"]) == want and out["id"].startswith("TF")
    # asked again: the service refuses, exit 1, in Chinese, nothing new
    _, err = run("refunds", "new", *args, *ACCOUNT, "--yes", code=2)
    assert "不能重复退费" in err and "Traceback" not in err
    listed, _ = run("refunds", "list")
    assert [(r["id"], r["status"]) for r in listed] == [(out["id"], "受理中")]
    clock.advance(seconds=4)
    listed, _ = run("refunds", "list", "--refresh")
    assert listed[0]["status"] == "核验通过"
    clock.advance(seconds=4)
    shown, _ = run("refunds", "show", out["id"], "--refresh")
    assert shown["status"] == "已退库" and shown["refunded_on"] == "2026-05-15"
    assert len(shown["lines"]) == len(fees) + len(lates)


def test_r1_ticket_refund_and_text_output(paid):
    _app, _clock, payment = paid
    number = payment["lines"][0]["ticket_number"]
    records, _ = run("refunds", "paid-records", "--period-from", "2026-04")
    assert [r["ticket_number"] for r in records] == [number]
    out, _ = run("refunds", "new", "--ticket", number, *ACCOUNT, "--yes")
    assert Decimal(out["total"]) == Decimal(payment["total"]) and out["status"] == "受理中"
    r = CliRunner().invoke(cli, ["refunds", "show", out["id"], "--employer", DEMO_USCC])
    assert r.exit_code == 0 and "税票退费" in r.stdout and "受理中" in r.stdout
    assert f"退费金额合计 {Decimal(out['total']):,.2f}" in r.stdout


def test_bad_input_is_refused_before_anything_is_sent(paid):
    _, err = run("refunds", "new", *ACCOUNT, "--yes", code=2)
    assert "二选一" in err
    bad = [a if a != "13333333333" else "0477-888888" for a in ACCOUNT]
    _, err = run("refunds", "new", "--ticket", "1", *bad, "--yes", code=2)
    assert "联系电话应为11位手机号码" in err
    bad = [a if a != HANDLER else "150101198006060606" for a in ACCOUNT]
    _, err = run("refunds", "new", "--ticket", "1", *bad, "--yes", code=2)
    assert "校验位错误，应为4" in err
    _, err = run("refunds", "new", "--line", "FD9:1:E9=4600", *ACCOUNT, "--yes", code=2)
    assert "不能重复退费：FD9:1:E9" in err
    lines, _ = run("refunds", "paid-lines", "--period-from", "2026-04")
    late = next(x for x in lines if x["kind"] == "late_fee")
    _, err = run("refunds", "new", "--line", late["key"], *ACCOUNT, "--yes", code=2)
    assert "滞纳金须与对应的费款一并勾选" in err
    _, err = run("refunds", "paid-lines", "--period-from", "2026/13", code=2)
    assert "--period-from" in err
    listed, _ = run("refunds", "list", "--refresh")
    assert listed == []


def test_a_lost_reply_is_resolved_by_its_key_and_applied_once(paid, monkeypatch):
    """The outbox item keeps its key: the answer lost on the way back, the next sync asks the
    service by the key and confirms from the stored answer; the service has one application."""
    app, _clock, _payment = paid
    from sbtui.remote.errors import OfflineError

    real = HttpService.perform
    lost = {"n": 0}

    async def perform(self, kind, payload, *, key):
        answer = await real(self, kind, payload, key=key)
        if kind == "refund.submit" and lost["n"] == 0:
            lost["n"] += 1
            raise OfflineError("无法连接到服务：test")  # applied, reply lost
        return answer

    monkeypatch.setattr(HttpService, "perform", perform)
    records, _ = run("refunds", "paid-records", "--period-from", "2026-04")
    out, err = run("refunds", "new", "--ticket", records[0]["ticket_number"], *ACCOUNT, "--yes", code=3)
    assert out["status"] == "待确认" and out["id"] is None and "待发送队列" in err
    listed, _ = run("refunds", "list", "--refresh")  # pushes: the key's stored answer confirms it
    assert len(listed) == 1 and listed[0]["status"] == "受理中"
    with app.state.sandbox.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM refunds").fetchone()[0] == 1
