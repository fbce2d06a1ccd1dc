"""``sbtui users …`` (用户管理, SPEC U1), ``sbtui password …`` and ``sbtui employer info``
(系统设置, SPEC U2). User management and the password change are direct online actions: the
answer is shown at once (they are not queued in the outbox)."""
from __future__ import annotations

import click

from sbtui.cli.common import (EXIT_USAGE, Ctx, confirm, current_uscc, emit_json, fail, info,
                              read_secret, run)
from sbtui.cli.data import ensure_session
from sbtui.domain import vocab
from sbtui.domain.ids import check_uscc
from sbtui.domain.passwords import PASSWORD_RULE, username_problem

PERMISSIONS = {role.value: vocab.label(role) for role in vocab.PERMISSIONS}  # 全部功能 / 缴费, as the TUI
STATUSES = vocab.labels(vocab.UserStatus)
EMPLOYER_OPTION = click.option("--employer", "uscc", metavar="USCC",
                               help="Employer (default: the current one).")


def _user_line(u) -> str:
    notes = []
    if u.must_change_password:
        notes.append("待首次登录修改密码")
    if u.locked_until is not None:
        notes.append(f"锁定至{u.locked_until.astimezone():%H:%M:%S}")
    extra = f"（{'，'.join(notes)}）" if notes else ""
    return (f"用户 {u.username}：{PERMISSIONS.get(u.permission, u.permission)}，"
            f"{STATUSES.get(u.status, u.status)}{extra}")


def _show_user(obj: Ctx, user, done: str) -> None:
    if obj.json:
        emit_json(user)
    else:
        click.echo(f"{done}。{_user_line(user)}")


async def _admin(obj: Ctx, uscc: str | None) -> str:
    uscc = check_uscc(current_uscc(obj, uscc))
    await ensure_session(obj, uscc)
    return uscc


# -- sbtui users --------------------------------------------------------------------------------

@click.group()
def users() -> None:
    """用户管理: sub-users of the employer (administrator only; SPEC U1)."""


@users.command("list")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def list_users(obj: Ctx, uscc: str | None) -> None:
    """Users with their permission (全部功能 / 缴费), status and remark."""
    await _admin(obj, uscc)
    rows = await obj.ws.users.list()
    if obj.json:
        emit_json(rows)
        return
    if not rows:
        click.echo("尚未新增用户（sbtui users add 新增）。")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for title in ("序号", "用户名", "功能权限", "用户状态", "备注"):
        table.add_column(title, no_wrap=title != "备注", overflow="fold")
    for n, u in enumerate(rows, start=1):
        state = STATUSES.get(u.status, u.status) + ("·待改密" if u.must_change_password else "")
        table.add_row(str(n), u.username, PERMISSIONS.get(u.permission, u.permission), state, u.remark)
    Console().print(table)


@users.command("add")
@click.argument("username")
@click.option("--permission", type=click.Choice(sorted(PERMISSIONS)), required=True,
              help="all = 全部功能 (everything but user management); pay = 缴费 (payment only).")
@click.option("--remark", default="", help="备注.")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def add_user(obj: Ctx, username: str, permission: str, remark: str, uscc: str | None) -> None:
    """Add a user (4–12 letters or digits); its initial password is its name."""
    problem = username_problem(username)
    if problem:
        fail(problem, EXIT_USAGE)
    await _admin(obj, uscc)
    user = await obj.ws.users.add(username, permission, remark)
    _show_user(obj, user, "已新增用户，初始密码与用户名相同，首次登录时须修改")


@users.command("modify")
@click.argument("username")
@click.option("--permission", type=click.Choice(sorted(PERMISSIONS)), help="New permission.")
@click.option("--remark", help="New remark.")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def modify_user(obj: Ctx, username: str, permission: str | None, remark: str | None,
                      uscc: str | None) -> None:
    """Change a user's permission and/or remark (a new permission ends its sessions)."""
    if permission is None and remark is None:
        fail("请指定 --permission 或 --remark。", EXIT_USAGE)
    await _admin(obj, uscc)
    user = await obj.ws.users.modify(username, permission=permission, remark=remark)
    _show_user(obj, user, "已修改")


@users.command("disable")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def disable_user(obj: Ctx, username: str, yes: bool, uscc: str | None) -> None:
    """停用: the user can no longer log in (its sessions end)."""
    confirm(f"确定停用用户【{username}】吗？", yes=yes)
    await _admin(obj, uscc)
    _show_user(obj, await obj.ws.users.disable(username), "已停用")


