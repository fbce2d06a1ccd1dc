"""``sbtui sync``, ``sbtui outbox``, ``sbtui employees …`` and ``sbtui region show``."""
from __future__ import annotations

import click

from sbtui.cli.common import (EXIT_AUTH, EXIT_OFFLINE, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, Ctx, Progress, current_uscc,
                              emit_json, fail, info, interactive, run)
from sbtui.domain.catalogue import catalogue


async def ensure_session(obj: Ctx, uscc: str) -> None:
    """A kept token, else SBTUI_PASSWORD, else a prompt on a terminal."""
    ws = obj.ws
    session = await ws.resume(uscc)
    if session is None:
        if not interactive():
            fail("未登录：请先运行 sbtui login，或设置环境变量 SBTUI_PASSWORD。", EXIT_AUTH)
        session = await ws.resume(uscc, click.prompt("申报密码", hide_input=True))
    if session is not None and session.must_change_password:
        fail("首次登录须修改初始申报密码：请运行 sbtui login。", EXIT_AUTH)


@click.command("sync")
@click.option("--full", is_flag=True, help="全量更新: download the whole registry again.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
@run
async def sync_cmd(obj: Ctx, full: bool, uscc: str | None) -> None:
    """Send the outbox (exactly once), then pull registry changes (full the first time)."""
    uscc = current_uscc(obj, uscc)
    from dataclasses import asdict

    from sbtui.remote.errors import OfflineError

    progress = Progress(quiet=obj.json)
    try:
        await ensure_session(obj, uscc)
        result = await obj.ws.sync(uscc, full=full, progress=progress)
        offline = result.error if result.offline else None
    except OfflineError as exc:
        result, offline = None, exc.message
    progress.end()
    if offline is not None:
        pending = obj.ws.store(uscc).outbox.counts()
        if obj.json and result is not None:
            emit_json(asdict(result))
        fail(f"{offline}。本地数据均已保存，待发送 {pending['queued'] + pending['sent']} 项将在联网后发送。", EXIT_OFFLINE)
    data = asdict(result)
    if obj.json:
        emit_json(data)
    else:
        kind = "全量更新" if result.full else "增量更新"
        click.echo(f"{kind}完成：新增 {result.added} 人，变更 {result.changed} 人，停止缴费 {result.stopped} 人；"
                   f"本地共 {result.total} 人。")
        if result.pushed or result.refused:
            click.echo(f"已发送 {result.pushed} 项，被拒绝 {result.refused} 项（sbtui outbox 查看原因）。")
    raise SystemExit(EXIT_REFUSED if result.refused else EXIT_OK)


STATE_LABELS = {"queued": "待发送", "sent": "已发送", "confirmed": "已确认", "refused": "被拒绝"}


@click.command()
@click.option("--state", type=click.Choice(sorted(STATE_LABELS)), help="Only items in this state.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
def outbox(obj: Ctx, state: str | None, uscc: str | None) -> None:
    """What is queued, sent, confirmed or refused (the local outbox)."""
    store = obj.ws.store(current_uscc(obj, uscc))
    items = store.outbox.items(state=state)
    if obj.json:
        emit_json({"counts": store.outbox.counts(), "items": [_item(i) for i in items]})
        return
    counts = store.outbox.counts()
    click.echo("  ".join(f"{STATE_LABELS[k]} {counts.get(k, 0)}" for k in ("queued", "sent", "confirmed", "refused")))
    for i in items:
        d = _item(i)
        line = f"{d['key'][:8]}  {STATE_LABELS.get(d['state'], d['state'])}  {d['kind']}  {d['entity'] or ''}"
        if d.get("last_error"):
            line += f"  原因：{d['last_error']}"
        click.echo(line)


def _item(i) -> dict:
    d = dict(i) if isinstance(i, dict) else i.__dict__.copy()
    return {k: d.get(k) for k in ("key", "kind", "entity", "state", "attempts", "last_error", "created_at", "updated_at")}


@click.group()
def employees() -> None:
    """职工信息: the local copy of the employee registry."""


STATUS = {"normal": "正常缴费", "stopped": "停止缴费"}


@employees.command("list")
@click.option("--name", help="Name contains.")
@click.option("--id-number", help="ID number (exact).")
@click.option("--unit-number", help="Unit number (单位编号).")
@click.option("--type", "type_code", help="Insured for this type code (e.g. 110).")
@click.option("--status", type=click.Choice(["normal", "stopped"]), help="正常缴费 / 停止缴费.")
@click.option("--group", "group_id", help="Group id.")
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
def list_employees(obj: Ctx, name, id_number, unit_number, type_code, status, group_id, limit, uscc) -> None:
    """List employees from the local store (works offline)."""
    store = obj.ws.store(current_uscc(obj, uscc))
    rows = store.employees(name=name, id_number=id_number, unit_number=unit_number, type_code=type_code,
                           status=status, group_id=group_id, limit=limit)
    if obj.json:
        emit_json([_employee(r) for r in rows])
        return
    print_employees(rows, total=store.employee_count())


def _employee(r: dict) -> dict:
    keys = ("id", "name", "id_type", "id_number", "unit_numbers", "insured_types", "status", "group",
            "group_id", "changed_on")
    return {k: r.get(k) for k in keys}


def print_employees(rows: list[dict], *, total: int) -> None:
    """A table that fits the terminal: at 80 columns the insured types as codes; on a wide
    terminal also the unit numbers and one ✓ column per type code (SPEC E1, W1)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    console = Console()
    cat = catalogue()
    types = [c for c in cat.types if any(c in r["insured_types"] for r in rows)]
    name_w = max([4, *(cell_len(r["name"]) for r in rows)])
    units_w = max([8, *(cell_len("，".join(r["unit_numbers"])) for r in rows)])
    fixed = name_w + 18 + 8 + 5  # name, ID number, status, the gaps between five columns
    wide = console.width >= fixed + units_w + 4 * len(types) + 12
    table = Table(box=None, pad_edge=False, header_style="bold", collapse_padding=True)
    table.add_column("姓名", no_wrap=True, width=name_w)
    table.add_column("身份证件号码", no_wrap=True, width=18)
    if wide:
        table.add_column("单位编号", no_wrap=True, width=units_w)
        for t in types:
            table.add_column(t, no_wrap=True, justify="center", width=3)
        rest = console.width - fixed - units_w - 4 * len(types) - 1
    else:
        codes_w = max([8, *(len(" ".join(r["insured_types"])) for r in rows)])
        table.add_column("参保险种", no_wrap=True, width=codes_w)
        rest = console.width - fixed - codes_w - 1
    table.add_column("状态", no_wrap=True, width=8)
    table.add_column("分组", no_wrap=True, overflow="ellipsis", width=max(rest, 4))
    for r in rows:
        if wide:
            middle = ["，".join(r["unit_numbers"]), *["✓" if t in r["insured_types"] else "" for t in types]]
        else:
            middle = [" ".join(r["insured_types"])]
        table.add_row(r["name"], r["id_number"], *middle, STATUS.get(r["status"], r["status"]), r.get("group") or "")
    console.print(table)
    click.echo(f"显示 {len(rows)} 人，共 {total} 人。")


@employees.command("groups")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
def groups(obj: Ctx, uscc: str | None) -> None:
    """The group tree (分组)."""
    store = obj.ws.store(current_uscc(obj, uscc))
    items, paths = store.groups(), store.group_paths()
    if obj.json:
        emit_json([{**g, "path": paths.get(g["id"])} for g in items])
        return
    for g in items:
        click.echo(f"{g['id']}  {paths.get(g['id'], g['name'])}")


@employees.command("assign")
@click.argument("employee")
@click.option("--group", "group_id", required=True, help="Group id, or 'none' to take the employee out.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
def assign(obj: Ctx, employee: str, group_id: str, uscc: str | None) -> None:
    """Put one employee (id or ID number) in a group: saved locally and queued in the outbox."""
    store = obj.ws.store(current_uscc(obj, uscc))
    row = store.employee(employee) or next(
        (r for r in store.employees(id_number=employee.upper(), limit=2) if r["id_number"] == employee.upper()), None)
    if row is None:
        fail(f"本地没有该职工：{employee}", EXIT_USAGE)
    gid = None if group_id.lower() == "none" else group_id
    if gid is not None and gid not in {g["id"] for g in store.groups()}:
        fail(f"没有该分组：{group_id}（sbtui employees groups 查看）", EXIT_USAGE)
    key = store.assign_group(row["id"], gid)
    if obj.json:
        emit_json({"key": key, "state": "queued"})
    else:
        click.echo(f"已保存并加入待发送队列（{key[:8]}），运行 sbtui sync 发送。")


@click.group()
def region() -> None:
    """Region profiles (rates, floor and cap, deadline day)."""


@region.command("show")
@click.argument("region_id", required=False)
@click.pass_obj
def show(obj: Ctx, region_id: str | None) -> None:
    """The rates, floor and cap in force for a region (default: the configured one, else nm)."""
    from sbtui.domain.region import load_region

    profile = load_region(region_id or obj.ws.config.region or "nm")
    data = profile.to_json()
    if obj.json:
        emit_json(data)
        return
    click.echo(f"{data.get('name', '')}（{data.get('id', '')}）  征收期限：每月{data.get('deadline_day', '')}日")
    for year, limits in (data.get("limits") or {}).items():
        click.echo(f"  {year} 年缴费基数  下限 {limits.get('floor')}  上限 {limits.get('cap')}")
    for item in data.get("items", []):
        amount = item.get("rate") or f"定额 {item.get('fixed')}"
        click.echo(f"  {item.get('name', item.get('id'))}  {amount}")
