"""``sbtui wages …`` (SPEC W2–W13): the CLI twins of 月度缴费工资申报. The 职工工资编辑区 is the
same local draft the TUI edits: ``add`` and ``import`` fill it, ``submit`` sends it through the
outbox (exactly once, in chunks of any total size) and ``--wait`` fetches the feedback.
"""
from __future__ import annotations

from decimal import Decimal

import click

from sbtui.cli.common import (EXIT_OFFLINE, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, Ctx, current_uscc, emit_json,
                              fail, run)
from sbtui.cli.employees import EMPLOYER, FileProgress, _group_id
from sbtui.domain.vocab import WageResult, WageSubmissionState, labels, submission_label
from sbtui.services import wages as svc
from sbtui.services.wages import WagesService

STATES = labels(WageSubmissionState)


def _wages(obj: Ctx, uscc: str | None) -> WagesService:
    """缴费工资申报 of the employer (``--employer``, else the current one)."""
    return obj.ws.employer(current_uscc(obj, uscc)).wages


@click.group()
def wages() -> None:
    """月度缴费工资申报 (按险种申报): the local 职工工资编辑区, files, submit, records, query."""


@wages.command("template")
@click.argument("path", type=click.Path(dir_okay=False))
@EMPLOYER
@click.pass_obj
def template(obj: Ctx, path: str, uscc: str | None) -> None:
    """导入模板下载: the official layout (单位社保费缴费工资月度申报) with no rows."""
    _wages(obj, uscc).write_template(path)
    _done(obj, {"path": path, "rows": 0}, f"已保存到 {path}")


@wages.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@EMPLOYER
@click.pass_obj
def export(obj: Ctx, path: str, uscc: str | None) -> None:
    """导出全部数据: every row of the 职工工资编辑区 in the official layout."""
    progress = FileProgress("导出", obj.json)
    n = _wages(obj, uscc).export_draft(path, progress=progress)
    progress.end()
    _done(obj, {"path": path, "rows": n}, f"已导出 {n} 名职工到 {path}")


@wages.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@EMPLOYER
@click.pass_obj
def import_file(obj: Ctx, path: str, uscc: str | None) -> None:
    """外部文件导入: good rows go into the 职工工资编辑区; all-empty rows are skipped; every bad
    cell is listed (row, column, reason). Exit 2 when there are bad cells."""
    from sbtui.xlsx.common import XlsxError

    progress = FileProgress("读取", obj.json)
    try:
        outcome = _wages(obj, uscc).import_draft(path, progress=progress)
    except XlsxError as exc:
        fail(str(exc), EXIT_USAGE)
    progress.end()
    if obj.json:
        emit_json(outcome.to_json())
    else:
        click.echo(f"已导入 {outcome.loaded} 名职工，跳过缴费工资全部为空的 {outcome.skipped} 行，"
                   f"错误 {len(outcome.errors)} 处。")
        for e in outcome.errors:
            click.echo(f"  {e}")
    raise SystemExit(EXIT_USAGE if outcome.errors else EXIT_OK)


def _rule(ratio: str | None, fixed: str | None) -> tuple[str, Decimal]:
    """The wage rule of ``--ratio``/``--fixed``, checked here by the domain's one rule (issue
    14 finding 6: no traceback for ``1e309``, no amount the service would refuse later)."""
    from sbtui.domain.wages import check_rule

    if ratio is not None and fixed is not None:
        fail("--ratio 与 --fixed 只能指定一个。", EXIT_USAGE)
    try:
        return check_rule(("fixed", fixed) if fixed is not None else ("ratio", ratio or "100"))
    except ValueError as exc:
        fail(f"{'--fixed' if fixed is not None else '--ratio'}：{exc}", EXIT_USAGE)
        raise AssertionError from None


