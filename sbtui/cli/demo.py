"""``sbtui demo`` (also plain ``sbtui`` until the TUI lands): the demo employer on the embedded
sandbox — added, logged in, synced, listed — with no setup at all."""
from __future__ import annotations

import os

import click

from sbtui.cli.common import EXIT_USAGE, Ctx, Progress, fail, info, run
from sbtui.domain.passwords import initial_password
from sbtui.remote.errors import WrongPasswordError

DEMO_PASSWORD = "sbtui2026"


@click.command()
@click.option("--limit", default=20, show_default=True, help="Employees to list.")
@click.pass_obj
@run
async def demo(obj: Ctx, limit: int = 20) -> None:
    """Sync the embedded sandbox's demo employer and list its employees.

    The first run changes the demo employer's initial declaration password (the last 6 digits
    of its unit number) to the demo password sbtui2026 (SBTUI_PASSWORD to choose another);
    log in with that one afterwards, also in the full-screen client."""
    ws = obj.ws
    if not ws.embedded:
        fail("演示只在内置沙箱上运行：请去掉 --remote / SBTUI_REMOTE。", EXIT_USAGE)
    facts = ws.sandbox_facts()
    uscc = facts["uscc"]
    password = os.environ.get("SBTUI_PASSWORD") or DEMO_PASSWORD
    if ws.config.employer(uscc) is None:
        info(f"内置沙箱服务：演示单位 {facts['name']}（{uscc}）")
        record = (await ws.lookup_employer(uscc))[0]
        first = initial_password(facts["unit_numbers"][0])
        try:
            session = await ws.login(uscc, first)
        except WrongPasswordError:  # changed in an earlier demo run on this sandbox
            session = await ws.login(uscc, password)
        if session.must_change_password:
            session = await ws.change_password(first, password)
            info(f"首次登录须修改初始申报密码：初始密码 {first} 已修改为演示密码 {password}。")
        regs = await ws.service().registrations()
        ws.save_employer(record, regs)
        ws.keep_token(session)
    else:
        await ws.resume(uscc, password)
    progress = Progress()
    result = await ws.sync(uscc, progress=progress)
    progress.end()
    from sbtui.cli.employees import print_employees
    from sbtui.services.registry import EmployeeFilter

    count, rows = ws.employer(uscc).registry.iter_employees(EmployeeFilter(), limit=limit)
    print_employees(list(rows), total=count)
    click.echo(f"数据目录：{ws.data_dir}    更多命令：sbtui --help")
    info(f"演示单位的申报密码现为 {password}（不再是初始密码 {initial_password(facts['unit_numbers'][0])}）："
         "在 sbtui 全屏客户端中登录演示单位时请输入它。")
    del result
