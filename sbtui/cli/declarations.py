"""``sbtui declarations …`` (申报记录, SPEC D7, D8) and ``sbtui projects …`` (承建单位参保缴费信息管理,
SPEC D10): the records kept locally (offline), refreshed from the service on demand; view,
employees, void (作废), the two forms; look up and link construction projects."""
from __future__ import annotations

from pathlib import Path

import click

from sbtui.cli.common import (
    EMPLOYER,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON,
    Ctx,
    current_uscc,
    day_option,
    emit_json,
    fail,
    info,
    run,
)
from sbtui.cli.data import online
from sbtui.cli.declare import KINDS, PAY_LATER, QUEUED, record_line, send
from sbtui.domain.vocab import DeclarationStatus, ProjectState, label, values
from sbtui.forms.common import FormError
from sbtui.services.declarations import DeclareError

STATUSES = values(DeclarationStatus)




@click.group()
def declarations() -> None:
    """申报记录: fee declarations made here and on the service (status, lines, void, forms)."""


@declarations.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="申报状态.")
@click.option("--date-from", metavar="YYYY-MM-DD", help="申报日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="申报日期止.")
@click.option("--kind", type=click.Choice(list(KINDS)), help="daily / special / project.")
@click.option("--refresh", is_flag=True, help="Send, fetch feedback and the service's records first.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def list_cmd(obj: Ctx, status: str | None, date_from: str | None, date_to: str | None, kind: str | None,
                   refresh: bool, as_json: bool, uscc: str | None) -> None:
    """The declaration records (newest first) as kept locally; --refresh asks the service."""
    from sbtui.remote.errors import OfflineError

    date_from, date_to = day_option(date_from, "--date-from"), day_option(date_to, "--date-to")
    uscc = current_uscc(obj, uscc)
    decl = obj.ws.employer(uscc).declarations
    if refresh:
        try:
            if not await online(obj, uscc):
                raise OfflineError("无法连接服务")
            await decl.declaration_feedback()
            await decl.refresh_declarations()
        except OfflineError as exc:
            fail(f"{exc.message}。不加 --refresh 可查看本地记录。", EXIT_OFFLINE)
    rows = decl.declarations(status=status, date_from=date_from, date_to=date_to, kind=kind)
    if obj.json or as_json:
        emit_json(rows)
        return
    if not rows:
        info("没有申报记录。")
        return
    for r in rows:
        click.echo(f"{str(r.get('submitted_at') or '')[:10]}  {record_line(r)}")
    if decl.unpaid():
        click.echo(PAY_LATER)


@declarations.command("show")
@click.argument("ident", metavar="ID")
@click.option("--employees", is_flag=True, help="Also the employees of its tax lines (needs the service).")
@click.option("--line", type=int, help="Only the employees of this line (序号).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def show(obj: Ctx, ident: str, employees: bool, line: int | None, as_json: bool, uscc: str | None) -> None:
    """申报明细: one declaration (service or local id) with its lines."""
    uscc = current_uscc(obj, uscc)
    decl = obj.ws.employer(uscc).declarations
    row = decl.declaration(ident)
    if row is None:
        fail("申报记录不存在。", EXIT_USAGE)
    if (not row.get("lines") and row["status"] != DeclarationStatus.QUEUED) or employees:
        if not await online(obj, uscc):
            fail("无法连接服务：该记录的明细需联网获取。", EXIT_OFFLINE)
        if not row.get("lines"):
            await decl.remote_declaration(ident)
            row = decl.declaration(ident)
    if employees:
        found = await decl.declaration_employees(ident, line)
        row["employees"] = [e.model_dump(mode="json") for e in found]
    if obj.json or as_json:
        emit_json(row)
        return
    click.echo(record_line(row))
    for ln in row.get("lines", []):
        click.echo(f"  {ln['n']:>3}  {ln['unit_number']}  {ln['period_from']}–{ln['period_to']}"
                   f"  {ln.get('headcount') if ln.get('headcount') is not None else '':>5}"
                   f"  {ln.get('base_total') or '':>12}  {ln.get('rate') or '':>6}  应缴 {ln['due']}"
                   f"  抵缴 {ln.get('offset')}  实际 {ln.get('actual')}  {ln['item_name']}")
    for e in row.get("employees", []):
        click.echo(f"      {e['line']:>3}  {e['name']}  {e['id_number']}  {e['item_name']}"
                   f"  工资 {e['wage']}  基数 {e['base']}  应缴 {e['due']}")


@declarations.command("void")
@click.argument("ident", metavar="ID")
@click.option("--wait", is_flag=True, help="Wait for the feedback (作废成功).")
@click.option("--timeout", default=120, show_default=True, help="Seconds to wait for the feedback.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def void(obj: Ctx, ident: str, wait: bool, timeout: int, as_json: bool, uscc: str | None) -> None:
    """作废 (SPEC D8): void a declaration 申报成功 and unpaid; its lines can be declared again."""
    uscc = current_uscc(obj, uscc)
    decl = obj.ws.employer(uscc).declarations
    row = decl.declaration(ident)
    if row is None:
        fail("申报记录不存在。", EXIT_USAGE)
    if row["status"] != DeclarationStatus.QUEUED and await online(obj, uscc):  # the latest payment status
        await decl.refresh_declaration(ident)
    try:
        ident = decl.queue_void(ident)
    except DeclareError as exc:
        fail(exc.message, EXIT_REFUSED)
    code = await send(obj, uscc, wait=wait, timeout=timeout)
    row = decl.declaration(ident)
    if obj.json or as_json:
        emit_json(row)
    else:
        click.echo(record_line(row))
        if row["status"] == DeclarationStatus.VOIDING and code == EXIT_OK:
            click.echo("已提交作废，等待反馈。")
        if code == EXIT_OFFLINE:
            click.echo(QUEUED)
    refused = row["status"] == DeclarationStatus.OK  # the void was refused: the reason is its message
    raise SystemExit(code if code != EXIT_OK else (EXIT_REFUSED if refused else EXIT_OK))


@declarations.command("form")
@click.argument("ident", metavar="ID")
@click.option("--form", "form", type=click.Choice(["unit", "employees"]), required=True,
              help="unit 《社会保险费缴费申报表（适用单位缴费人）》 · employees 《社会保险费缴费明细申报表（适用职工个人）》.")
@click.option("--output", "path", type=click.Path(dir_okay=False), required=True, help="PATH.xlsx or PATH.pdf.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def form(obj: Ctx, ident: str, form: str, path: str, as_json: bool, uscc: str | None) -> None:
    """打印 / 导出 (SPEC D8): write one of the two declaration forms as xlsx or PDF."""
    if Path(path).suffix.lower() not in (".xlsx", ".pdf"):
        fail("--output 的文件名应以 .xlsx 或 .pdf 结尾。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    await online(obj, uscc)
    try:
        written = await obj.ws.employer(uscc).declarations.write_declaration_form(ident, form, path)
    except DeclareError as exc:
        fail(exc.message, EXIT_USAGE)
    except FormError as exc:
        fail(str(exc), EXIT_USAGE)
    if obj.json or as_json:
        emit_json({"id": ident, "form": form, "path": str(written)})
    else:
        click.echo(f"已保存到 {written}")


# -- 承建单位参保缴费信息管理 (SPEC D10) ----------------------------------------------------------------

PROJECT_FIELDS = (("agency", "社保经办机构"), ("unit_number", "单位编号"), ("project_id", "工程项目ID"),
                  ("name", "工程项目名称"), ("contract_number", "工程合同编号"), ("region", "项目所在地行政区划"),
                  ("contact", "联系人"), ("address", "项目地址"), ("start_date", "项目开始日期"),
                  ("end_date", "项目结束日期"), ("rate", "缴费比例"), ("total_cost", "工程总价"),
                  ("contract_amount", "合同金额"), ("tax_authority", "主管税务机关"),
                  ("tax_branch", "主管税务所（科、分局）"))


def _project_text(p: dict) -> str:
    return "\n".join(f"{label}：{p.get(name) if p.get(name) is not None else ''}" for name, label in PROJECT_FIELDS)


@click.group()
def projects() -> None:
    """工程项目: look up a construction project's registration, link it, list the linked ones."""


@projects.command("lookup")
@click.argument("project_id")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def lookup(obj: Ctx, project_id: str, as_json: bool, uscc: str | None) -> None:
    """参保登记信息 of a project by its 工程项目ID (needs the service)."""
    from sbtui.cli.data import ensure_session

    uscc = current_uscc(obj, uscc)
    await ensure_session(obj, uscc)
    found = (await obj.ws.employer(uscc).declarations.project_lookup(project_id)).model_dump(mode="json")
    if obj.json or as_json:
        emit_json(found)
    else:
        click.echo(_project_text(found))
        click.echo(label(ProjectState.LINKED) if found.get("linked") else "未关联（sbtui projects link 关联）")


@projects.command("link")
@click.argument("project_id")
@click.option("--tax-authority", help="主管税务机关 (default: the employer's).")
@click.option("--tax-branch", help="主管税务所（科、分局） (default: the employer's).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def link(obj: Ctx, project_id: str, tax_authority: str | None, tax_branch: str | None, as_json: bool,
               uscc: str | None) -> None:
    """确认关联: link the project to this employer; its dues are then declared with
    `sbtui declare --kind project` after a sync."""
    from sbtui.cli.data import ensure_session
    from sbtui.remote.errors import OfflineError

    uscc = current_uscc(obj, uscc)
    decl = obj.ws.employer(uscc).declarations
    await ensure_session(obj, uscc)
    if not (tax_authority and tax_branch):
        employer = await decl.employer_record()
        tax_authority, tax_branch = tax_authority or employer.tax_authority, tax_branch or employer.tax_branch
    try:
        linked = await decl.link_project(project_id, tax_authority, tax_branch)
    except OfflineError as exc:
        if decl.link_queued(project_id):
            fail(f"{exc.message}。{QUEUED}", EXIT_OFFLINE)
        raise
    data = linked.model_dump(mode="json")
    if obj.json or as_json:
        emit_json(data)
    else:
        click.echo(_project_text(data))
        click.echo("关联成功。")


@projects.command("list")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def list_projects(obj: Ctx, as_json: bool, uscc: str | None) -> None:
    """The linked projects (from the service when it answers, else as last seen here)."""
    uscc = current_uscc(obj, uscc)
    if not await online(obj, uscc):
        info("无法连接服务：以下为本地保存的工程项目。")
    rows = [p.model_dump(mode="json") for p in await obj.ws.employer(uscc).declarations.projects()]
    if obj.json or as_json:
        emit_json(rows)
        return
    if not rows:
        info("没有已关联的工程项目。")
    for p in rows:
        state = label(ProjectState.LINKED if p.get("linked") else ProjectState.QUEUED)
        click.echo(f"{p['project_id']}  {p['name']}  单位编号 {p['unit_number']}  {p['agency']}  {state}")