@wages.command("add")
@click.option("--all", "all_", is_flag=True, help="添加全部正常缴费职工 (current wages, 生效年月起 = this month).")
@click.option("--empty", is_flag=True, help="The normal employees with an empty wage for an insured type.")
@click.option("--unit-number", help="按单位编号添加缴费职工.")
@click.option("--group", help="按分组添加缴费职工 (id or path).")
@click.option("--ratio", help="按比率 (--unit-number/--group only): percent of each current wage, e.g. 103.5 (default 100).")
@click.option("--fixed", help="按固定金额 (--unit-number/--group only): one amount for every type, e.g. 5000.00.")
@click.option("--from", "period_from", help="生效年月起 YYYY-MM (default: this month).")
@click.option("--to", "period_to", help="生效年月止 YYYY-MM (--unit-number/--group only).")
@EMPLOYER
@click.pass_obj
def add(obj: Ctx, all_: bool, empty: bool, unit_number: str | None, group: str | None, ratio: str | None,
        fixed: str | None, period_from: str | None, period_to: str | None, uscc: str | None) -> None:
    """Add employees to the 职工工资编辑区 (SPEC W2, W3)."""
    from sbtui.domain.wages import parse_month

    employer = obj.ws.employer(current_uscc(obj, uscc))
    wages = employer.wages
    try:
        start = parse_month(period_from) if period_from else svc.this_month()
        end = parse_month(period_to) if period_to else None
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    if sum(map(bool, (all_, empty, unit_number, group))) != 1:
        fail("请指定一种添加方式：--all、--empty、--unit-number 或 --group。", EXIT_USAGE)
    if (all_ or empty) and (ratio is not None or fixed is not None or period_to is not None):
        # SPEC W2: these two add the current wages from --from on; a rule or an end month
        # would be silently ignored (issue 14 finding 6), so they are refused instead
        fail(f"{'--all' if all_ else '--empty'} 按当前缴费工资添加，不能与 --ratio、--fixed 或 --to "
             "同用；按比率或固定金额添加请用 --unit-number 或 --group。", EXIT_USAGE)
    rule = None if (all_ or empty) else _rule(ratio, fixed)
    progress = FileProgress("添加", obj.json)  # employees read / selected, on stderr
    try:
        if all_:
            n = wages.add_all_normal(start, progress=progress)
        elif empty:
            n = wages.add_empty(start, progress=progress)
        elif unit_number:
            n = wages.add_by_unit(unit_number, rule, start, end, progress=progress)
        else:
            n = wages.add_by_group(_group_id(employer.registry, group), rule, start, end, progress=progress)
    except (KeyError, ValueError) as exc:
        progress.end()
        fail(str(exc.args[0] if exc.args else exc), EXIT_USAGE)
    progress.end()
    _done(obj, {"added": n, "total": wages.draft_count()},
          f"已添加 {n} 名职工；职工工资编辑区共 {wages.draft_count()} 人。")


@wages.command("clear")
@EMPLOYER
@click.pass_obj
def clear(obj: Ctx, uscc: str | None) -> None:
    """Empty the 职工工资编辑区 (submitted declarations are not affected)."""
    _wages(obj, uscc).clear()
    _done(obj, {"total": 0}, "已清空职工工资编辑区。")


@wages.command("submit")
@click.option("--all", "all_", is_flag=True,
              help="Every row not submitted yet (or refused) that declares at least one wage.")
