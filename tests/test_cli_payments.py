"""``sbtui payments`` / ``pay`` / ``vouchers`` / ``agreements`` (issue 12, SPEC P1–P4, A1): the
commands over an in-memory tax side (tests/pay_fakes.py): JSON fields, exit codes, Chinese
errors without tracebacks, offline refusal with nothing queued."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from pay_fakes import FakeBank, pay_line

from sbtui.cli import cli
from sbtui.workspace import Workspace

USCC = "91150100MA0N000001"
ADD = ["agreements", "add", "--bank", "中国工商银行", "--branch", "呼和浩特新华支行", "--account-name", "演示单位",
       "--account", "6222000011112222"]


@pytest.fixture
def bank(monkeypatch):
    fake = FakeBank([pay_line("D1", 1, "1000.00", "6.50"), pay_line("D1", 2, "400.00"),
                     pay_line("D2", 1, "9.50", "0.05", item="410-u")])
    monkeypatch.setattr("sbtui.cli.common.Workspace",
                        lambda *a, **k: Workspace(*a, service=fake, **{x: y for x, y in k.items() if x != "remote"}))
    monkeypatch.setenv("SBTUI_PASSWORD", "right")
    return fake


def run(*args, code=0, env=None):
    r = CliRunner().invoke(cli, ["--json", *args, "--employer", USCC], env=env or {}, catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


def agreement(bank) -> str:
    out, _ = run(*ADD)
    assert out["status"] == "未验证" and out["outbox"] == "confirmed"
    out, _ = run("agreements", "verify", out["id"], "--wait", "--timeout", "5")
    assert out["status"] == "验证通过" and out["reason"] is None
    return out["id"]


def test_payments_due_json_fields(bank):
    out, _ = run("payments", "due", "--refresh")
    assert [d["key"] for d in out] == ["D1:1", "D1:2", "D2:1"]
    assert {"key", "declaration_id", "item", "period_from", "period_to", "amount", "late_fee"} <= set(out[0])
    assert out[0]["late_fee"] == "6.50"
    out, _ = run("payments", "due")  # offline: as last synced
    assert len(out) == 3


def test_pay_by_agreement_prints_the_payment(bank):
    ident = agreement(bank)
    run("payments", "due", "--refresh")
    out, err = run("pay", "--line", "D1:1", "--line", "D1:2", "--agreement", ident, "--yes")
    assert out["status"] == "缴费成功" and out["total"] == "1406.50" and out["id"]
    assert "扣款前请确认扣费险种、金额是否正确" in err
    assert bank.balance == Decimal("98593.50")
    listed, _ = run("payments", "list")
    assert listed[0]["id"] == out["id"]


def test_pay_failed_for_funds_exits_1_with_the_reason(bank):
    ident = agreement(bank)
    bank.balance = Decimal("1.00")
    out, _ = run("pay", "--all", "--agreement", ident, "--yes", code=1)
    assert out["status"] == "缴费失败" and out["reason"] == "余额不足"


def test_pay_usage_errors_are_chinese(bank):
    _, err = run("pay", "--agreement", "A1", "--yes", code=2)
    assert "请用 --line" in err
    _, err = run("pay", "--all", "--yes", code=2)
    assert "请选择缴费方式" in err
    _, err = run("pay", "--line", "X:1", "--agreement", "A1", "--yes", code=2)
    assert "所选缴费信息不存在" in err and "Traceback" not in err
    _, err = run("pay", "--all", "--agreement", "A9", "--yes", code=2)
    assert "未验证通过" in err


def test_pay_wrong_password_exits_4(bank):
    ident = agreement(bank)
    _, err = run("pay", "--all", "--agreement", ident, "--yes", code=4, env={"SBTUI_PASSWORD": "wrong"})
    assert "申报密码验证失败" in err


def test_pay_offline_is_refused_and_nothing_is_queued(bank):
    ident = agreement(bank)
    bank.offline = True
    _, err = run("pay", "--all", "--agreement", ident, "--yes", code=3)
    assert "缴费需要联网" in err and "未扣款" in err
    bank.offline = False
    out, _ = run("outbox")
    assert not [i for i in out["items"] if i["kind"] == "payment.pay"]


def test_voucher_issue_print_void(bank, tmp_path, monkeypatch):
    out, _ = run("pay", "--line", "D2:1", "--voucher", "--account", "中国工商银行/演示单位/6222", "--yes")
    assert out["number"] and out["amount"] == "9.55" and out["status"] == "已开具"
    number = out["number"]
    listed, _ = run("vouchers", "list")
    assert listed[0]["number"] == number
    shown, _ = run("vouchers", "show", number)
    assert shown["lines"][0]["key"] == "D2:1"
    called = {}

    def fake_pdf(voucher, employer, path):
        called["args"] = (voucher.number, employer.name)
        path.write_bytes(b"%PDF")
        return path

    monkeypatch.setattr("sbtui.forms.voucher.write_voucher_pdf", fake_pdf)
    out, _ = run("vouchers", "print", number, "--output", str(tmp_path / "v.pdf"))
    assert out["path"].endswith("v.pdf") and called["args"][0] == number
    bank.vouchers_[number] = bank.vouchers_[number].model_copy(update={"status": "已入库"})
    _, err = run("vouchers", "void", number, "--yes", code=1)
    assert "已经入库，不能进行此操作" in err


def test_agreements_refused_verification_shows_the_reason(bank):
    bank.verify_result = ("验证失败", "缴款单位名称不一致")
    out, _ = run(*ADD)
    out, _ = run("agreements", "verify", out["id"], "--wait", "--timeout", "5", code=1)
    assert out["status"] == "验证失败" and out["reason"] == "缴款单位名称不一致"
    listed, _ = run("agreements", "list")
    assert [a["status"] for a in listed] == ["验证失败"]
    _, err = run("agreements", "add", "--bank", "B", code=2)
    assert "请输入开户网点" in err


def test_agreements_void_and_revoke(bank):
    ident = agreement(bank)
    out, _ = run("agreements", "revoke", ident, "--yes")
    assert out["status"] == "协议终止"
    _, err = run("agreements", "void", ident, "--yes", code=1)
    assert "协议已终止" in err


# -- on the embedded sandbox (declare, then pay) ------------------------------------------------

VERIFIED = "15069100000000001"  # the demo employer's verified agreement (ICBC)


@pytest.fixture
def demo(tmp_path, monkeypatch):
    from test_cli import NEW, add_demo

    facts, _ = add_demo(CliRunner(), tmp_path)
    monkeypatch.setenv("SBTUI_PASSWORD", NEW)
    return facts


def sbj(*args, code=0, env=None):
    r = CliRunner().invoke(cli, ["--json", *args], env=env or {}, catch_exceptions=False)
    assert r.exit_code == code, (r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


def test_sandbox_declare_then_pay_by_agreement_and_by_voucher(demo, tmp_path):
    lines, _ = sbj("dues", "list", "--source", "tax", "--status", "初始")
    out, _ = sbj("declare", "--tick", lines[0]["tick"], "--yes", "--wait", "--timeout", "30")
    [decl] = out["declarations"]
    assert decl["status"] == "申报成功" and "sbtui pay" in out["note"]
    due, _ = sbj("payments", "due", "--refresh")
    mine = [d for d in due if d["declaration_id"] == decl["id"]]
    assert mine and {"key", "declaration_id", "item", "period_from", "period_to", "amount", "late_fee"} <= set(mine[0])
    listed, _ = sbj("agreements", "list", "--refresh")
    assert {a["id"]: a["status"] for a in listed}[VERIFIED] == "验证通过"
    args = [x for d in mine[:1] for x in ("--line", d["key"])]
    paid, _ = sbj("pay", *args, "--agreement", VERIFIED, "--yes")
    assert paid["status"] == "缴费成功" and paid["reason"] is None and paid["id"]
    rest = [x for d in mine[1:] for x in ("--line", d["key"])]
    if rest:
        pdf = tmp_path / "v.pdf"
        v, _ = sbj("pay", *rest, "--voucher", "--yes", "--output", str(pdf))
        assert v["number"] and v["amount"] and pdf.read_bytes().startswith(b"%PDF")
        vouchers, _ = sbj("vouchers", "list")
        assert vouchers[0]["number"] == v["number"]
        voided, _ = sbj("vouchers", "void", v["number"], "--yes")
        assert voided["status"] == "已作废"
    records, _ = sbj("payments", "list", "--refresh")
    assert records[0]["id"] == paid["id"]
    _, err = sbj("--remote", "http://127.0.0.1:9", "pay", "--all", "--agreement", VERIFIED, "--yes", code=3)
    assert "缴费需要联网" in err
    out, _ = sbj("outbox")
    assert not [i for i in out["items"] if i["state"] in ("queued", "sent")]


def test_sandbox_agreements_add_verify_and_a_refusal_with_its_reason(demo):
    listed, _ = sbj("agreements", "list", "--refresh")
    mine = next(a for a in listed if a["id"] == VERIFIED)
    common = ["--bank", mine["bank"], "--branch", mine["branch"], "--account", mine["account"]]
    out, _ = sbj("agreements", "add", *common, "--account-name", mine["account_name"])
    assert out["status"] == "未验证" and out["tax_authority"] == mine["tax_authority"] and out["region"] == "150603"
    done, _ = sbj("agreements", "verify", out["id"], "--wait", "--timeout", "30")
    assert done["status"] == "验证通过" and done["reason"] is None
    out, _ = sbj("agreements", "add", *common, "--account-name", "别的公司")
    done, err = sbj("agreements", "verify", out["id"], "--wait", "--timeout", "30", code=1)
    assert done["status"] == "验证失败" and "缴款单位名称不一致" in done["reason"]
    out, err = sbj("agreements", "add", *common, "--account-name", mine["account_name"], "--batch")
    assert out["status"] == "未验证"
    _, err = sbj("agreements", "add", *common, "--account-name", mine["account_name"], "--batch", code=1)
    assert "单位允许银行代扣的协议只有一个" in err
