"""``sbtui query received|batch`` and ``sbtui reconcile`` (查询统计, SPEC Q1; issue 13): the CLI twins
of 社保费到账信息查询, 社保费批扣情况查询 and 对账. They read what was last synced (offline);
``--refresh`` asks the service first; ``--output F.xlsx`` also exports the list; ``--json``
prints it as JSON.
"""
from __future__ import annotations

import click

from sbtui import clock
from sbtui.cli.common import (
    EMPLOYER,
    EXIT_USAGE,
    JSON,
    OUTPUT,
    Ctx,
    current_uscc,
    emit_json,
    emit_rows,
    export_table,
    fail,
    info,
    run,
)
from sbtui.cli.data import require_online
from sbtui.domain.money import ZERO
from sbtui.domain.reconcile import ReconcileRow
from sbtui.domain.vocab import PayMethod, label
from sbtui.services.queries import BatchDebit, QueriesService, Received, gaps_text, reconcile_json

REFRESH = click.option("--refresh", is_flag=True, help="Ask the service first (else: as last synced).")
PERIOD_FROM = click.option("--period-from", metavar="YYYY-MM", help="费款所属期起.")
PERIOD_TO = click.option("--period-to", metavar="YYYY-MM", help="费款所属期止.")


def _months(period_from: str | None, period_to: str | None) -> tuple[str | None, str | None]:
    from sbtui.domain.wages import parse_month

    try:
        a, b = parse_month(period_from), parse_month(period_to)
    except ValueError:
        fail("--period-from / --period-to 应为 YYYY-MM。", EXIT_USAGE)
        raise AssertionError from None
    if a and b and b < a:
        fail("费款所属期止不能早于费款所属期起。", EXIT_USAGE)
    return a, b


async def _service(obj: Ctx, uscc: str | None, refresh: bool) -> QueriesService:
    uscc = current_uscc(obj, uscc)
    q = obj.ws.employer(uscc).queries
    if refresh:
        await require_online(obj, uscc)
        await q.refresh()
    return q


@click.group("query")
def query() -> None:
    """查询统计: 社保费到账信息查询 (received), 社保费批扣情况查询 (batch)."""


def received_text(r: Received) -> str:
    return (f"{r.ticket_number}  入库 {r.booked_on}  单位编号 {r.unit_number}  "
            f"{r.period_from if r.period_from == r.period_to else f'{r.period_from}至{r.period_to}'}  "
            f"{r.item_name}  {r.amount:,.2f}  滞纳金 {r.late_fee:,.2f}  {label(r.method, PayMethod)}")


@query.command("received")
@PERIOD_FROM
@PERIOD_TO
@click.option("--ticket", metavar="NUMBER", help="电子税票号码 (or a part of it).")
@REFRESH
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def received(obj: Ctx, period_from: str | None, period_to: str | None, ticket: str | None, refresh: bool,
                   output: str | None, as_json: bool, uscc: str | None) -> None:
    """社保费到账信息查询: every booked line (三方协议缴费 缴费成功, 银行端凭证 已入库) — 电子税票号码,
    入库日期, 单位编号, 费款所属期, 征收品目, amount, late fee — newest 入库日期 first."""
    a, b = _months(period_from, period_to)
    q = await _service(obj, uscc, refresh)
    rows = q.received(a, b, ticket)
    emit_rows(obj, as_json, rows, Received.as_json, received_text, "没有到账信息（缴费后先运行 sbtui sync 或加 --refresh）。",
              output=output, table=q.received_table)
    if rows and not (obj.json or as_json):
        total = sum((r.total for r in rows), ZERO)
        click.echo(f"共 {len(rows)} 条  合计 {total:,.2f}")


def debit_text(d: BatchDebit) -> str:
    reason = f"：{d.reason}" if d.reason else ""
    return (f"{d.paid_at.astimezone(clock.CST).strftime('%Y-%m-%d %H:%M')}  协议书号 {d.agreement_id}  "
            f"{d.status}{reason}  合计 {d.total:,.2f}（应缴 {d.amount:,.2f}，滞纳金 {d.late_fee:,.2f}）  "
            f"{d.lines} 条  {d.period}")


@query.command("batch")
@REFRESH
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def batch(obj: Ctx, refresh: bool, output: str | None, as_json: bool, uscc: str | None) -> None:
    """社保费批扣情况查询: the 费批扣 agreement (the one the bank may debit), its state, the debits
    made through it and their results, and the dues lines on a batch list (批扣清册生成)."""
    q = await _service(obj, uscc, refresh)
    state = q.batch()
    if output:
        export_table(output, q.batch_table(state.debits))
    if obj.json or as_json:
        emit_json(state.as_json())
        return
    a = state.agreement
    if a is None:
        ended = "（已终止的费批扣协议 " + "、".join(x["id"] for x in state.agreements) + "）" if state.agreements else ""
        click.echo(f"没有有效的费批扣协议{ended}。单位允许银行代扣的协议只有一个，可在单位三方协议管理中设置。")
    else:
        click.echo(f"费批扣协议 {a['id']}  {a.get('status')}  {a.get('bank', '')} {a.get('account', '')} "
                   f"{a.get('account_name', '')}")
    click.echo(f"批扣清册生成 {state.listed} 条  {state.listed_amount:,.2f}")
    if not state.debits:
        info("没有通过费批扣协议的扣款。")
    for d in state.debits:
        click.echo(debit_text(d))


def reconcile_text(r: ReconcileRow) -> str:
    gaps = gaps_text(r)
    return (f"{r.unit_number}  {r.period}  应缴 {r.due:,.2f}  已申报 {r.declared:,.2f}  已缴费 {r.paid:,.2f}"
            f"  已开具证明 {r.certified:,.2f}  已退费 {r.refunded:,.2f}"
            + (f"（滞纳金另退 {r.refunded_late:,.2f}）" if r.refunded_late else "") + (f"  ⚠ {gaps}" if gaps else "  ✓"))


@click.command("reconcile")
@PERIOD_FROM
@PERIOD_TO
@REFRESH
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def reconcile(obj: Ctx, period_from: str | None, period_to: str | None, refresh: bool, output: str | None,
                    as_json: bool, uscc: str | None) -> None:
    """对账: per 单位编号 and 费款所属期, 应缴 → 已申报 → 已缴费 → 已开具证明 (and 已退费), each gap
    flagged: 有应缴未申报, 申报中, 已申报未缴费（已过缴款期限）, 凭证已开具未入库, 缴费金额与申报不符,
    已缴费未开具完税证明, 退费申请中 (受理中 / 核验通过), 已退费 (已退库). Exit 0 either way; the gaps are in the output."""
    a, b = _months(period_from, period_to)
    q = await _service(obj, uscc, refresh)
    rows = q.reconcile(a, b)
    emit_rows(obj, as_json, rows, reconcile_json, reconcile_text, "没有应缴、申报或缴费记录（先运行 sbtui sync 或加 --refresh）。",
              output=output, table=q.reconcile_table)

