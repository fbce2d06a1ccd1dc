"""``sbtui sync``, ``sbtui outbox``, ``sbtui employees …`` and ``sbtui region show``."""
from __future__ import annotations

import click

from sbtui.cli.common import (EXIT_AUTH, EXIT_OFFLINE, EXIT_OK, EXIT_REFUSED, Ctx, Progress, current_uscc,
                              emit_json, fail, info, interactive, run)
from sbtui.domain.vocab import OUTBOX_PENDING, OUTBOX_PENDING_LABEL, OutboxState, label, labels


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
        pending = obj.ws.employer(uscc).outbox_counts()
        if obj.json and result is not None:
            emit_json(asdict(result))
        n = sum(pending[s] for s in OUTBOX_PENDING)
        fail(f"{offline}。本地数据均已保存，{OUTBOX_PENDING_LABEL} {n} 项将在联网后发送。", EXIT_OFFLINE)
    data = asdict(result)
    if obj.json:
        emit_json(data)
    else:
        kind = "全量更新" if result.full else "增量更新"
        click.echo(f"{kind}完成：新增 {result.added} 人，变更 {result.changed} 人，停止缴费 {result.stopped} 人；"
                   f"本地共 {result.total} 人。")
        if result.pushed or result.refused:
            click.echo(f"{label(OutboxState.CONFIRMED)} {result.pushed} 项，{label(OutboxState.REFUSED)} "
                       f"{result.refused} 项（sbtui outbox 查看原因）。")
    raise SystemExit(EXIT_REFUSED if result.refused else EXIT_OK)


STATE_LABELS = labels(OutboxState)  # the TUI's 待发送队列 prints the same (sbtui.domain.vocab)


@click.command()
@click.option("--state", type=click.Choice(list(STATE_LABELS)), help="Only items in this state.")
@click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
@click.pass_obj
def outbox(obj: Ctx, state: str | None, uscc: str | None) -> None:
    """What is queued, sent, confirmed or refused (the local outbox)."""
    employer = obj.ws.employer(current_uscc(obj, uscc))
    items = employer.outbox_items(state)
    if obj.json:
        emit_json({"counts": employer.outbox_counts(), "items": [_item(i) for i in items]})
        return
    counts = employer.outbox_counts()
    click.echo("  ".join(f"{text} {counts.get(k, 0)}" for k, text in STATE_LABELS.items()))
    for i in items:
        d = _item(i)
        line = f"{d['key'][:8]}  {label(d['state'], OutboxState)}  {d['kind']}  {d['entity'] or ''}"
        if d.get("last_error"):
            line += f"  原因：{d['last_error']}"
        click.echo(line)


LOCAL_ONLY = "无法连接服务。不加 --refresh 可查看本地记录。"


async def require_online(obj: Ctx, uscc: str, message: str = LOCAL_ONLY) -> None:
    """Log in if needed; the service unreachable → ``message``, exit 3."""
    if not await online(obj, uscc):
        fail(message, EXIT_OFFLINE)


async def online(obj: Ctx, uscc: str) -> bool:
    """Log in if needed; ``False`` when the service cannot be reached."""
    from sbtui.remote.errors import OfflineError

    try:
        await ensure_session(obj, uscc)
    except OfflineError:
        return False
    return True


def _item(i) -> dict:
    d = dict(i) if isinstance(i, dict) else i.__dict__.copy()
    return {k: d.get(k) for k in ("key", "kind", "entity", "state", "attempts", "last_error", "created_at", "updated_at")}


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
