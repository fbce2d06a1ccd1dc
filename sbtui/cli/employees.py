"""``sbtui employees …`` (SPEC E1–E7) and ``sbtui units …`` (E8): the CLI twins of the employee
screens. Reads work offline from the local store; group changes are saved locally and queued
in the outbox (``sbtui sync`` sends them); imports report every bad cell by row and column.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from sbtui.cli.common import (
    EMPLOYER,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_USAGE,
    Ctx,
    current_uscc,
    emit_json,
    fail,
    run,
)
from sbtui.domain.catalogue import catalogue
from sbtui.domain.vocab import EmployeeStatus, OutboxState, values
from sbtui.services import registry as svc

STATUS = svc.STATUS_LABELS


class FileProgress:
    """``(done, total)`` of an xlsx read or write, on stderr (nothing with --json or off a tty)."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.quiet = quiet or not sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.quiet:
            text = f"{self.label} {done}/{total}" if total else f"{self.label} {done}"
            click.echo("\r" + text.ljust(40), nl=False, err=True)

    def end(self) -> None:
        if not self.quiet:
            click.echo("", err=True)


def _registry(obj: Ctx, uscc: str | None) -> svc.RegistryService:
    return obj.ws.employer(current_uscc(obj, uscc)).registry


def _group_id(registry: svc.RegistryService, group: str | None) -> str | None:
    """A group given by id or by path ("财务部/会计组")."""
    if group is None:
        return None
    gid = registry.group_id(group)
    if gid is not None:
        return gid
    fail(f"没有该分组：{group}（sbtui employees groups 查看）", EXIT_USAGE)
    raise AssertionError


