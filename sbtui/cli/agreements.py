"""``sbtui agreements list|add|modify|verify|void|revoke`` (单位三方协议管理, SPEC A1; issue 12).

Changes are saved locally and queued (offline too), then sent; ``verify --wait`` waits for
the bank's answer (验证通过, or 验证失败 with the reason). An agreement prints ``id``,
``status`` and ``reason``.
"""
from __future__ import annotations

from typing import Any

import click

from sbtui.cli.common import (
    EMPLOYER,
    EXIT_AUTH,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON,
    OUTPUT,
    Ctx,
    confirm,
    current_uscc,
    emit_json,
    emit_rows,
    fail,
    info,
    run,
)
from sbtui.cli.data import online
from sbtui.domain.pay import ONE_BATCH, PaymentError
from sbtui.domain.vocab import AgreementStatus
from sbtui.services.list_tables import agreements_table

QUEUED = "已保存到待发送队列，联网后发送（sbtui sync）。"
FIELDS = ("id", "status", "reason", "batch", "tax_authority", "region", "region_name", "bank", "branch",
          "account_name", "account", "created_at", "verify_at", "decided_at", "pending", "message")


def row_json(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r.get(k) for k in FIELDS}


def row_text(r: dict[str, Any]) -> str:
    kind = "费批扣" if r.get("batch") else "费非批扣"
    status = r["status"] + ("（待发送）" if r.get("pending") else "")
    text = (f"{r['id']}  {status}  {kind}  {r['bank']} {r['branch']}  {r['account_name']}  {r['account']}"
            f"  {r['tax_authority']}")
    if r.get("reason"):
        text += f"  原因：{r['reason']}"
    if r.get("message"):
        text += f"  {r['message']}"
    return text


@click.group()
def agreements() -> None:
    """单位三方协议管理: list, add, modify, verify, void (作废), revoke (撤销)."""


@agreements.command("list")
@click.option("--refresh", is_flag=True, help="Send what is queued and ask the service first.")
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def list_cmd(obj: Ctx, refresh: bool, output: str | None, as_json: bool, uscc: str | None) -> None:
    """The agreements (as last synced, and those changed here and not sent yet; --output: also
    to xlsx)."""
    from sbtui.remote.errors import OfflineError

    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    if refresh:
        try:
            if not await online(obj, uscc):
                raise OfflineError("无法连接服务")
            await svc.feedback()
            await svc.refresh()
        except OfflineError as exc:
            fail(f"{exc.message}。不加 --refresh 可查看本地记录。", EXIT_OFFLINE)
    emit_rows(obj, as_json, svc.agreements(), row_json, row_text, "没有三方协议（sbtui agreements add 新增）。",
              output=output, table=agreements_table)


def _form_options(f):
    for option in reversed([
        click.option("--bank", help="银行行别."),
        click.option("--branch", help="开户网点."),
        click.option("--account-name", help="账户名称."),
        click.option("--account", help="缴费账号."),
        click.option("--batch/--no-batch", default=None, help="费批扣 (at most one agreement) / 费非批扣."),
        click.option("--tax-authority", help="所属税务机关 (default: the employer's)."),
        click.option("--region", help="行政区划 code (default: the employer's)."),
    ]):
        f = option(f)
    return f


async def _send(obj: Ctx, uscc: str, key: str, *, wait: bool, timeout: float, as_json: bool) -> None:
    """Send the outbox (and with ``wait`` poll the verification); print the agreement; exit."""
    from sbtui.remote.errors import OfflineError

    svc = obj.ws.employer(uscc).agreements
    code = EXIT_OK
    try:
        if not await online(obj, uscc):
            raise OfflineError("无法连接服务")
        await svc.feedback(wait=wait, timeout=timeout)
    except OfflineError as exc:
        info(f"{exc.message}。{QUEUED}")
        code = EXIT_OFFLINE
    except SystemExit as exc:
        if exc.code == EXIT_AUTH:
            info(QUEUED)
        raise
    state, reason = svc.result(key)
    row = svc.by_key(key)
    if state == "refused":
        code = EXIT_REFUSED
    if as_json:
        data = row_json(row) if row else {}
        data.update(outbox=state, refused=reason if state == "refused" else None)
        emit_json(data)
    else:
        if row:
            click.echo(row_text(row))
        if state == "refused":
            info(f"被拒绝：{reason}")
    if row and row["status"] == AgreementStatus.REFUSED:
        code = EXIT_REFUSED
    raise SystemExit(code)


