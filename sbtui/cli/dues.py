"""``sbtui dues list``: the 日常申报 / 应缴信息 lines (SPEC D1, D2, D9–D11) from the local store:
tax-generated lines, collection notices, special dues and construction projects' dues, each
with its ``key`` and D3 ``tick`` (what ``sbtui declare --tick`` takes)."""
from __future__ import annotations

import click

from sbtui.cli.common import (
    EXIT_OFFLINE,
    EXIT_USAGE,
    Ctx,
    Progress,
    current_uscc,
    emit_json,
    fail,
    info,
    run,
)
from sbtui.domain.vocab import DueStatus, values

SOURCES = {"tax": "税务生成", "collection": "征集信息", "special": "特殊缴费", "project": "工程项目"}
STATUSES = values(DueStatus)


@click.group()
def dues() -> None:
    """Fee declaration dues: tax-generated lines, collection notices, special and project dues."""


@dues.command("list")
@click.option("--unit-number", help="Only this unit number (单位编号).")
@click.option("--period-from", metavar="YYYY-MM", help="费款所属期起.")
@click.option("--period-to", metavar="YYYY-MM", help="费款所属期止.")
@click.option("--source", "sources", multiple=True, type=click.Choice(list(SOURCES)),
              help="Only lines of this source (repeatable): tax 税务生成, collection 征集信息, special 特殊缴费, project 工程项目.")
@click.option("--status", type=click.Choice(STATUSES), help="数据处理状态 (SPEC D11).")
@click.option("--refresh", is_flag=True, help="Sync with the service first (else: the lines of the last sync).")
@click.option("--detail", is_flag=True,
              help="Add each tax line's per-employee lines (职工预处理明细). Detail needs the "
                   "service: it is computed by the service on demand, not kept locally.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
@run
async def list_cmd(obj: Ctx, unit_number: str | None, period_from: str | None, period_to: str | None,
                   sources: tuple[str, ...], status: str | None, refresh: bool, detail: bool, as_json: bool,
                   uscc: str | None) -> None:
    """The dues lines as last synced (offline): per unit number × period × item, headcount,
    wage total, base total, rate, due, status; collection notices, special and project dues
    beside them. JSON adds key, tick, reduction, max_offset, deadline, late_fee, valid_until,
    remark, serial, project_id, declaration_id."""
    from sbtui.cli.data import ensure_session
    from sbtui.domain.wages import parse_month

    try:
        period_from, period_to = parse_month(period_from), parse_month(period_to)
    except ValueError:
        fail("--period-from / --period-to 应为 YYYY-MM。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    if refresh or detail:
        await ensure_session(obj, uscc)
    if refresh:
        progress = Progress(quiet=obj.json or as_json)
        result = await obj.ws.sync(uscc, progress=progress)
        progress.end()
        if result.offline:
            fail(f"{result.error}。不加 --refresh 可查看上次同步的数据。", EXIT_OFFLINE)
    decl = obj.ws.employer(uscc).declarations
    lines = decl.dues_lines(unit_number, period_from, period_to, sources=sources or None, status=status)
    if detail:
        for line in lines:
            if line["source"] == "tax":
                rows = await decl.due_detail(line)
                line["detail"] = [{"employee_id": r.employee_id, "id_number": r.id_number, "name": r.name,
                                   "wage": str(r.wage), "base": str(r.base), "due": str(r.due)} for r in rows]
    if obj.json or as_json:
        emit_json(lines)
        return
    if not lines:
        info("没有应缴费信息（先运行 sbtui sync，或加 --refresh）。")
        return
    click.echo("来源      单位编号         所属期   征收品目                          人数  缴费工资合计  缴费基数合计  费率    应缴费额  状态")
    for d in lines:
        rate = d["rate"] or (f"定额{d['fixed']}" if d["fixed"] else "")
        click.echo(f"{SOURCES.get(d['source'], d['source'])}  {d['unit_number']:<16} {d['period_from']}  {d['item_name']:<24}"
                   f"{d['headcount'] if d['headcount'] is not None else '':>6}  {d['wage_total'] or '':>12}  "
                   f"{d['base_total'] or '':>12}  {rate:<6}{d['due']:>10}  {d['status']}")
        for r in d.get("detail", []):
            click.echo(f"      {r['id_number']}  {r['name']}  工资 {r['wage']}  基数 {r['base']}  应缴 {r['due']}")
    tax = [d for d in lines if d["source"] == "tax"]
    from sbtui.domain.money import total

    click.echo(f"共 {len(lines)} 条；税务生成缴费基数合计 {total(d['base_total'] for d in tax)}，"
               f"应缴费额合计 {total(d['due'] for d in lines)}")
