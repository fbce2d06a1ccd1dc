"""``sbtui home``: the home page as text or JSON (SPEC H2–H5): to-do, alerts, notices and
messages, this month's deadline, quick buttons; ``sbtui home buttons`` sets the buttons."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

import click

from sbtui.cli.common import EXIT_OFFLINE, EXIT_USAGE, Ctx, current_uscc, emit_json, fail, run
from sbtui.domain.ids import check_uscc
from sbtui.services.home import OFFLINE, QUICK_ACTIONS, HomeSummary
from sbtui.remote.errors import OfflineError


@click.group(invoke_without_command=True)
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Show the page as of this day.")
@click.pass_context
def home(ctx: click.Context, uscc: str | None, today) -> None:
    """首页: to-do, alerts, notices and messages, this month's deadline, quick buttons.

    Works offline: the alerts come from the local store, and what needs the service is listed
    as unavailable (exit code 3 when the service could not be reached)."""
    if ctx.invoked_subcommand is None:
        show(uscc, today.date() if today else None)


@run
async def show(uscc: str | None, today: date | None) -> None:
    obj: Ctx = click.get_current_context().obj
    uscc = check_uscc(current_uscc(obj, uscc))
    ws = obj.ws
    online = True
    try:
        await ws.resume(uscc)  # a kept token or SBTUI_PASSWORD; never prompts
    except OfflineError:
        online = False
    summary = await ws.employer(uscc).home.summary(today=today, online=online)
    if obj.json:
        emit_json({**asdict(summary), "unread": summary.unread})
    else:
        print_summary(summary)
    if OFFLINE in summary.unavailable.values():
        raise SystemExit(EXIT_OFFLINE)


def print_summary(s: HomeSummary) -> None:
    echo = click.echo
    left = (s.deadline - s.today).days
    echo(f"当前登录单位：{s.name or ''}（{s.uscc}）")
    echo(f"本月缴费期限：{s.deadline:%Y-%m-%d}（{f'还有 {left} 天' if left >= 0 else '已过'}）")
    unread = f"（未读 {s.unread} 条）" if s.messages else ""
    sections = (
        ("待办事项", "todo", [f"· {i.text}" for i in s.todo or ()]),
        ("异常提醒", None, [f"! {a.text}" for a in s.alerts]),
        ("通知公告", "notices", [f"{n.date:%Y-%m-%d}  {n.title}" for n in s.notices or ()]),
        (f"消息中心{unread}", "messages",
         [f"{' ' if m.read else '●'} {m.date:%Y-%m-%d}  {m.title}" for m in s.messages or ()]),
    )
    for title, part, lines in sections:
        echo(f"\n{title}：")
        why = s.unavailable.get(part) if part else None
        for line in lines or [f"（暂不可用：{why}）" if why else "（无）"]:
            echo(f"  {line}")
    echo("\n快捷按钮：" + "  ".join(f"[{b.label}]" for b in s.quick_buttons))


@home.command("buttons")
@click.argument("action_ids", nargs=-1)
@click.pass_obj
def buttons(obj: Ctx, action_ids: tuple[str, ...]) -> None:
    """Show the quick buttons, or set them to ACTION_IDS (in order). Known ids: declare.daily,
    declare.special, pay, certificate, wages.declare, employees, query.dues, refund."""
    ws = obj.ws
    if action_ids:
        try:
            ws.settings.set_quick_buttons(list(action_ids))
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
    ids = ws.config.quick_buttons
    if obj.json:
        emit_json([{"id": a, "label": QUICK_ACTIONS[a][0]} for a in ids if a in QUICK_ACTIONS])
        return
    click.echo("快捷按钮：" + "  ".join(f"{QUICK_ACTIONS[a][0]}（{a}）" for a in ids if a in QUICK_ACTIONS))
