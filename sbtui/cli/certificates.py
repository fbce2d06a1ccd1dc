"""``sbtui certificates list|issue|reissue|verify`` (证明打印, SPEC C1–C3; issue 13): the CLI
twins of 税收完税证明（非印刷） 开具, 补开 and 查验.

Issuing and 补开 need the service (the certificate is printed from its answer): each is sent at
once under its idempotency key; offline they are refused (exit 3), nothing queued. ``verify``
exits 0 for a genuine certificate and 1 for one that is not (a forged number, a wrong code).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sbtui.cli.common import (
    EMPLOYER,
    EXIT_OFFLINE,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON,
    OUTPUT,
    Ctx,
    current_uscc,
    day_option,
    emit_json,
    emit_rows,
    fail,
    run,
)
from sbtui.cli.data import online, require_online
from sbtui.domain.certify import period_text
from sbtui.domain.models import Certificate
from sbtui.services.certificates import CertificateError
from sbtui.services.list_tables import certificates_table

OFFLINE = "当前无法连接服务，开具或补开完税证明需要联网，请联网后重试。"


def cert_row(cert: Certificate, path: Path | None = None) -> dict[str, Any]:
    data = cert.model_dump(mode="json")
    data["path"] = str(path) if path else None
    return data


def cert_text(cert: Certificate) -> str:
    return (f"{cert.number}  填发日期 {cert.issued_on}  金额合计 {cert.total:,.2f}"
            f"  第 {cert.print_count} 次打印  验证码 {cert.code}  {len(cert.rows)} 行")


def _targets(output: str | None, certs: list[Certificate]) -> list[Path | None]:
    """Where each certificate's PDF goes: ``F.pdf`` for one (``F-NUMBER.pdf`` beside it for
    several), or ``DIR/NUMBER.pdf`` when ``output`` is not a .pdf name."""
    if not output:
        return [None] * len(certs)
    out = Path(output)
    if out.suffix.lower() == ".pdf":
        if len(certs) == 1:
            return [out]
        return [out.with_name(f"{out.stem}-{c.number}.pdf") for c in certs]
    out.mkdir(parents=True, exist_ok=True)
    return [out / f"{c.number}.pdf" for c in certs]


def _emit(obj: Ctx, as_json: bool, certs: list[Certificate], svc, output: str | None) -> None:
    written = [svc.write_pdf(c.number, p) if p else None for c, p in zip(certs, _targets(output, certs))]
    if obj.json or as_json:
        emit_json([cert_row(c, p) for c, p in zip(certs, written)])
        return
    for c, p in zip(certs, written):
        click.echo(cert_text(c))
        for r in c.rows:
            click.echo(f"  {r.ticket_number}  {r.tax_type}  {r.item_name}"
                       f"  {period_text(r.period_from, r.period_to)}  入库 {r.booked_on}  {r.amount:,.2f}")
        if p:
            click.echo(f"已保存到 {p}")


@click.group()
def certificates() -> None:
    """证明打印: 税收完税证明（非印刷） — list, issue, reissue (补开), verify (查验)."""


@certificates.command("list")
@click.option("--date-from", metavar="YYYY-MM-DD", help="填发日期起.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="填发日期止.")
@click.option("--refresh", is_flag=True, help="Ask the service first.")
@OUTPUT
@JSON
@EMPLOYER
@click.pass_obj
@run
async def certificates_list(obj: Ctx, date_from: str | None, date_to: str | None, refresh: bool,
                            output: str | None, as_json: bool, uscc: str | None) -> None:
    """The certificates issued, by 填发日期, newest first (as last synced, or --refresh;
    --output: also to xlsx)."""
    date_from, date_to = day_option(date_from, "--date-from"), day_option(date_to, "--date-to")
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).certificates
    if refresh:
        await require_online(obj, uscc)
        await svc.refresh()
    emit_rows(obj, as_json, svc.certificates(date_from, date_to), cert_row, cert_text, "没有完税证明。",
              output=output, table=certificates_table)


@certificates.command("issue")
@click.option("--period-from", metavar="YYYY-MM", help="税款所属期起.")
@click.option("--period-to", metavar="YYYY-MM", help="税款所属期止.")
@click.option("--line", "keys", multiple=True, metavar="KEY", help="A paid line (repeatable).")
@click.option("--mode", type=click.Choice(["separate", "merged"]), default=None,
              help="separate: one per paid record (default); merged: lines joined.")
@click.option("--merged", is_flag=True, help="Same as --mode merged.")
@click.option("--output", metavar="F.pdf|DIR", help="Write the PDF(s) here.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def certificates_issue(obj: Ctx, period_from: str | None, period_to: str | None,
                             keys: tuple[str, ...], mode: str | None, merged: bool,
                             output: str | None, as_json: bool, uscc: str | None) -> None:
    """开具 税收完税证明（非印刷） for the paid lines of a 所属期 range or the lines --line.
    Prints number, total, print_count and code of each. Exit 1 when the service refuses
    (nothing left to certify …), 3 offline."""
    if bool(keys) == bool(period_from):
        fail("请用 --period-from/--period-to 指定税款所属期，或用 --line 指定缴费记录（二选一）。", EXIT_USAGE)
    if merged and mode == "separate":
        fail("--merged 与 --mode separate 不能同时使用。", EXIT_USAGE)
    mode = "merged" if merged else (mode or "separate")
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).certificates
    if not await online(obj, uscc):
        fail(OFFLINE, EXIT_OFFLINE)
    try:
        certs = await svc.issue(period_from=period_from, period_to=period_to, keys=keys, mode=mode)
    except CertificateError as exc:
        fail(str(exc), EXIT_USAGE)
    _emit(obj, as_json, certs, svc, output)
    raise SystemExit(EXIT_OK)


@certificates.command("reissue")
@click.argument("number_arg", required=False, metavar="[NUMBER]")
@click.option("--number", help="The certificate's number (No.).")
@click.option("--date-from", metavar="YYYY-MM-DD", help="填发日期起: every certificate issued from.")
@click.option("--date-to", metavar="YYYY-MM-DD", help="填发日期止.")
@click.option("--output", metavar="F.pdf|DIR", help="Write the PDF(s) here.")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def certificates_reissue(obj: Ctx, number_arg: str | None, number: str | None,
                               date_from: str | None, date_to: str | None, output: str | None,
                               as_json: bool, uscc: str | None) -> None:
    """补开: the same certificate(s), the print count one higher — by number, or every one
    issued in a 填发日期 range."""
    number = number or number_arg
    if bool(number) == bool(date_from or date_to):
        fail("请用 --number 指定证明号码，或用 --date-from/--date-to 指定填发日期（二选一）。", EXIT_USAGE)
    date_from, date_to = day_option(date_from, "--date-from"), day_option(date_to, "--date-to")
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).certificates
    if not await online(obj, uscc):
        fail(OFFLINE, EXIT_OFFLINE)
    if number:
        numbers = [number]
    else:
        await svc.refresh()
        numbers = [c.number for c in svc.certificates(date_from, date_to)]
        if not numbers:
            fail("所选填发日期内没有完税证明。", EXIT_USAGE)
    certs = [await svc.reprint(n) for n in numbers]
    _emit(obj, as_json, certs, svc, output)


certificates.add_command(certificates_reissue, "reprint")


@certificates.command("verify")
@click.argument("number")
@click.argument("code_arg", required=False, metavar="[CODE]")
@click.option("--code", help="The verification code (验证码).")
@JSON
@EMPLOYER
@click.pass_obj
@run
async def certificates_verify(obj: Ctx, number: str, code_arg: str | None, code: str | None,
                              as_json: bool, uscc: str | None) -> None:
    """查验: genuine or not, and what it covers. Exit 0 genuine, 1 not genuine, 3 offline."""
    code = code or code_arg
    if not code:
        fail("请输入验证码（--code）。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).certificates
    if not await online(obj, uscc):
        fail("当前无法连接服务，查验需要联网。", EXIT_OFFLINE)
    check = await svc.verify(number, code)
    if obj.json or as_json:
        emit_json(check.model_dump(mode="json"))
    elif check.genuine:
        click.echo(f"真实有效：{check.number}  {check.taxpayer_name}（{check.uscc}）  填发日期 {check.issued_on}"
                   f"  金额合计 {check.total:,.2f}  第 {check.print_count} 次打印")
        for r in check.rows:
            click.echo(f"  {r.ticket_number}  {r.tax_type}  {r.item_name}"
                       f"  {period_text(r.period_from, r.period_to)}  {r.amount:,.2f}")
    else:
        click.echo(f"查验不通过：证明号码 {number} 与验证码不符，该证明不是真实的。")
    raise SystemExit(EXIT_OK if check.genuine else EXIT_REFUSED)
