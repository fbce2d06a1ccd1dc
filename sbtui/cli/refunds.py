"""``sbtui refunds list|paid-lines|paid-records|show|new`` (单位退费申请管理, SPEC R1–R3; issue
13): the CLI twins of the 单位退费申请管理 screen.

``new`` asks for 税票退费 (``--ticket NUMBER`` …, each record whole, R1) or 职工明细退费
(``--line KEY=ADJUSTED_BASE`` … for fee lines, ``--line KEY`` for a late-fee line ticked with
its fee, R2), with the 退费账户 and 办理人 (R3). It prints ``id``, ``total``, ``status``; offline
the application waits in the outbox (exit 3, ``status`` 待发送) and the next sync sends it.
"""
from __future__ import annotations

from typing import Any

import click

from sbtui import clock

from sbtui.cli.common import (
    EMPLOYER,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_USAGE,
    JSON,
    Ctx,
    confirm,
    current_uscc,
    day_option,
    emit_json,
    emit_rows,
    fail,
    run,
)
from sbtui.cli.data import require_online
from sbtui.domain.models import PaidLine, PaidRecord, Refund
from sbtui.domain.refund import RefundError, total as refund_total
from sbtui.domain.vocab import (OUTBOX_PENDING_LABEL, REFUND_CAUSES, PaidLineKind, RefundKind,
                                id_type_label, label)
from sbtui.domain.wages import parse_month

OFFLINE_QUERY = "当前无法连接服务，查询已缴款记录需要联网，请联网后重试。"