@agreements.command("add")
@_form_options
@JSON
@EMPLOYER
@click.pass_obj
@run
async def add(obj: Ctx, bank: str | None, branch: str | None, account_name: str | None, account: str | None,
              batch: bool | None, tax_authority: str | None, region: str | None, as_json: bool,
              uscc: str | None) -> None:
    """新增: a three-party agreement (未验证 until `sbtui agreements verify`)."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    if not svc.defaults()["tax_authority"] and not tax_authority and await online(obj, uscc):
        await svc.refresh()
    form = {"bank": bank or "", "branch": branch or "", "account_name": account_name or "",
            "account": account or "", "batch": bool(batch), "tax_authority": tax_authority or "",
            "region": region or ""}
    try:
        key = svc.add(form)
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE if exc.message != ONE_BATCH else EXIT_REFUSED)
    await _send(obj, uscc, key, wait=False, timeout=0, as_json=as_json or obj.json)


@agreements.command("modify")
@click.argument("ident", metavar="ID")
@_form_options
@JSON
@EMPLOYER
@click.pass_obj
@run
async def modify(obj: Ctx, ident: str, bank: str | None, branch: str | None, account_name: str | None,
                 account: str | None, batch: bool | None, tax_authority: str | None, region: str | None,
                 as_json: bool, uscc: str | None) -> None:
    """修改: change an agreement (the options given; the rest kept); it goes back to 未验证."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    row = svc.agreement(ident)
    if row is None:
        fail(f"三方协议{ident}不存在。", EXIT_USAGE)
    given = {"bank": bank, "branch": branch, "account_name": account_name, "account": account, "batch": batch,
             "tax_authority": tax_authority, "region": region}
    form = {k: (v if v is not None else row[k]) for k, v in given.items()}
    try:
        key = svc.modify(ident, form)
    except PaymentError as exc:
        fail(exc.message, EXIT_USAGE if exc.message != ONE_BATCH else EXIT_REFUSED)
    await _send(obj, uscc, key, wait=False, timeout=0, as_json=as_json or obj.json)


@agreements.command("verify")
@click.argument("ident", metavar="ID")
@click.option("--wait", is_flag=True, help="Wait for the bank's answer (验证通过 / 验证失败).")
@click.option("--timeout", default=120, show_default=True, help="Seconds to wait.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def verify(obj: Ctx, ident: str, wait: bool, timeout: int, as_json: bool, uscc: str | None) -> None:
    """验证: send the agreement to the bank (TIPS) for verification. Exit 1 when refused."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    try:
        key = svc.verify(ident)
    except PaymentError as exc:
        fail(exc.message, EXIT_REFUSED)
    await _send(obj, uscc, key, wait=wait, timeout=timeout, as_json=as_json or obj.json)


@agreements.command("void")
@click.argument("ident", metavar="ID")
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def void(obj: Ctx, ident: str, yes: bool, as_json: bool, uscc: str | None) -> None:
    """作废: end an agreement (协议终止)."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    confirm(f"确认作废三方协议 {ident}？", yes=yes)
    try:
        key = svc.void(ident)
    except PaymentError as exc:
        fail(exc.message, EXIT_REFUSED)
    await _send(obj, uscc, key, wait=False, timeout=0, as_json=as_json or obj.json)


@agreements.command("revoke")
@click.argument("ident", metavar="ID")
@click.option("--yes", is_flag=True, help="Confirm without asking.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def revoke(obj: Ctx, ident: str, yes: bool, as_json: bool, uscc: str | None) -> None:
    """撤销: end a verified agreement (协议终止)."""
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).agreements
    confirm(f"确认撤销三方协议 {ident}？", yes=yes)
    try:
        key = svc.revoke(ident)
    except PaymentError as exc:
        fail(exc.message, EXIT_REFUSED)
    await _send(obj, uscc, key, wait=False, timeout=0, as_json=as_json or obj.json)
