"""``sbtui proofs unit|employee`` (证明打印 › 单位缴费证明, 职工缴费证明; SPEC C4, issue 13): the
proof of a 费款所属期 range as PDF — per month × 险种, 缴费基数 and 实缴金额, totals in figures and
capitals — from the employees' booked lines the service returns (online only, exit 3 offline).
``--json`` prints what was written: the file, the period, each proof's rows and totals.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sbtui.cli.common import EMPLOYER, EXIT_OFFLINE, EXIT_USAGE, Ctx, current_uscc, emit_json, fail, run
from sbtui.cli.data import online
from sbtui.domain.money import format_money, money_in_words
from sbtui.domain.proofs import Proof
from sbtui.forms.common import FormError
from sbtui.services.proofs import OFFLINE_PROOF, ProofError

PERIOD_FROM = click.option("--period-from", required=True, metavar="YYYY-MM", help="费款所属期起.")
PERIOD_TO = click.option("--period-to", metavar="YYYY-MM", help="费款所属期止 (default: --period-from).")
OUTPUT = click.option("--output", required=True, metavar="F.pdf", help="Write the PDF here.")


def proof_json(p: Proof) -> dict[str, Any]:
    data: dict[str, Any] = {
        "uscc": p.uscc, "taxpayer_name": p.taxpayer_name, "period_from": p.period_from,
        "period_to": p.period_to, "issued_on": p.issued_on.isoformat(),
        "rows": [{"period": r.period, "type_code": r.type_code, "type_name": r.type_name,
                  "headcount": r.headcount, "base": f"{r.base:.2f}", "unit_paid": f"{r.unit_paid:.2f}",
                  "person_paid": f"{r.person_paid:.2f}", "late_fee": f"{r.late_fee:.2f}",
                  "paid": f"{r.paid:.2f}"} for r in p.rows],
        "total": f"{p.total:.2f}", "total_words": money_in_words(p.total), "refunded": f"{p.refunded:.2f}",
    }
    if p.person is not None:
        data["employee"] = {"name": p.person.name, "id_type": p.person.id_type, "id_number": p.person.id_number,
                            "person_number": p.person.person_number, "unit_numbers": list(p.person.unit_numbers)}
    return data


def _text(p: Proof) -> str:
    who = f"{p.person.name}（{p.person.id_number}）" if p.person is not None else f"{p.taxpayer_name}（{p.uscc}）"
    lines = [f"{who}  费款所属期 {p.period_from}至{p.period_to}  {len(p.rows)} 行"]
    for r in p.rows:
        lines.append(f"  {r.period}  {r.type_name}  缴费基数 {format_money(r.base)}  实缴金额 {format_money(r.paid)}")
    lines.append(f"  实缴金额合计 {format_money(p.total)}（{money_in_words(p.total)}）")
    return "\n".join(lines)


async def _write(obj: Ctx, uscc: str | None, build, output: str) -> None:
    uscc = current_uscc(obj, uscc)
    svc = obj.ws.employer(uscc).proofs
    if Path(output).suffix.lower() != ".pdf":
        fail("--output 应为 .pdf 文件", EXIT_USAGE)
    try:
        svc.span(*build.span)
    except ProofError as exc:
        fail(str(exc), EXIT_USAGE)
    if not await online(obj, uscc):
        fail(OFFLINE_PROOF, EXIT_OFFLINE)
    try:
        proofs = await build(svc)
        path = svc.write_pdf(proofs, output)
    except (ProofError, FormError, ValueError) as exc:
        fail(getattr(exc, "message", None) or str(exc), EXIT_USAGE)
    items = [proofs] if isinstance(proofs, Proof) else list(proofs)
    if obj.json:
        emit_json({"path": str(path), "kind": build.kind, "pages": len(items), "proofs": [proof_json(p) for p in items]})
        return
    for p in items:
        click.echo(_text(p))
    click.echo(f"已保存到 {path}")


class _Build:
    def __init__(self, kind: str, period_from: str, period_to: str | None, employee: str | None = None) -> None:
        self.kind = kind
        self.span = (period_from, period_to)
        self.employee = employee

    async def __call__(self, svc) -> Any:
        if self.kind == "unit":
            return await svc.unit(*self.span)
        return await svc.employee(*self.span, self.employee)


@click.group()
def proofs() -> None:
    """证明打印: 单位缴费证明 and 职工缴费证明 (per month × 险种: 缴费基数, 实缴金额) as PDF."""


@proofs.command("unit")
@PERIOD_FROM
@PERIOD_TO
@OUTPUT
@EMPLOYER
@click.pass_obj
@run
async def proofs_unit(obj: Ctx, period_from: str, period_to: str | None, output: str, uscc: str | None) -> None:
    """单位缴费证明 of a 费款所属期 range. Exit 2 bad input, 3 offline."""
    await _write(obj, uscc, _Build("unit", period_from, period_to), output)


@proofs.command("employee")
@PERIOD_FROM
@PERIOD_TO
@click.option("--employee", metavar="ID|NAME", help="One employee (ID number or name); default: all, one page each.")
@OUTPUT
@EMPLOYER
@click.pass_obj
@run
async def proofs_employee(obj: Ctx, period_from: str, period_to: str | None, employee: str | None, output: str,
                          uscc: str | None) -> None:
    """职工缴费证明 of a 费款所属期 range: one employee, or every employee with booked lines
    (one page each). Exit 2 bad input or no such employee, 3 offline."""
    await _write(obj, uscc, _Build("employee", period_from, period_to, employee), output)
