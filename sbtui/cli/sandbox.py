"""``sbtui sandbox serve|info``: the sandbox tax-side service."""
from __future__ import annotations

from pathlib import Path

import click

from sbtui.cli.common import emit_json
from sbtui.domain.money import format_money


@click.group()
def sandbox() -> None:
    """The sandbox service: a real HTTP server that plays the tax side (demo, tests, training)."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", "-p", default=8765, show_default=True, help="Port to listen on.")
@click.option("--data", "data", type=click.Path(file_okay=False), required=True,
              help="Directory of the sandbox's own database (created and seeded if new).")
@click.option("--employees", default=2000, show_default=True,
              help="Employees of the demo employer when seeding a new database.")
@click.option("--seed", default=1, show_default=True, help="Random seed of the demo data.")
def serve(host: str, port: int, data: str, employees: int, seed: int) -> None:
    """Run the sandbox service over HTTP (OpenAPI schema at /openapi.json)."""
    from sbtui.remote.sandbox import serve as run_server

    click.echo(f"sbtui sandbox: http://{host}:{port}  (data: {data})", err=True)
    run_server(host, port, Path(data), employees, seed)


@sandbox.command()
@click.option("--data", "data", type=click.Path(file_okay=False), required=True,
              help="Directory of the sandbox's database.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def info(obj, data: str, as_json: bool) -> None:
    """The demo employer's USCC, name, unit numbers and employee count."""
    from sbtui.remote.sandbox import info as sandbox_info

    result = sandbox_info(Path(data))
    if as_json or obj.json:
        emit_json(result)
        return
    click.echo(f"纳税人识别号: {result['uscc']}")
    click.echo(f"单位名称:     {result['name']}")
    click.echo(f"单位编号:     {'，'.join(result['unit_numbers'])}")
    click.echo(f"职工人数:     {result['employees']}")
    for account in result.get("bank_accounts", []):
        click.echo(f"银行账户:     {account['bank']} {account['account']} {account['name']}"
                   f" 余额 {format_money(account['balance'])}")