def _month(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return parse_month(value)
    except ValueError:
        fail(f"{name} 应为 YYYY-MM。", EXIT_USAGE)
        raise AssertionError from None


def refund_row(r: Refund) -> dict[str, Any]:
    return r.model_dump(mode="json")


def refund_text(r: Refund) -> str:
    reason = f"（{r.reason}）" if r.reason else ""
    return (f"{r.id}  {r.submitted_at.astimezone(clock.CST):%Y-%m-%d}  {label(r.kind, RefundKind)}"
            f"  退费金额合计 {r.total:,.2f}  {r.status}{reason}")


def line_row(ln: PaidLine) -> dict[str, Any]:
    return ln.model_dump(mode="json")


def line_text(ln: PaidLine) -> str:
    done = "" if ln.refundable else f"  已申请退费 {ln.refunded:,.2f}"
    return (f"{ln.key}  {label(ln.kind, PaidLineKind)}  {ln.name}  {ln.id_number}  {ln.item_name}"
            f"  {ln.period_from}至{ln.period_to}  实缴 {ln.paid:,.2f}  基数 {ln.base:,.2f}{done}")


def record_row(r: PaidRecord) -> dict[str, Any]:
    return r.model_dump(mode="json")


def record_text(r: PaidRecord) -> str:
    done = "" if r.refundable else "  已申请退费"
    return (f"{r.ticket_number}  {r.unit_number}  入库 {r.booked_on}  {r.period_from}至{r.period_to}"
            f"  {r.items}  金额 {r.total:,.2f}{done}")


@click.group()
def refunds() -> None:
    """单位退费申请管理: list, paid-lines, paid-records, show, new (SPEC R1–R3)."""


@refunds.command("list")
@click.option("--date-from", metavar="YYYY-MM-DD", help="申请日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="申请日期止.")
@click.option("--refresh", is_flag=True, help="Ask the service first (it decides what is due).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def refunds_list(obj: Ctx, date_from: str | None, date_to: str | None, refresh: bool,
                       as_json: bool, uscc: str | None) -> None:
    """The refund applications with their status, newest first (as last synced, or --refresh)."""
    date_from, date_to = day_option(date_from, "--date-from"), day_option(date_to, "--date-to")
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).refunds
    if refresh:
        await require_online(obj, uscc)
        await svc.refresh()
    emit_rows(obj, as_json, svc.refunds(date_from, date_to), refund_row, refund_text, "没有退费申请。")


@refunds.command("paid-lines")
@click.option("--period-from", required=True, metavar="YYYY-MM", help="费款所属期起.")
@click.option("--period-to", metavar="YYYY-MM", help="费款所属期止 (default: --period-from).")
@click.option("--id-number", help="One employee's 证件号码.")
@click.option("--name", help="An employee's name (or a part of it).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def refunds_paid_lines(obj: Ctx, period_from: str, period_to: str | None,
                             id_number: str | None, name: str | None, as_json: bool,
                             uscc: str | None) -> None:
    """职工明细退费's query: the employees' paid fee and late-fee lines (key, kind, id_number,
    item, period_from, period_to, paid, base, …)."""
    start, end = _month(period_from, "--period-from"), _month(period_to, "--period-to")
    uscc = current_uscc(obj, uscc)
    await require_online(obj, uscc, OFFLINE_QUERY)
    lines = await obj.ws.employer(uscc).refunds.paid_lines(start or "", end, id_number=id_number,
                                                          name=name)
    emit_rows(obj, as_json, lines, line_row, line_text, "所选期间没有已缴款的职工明细。")


@refunds.command("paid-records")
@click.option("--period-from", required=True, metavar="YYYY-MM", help="费款所属期起.")
@click.option("--period-to", metavar="YYYY-MM", help="费款所属期止 (default: --period-from).")
@click.option("--ticket", "ticket_number", metavar="NUMBER", help="One 电子税票号码.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def refunds_paid_records(obj: Ctx, period_from: str, period_to: str | None,
                               ticket_number: str | None, as_json: bool, uscc: str | None) -> None:
    """税票退费's query: the paid records per 电子税票号码."""
    start, end = _month(period_from, "--period-from"), _month(period_to, "--period-to")
    uscc = current_uscc(obj, uscc)
    await require_online(obj, uscc, OFFLINE_QUERY)
    records = await obj.ws.employer(uscc).refunds.paid_records(start or "", end,
                                                              ticket_number=ticket_number)
    emit_rows(obj, as_json, records, record_row, record_text, "所选期间没有已缴款记录。")


@refunds.command("show")
@click.argument("refund_id")
@click.option("--refresh", is_flag=True, help="Ask the service first.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def refunds_show(obj: Ctx, refund_id: str, refresh: bool, as_json: bool,
                       uscc: str | None) -> None:
    """One application: its status, account, handler and lines."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).refunds
    if refresh:
        await require_online(obj, uscc)
        await svc.refresh()
    r = svc.refund(refund_id)
    if r is None:
        fail(f"未找到退费申请 {refund_id}（可加 --refresh 向服务查询）。", EXIT_USAGE)
        return
    if obj.json or as_json:
        emit_json(refund_row(r))
        return
    click.echo(refund_text(r))
    click.echo(f"  退费原因 {r.cause}  退费申请理由 {r.explanation}")
    click.echo(f"  退费账户 {r.account.name}  {r.account.bank}  {r.account.account}")
    click.echo(f"  办理人 {r.handler.name}  {id_type_label(r.handler.id_type)}  {r.handler.id_number}"
               f"  {r.handler.phone}")
    if r.refunded_on:
        click.echo(f"  退库日期 {r.refunded_on}")
    for ln in r.lines:
        who = f"{ln.name}  {ln.id_number}  " if ln.name else ""
        base = f"  调整后缴费基数 {ln.adjusted_base:,.2f}" if ln.adjusted_base is not None else ""
        click.echo(f"  {ln.key}  {who}{ln.item_name}{'滞纳金' if ln.kind == 'late_fee' else ''}"
                   f"  {ln.period_from}至{ln.period_to}  已缴 {ln.paid:,.2f}{base}  退费 {ln.amount:,.2f}")


def _lines(values: tuple[str, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for v in values:
        key, sep, base = v.partition("=")
        key = key.strip()
        if not key:
            fail(f"--line 应为 KEY=调整后缴费基数（滞纳金为 KEY）：{v}", EXIT_USAGE)
        out[key] = base.strip() if sep else None
    return out


@refunds.command("new")
@click.option("--line", "line_args", multiple=True, metavar="KEY=ADJUSTED_BASE",
              help="职工明细退费: a paid fee line and its 调整后缴费基数; a late-fee line as KEY.")
@click.option("--ticket", "tickets", multiple=True, metavar="NUMBER",
              help="税票退费: a paid record's 电子税票号码 (refunded whole).")
@click.option("--account-name", required=True, help="退费银行账户名称.")
@click.option("--bank", required=True, help="退费银行 (银行行别).")
@click.option("--account", required=True, help="退费银行账户 (6–32 digits).")
@click.option("--cause", type=click.Choice(REFUND_CAUSES), default=REFUND_CAUSES[0],
              show_default=True, help="退费原因.")
@click.option("--reason", required=True, help="退费申请理由.")
@click.option("--handler-name", required=True, help="办理人姓名.")
@click.option("--handler-id-type", default="201", show_default=True,
              help="身份证件类型 code (201 居民身份证).")
@click.option("--handler-id-number", required=True, help="证件号码.")
@click.option("--handler-phone", required=True, help="联系电话 (a mobile number).")
@click.option("--yes", is_flag=True, help="Do not ask before submitting.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def refunds_new(obj: Ctx, line_args: tuple[str, ...], tickets: tuple[str, ...],
                      account_name: str, bank: str, account: str, cause: str, reason: str,
                      handler_name: str, handler_id_type: str, handler_id_number: str,
                      handler_phone: str, yes: bool, as_json: bool, uscc: str | None) -> None:
    """提交申请: prints id, total, status. Exit 1 refused, 2 bad input, 3 offline (queued)."""
    if bool(line_args) == bool(tickets):
        fail("请用 --line 指定职工明细，或用 --ticket 指定电子税票号码（二选一）。", EXIT_USAGE)
    form = {"cause": cause, "explanation": reason,
            "account": {"name": account_name, "bank": bank, "account": account},
            "handler": {"name": handler_name, "id_type": handler_id_type,
                        "id_number": handler_id_number, "phone": handler_phone}}
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).refunds
    try:
        svc.check(form)
        await require_online(obj, uscc, OFFLINE_QUERY)
        if line_args:
            bases = _lines(line_args)
            chosen = await svc.lines_by_key(bases)
            total = refund_total(svc.employee_amounts(chosen, bases))
        else:
            records = await svc.records_by_ticket(tickets)
            total = svc.ticket_total(records)
        confirm(f"退费金额合计 {total:,.2f} 元，确定提交退费申请吗？", yes=yes)
        if line_args:
            done = await svc.submit_employee(chosen, bases, form)
        else:
            done = await svc.submit_tickets(records, form)
    except RefundError as exc:
        fail(exc.message, EXIT_USAGE)
        return
    if done.refund is None:
        row = {"id": None, "key": done.key, "total": f"{total:.2f}", "status": OUTBOX_PENDING_LABEL}
    else:
        row = {"id": done.refund.id, "key": done.key, "total": f"{done.refund.total:.2f}",
               "status": done.refund.status}
    if obj.json or as_json:
        emit_json(row)
    else:
        click.echo(f"id {row['id'] or '（待发送）'}  total {row['total']}  status {row['status']}")
    if done.refund is None:
        fail("当前无法连接服务：退费申请已保存在待发送队列，联网后同步时自动提交。", EXIT_OFFLINE)
    raise SystemExit(EXIT_OK)