@click.option("--wait", is_flag=True, help="Send now and wait for the feedback (per-row results).")
@click.option("--timeout", default=120, show_default=True, help="Seconds to wait for the feedback.")
@EMPLOYER
@click.pass_obj
@run
async def submit(obj: Ctx, all_: bool, wait: bool, timeout: int, uscc: str | None) -> None:
    """提交申报 (SPEC W8, W11): queue the rows in the outbox; with --wait send and fetch results."""
    from sbtui.cli.data import ensure_session
    from sbtui.remote.errors import OfflineError

    if not all_:
        fail("请用 --all 提交职工工资编辑区中尚未提交的全部职工。", EXIT_USAGE)
    uscc = current_uscc(obj, uscc)
    wages = obj.ws.employer(uscc).wages
    rowids = wages.submittable()
    if not rowids:
        fail("职工工资编辑区没有待提交的职工。", EXIT_USAGE)
    check = wages.check_submit(rowids)
    if check.problems:
        for p in check.problems[:50]:
            click.echo(f"{p.name} {p.id_number}：{p.reason}", err=True)
        fail(f"{len(check.problems)} 名职工的工资不能提交，请修改后再提交。", EXIT_USAGE)
    if check.back_payments:
        click.echo(f"{check.back_payments} 名职工的生效年月早于当前月份，将产生补缴信息。", err=True)  # W6
    submission = wages.submit(rowids)
    if not wait:
        _done(obj, {"submission": submission, "rows": len(rowids), "state": WageSubmissionState.QUEUED},
              f"已加入待发送队列：{len(rowids)} 名职工（运行 sbtui sync 发送，或加 --wait）。")
        return
    try:
        await ensure_session(obj, uscc)
        record = await wages.follow(submission, timeout=timeout)
    except OfflineError as exc:
        fail(f"{exc.message}。已保存到待发送队列，联网后发送。", EXIT_OFFLINE)
    assert record is not None
    rows = wages.record_rows(submission)
    data = {"submission": submission, "state": record["state"], "summary": record.get("summary"),
            "accepted": record.get("accepted") or 0, "refused": record.get("refused") or 0,
            "rows": [{k: r.get(k) for k in ("employee_id", "name", "id_number", "result", "reason")}
                     for r in rows]}
    if obj.json:
        emit_json(data)
    else:
        click.echo(f"{submission_label(record['state'], record.get('summary'))}："
                   f"成功 {data['accepted']} 人，失败 {data['refused']} 人。")
        for r in rows:
            if r.get("result") == WageResult.REFUSED:
                click.echo(f"  {r['name']} {r['id_number']}：{r.get('reason')}")
    raise SystemExit(EXIT_REFUSED if data["refused"] else EXIT_OK)


@wages.command("records")
@EMPLOYER
@click.pass_obj
def records(obj: Ctx, uscc: str | None) -> None:
    """申报记录 (SPEC W12): each submission made here and its status."""
    items = _wages(obj, uscc).records()
    if obj.json:
        emit_json(items)
        return
    for r in items:
        state = submission_label(r["state"], r.get("summary"))
        click.echo(f"{str(r['created_at'])[:19]}  {r['rows']} 人  {state}  成功 {r.get('accepted') or 0}"
                   f"  失败 {r.get('refused') or 0}  {r['id']}")


@wages.command("query")
@click.option("--name", help="姓名 contains.")
@click.option("--id-number", help="证件号码 contains.")
@click.option("--type", "type_code", help="险种 code.")
@click.option("--unit-number", help="单位编号.")
@click.option("--month", help="Only periods covering this month (YYYY-MM).")
@click.option("--export", "path", type=click.Path(dir_okay=False), help="Write the rows to this xlsx file.")
@click.option("--limit", type=int, help="At most this many rows (listing only).")
@EMPLOYER
@click.pass_obj
def query(obj: Ctx, name, id_number, type_code, unit_number, month, path, limit, uscc) -> None:
    """职工缴费工资查询 (SPEC W13): one row per employee × type × period."""
    wages = _wages(obj, uscc)
    rows = wages.query_rows(name=name, id_number=id_number, type_code=type_code, unit_number=unit_number,
                            month=month)
    if path:
        wages.export_query_rows(path, rows)
    shown = rows[:limit] if limit else rows
    if obj.json:
        emit_json(shown)
        return
    for r in shown:
        click.echo(f"{r['name']}  {r['id_number']}  {r['type']}  {r['wage']}  {r['period_from']}–{r['period_to']}"
                   f"  {r['unit_number'] or ''}")
    click.echo(f"共 {len(rows)} 条。" + (f"已导出到 {path}" if path else ""))


def _done(obj: Ctx, data: dict, message: str) -> None:
    if obj.json:
        emit_json(data)
    else:
        click.echo(message)

