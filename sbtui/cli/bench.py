"""``sbtui bench …``: benchmarks that print medians (speed is measured here, not in tests)."""
from __future__ import annotations

import click

from sbtui.cli.common import emit_json


@click.group()
def bench() -> None:
    """Benchmarks; each prints medians, with --json one object."""


@bench.command("sync")
@click.option("--employees", default=100_000, show_default=True, help="Employees of the sandbox employer.")
@click.option("--changes", default=100, show_default=True, help="Registry changes per incremental sync.")
@click.option("--repeat", default=3, show_default=True, help="Runs per measurement (median reported).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def sync_bench(obj, employees: int, changes: int, repeat: int, as_json: bool) -> None:
    """Full sync of N employees and incremental sync of --changes changes, over loopback HTTP."""
    from sbtui.bench.sync import run_sync_bench

    result = run_sync_bench(employees=employees, changes=changes, repeat=repeat, log=not (as_json or obj.json))
    if as_json or obj.json:
        emit_json(result)
    else:
        click.echo(f"full sync of {result['employees']} employees: median {result['full_sync_s']:.2f} s "
                   f"(runs {', '.join(f'{x:.2f}' for x in result['full_runs_s'])}); "
                   f"floor (fetch + parse the same pages) {result['full_floor_s']:.2f} s; "
                   f"ratio {result['full_ratio']:.1f}×")
        click.echo(f"incremental sync of {changes} changes: median {result['incremental_sync_s']:.3f} s "
                   f"(runs {', '.join(f'{x:.3f}' for x in result['incremental_runs_s'])})")


@bench.command("start")
@click.option("--runs", default=5, show_default=True, help="Cold starts to time (median reported).")
@click.option("--fresh", is_flag=True, help="A brand-new home (region choice) instead of one with the "
                                             "demo employer added (employer list).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def start_bench(obj, runs: int, fresh: bool, as_json: bool) -> None:
    """Cold start of the TUI in a fresh process on an 80×24 pty, to its first interactive screen."""
    from sbtui.bench.start import run_start_bench

    result = run_start_bench(runs=runs, scenario="fresh" if fresh else "employer",
                             log=not (as_json or obj.json))
    if as_json or obj.json:
        emit_json(result)
    else:
        click.echo(f"cold start to the first screen ({result['scenario']}): median {result['start_s']:.3f} s "
                   f"(runs {', '.join(f'{x:.3f}' for x in result['runs'])}); "
                   f"floor (python -c \"import textual\") {result['floor_s']:.3f} s; ratio {result['ratio']:.1f}×")


@bench.command("grid")
@click.option("--rows", default=100_000, show_default=True, help="Rows of the grid (realistic employees).")
@click.option("--no-datatable", is_flag=True, help="Measure only our grid (DataTable is always skipped "
                                                    "above 100,000 rows).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def grid_bench(obj, rows: int, no_datatable: bool, as_json: bool) -> None:
    """Our virtual grid against Textual's DataTable, each in its own process: open to first
    paint, cursor-move and page-down medians (key to the next finished paint), edit to painted
    (with the UPDATE + commit), peak RSS."""
    from sbtui.bench.grid import KEYS, run_grid_bench

    result = run_grid_bench(rows=rows, datatable=not no_datatable, log=not (as_json or obj.json))
    if as_json or obj.json:
        emit_json({k: result[k] for k in KEYS})
        return

    def show(value, unit):
        return "—" if value is None else f"{value:.3f} {unit}" if unit == "s" else f"{value:.1f} {unit}"

    click.echo(f"{rows} rows       open        move  page-down     scroll  edit→painted  RSS")
    for name, prefix in (("sbtui grid", "sbtui"), ("DataTable", "datatable")):
        click.echo(f"{name:<12} {show(result.get(prefix + '_open_s'), 's'):>10}  "
                   f"{show(result.get(prefix + '_move_ms'), 'ms'):>9}  "
                   f"{show(result.get(prefix + '_pagedown_ms'), 'ms'):>9}  "
                   f"{show(result.get(prefix + '_scroll_ms'), 'ms'):>9}  "
                   f"{show(result.get(prefix + '_edit_ms'), 'ms'):>11}  {show(result.get(prefix + '_rss_mb'), 'MB')}")
    if result.get("sbtui_all_ids_s") is not None:
        click.echo(f"sbtui grid: every row id in memory after {result['sbtui_all_ids_s']:.2f} s (background read)")


@bench.command("wages")
@click.option("--rows", default=100_000, show_default=True, help="Employees of the sandbox employer.")
@click.option("--runs", default=3, show_default=True, help="Runs per measurement (median reported).")
@click.option("--edits", default=200, show_default=True, help="Typed cells timed per run.")
@click.option("--submit-runs", default=None, type=int,
              help="Submissions to time (default: --runs, but one when it takes over 30 s).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def wages_bench(obj, rows: int, runs: int, edits: int, submit_runs: int | None, as_json: bool) -> None:
    """The wage declaration at N employees over loopback HTTP: 添加全部正常缴费职工, a typed
    cell saved with its binding and committed, xlsx export and import of the whole draft, and
    the submission end to end until every chunk's feedback is applied (medians)."""
    from sbtui.bench.wages import GOALS, run_wage_bench

    result = run_wage_bench(rows=rows, runs=runs, edits=edits, submit_runs=submit_runs,
                            log=not (as_json or obj.json))
    if as_json or obj.json:
        emit_json(result)
    else:
        click.echo(f"{result['rows']} employees, {result['draft_rows']} draft rows   median      goal  runs"
                   f"      floor  ratio")
        for key, unit, label in (("add_all_s", "s", "add all normal"), ("edit_commit_ms", "ms", "edit + commit"),
                                 ("xlsx_export_s", "s", "xlsx export"), ("xlsx_import_s", "s", "xlsx import"),
                                 ("submit_s", "s", "submit → feedback")):
            goal = f"< {GOALS[key]:g} {unit}" if key in GOALS else "—"
            runs_of = result["submit_runs"] if key == "submit_s" else result["runs"]
            value = f"{result[key]:.1f} {unit}" if unit == "ms" else f"{result[key]:.2f} {unit}"
            step = key[:-2]
            floor = result.get(f"{step}_floor_s")
            ratio = result.get(f"{step}_ratio")
            floored = "" if floor is None else f"  {floor:>7.2f} s  {ratio:>4.1f}×" if ratio else f"  {floor:>7.2f} s"
            click.echo(f"{label:<20}{value:>18} {goal:>9}  {runs_of:>4}{floored}")
        click.echo("floors: add all = one INSERT … SELECT of the same rows; export = the same cells by the "
                   "writer alone; import = the file's cells by the reader alone; submit = the service's "
                   "own seconds on those requests")
        if result.get("import_peak_mb") is not None:
            click.echo(f"import peak RSS {result['import_peak_mb']:.0f} MB (before the import "
                       f"{result['import_base_mb']:.0f} MB)")
        click.echo(f"submit: {result['submit_chunks']} chunks, accepted {result['submit_accepted']}, "
                   f"refused {result['submit_refused']}; edit p95 {result['edit_commit_p95_ms']:.1f} ms")
    if result["submit_refused"] or result["submit_accepted"] != result["draft_rows"]:
        raise SystemExit(1)


@bench.command("crash")
@click.argument("which", type=click.Choice(["pull", "push", "pay"]))
@click.option("--employees", default=None, type=int,
              help="Employees of the sandbox employer (default: pull 100,000; push 2,000; pay 40).")
@click.option("--kills", default=None, type=int,
              help="SIGKILLs (default: 20 for pull, 50 for push, 200 for pay).")
@click.option("--operations", default=60, show_default=True,
              help="Push drill: keyed operations queued at a time (more when they run out).")
@click.option("--reply-delay-ms", default=None, type=int,
              help="Server delay between commit and reply, to kill in that window (default: push 150, "
                   "pay 100).")
@click.option("--apply-delay-ms", default=200, show_default=True,
              help="Push and pay drills: server delay before the commit (a disconnect check halfway), "
                   "to kill before the commit.")
@click.option("--months", default=36, show_default=True, help="Pay drill: months of dues in the pay list.")
@click.option("--broken-client", is_flag=True, hidden=True,
              help="Pay drill: a payer that forgets the keys of pending payments (the drill must fail).")
@click.option("--mutant", type=click.Choice(["drop", "newkey", "skip-page"]), default=None, hidden=True,
              envvar="SBTUI_BENCH_CRASH_BROKEN",
              help="Pull/push drills: a deliberately broken client (the drill must fail).")
@click.option("--seed", default=7, show_default=True, help="Random seed of the kill times.")
def crash(which: str, employees: int | None, kills: int | None, operations: int,
          reply_delay_ms: int | None, apply_delay_ms: int, months: int, broken_client: bool,
          mutant: str | None, seed: int) -> None:
    """Crash drill (the long version of the suite's crash tests): SIGKILL a child sbtui at random
    points, restart it, then check the local store against the server; exit 1 when a check
    fails or fewer kills were made than asked. ``push``: group operations of every kind, wage
    submissions, fee declarations and their voids, refund applications pushed by ``sbtui sync``, killed before and after the service's commit; every key exactly one
    effect. ``pay``: a payer paying the pay list by agreement, killed before and after the
    service's commit; every key exactly one effect, the bank balance moved by the paid lines,
    no line paid twice, the outbox empty."""
    import tempfile
    from pathlib import Path

    from sbtui.bench import crash as drill
    from sbtui.bench.server import SandboxServer
    from sbtui.remote.sandbox import info

    if which == "pay":
        raise SystemExit(_pay_drill(kills=200 if kills is None else kills, seed=seed,
                                    employees=employees or 40, apply_delay_ms=apply_delay_ms,
                                    reply_delay_ms=100 if reply_delay_ms is None else reply_delay_ms,
                                    months=months, broken=broken_client))
    if which == "push":
        raise SystemExit(_push_drill(kills=50 if kills is None else kills, seed=seed,
                                     employees=employees or 2000, operations=operations,
                                     apply_delay_ms=apply_delay_ms,
                                     reply_delay_ms=150 if reply_delay_ms is None else reply_delay_ms,
                                     broken=mutant))
    employees = employees or 100_000
    kills = 20 if kills is None else kills
    with tempfile.TemporaryDirectory(prefix="sbtui-crash-") as tmp:
        with SandboxServer(Path(tmp) / "server", employees=employees) as srv:
            facts = info(Path(tmp) / "server")
            home = Path(tmp) / "home"
            report = drill.drill_pull(srv.url, home, facts["uscc"], facts["unit_numbers"][0],
                                      kills=kills, seed=seed, broken=mutant)
            ok, lines = drill.pull_ok(srv.url, home, facts["uscc"], facts["unit_numbers"][0],
                                      report, kills)
            for line in lines:
                click.echo(line)
    raise SystemExit(0 if ok else 1)


def _push_drill(*, kills: int, seed: int, employees: int, operations: int, apply_delay_ms: int,
                reply_delay_ms: int, broken: str | None) -> int:
    """``sbtui bench crash push``: the drill in a fresh folder, its report printed; the folder
    is removed when every check passed and kept (its path printed) otherwise."""
    import shutil
    import tempfile
    from pathlib import Path

    from sbtui.bench.push_drill import run_push_drill

    tmp = Path(tempfile.mkdtemp(prefix="sbtui-crash-push-"))
    report = None
    try:
        report = run_push_drill(tmp, kills=kills, seed=seed, employees=employees,
                                operations=operations, apply_delay_ms=apply_delay_ms,
                                reply_delay_ms=reply_delay_ms, broken=broken,
                                log=lambda text: click.echo(text, err=True))
    finally:
        if report is not None:
            for line in report.lines():
                click.echo(line)
        if report is not None and report.ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            click.echo(f"drill folder kept: {tmp}", err=True)
    return 0 if report.ok else 1


def _pay_drill(*, kills: int, seed: int, employees: int, apply_delay_ms: int, reply_delay_ms: int,
               months: int, broken: bool) -> int:
    """``sbtui bench crash pay``: run the drill in a fresh folder, print its report; the folder
    is removed when every check passed and kept (its path printed) otherwise."""
    import shutil
    import tempfile
    from pathlib import Path

    from sbtui.bench.pay_drill import run_pay_drill

    tmp = Path(tempfile.mkdtemp(prefix="sbtui-crash-pay-"))
    report = None
    try:
        report = run_pay_drill(tmp, kills=kills, seed=seed, employees=employees,
                               apply_delay_ms=apply_delay_ms, reply_delay_ms=reply_delay_ms,
                               months=months, broken=broken, log=lambda text: click.echo(text, err=True))
    finally:
        if report is not None:
            for line in report.lines():
                click.echo(line)
        if report is not None and report.ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            click.echo(f"drill folder kept: {tmp}", err=True)
    return 0 if report.ok else 1


@bench.command("dues")
@click.option("--employees", default=100_000, show_default=True, help="Employees of the sandbox employer.")
@click.option("--runs", default=3, show_default=True, help="Runs per measurement (median reported).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def dues_bench(obj, employees: int, runs: int, as_json: bool) -> None:
    """Preprocessing (税务生成) of N employees × their types × 12 months (paid periods set to end
    12 months ago), and opening the declaration list: GET /dues + local write, and the store read."""
    from sbtui.bench.dues import run_dues_bench

    result = run_dues_bench(employees=employees, runs=runs, log=not (as_json or obj.json))
    if as_json or obj.json:
        emit_json(result)
        return
    click.echo(f"{employees} employees, {result['months']} months ({result['period_from']}…{result['period_to']}), "
               f"{result['lines']} lines")
    click.echo(f"preprocess: median {result['preprocess_s']:.2f} s "
               f"(runs {', '.join(f'{x:.2f}' for x in result['preprocess_runs_s'])}); "
               f"floor (reading and parsing the same employee documents) {result['preprocess_floor_s']:.2f} s; "
               f"ratio {result['preprocess_ratio']:.1f}×")
    click.echo(f"list open (GET /dues + local write): median {result['list_open_s']:.3f} s; "
               f"store read {result['store_read_s'] * 1000:.1f} ms")