@users.command("enable")
@click.argument("username")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def enable_user(obj: Ctx, username: str, uscc: str | None) -> None:
    """启用: a disabled user may log in again."""
    await _admin(obj, uscc)
    _show_user(obj, await obj.ws.users.enable(username), "已启用")


@users.command("reset")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def reset_user(obj: Ctx, username: str, yes: bool, uscc: str | None) -> None:
    """重置密码: back to the user name, to be changed at the next login."""
    confirm(f"确定将用户【{username}】的密码重置为初始密码（与用户名相同）吗？", yes=yes)
    await _admin(obj, uscc)
    _show_user(obj, await obj.ws.users.reset_password(username), "已重置密码")


# -- sbtui password -----------------------------------------------------------------------------

@click.group()
def password() -> None:
    """Passwords: the declaration password (申报密码) or a user's own, and the local login password."""


@password.command("change")
@click.option("--user", "username", metavar="NAME", help="Change this sub-user's password.")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def change(obj: Ctx, username: str | None, uscc: str | None) -> None:
    """Change the password of who is logged in (old, new, new): the declaration password for
    the administrator, the user's own with --user. SBTUI_PASSWORD / SBTUI_NEW_PASSWORD for scripts."""
    uscc = check_uscc(current_uscc(obj, uscc))
    ws = obj.ws
    session = await ws.resume(uscc, username=username)
    old = read_secret("SBTUI_PASSWORD", "原密码")
    same = session is not None and (username or "").lower() == (session.username or "").lower()
    if not same:
        session = await ws.login(uscc, old, username=username)
    new = read_secret("SBTUI_NEW_PASSWORD", f"新密码（{PASSWORD_RULE}）", confirm="再次输入新密码")
    session = await ws.change_password(old, new)
    kept = ws.keep_token(session)
    whose = f"用户 {session.username} 的密码" if session.username else "申报密码"
    if obj.json:
        emit_json({"uscc": uscc, "username": session.username, "role": session.role,
                   "token_stored": kept.token_stored})
        return
    click.echo(f"{whose}修改成功。")


@password.command("login-set")
@EMPLOYER_OPTION
@click.pass_obj
def login_set(obj: Ctx, uscc: str | None) -> None:
    """Enable or change the local login password that guards opening this employer here
    (登录密码设置; old: SBTUI_LOGIN_PASSWORD, new: SBTUI_NEW_LOGIN_PASSWORD)."""
    from sbtui.services.users import LoginPasswordError

    uscc = current_uscc(obj, uscc)
    ws = obj.ws
    old = read_secret("SBTUI_LOGIN_PASSWORD", "原登录密码") if ws.users.has_login_password(uscc) else None
    new = read_secret("SBTUI_NEW_LOGIN_PASSWORD", "新登录密码", confirm="再次输入新登录密码")
    try:
        ws.users.set_login_password(uscc, new, new, old=old)
    except LoginPasswordError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo("登录密码已修改。" if old else "登录密码已启用。")


@password.command("login-clear")
@EMPLOYER_OPTION
@click.pass_obj
def login_clear(obj: Ctx, uscc: str | None) -> None:
    """Disable the local login password (the current one is asked for)."""
    from sbtui.services.users import LoginPasswordError

    uscc = current_uscc(obj, uscc)
    ws = obj.ws
    if not ws.users.has_login_password(uscc):
        click.echo("未启用登录密码。")
        return
    try:
        ws.users.clear_login_password(uscc, read_secret("SBTUI_LOGIN_PASSWORD", "原登录密码"))
    except LoginPasswordError as exc:
        fail(str(exc), EXIT_USAGE)
    click.echo("登录密码已停用。")


# -- sbtui employer info ------------------------------------------------------------------------

@click.command("info")
@EMPLOYER_OPTION
@click.pass_obj
@run
async def employer_info(obj: Ctx, uscc: str | None) -> None:
    """单位信息: the employer's tax registration and its unit registrations (SPEC U2)."""
    await _admin(obj, uscc)
    e = await obj.ws.employer_info()
    if obj.json:
        emit_json(e)
        return
    for label, value in (("纳税人名称", e.name), ("纳税人识别号", e.uscc),
                         ("登记注册类型", e.registration_type), ("行业", e.industry),
                         ("登记状态", e.status), ("主管税务机关", e.tax_authority),
                         ("主管税务所（科、分局）", e.tax_branch), ("生产经营地址", e.address)):
        click.echo(f"{label}：{value}")
    click.echo("参保登记：")
    for g in e.registrations:
        click.echo(f"  单位编号 {g.unit_number}  {g.agency}  {g.payer_type}  {g.status}")
    if not e.registrations:
        info("  （无）")
