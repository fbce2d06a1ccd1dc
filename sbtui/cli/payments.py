"""``sbtui payments due|list|export``, ``sbtui pay`` and ``sbtui vouchers list|show|print|void``
(费款缴纳, SPEC P1–P4, D12; issue 12): the CLI twins of 缴费, 缴费凭证打印记录 and 缴费记录.

Paying needs the service: the declaration password is asked again (安全认证; SBTUI_PASSWORD
for scripts) and the payment is sent at once under its idempotency key — offline it is refused,
nothing queued and nothing paid; a lost reply is resolved by the key, never paid twice.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sbtui import clock
from sbtui.cli.common import (
    EMPLOYER,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON,
    OUTPUT,
    Ctx,
    confirm,
    current_uscc,
    day_option,
    emit_json,
    emit_rows,
    fail,
    info,
    read_secret,
    run,
)
from sbtui.cli.data import online, require_online
from sbtui.domain.models import PayLine, Payment, Voucher
from sbtui.domain.pay import CONFIRM, PaymentError
from sbtui.domain.vocab import PaymentResult, VoucherStatus
from sbtui.services.list_tables import vouchers_table

DUE_FIELDS = ("key", "declaration_id", "item", "item_name", "unit_number", "period_from", "period_to",
              "amount", "late_fee", "deadline", "days_late", "as_of")
NOTHING = "没有待缴费的记录（申报成功后先运行 sbtui sync 或加 --refresh 更新）。"




def due_row(line: PayLine) -> dict[str, Any]:
    data = line.model_dump(mode="json")
    return {k: data[k] for k in DUE_FIELDS}


def due_text(line: PayLine) -> str:
    late = f"  滞纳金 {line.late_fee:,.2f}（逾期{line.days_late}天）" if line.late_fee else ""
    return (f"{line.key}  单位编号 {line.unit_number}  {line.period_from}–{line.period_to}  {line.item_name}"
            f"  金额 {line.amount:,.2f}{late}  缴款期限 {line.deadline}")


def payment_text(p: Payment) -> str:
    text = (f"{p.id}  {p.status}  金额 {p.total:,.2f}（应缴 {p.amount:,.2f}，滞纳金 {p.late_fee:,.2f}）"
            f"  {p.paid_at.astimezone(clock.CST).strftime('%Y-%m-%d %H:%M')}")
    if p.agreement_id:
        text += f"  协议 {p.agreement_id}"
    if p.reason:
        text += f"  原因：{p.reason}"
    return text


def voucher_text(v: Voucher) -> str:
    text = (f"{v.number}  {v.status}  金额 {v.total:,.2f}  填开日期 {v.issued_on}  限缴日期 {v.deadline}"
            f"  税票号码 {v.ticket_number}")
    if v.booked_on:
        text += f"  入库日期 {v.booked_on}"
    return text


@click.group()
def payments() -> None:
    """费款缴纳: the pay list (缴费) and the payment records (缴费记录)."""


@payments.command("due")
@click.option("--refresh", is_flag=True, help="Ask the service first (late fees as of today).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def due(obj: Ctx, refresh: bool, as_json: bool, uscc: str | None) -> None:
    """缴费: every declared (申报成功) line not yet paid nor on an open voucher, with its late
    fee (滞纳金, D12) — as last synced, or from the service with --refresh."""
    uscc = current_uscc(obj, uscc)
    pay = obj.ws.employer(uscc).payments
    if refresh:
        if not await online(obj, uscc):
            fail("无法连接服务。不加 --refresh 可查看上次同步的缴费信息。", EXIT_OFFLINE)
        await pay.refresh()
    lines = pay.due_lines()
    if obj.json or as_json:
        emit_json([due_row(ln) for ln in lines])
        return
    if not lines:
        info(NOTHING)
        return
    for declaration, rows in pay.by_declaration(lines).items():
        click.echo(f"申报 {declaration}")
        for ln in rows:
            click.echo(f"  {due_text(ln)}")
    t = pay.totals(lines)
    click.echo(f"共 {t.count} 条  应缴 {t.amount:,.2f}  滞纳金 {t.late_fee:,.2f}  合计 {t.total:,.2f}")


async def _records(obj: Ctx, uscc: str | None, days: tuple[str | None, str | None], refresh: bool,
                   as_json: bool, *, kind: str, output: str | None = None) -> None:
    """``payments list`` / ``vouchers list``: the local records in a date range (after asking
    the service with ``--refresh``), as JSON or one line each."""
    date_from, date_to = day_option(days[0], "--date-from"), day_option(days[1], "--date-to")
    uscc = current_uscc(obj, uscc)
    pay = obj.ws.employer(uscc).payments
    if refresh:
        await require_online(obj, uscc)
        await pay.refresh()
    if kind == "payments":
        emit_rows(obj, as_json, pay.payments(date_from, date_to), _dump, payment_text, "没有缴费记录。")
    else:
        emit_rows(obj, as_json, pay.vouchers(date_from, date_to), _dump, voucher_text, "没有缴费凭证。",
                  output=output, table=vouchers_table)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


@payments.command("list")
@click.option("--date-from", metavar="YYYY-MM-DD", help="缴费日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="缴费日期止.")
@click.option("--refresh", is_flag=True, help="Ask the service first.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def list_cmd(obj: Ctx, date_from: str | None, date_to: str | None, refresh: bool, as_json: bool,
                   uscc: str | None) -> None:
    """缴费记录 (P4), newest first."""
    await _records(obj, uscc, (date_from, date_to), refresh, as_json, kind="payments")


@payments.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--date-from", metavar="YYYY-MM-DD", help="缴费日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="缴费日期止.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def export(obj: Ctx, path: str, date_from: str | None, date_to: str | None, as_json: bool,
                 uscc: str | None) -> None:
    """缴费记录 导出: the records (as last synced) to xlsx, one row per paid line."""
    if Path(path).suffix.lower() != ".xlsx":
        fail("文件名应以 .xlsx 结尾。", EXIT_USAGE)
    date_from, date_to = day_option(date_from, "--date-from"), day_option(date_to, "--date-to")
    uscc = current_uscc(obj, uscc)
    n = obj.ws.employer(uscc).payments.export_payments(path, date_from, date_to)
    if obj.json or as_json:
        emit_json({"path": str(path), "rows": n})
    else:
        click.echo(f"已导出 {n} 行到 {path}")


def _account(text: str | None, accounts: list[Any]) -> dict[str, str] | None:
    """``--account``: 开户银行/账户名称/账号, or the number of a known deposit account."""
    if text is None:
        return None
    parts = [p.strip() for p in text.replace("／", "/").split("/")]
    if len(parts) == 3:
        return {"bank": parts[0], "name": parts[1], "account": parts[2]}
    found = [a for a in accounts if a.account == text.strip()]
    if not found:
        fail(f"未找到账号为 {text} 的缴费人存款账户；请用 --account 开户银行/账户名称/账号 填写。", EXIT_USAGE)
    a = found[0]
    return {"bank": a.bank, "name": a.name, "account": a.account}


@click.command("pay")
@click.option("--line", "keys", multiple=True, metavar="KEY", help="Pay this line (repeatable; `sbtui payments due`).")
@click.option("--all", "all_", is_flag=True, help="Pay every line of the pay list.")
@click.option("--agreement", metavar="ID", help="三方协议缴费 through this verified agreement (协议书号).")
@click.option("--voucher", is_flag=True, help="银行端凭证缴费: issue 《银行端查询缴税凭证》 instead.")
@click.option("--account", metavar="BANK/NAME/ACCOUNT",
              help="With --voucher: the payer's account (开户银行/账户名称/账号, or a known account number).")
@click.option("--yes", is_flag=True, help="Confirm the amount without asking.")
@click.option("--wait", is_flag=True, help="When the reply is lost, keep resolving it by its key until --timeout.")
@click.option("--timeout", default=60, show_default=True, help="Seconds to wait with --wait.")
@click.option("--output", type=click.Path(dir_okay=False), metavar="VOUCHER.pdf",
              help="With --voucher: also write the voucher PDF.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def pay(obj: Ctx, keys: tuple[str, ...], all_: bool, agreement: str | None, voucher: bool,
              account: str | None, yes: bool, wait: bool, timeout: int, output: str | None, as_json: bool,
              uscc: str | None) -> None:
    """缴费 (P2, P3): pay the ticked lines by three-party agreement (TIPS debit) or issue a bank
    voucher. Asks the declaration password again (SBTUI_PASSWORD for scripts). Exit 1 when the
    debit fails (余额不足 …) or the service refuses; 3 offline (nothing paid); 4 wrong password."""
    from sbtui.remote.errors import OfflineError

    as_json = as_json or obj.json
    if bool(keys) == all_:
        fail("请用 --line 指定缴费记录（可多次），或用 --all 缴纳全部。", EXIT_USAGE)
    if bool(agreement) == voucher:
        fail("请选择缴费方式：--agreement 协议书号（三方协议缴费）或 --voucher（银行端凭证缴费）。", EXIT_USAGE)
    if account and not voucher:
        fail("--account 只用于 --voucher（银行端凭证缴费）。", EXIT_USAGE)
    if output and not voucher:
        fail("--output 只用于 --voucher（打印缴费凭证）。", EXIT_USAGE)
    if output and Path(output).suffix.lower() != ".pdf":
        fail("--output 的文件名应以 .pdf 结尾。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    employer = obj.ws.employer(uscc)
    svc = employer.payments
    if not await online(obj, uscc):
        fail("当前无法连接服务，缴费需要联网。未扣款，请联网后重试。", EXIT_OFFLINE)
    await svc.refresh()
    if agreement:
        await employer.agreements.refresh()
    lines = svc.due_lines()
    try:
        chosen = lines if all_ else svc.lines(keys)
        if not chosen:
            fail(NOTHING, EXIT_USAGE)
        totals = svc.totals(chosen)
        acct = _account(account, svc.deposit_accounts()) if voucher else None
        target = None
        if agreement:
            target = employer.agreements.agreement(agreement)
            if target is None or target["id"] not in {a["id"] for a in employer.agreements.verified()}:
                raise PaymentError(f"三方协议{agreement}未验证通过或已终止，不能用于缴费")
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE)
    if not as_json:
        for ln in chosen:
            click.echo(due_text(ln))
        click.echo(f"共 {totals.count} 条  应缴 {totals.amount:,.2f}  滞纳金 {totals.late_fee:,.2f}"
                   f"  合计 {totals.total:,.2f}")
        if target:
            click.echo(f"扣款账户：{target['bank']} {target['branch']}  {target['account_name']}  {target['account']}")
    info(CONFIRM)
    confirm(f"确认缴费 {totals.total:,.2f} 元？", yes=yes)
    password = read_secret("SBTUI_PASSWORD", "申报密码（安全认证）")
    ticket = await svc.authorize(password)
    try:
        if voucher:
            result: Any = await svc.issue_voucher([ln.key for ln in chosen], ticket, totals.total, acct)
        else:
            result = await svc.pay([ln.key for ln in chosen], agreement or "", ticket, totals.total)
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE)
    except OfflineError as exc:
        if exc.code != "unknown_result" or not wait or not exc.detail.get("key"):
            fail(exc.message, EXIT_OFFLINE)
        info(exc.message)
        try:
            result = await svc.resolve(exc.detail["key"], timeout=timeout)
        except OfflineError as again:
            fail(again.message, EXIT_OFFLINE)
    if isinstance(result, Voucher):
        written = svc.write_voucher_pdf(result.number, output) if output else None
        if as_json:
            data = result.model_dump(mode="json")
            data["amount"] = f"{result.total:.2f}"
            data["path"] = str(written) if written else None
            emit_json(data)
        else:
            click.echo(f"已开具缴费凭证：{voucher_text(result)}")
            if written:
                click.echo(f"已保存到 {written}")
        raise SystemExit(EXIT_OK)
    if as_json:
        emit_json(result.model_dump(mode="json"))
    else:
        click.echo(payment_text(result))
    raise SystemExit(EXIT_OK if result.status == PaymentResult.OK else EXIT_REFUSED)


@click.group()
def vouchers() -> None:
    """缴费凭证打印记录: bank vouchers (银行端查询缴税凭证) — list, show, print, void."""


@vouchers.command("list")
@click.option("--date-from", metavar="YYYY-MM-DD", help="填开日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="填开日期止.")
@click.option("--refresh", is_flag=True, help="Ask the service first.")
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def vouchers_list(obj: Ctx, date_from: str | None, date_to: str | None, refresh: bool, output: str | None,
                        as_json: bool, uscc: str | None) -> None:
    """The vouchers by 填开日期, newest first (--output: also to xlsx)."""
    await _records(obj, uscc, (date_from, date_to), refresh, as_json, kind="vouchers", output=output)


@vouchers.command("show")
@click.argument("number")
@click.option("--refresh", is_flag=True, help="Ask the service first (collected? 已入库).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def vouchers_show(obj: Ctx, number: str, refresh: bool, as_json: bool, uscc: str | None) -> None:
    """One voucher with its lines."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).payments
    if refresh:
        await require_online(obj, uscc)
        await svc.refresh_voucher(number)
    v = svc.voucher(number)
    if v is None:
        fail(f"缴费凭证{number}不存在。", EXIT_USAGE)
    if obj.json or as_json:
        emit_json(v.model_dump(mode="json"))
        return
    click.echo(voucher_text(v))
    for ln in v.lines:
        click.echo(f"  {ln.unit_number}  {ln.period_from}–{ln.period_to}  {ln.item_name}  金额 {ln.amount:,.2f}"
                   f"  滞纳金 {ln.late_fee:,.2f}")