def filter_options(fn):
    """The query conditions of SPEC E2 (and the two fixed views of E5)."""
    options = [
        click.option("--name", help="姓名 contains."),
        click.option("--id-number", help="证件号码 contains."),
        click.option("--unit-number", help="单位编号."),
        click.option("--agency", help="社保经办机构 (name)."),
        click.option("--type", "type_code", help="Insured for this type code (e.g. 110)."),
        click.option("--status", type=click.Choice(values(EmployeeStatus)), help="正常缴费 / 停止缴费."),
        click.option("--group", help="分组 (id or path like 财务部/会计组; with its subgroups)."),
        click.option("--ungrouped", is_flag=True, help="Only employees in no group."),
        click.option("--view", type=click.Choice(svc.VIEWS), default="all", show_default=True,
                     help="month = 本月更新数据, stopped = 停止缴费职工清单."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _filter(registry: svc.RegistryService, *, name, id_number, unit_number, agency, type_code, status, group,
            ungrouped, view) -> svc.EmployeeFilter:
    flt = svc.EmployeeFilter(name=name or "", id_number=(id_number or "").upper(),
                             unit_number=unit_number, agency=agency, type_code=type_code,
                             status=status, group_id=_group_id(registry, group), ungrouped=ungrouped)
    return svc.view_filter(view, flt)


@click.group()
def employees() -> None:
    """职工参保信息管理: the local copy of the employee registry."""


@employees.command("list")
@filter_options
@click.option("--limit", type=int, help="At most this many rows.")
@EMPLOYER
@click.pass_obj
def list_employees(obj: Ctx, limit: int | None, uscc: str | None, **conditions: Any) -> None:
    """List employees from the local store (works offline)."""
    registry = _registry(obj, uscc)
    flt = _filter(registry, **conditions)
    count, rows = registry.iter_employees(flt, limit=limit)
    shown = list(rows)
    if obj.json:
        emit_json([_employee(r) for r in shown])
        return
    print_employees(shown, total=count)


def _employee(r: dict) -> dict:
    out = {k: r.get(k) for k in ("id", "name", "id_type", "id_number", "unit_numbers", "insured_types",
                                 "status", "group_id", "group", "changed_on")}
    if r.get("change"):
        out["change"] = r["change"]
    return out


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


@employees.command("show")
@click.argument("employee")
@EMPLOYER
@click.pass_obj
def show(obj: Ctx, employee: str, uscc: str | None) -> None:
    """职工详细参保信息 of one employee (id or ID number)."""
    registry = _registry(obj, uscc)
    row = _find(registry, employee)
    paths = registry.group_paths()
    row["group"] = paths.get(row.get("group_id") or "")
    if obj.json:
        emit_json(row)
        return
    click.echo(f"{row['name']}  {row['id_type']} {row['id_number']}  {STATUS.get(row['status'], row['status'])}"
               f"  分组：{row['group'] or '—'}  最后变更：{row.get('changed_on') or '—'}")
    types = catalogue().types
    for reg in row["registrations"]:
        names = "、".join(types[c].name if c in types else c for c in reg["insurance_types"])
        click.echo(f"  {reg['unit_number']}  {reg['agency']}  人员编号 {reg['person_number']}  {names}")
    for w in sorted(row["wages"], key=lambda w: (w["type"], w["period_from"])):
        click.echo(f"  {w['type']}  缴费工资 {w['wage']}  {w['period_from']} 至 {w['period_to']}")


def _find(registry: svc.RegistryService, employee: str) -> dict:
    row = registry.find_employee(employee)
    if row is None:
        fail(f"本地没有该职工：{employee}", EXIT_USAGE)
    return row


@employees.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@filter_options
@EMPLOYER
@click.pass_obj
def export(obj: Ctx, path: str, uscc: str | None, **conditions: Any) -> None:
    """Export the (filtered) list to an xlsx file (SPEC E7)."""
    registry = _registry(obj, uscc)
    flt = _filter(registry, **conditions)
    progress = FileProgress("导出", obj.json)
    try:
        n = registry.export_employees(path, flt, progress=progress)
    except OSError as exc:
        fail(f"导出失败：{exc}", EXIT_USAGE)
    progress.end()
    if obj.json:
        emit_json({"path": path, "rows": n})
    else:
        click.echo(f"已导出 {n} 行到 {path}")


@employees.command("assign")
@click.argument("employee")
@click.option("--group", "group", required=True, help="Group id or path, or 'none' to take the employee out.")
@EMPLOYER
@click.pass_obj
def assign(obj: Ctx, employee: str, group: str, uscc: str | None) -> None:
    """Put one employee (id or ID number) in a group: saved locally and queued in the outbox."""
    registry = _registry(obj, uscc)
    row = _find(registry, employee)
    gid = None if group.lower() == "none" else _group_id(registry, group)
    key = registry.assign(row["id"], gid)
    if obj.json:
        emit_json({"key": key, "state": OutboxState.QUEUED})
    else:
        click.echo(f"已保存并加入待发送队列（{key[:8]}），运行 sbtui sync 发送。")


# -- groups (SPEC E4) ---------------------------------------------------------------------------

@employees.group("groups", invoke_without_command=True)
@EMPLOYER
@click.pass_context
def groups(ctx: click.Context, uscc: str | None) -> None:
    """职工分组: without a command, the group tree."""
    ctx.meta["uscc"] = uscc
    if ctx.invoked_subcommand is not None:
        return
    obj: Ctx = ctx.obj
    items = _registry(obj, uscc).groups()
    if obj.json:
        emit_json(items)
        return
    for g in items:
        click.echo(f"{g['id']}  {g['path']}{'  （待发送）' if g['pending'] else ''}")


def _gregistry(ctx: click.Context) -> svc.RegistryService:
    return _registry(ctx.obj, ctx.meta.get("uscc"))


def _saved(obj: Ctx, data: dict, message: str) -> None:
    if obj.json:
        emit_json(data)
    else:
        click.echo(message)


def _change(fn, *args):
    try:
        return fn(*args)
    except (KeyError, ValueError) as exc:
        fail(str(exc.args[0] if exc.args else exc), EXIT_USAGE)


@groups.command("create")
@click.argument("name")
@click.option("--parent", help="Parent group (id or path).")
@click.pass_context
def create(ctx: click.Context, name: str, parent: str | None) -> None:
    """Create a group (at most three levels)."""
    registry = _gregistry(ctx)
    temp, key = _change(registry.create_group, name, _group_id(registry, parent))
    _saved(ctx.obj, {"id": temp, "key": key, "state": OutboxState.QUEUED}, f"已保存并加入待发送队列（{key[:8]}）。")


@groups.command("rename")
@click.argument("group")
@click.argument("name")
@click.pass_context
def rename(ctx: click.Context, group: str, name: str) -> None:
    """Rename a group (id or path)."""
    registry = _gregistry(ctx)
    key = _change(registry.rename_group, _group_id(registry, group), name)
    _saved(ctx.obj, {"key": key, "state": OutboxState.QUEUED}, f"已保存并加入待发送队列（{key[:8]}）。")


@groups.command("delete")
@click.argument("group")
@click.pass_context
def delete(ctx: click.Context, group: str) -> None:
    """Delete a group without subgroups; its employees are left in no group."""
    registry = _gregistry(ctx)
    key = _change(registry.delete_group, _group_id(registry, group))
    _saved(ctx.obj, {"key": key, "state": OutboxState.QUEUED}, f"已保存并加入待发送队列（{key[:8]}）。")


@groups.command("template")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--empty", is_flag=True, help="No employees prefilled (the official empty template).")
@click.pass_context
def template(ctx: click.Context, path: str, empty: bool) -> None:
    """批量编辑职工分组模板下载: the existing groups and (unless --empty) every employee."""
    progress = FileProgress("写入", ctx.obj.json)
    n = _gregistry(ctx).group_template(path, flt=None if empty else svc.EmployeeFilter(), progress=progress)
    progress.end()
    _saved(ctx.obj, {"path": path, "rows": n}, f"已保存到 {path}（{n} 名职工）")


@groups.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_assignments(ctx: click.Context, path: str) -> None:
    """批量编辑职工分组导入: good rows are saved and queued; every bad cell is listed."""
    _import(ctx, lambda registry, progress: registry.import_group_assignments(path, progress=progress))


@groups.command("tree-template")
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_context
def tree_template(ctx: click.Context, path: str) -> None:
    """分组模板: 一级分组 / 二级分组 / 三级分组, with the existing groups."""
    n = _gregistry(ctx).group_tree_template(path)
    _saved(ctx.obj, {"path": path, "rows": n}, f"已保存到 {path}（{n} 个分组）")


@groups.command("import-tree")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_tree(ctx: click.Context, path: str) -> None:
    """分组批量导入: create every missing group of the file's tree."""
    _import(ctx, lambda registry, progress: registry.import_group_tree(path, progress=progress), created=True)


def _import(ctx: click.Context, job, *, created: bool = False) -> None:
    from sbtui.xlsx.common import XlsxError

    obj: Ctx = ctx.obj
    progress = FileProgress("读取", obj.json)
    try:
        outcome = job(_gregistry(ctx), progress)
    except (XlsxError, KeyError, ValueError) as exc:
        fail(str(exc), EXIT_USAGE)
    progress.end()
    if obj.json:
        emit_json(outcome.to_json())
    else:
        what = "新增分组" if created else "导入"
        click.echo(f"{what} {outcome.loaded} {'个' if created else '行'}，跳过空行 {outcome.skipped} 行，"
                   f"错误 {len(outcome.errors)} 处。")
        for e in outcome.errors:
            click.echo(f"  {e}")
    raise SystemExit(EXIT_USAGE if outcome.errors else EXIT_OK)


# -- units (SPEC E8) ----------------------------------------------------------------------------

@click.group()
def units() -> None:
    """单位参保信息查询: the employer's unit numbers and their insurance types (read-only)."""


@units.command("list")
@click.option("--unit-number", help="Only this 单位编号.")
@click.option("--agency", help="Only this 社保经办机构.")
@click.option("--update", is_flag=True, help="「更新」: fetch the tax side's current information first.")
@click.option("--export", "path", type=click.Path(dir_okay=False), help="Also write the rows to this xlsx file.")
@EMPLOYER
@click.pass_obj
@run
async def list_units(obj: Ctx, unit_number: str | None, agency: str | None, update: bool,
                     path: str | None, uscc: str | None) -> None:
    """The unit insurance information, from the local store (or the service with --update)."""
    from sbtui.cli.data import ensure_session
    from sbtui.remote.errors import OfflineError

    uscc = current_uscc(obj, uscc)
    registry = obj.ws.employer(uscc).registry
    if update:
        try:
            await ensure_session(obj, uscc)
            await registry.update_registrations()
        except OfflineError as exc:
            fail(f"{exc.message}。显示的是本地数据。", EXIT_OFFLINE)
    regs = registry.units(unit_number=unit_number, agency=agency)
    if path:
        registry.export_units(path, unit_number=unit_number, agency=agency)
    if obj.json:
        emit_json(regs)
        return
    types = catalogue().types
    for r in regs:
        names = "、".join(types[c].name if c in types else c for c in r["insurance_types"])
        click.echo(f"{r['unit_number']}  {r['agency']}  {r['tax_authority']}  {r['payer_type']}  {r['status']}  {names}")
    if path:
        click.echo(f"已导出 {len(regs)} 行到 {path}")
