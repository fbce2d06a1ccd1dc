"""``sbtui employer add|list|use|remove`` and ``sbtui login`` (SPEC L2–L4)."""
from __future__ import annotations

import os

import click

from sbtui.cli.common import (EXIT_USAGE, Ctx, Progress, confirm, current_uscc, emit_json, fail, info,
                              interactive, read_secret, run)
from sbtui.domain.ids import check_uscc
from sbtui.domain.models import Session
from sbtui.domain.passwords import PASSWORD_RULE, password_problem


@click.group()
def employer() -> None:
    """Employers on this machine (单位管理)."""


async def password_login(ws, uscc: str, prompt: str, *, username: str | None = None) -> tuple[Session, str]:
    """Log in; on a terminal a wrong password is asked again while attempts are left (SPEC L4)."""
    from sbtui.remote.errors import WrongPasswordError

    while True:
        password = read_secret("SBTUI_PASSWORD", prompt)
        try:
            return await ws.login(uscc, password, username=username), password
        except WrongPasswordError as exc:
            left = exc.detail.get("attempts_left")
            if os.environ.get("SBTUI_PASSWORD") or not interactive() or not left:
                raise
            info(f"{exc.message}（还可尝试 {left} 次）")


async def forced_change(ws, old: str) -> Session:
    """New password twice, equal, not the initial one; asked again on a terminal (SPEC L2)."""
    from sbtui.remote.errors import RefusedError

    scripted = bool(os.environ.get("SBTUI_NEW_PASSWORD")) or not interactive()
    while True:
        new = read_secret("SBTUI_NEW_PASSWORD", f"新申报密码（{PASSWORD_RULE}，不能与初始密码相同）")
        again = os.environ.get("SBTUI_NEW_PASSWORD") or click.prompt("再次输入新申报密码", hide_input=True)
        problem = password_problem(new, again, initial=[old])
        if problem is None:
            try:
                return await ws.change_password(old, new)
            except RefusedError as exc:
                problem = exc.message
        if scripted:
            fail(problem, EXIT_USAGE)
        info(problem)


async def first_login(ws, uscc: str, *, quiet: bool) -> Session:
    """Security check with the declaration password, then the forced change (SPEC L2)."""
    session, password = await password_login(ws, uscc, "申报密码（初始密码为任一单位编号的后6位）")
    if session.must_change_password:
        if not quiet:
            info("首次登录须修改初始申报密码。")
        session = await forced_change(ws, password)
        if not quiet:
            info("申报密码修改成功。")
    return session


@employer.command("add")
@click.argument("uscc")
@click.option("--repeat", metavar="USCC", help="The USCC typed a second time (asked for on a terminal).")
@click.option("--yes", is_flag=True, help="Confirm the employer record and the registration info (我已确认无误).")
@click.option("--no-sync", is_flag=True, help="Do not download the registry now.")
@click.pass_obj
@run
async def add(obj: Ctx, uscc: str, repeat: str | None, yes: bool, no_sync: bool) -> None:
    """Add an employer by its 纳税人识别号 (USCC): lookup, password check, forced change, confirm.

    Passwords come from a terminal prompt, or SBTUI_PASSWORD (the initial or current one)
    and SBTUI_NEW_PASSWORD (the forced change) for scripts.
    """
    uscc = check_uscc(uscc)
    if repeat is None and interactive():
        repeat = click.prompt("请再次输入纳税人识别号")
    if repeat is not None and repeat.strip().upper() != uscc:
        fail("两次输入的纳税人识别号不一致。", EXIT_USAGE)
    ws = obj.ws
    records = await ws.lookup_employer(uscc)
    record = records[0]
    if not obj.json:
        for r in records:
            info(f"单位名称：{r.name}\n纳税人识别号：{r.uscc}\n主管税务机关：{r.tax_authority}\n"
                 f"主管税务所（科、分局）：{r.tax_branch}\n登记状态：{r.status}")
    confirm(f"确认添加【{record.name}】？", yes=yes)
    session = await first_login(ws, uscc, quiet=obj.json)
    regs = await ws.service().registrations()
    if not obj.json:
        info("登记信息：")
        for g in regs:
            info(f"  {g.agency}\n    单位编号 {g.unit_number}  {g.payer_type}  {g.tax_authority}")
    confirm("我已确认无误", yes=yes)
    ws.save_employer(record, regs)
    kept = ws.keep_token(session)
    if not kept.token_stored and not obj.json:
        info(kept.note or "")
    result = None
    if not no_sync:
        progress = Progress(quiet=obj.json)
        result = await ws.sync(uscc, progress=progress)
        progress.end()
    if obj.json:
        emit_json({"employer": record, "registrations": regs, "token_stored": kept.token_stored,
                   "sync": _result_dict(result)})
    else:
        click.echo(f"已添加单位：{record.name}（{uscc}）")
        if result is not None:
            click.echo(f"职工信息已下载：共 {result.total} 人")


def _result_dict(result) -> dict | None:
    if result is None:
        return None
    from dataclasses import asdict, is_dataclass

    return asdict(result) if is_dataclass(result) else dict(result)


@employer.command("list")
@click.pass_obj
def list_(obj: Ctx) -> None:
    """Employers added on this machine; * marks the current one."""
    cfg = obj.ws.config
    if obj.json:
        emit_json([{"uscc": e.uscc, "name": e.name, "current": e.uscc == cfg.current} for e in cfg.employers])
        return
    if not cfg.employers:
        click.echo("尚未添加单位。")
    for e in cfg.employers:
        click.echo(f"{'*' if e.uscc == cfg.current else ' '} {e.uscc}  {e.name}")


@employer.command("use")
@click.argument("uscc")
@click.pass_obj
def use(obj: Ctx, uscc: str) -> None:
    """Make USCC the current employer (单位管理 → 切换)."""
    cfg = obj.ws.config
    if cfg.employer(uscc) is None:
        fail(f"本机未添加单位 {uscc}。", EXIT_USAGE)
    cfg.current = uscc
    cfg.save()
    click.echo(f"当前单位：{cfg.employer(uscc).name}")


@employer.command("remove")
@click.argument("uscc")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def remove(obj: Ctx, uscc: str, yes: bool) -> None:
    """Delete an employer and its local data from this machine (never the service's data)."""
    ws = obj.ws
    entry = ws.config.employer(uscc)
    if entry is None:
        fail(f"本机未添加单位 {uscc}。", EXIT_USAGE)
    confirm(f"确定删除单位【{entry.name}】及其本地数据吗？", yes=yes)
    ws.remove_employer(uscc)
    click.echo(f"已删除：{entry.name}")


@click.command()
@click.option("--employer", "uscc", metavar="USCC", help="Employer to log in to (default: the current one).")
@click.option("--user", "username", metavar="NAME", help="用户名密码登录 (sub-user) instead of 单位密码登录.")
@click.pass_obj
@run
async def login(obj: Ctx, uscc: str | None, username: str | None) -> None:
    """Log in with the declaration password (SBTUI_PASSWORD or a prompt); keep the session token."""
    uscc = check_uscc(current_uscc(obj, uscc))
    ws = obj.ws
    prompt = f"用户 {username} 的密码" if username else "申报密码"
    session, password = await password_login(ws, uscc, prompt, username=username)
    if session.must_change_password:
        session = await forced_change(ws, password)
    kept = ws.keep_token(session)
    if obj.json:
        emit_json({"uscc": uscc, "role": session.role, "token_stored": kept.token_stored,
                   "expires_at": session.expires_at})
        return
    click.echo("登录成功。")
    if not kept.token_stored:
        info(kept.note or "")