@vouchers.command("print")
@click.argument("number")
@click.option("--output", type=click.Path(dir_okay=False), required=True, metavar="VOUCHER.pdf")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def vouchers_print(obj: Ctx, number: str, output: str, as_json: bool, uscc: str | None) -> None:
    """打印: 《银行端查询缴税凭证》 as PDF."""
    if Path(output).suffix.lower() != ".pdf":
        fail("--output 的文件名应以 .pdf 结尾。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).payments
    if not svc.employer_record_local().tax_authority and await online(obj, uscc):
        await svc.employer_record()
    try:
        written = svc.write_voucher_pdf(number, output)
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE)
    if obj.json or as_json:
        emit_json({"number": number, "path": str(written)})
    else:
        click.echo(f"已保存到 {written}")


@vouchers.command("void")
@click.argument("number")
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def vouchers_void(obj: Ctx, number: str, yes: bool, as_json: bool, uscc: str | None) -> None:
    """作废: void a voucher 已开具 (its lines return to the pay list); refused once collected."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).payments
    if not await online(obj, uscc):
        fail("当前无法连接服务，作废凭证需要联网，请联网后重试。", EXIT_OFFLINE)
    if svc.voucher(number) is None:
        await svc.refresh()
    current = svc.voucher(number)
    if current is not None and current.status == VoucherStatus.ISSUED:
        confirm(f"确认作废缴费凭证 {number}（金额 {current.total:,.2f}）？", yes=yes)
    try:
        v = await svc.void_voucher(number)
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE)
    if obj.json or as_json:
        emit_json(v.model_dump(mode="json"))
    else:
        click.echo(voucher_text(v))
