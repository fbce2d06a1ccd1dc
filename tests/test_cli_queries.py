"""``sbtui query received|batch`` and ``sbtui reconcile`` over the in-process sandbox (SPEC Q1;
issue 13), after 2026-02 … 2026-04 were declared and paid in one payment: the received lines add
up to what was paid; 对账 flags every paid line without a certificate until one is issued;
批扣 has no 费批扣 agreement; --output writes xlsx (0600) on every list command; bad input is a
Chinese usage error (exit 2); a ticket refund is 退费申请中 until 已退库, then 已退费 for
what was paid."""
from __future__ import annotations

import json
import os
from decimal import Decimal

from click.testing import CliRunner
from openpyxl import load_workbook

from sbtui.cli import cli
from sbtui.remote.sandbox import DEMO_USCC

from test_cli_certificates import paid  # noqa: F401  (the fixture)
from test_cli_refunds import ACCOUNT as REFUND_ACCOUNT
from test_cli_refunds import paid as refund_paid  # noqa: F401  (the fixture: 2026-04 paid late)


def run(*args, code=0):
    r = CliRunner().invoke(cli, ["--json", *args, "--employer", DEMO_USCC], catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


def test_received_reconcile_and_batch_after_paying(paid, tmp_path):  # noqa: F811
    out, _ = run("query", "received", "--refresh")
    assert {r["key"] for r in out} == {ln["key"] for ln in paid}
    assert sum(Decimal(r["total"]) for r in out) == sum(Decimal(x["amount"]) + Decimal(x["late_fee"]) for x in paid)
    assert all(r["ticket_number"] and r["booked_on"] and r["method_label"] == "三方协议缴费" for r in out)
    only, _ = run("query", "received", "--period-from", "2026-03", "--period-to", "2026-03")
    assert {r["period_from"] for r in only} == {"2026-03"}

    rows, _ = run("reconcile", "--period-from", "2026-02", "--period-to", "2026-04")
    assert {r["period_from"] for r in rows} == {"2026-02", "2026-03", "2026-04"}
    assert sum(r["gaps"].get("已缴费未开具完税证明", 0) for r in rows) == len(paid)
    assert sum(Decimal(r["paid"]) for r in rows) == sum(Decimal(x["amount"]) for x in paid)

    run("certificates", "issue", "--period-from", "2026-02", "--period-to", "2026-04", "--merged")
    rows, err = run("reconcile", "--period-from", "2026-02", "--period-to", "2026-04",
                    "--output", str(tmp_path / "对账.xlsx"))
    assert not any("已缴费未开具完税证明" in r["gaps"] for r in rows)
    assert all(Decimal(r["certified"]) == Decimal(r["paid"]) for r in rows)
    assert "已导出" in err and os.stat(tmp_path / "对账.xlsx").st_mode & 0o777 == 0o600
    sheet = list(load_workbook(tmp_path / "对账.xlsx").active.iter_rows(values_only=True))
    assert sheet[0][0] == "对账" and len(sheet) == 2 + len(rows)

    state, _ = run("query", "batch", "--refresh")
    assert state["agreement"] is None and state["debits"] == [] and state["listed"] == 0


def test_every_list_takes_output_and_bad_input_is_a_usage_error(paid, tmp_path):  # noqa: F811
    run("query", "received", "--refresh")
    for args, name in ((("vouchers", "list"), "v.xlsx"), (("agreements", "list"), "a.xlsx"),
                       (("certificates", "list"), "c.xlsx"), (("query", "batch"), "b.xlsx"),
                       (("query", "received"), "r.xlsx")):
        _, err = run(*args, "--output", str(tmp_path / name))
        assert (tmp_path / name).exists() and "已导出" in err, args
    agreements = list(load_workbook(tmp_path / "a.xlsx").active.iter_rows(values_only=True))
    assert agreements[1][0] == "协议书号" and len(agreements) > 2
    _, err = run("vouchers", "list", "--output", str(tmp_path / "v.csv"), code=2)
    assert "文件名应以 .xlsx 结尾" in err and not (tmp_path / "v.csv").exists()
    _, err = run("reconcile", "--period-from", "2026-13", code=2)
    assert "YYYY-MM" in err and "Traceback" not in err
    _, err = run("query", "received", "--period-from", "2026-05", "--period-to", "2026-04", code=2)
    assert "不能早于" in err


def test_reconcile_follows_a_ticket_refund_from_applied_to_refunded(refund_paid):
    _app, clock, payment = refund_paid
    run("query", "received", "--refresh")
    number = payment["lines"][0]["ticket_number"]
    out, _ = run("refunds", "new", "--ticket", number, *REFUND_ACCOUNT, "--yes")
    assert out["status"] == "受理中"
    rows, _ = run("reconcile", "--refresh", "--period-from", "2026-04", "--period-to", "2026-04")
    assert sum(r["gaps"].get("退费申请中", 0) for r in rows) == len({ln["key"] for ln in payment["lines"]})
    assert all(Decimal(r["refunded"]) == 0 for r in rows)
    clock.advance(seconds=8)  # 核验通过, then 已退库
    rows, _ = run("reconcile", "--refresh", "--period-from", "2026-04", "--period-to", "2026-04")
    assert not any("退费申请中" in r["gaps"] for r in rows)
    assert sum(r["gaps"].get("已退费", 0) for r in rows) == len({ln["key"] for ln in payment["lines"]})
    fees = sum(Decimal(ln["amount"]) for ln in payment["lines"])
    assert sum(Decimal(r["refunded"]) for r in rows) == fees == sum(Decimal(r["paid"]) for r in rows)
    assert sum(Decimal(r["refunded"]) + Decimal(r["refunded_late_fee"]) for r in rows) == Decimal(out["total"])
    assert Decimal(out["total"]) == Decimal(payment["total"])
