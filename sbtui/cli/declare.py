"""``sbtui declare`` (SPEC D3–D7, D9, D10): the CLI twin of 日常申报 / 特殊缴费申报 / 工程项目社保费
申报. The lines are the local dues lines (as last synced); the ticked ones are checked (blocking
refusals, then the D6 confirms, which need ``--yes``), queued in the outbox (one declaration per
unit number), sent, and with ``--wait`` their feedback is fetched.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from sbtui import clock
from sbtui.cli.common import (
    EXIT_AUTH,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    Ctx,
    current_uscc,
    emit_json,
    fail,
    info,
    interactive,
    run,
)
from sbtui.domain.vocab import DeclarationStatus, PaymentStatus
from sbtui.services import declarations as svc

KINDS = {"daily": "日常申报", "special": "特殊缴费申报", "project": "工程项目社保费申报"}
NOTHING = {"daily": "没有可申报的应缴信息（先运行 sbtui sync 更新应缴费信息）。",
           "special": "当前没有社保（医保）经办机构核定的特殊缴费待申报信息。",
           "project": "当前没有工程项目工伤保险待申报信息（工程项目需先关联：sbtui projects link）。"}
PAY_LATER = "当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？（sbtui payments due 查看待缴费记录，sbtui pay 缴费）"
QUEUED = "已保存到待发送队列，联网后发送（sbtui sync）。"
CONFIRM_HINT = "以上提示需要确认：非交互运行时请加 --yes 表示已确认。未提交申报。"


def pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    """``KEY=VALUE`` options (a key contains ``|``, never ``=``)."""
    out = []
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            fail(f"{option} 的格式应为 KEY=值：{value}", EXIT_USAGE)
        out.append((key.strip(), text))
    return out


def money_row(d: Any) -> dict[str, Any]:
    return {k: str(v) if not isinstance(v, (int, str)) or isinstance(v, bool) else v
            for k, v in asdict(d).items()}


def record_line(d: dict[str, Any]) -> str:
    text = (f"{d['id']}  {KINDS.get(d.get('kind', 'daily'), '')}  单位编号 {d['unit_number']}  {d['status']}"
            f"  {d.get('line_count', 0)} 条  实际缴纳 {d.get('actual_total')}")
    if d.get("payment_status") and d["status"] == DeclarationStatus.OK:
        text += f"  {d['payment_status']}"
    if d.get("message"):
        text += f"  {d['message']}"
    return text


@click.command("declare")
@click.option("--kind", type=click.Choice(list(KINDS)), default="daily", show_default=True,
              help="daily 日常申报 (税务生成 + 征集信息) · special 特殊缴费申报 · project 工程项目社保费申报.")
@click.option("--unit-number", help="Only lines of this unit number (单位编号).")
@click.option("--agency", help="Only lines of this 社保经办机构.")
@click.option("--period-from", metavar="YYYY-MM", help="费款所属期起.")
@click.option("--period-to", metavar="YYYY-MM", help="费款所属期止.")
@click.option("--tick", "ticks", multiple=True, metavar="TICK",
              help="Declare this tick unit (repeatable; see `sbtui dues list --json`, field tick).")
@click.option("--all", "all_", is_flag=True, help="Declare every open line that matches the filters.")
@click.option("--offset", "offsets", multiple=True, metavar="KEY=AMOUNT",
              help="抵缴金额 of a line (repeatable; SPEC D5: at most its 最大可抵缴金额).")
@click.option("--remark", "remarks", multiple=True, metavar="KEY=TEXT",
              help="备注 of a line (repeatable; ≤ 100 characters; printed on the certificate, SPEC D9).")
@click.option("--yes", is_flag=True, help="Confirm the submit prompts (SPEC D6) without asking.")
@click.option("--wait", is_flag=True, help="Wait for the feedback (申报成功 / 申报失败).")
@click.option("--timeout", default=120, show_default=True, help="Seconds to wait for the feedback.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
@run
async def declare(obj: Ctx, kind: str, unit_number: str | None, agency: str | None, period_from: str | None,
                  period_to: str | None, ticks: tuple[str, ...], all_: bool, offsets: tuple[str, ...],
                  remarks: tuple[str, ...], yes: bool, wait: bool, timeout: int, as_json: bool,
                  uscc: str | None) -> None:
    """提交申报: declare the ticked dues lines (--tick … or --all), one declaration per unit
    number. Exit 1 with the reasons when a line cannot be declared (expired, tick incomplete,
    offset over its maximum) or a confirm is needed without --yes; 3 when offline (queued)."""
    from sbtui.domain.wages import parse_month

    as_json = as_json or obj.json
    try:
        period_from, period_to = parse_month(period_from), parse_month(period_to)
    except ValueError:
        fail("--period-from / --period-to 应为 YYYY-MM。", EXIT_USAGE)
    if bool(ticks) == all_:
        fail("请用 --tick 指定勾选项（可多次），或用 --all 申报全部。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    decl = obj.ws.employer(uscc).declarations
    try:
        for key, text in pairs(offsets, "--offset"):
            decl.set_offset(key, text)
        for key, text in pairs(remarks, "--remark"):
            decl.set_remark(key, text)
    except svc.DeclareError as exc:
        _refuse(as_json, [f"{key}：{exc.message}"])
    lines = decl.open_lines(kind, unit_number=unit_number, agency=agency, period_from=period_from,
                            period_to=period_to)
    if not lines:
        fail(NOTHING[kind], EXIT_USAGE)
    if all_:
        selected = lines
    else:
        known = {r["tick"] for r in lines}
        unknown = [t for t in ticks if t not in known]
        if unknown:
            fail(f"勾选项不存在或已申报：{'、'.join(unknown)}", EXIT_USAGE)
        selected = [r for r in lines if r["tick"] in ticks]
    problems = svc.blocking(selected, clock.today())
    if problems:
        _refuse(as_json, problems)
    checks = decl.submit_checks(kind, selected)
    summary = svc.summary(selected)
    if not yes:
        if as_json or not interactive():
            if as_json:
                emit_json({"confirm": checks, "summary": [money_row(s) for s in summary]})
            for text in checks:
                info(f"提示：{text}")
            fail(CONFIRM_HINT, EXIT_REFUSED)
        for text in checks:
            if not click.confirm(text, default=False):
                fail("已取消，未提交申报。", EXIT_REFUSED)
    if not as_json:
        for text in checks:
            click.echo(f"已确认：{text}")
        click.echo(f"提交申报确认（{KINDS[kind]}）：")
        for s in summary:
            click.echo(f"  单位编号 {s.unit_number}  {s.agency}  {s.lines} 条（{s.ticks} 个勾选项）"
                       f"  缴费基数合计 {s.base_total}  应缴费额合计 {s.due_total}  抵缴 {s.offset_total}"
                       f"  实际缴纳 {s.actual_total}")
    try:
        ids = decl.queue(kind, selected)
    except svc.DeclareError as exc:
        _refuse(as_json, [exc.message])
    code = await send(obj, uscc, wait=wait, timeout=timeout)
    rows = [decl.declaration(i) for i in ids]
    _report(as_json, rows, code, checks=checks, summary=summary)


async def send(obj: Ctx, uscc: str, *, wait: bool, timeout: float) -> int:
    """Send the outbox and fetch due feedback (polling with ``wait``); the exit code so far:
    0, or 3 when the service cannot be reached (everything stays queued)."""
    from sbtui.cli.data import ensure_session
    from sbtui.remote.errors import OfflineError

    try:
        await ensure_session(obj, uscc)
        await obj.ws.employer(uscc).declarations.declaration_feedback(wait=wait, timeout=timeout)
    except OfflineError as exc:
        info(f"{exc.message}。{QUEUED}")
        return EXIT_OFFLINE
    except SystemExit as exc:  # no session: still queued
        if exc.code == EXIT_AUTH:
            info(QUEUED)
        raise
    return EXIT_OK


def _refuse(as_json: bool, problems: list[str]) -> None:
    if as_json:
        emit_json({"blocking": problems})
    for text in problems:
        info(f"不能申报：{text}")
    raise SystemExit(EXIT_REFUSED)


def _report(as_json: bool, rows: list[dict[str, Any]], code: int, **extra: Any) -> None:
    failed = any(r["status"] == DeclarationStatus.FAILED for r in rows)
    unpaid = any(r["status"] == DeclarationStatus.OK and r.get("payment_status") != PaymentStatus.PAID for r in rows)
    if as_json:
        emit_json({"declarations": rows, "confirmed": extra.get("checks", []),
                   "summary": [money_row(s) for s in extra.get("summary", [])],
                   "note": PAY_LATER if unpaid else None})
    else:
        for r in rows:
            click.echo(record_line(r))
        if any(r["status"] in (DeclarationStatus.QUEUED, DeclarationStatus.PROCESSING) for r in rows) and code == EXIT_OK:
            click.echo("已提交，等待反馈（sbtui sync 或 sbtui declarations list --refresh 获取结果）。")
        if unpaid:
            click.echo(PAY_LATER)
    raise SystemExit(code if code != EXIT_OK else (EXIT_REFUSED if failed else EXIT_OK))
