"""The ``sbtui`` command line. Every command has ``--help``; see README.md for exit codes."""
from __future__ import annotations

import click

from sbtui.cli.common import EXIT_CODES_HELP, EXIT_USAGE, Ctx, RootGroup, add_common_options, safe_stdout


@click.group(cls=RootGroup, invoke_without_command=True, epilog=EXIT_CODES_HELP)
@click.version_option(package_name="sbtui", prog_name="sbtui", message="%(prog)s %(version)s")
@click.option("--home", type=click.Path(file_okay=False), envvar="SBTUI_HOME",
              help="Data directory (default: the platform's user data dir; env SBTUI_HOME).")
@click.option("--remote", metavar="URL", envvar="SBTUI_REMOTE",
              help="Service base URL, e.g. http://127.0.0.1:8765 (default: the embedded sandbox).")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
@click.option("--insecure-token-file", is_flag=True,
              help="Where no secure keyring exists, keep session tokens in a 0600 file under --home.")
@click.pass_context
def cli(ctx: click.Context, home: str | None, remote: str | None, as_json: bool,
        insecure_token_file: bool) -> None:
    """sbtui — 社保费管理客户端 for the terminal.

    Without a command: the full-screen client (TUI), on the embedded sandbox service unless
    --remote is given. `sbtui demo` is the command-line demo.
    """
    ctx.obj = Ctx(home=home, remote=remote, json=as_json, allow_token_file=insecure_token_file)
    if ctx.invoked_subcommand is not None:
        safe_stdout()  # no control or bidi character reaches the terminal (issue 14 finding 4)
    if ctx.invoked_subcommand is None:
        from sbtui.tui import run as run_tui

        run_tui(home, remote, insecure_token_file)


def _register() -> None:
    from sbtui.cli import (
        agreements,
        bench,
        certificates,
        data,
        declarations,
        demo,
        dues,
        employees,
        employer,
        home,
        payments,
        proofs,
        queries,
        refunds,
        sandbox,
        settings,
        wages,
    )
    from sbtui.cli.declare import declare

    for group in (sandbox.sandbox, employer.employer, employees.employees, employees.units, wages.wages, bench.bench, settings.users,
                  settings.password, home.home, dues.dues, declarations.declarations,
                  declarations.projects, payments.payments, payments.vouchers, agreements.agreements,
                  certificates.certificates, proofs.proofs, refunds.refunds, queries.query):
        cli.add_command(group)
    employer.employer.add_command(settings.employer_info)
    cli.add_command(employer.login)
    cli.add_command(data.sync_cmd)
    cli.add_command(data.outbox)
    cli.add_command(data.region)
    cli.add_command(demo.demo)
    cli.add_command(declare)
    cli.add_command(payments.pay)
    cli.add_command(queries.reconcile)
    # Last: every command registered above (and any added later in this function) takes
    # --json, --home, --remote, --insecure-token-file after its name too (issue 15 item 12).
    add_common_options(cli, no_workspace=frozenset({"sandbox", "bench"}))


_register()


def main() -> None:
    try:
        cli.main(standalone_mode=False, prog_name="sbtui")
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        raise SystemExit(130)
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code)
