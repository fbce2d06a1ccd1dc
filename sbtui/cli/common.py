"""Shared plumbing of the command line: context, output, passwords, exit codes."""
from __future__ import annotations

import asyncio
import functools
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import click

from sbtui.domain.ids import InvalidIdError
from sbtui.domain.text import escape_output
from sbtui.remote import errors as E
from sbtui.workspace import Workspace

# Exit codes (documented in README.md and `sbtui --help`).
EXIT_OK = 0
EXIT_REFUSED = 1  # the service refused (a reason is printed)
EXIT_USAGE = 2  # bad command line or bad input (e.g. a wrong check digit)
EXIT_OFFLINE = 3  # the service could not be reached; local data untouched
EXIT_AUTH = 4  # wrong password, locked, session expired, password change required
EXIT_BUSY = 5  # the same request is still being processed (409); try again later
EXIT_PROTOCOL = 6  # the service answered something malformed, or failed (5xx)
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 ok · 1 refused by the service · 2 usage or bad input · 3 offline · "
    "4 authentication · 5 busy (retry later) · 6 malformed reply or server error · 130 interrupted"
)


@dataclass
class Ctx:
    home: str | None
    remote: str | None
    json: bool
    allow_token_file: bool
    _ws: Workspace | None = field(default=None, repr=False)

    @property
    def ws(self) -> Workspace:
        if self._ws is None:
            self._ws = Workspace(self.home, remote=self.remote, allow_token_file=self.allow_token_file)
        return self._ws


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return str(o)
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(type(o).__name__)


class SafeOutput(io.TextIOBase):
    """stdout for the commands: control and bidi characters in what is printed (a group name,
    a remark from the service or an older store) come out as visible ``\\uXXXX`` — valid in
    JSON too — never as escape sequences the terminal would obey (issue 14 finding 4)."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError("SafeOutput takes str")
        self._inner.write(escape_output(s))
        return len(s)

    def flush(self) -> None:
        if not getattr(self._inner, "closed", False):
            self._inner.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._inner, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self._inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._inner, "errors", None)


def safe_stdout() -> None:
    """Route the commands' stdout through :class:`SafeOutput` (once)."""
    if not isinstance(sys.stdout, SafeOutput):
        sys.stdout = SafeOutput(sys.stdout)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def info(message: str) -> None:
    """Human progress and notes go to stderr so --json output stays clean."""
    click.echo(message, err=True)


def fail(message: str, code: int) -> None:
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(code)


def interactive() -> bool:
    return sys.stdin.isatty()


def read_secret(env: str, prompt: str, *, confirm: str | None = None) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not interactive():
        fail(f"需要输入密码：请在终端中运行，或设置环境变量 {env}。", EXIT_USAGE)
    value = click.prompt(prompt, hide_input=True)
    if confirm is not None:
        again = click.prompt(confirm, hide_input=True)
        if again != value:
            fail("两次输入的新密码不一致，请重新输入。", EXIT_USAGE)
    return value


def confirm(question: str, *, yes: bool) -> None:
    if yes:
        return
    if not interactive():
        fail(f"{question}（非交互运行时请加 --yes 表示确认）", EXIT_USAGE)
    if not click.confirm(question, default=False):
        fail("已取消。", EXIT_USAGE)


ERROR_EXITS: list[tuple[type[BaseException], int]] = [
    (E.OfflineError, EXIT_OFFLINE),
    (E.AuthError, EXIT_AUTH),
    (E.ConflictError, EXIT_BUSY),
    (E.RefusedError, EXIT_REFUSED),
    (E.ResyncRequired, EXIT_REFUSED),
    (E.ProtocolError, EXIT_PROTOCOL),
    (E.ServerError, EXIT_PROTOCOL),
    (E.ServiceError, EXIT_PROTOCOL),
]


def run(coro_fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async command body, close the workspace, and turn errors into exit codes."""

    @functools.wraps(coro_fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: Ctx = click.get_current_context().obj

        async def body() -> Any:
            try:
                return await coro_fn(*args, **kwargs)
            finally:
                if ctx._ws is not None:
                    await ctx._ws.aclose()

        try:
            return asyncio.run(body())
        except InvalidIdError as exc:
            fail(str(exc), EXIT_USAGE)
        except E.LockedError as exc:
            until = exc.locked_until
            extra = f"（解锁时间：{until.astimezone().strftime('%H:%M:%S')}）" if until else ""
            fail(f"{exc.message}{extra}", EXIT_AUTH)
        except E.ServiceError as exc:
            for cls, code in ERROR_EXITS:
                if isinstance(exc, cls):
                    fail(exc.message, code)
        except KeyboardInterrupt:
            fail("已中断。", EXIT_INTERRUPTED)

    return wrapper


EMPLOYER = click.option("--employer", "uscc", metavar="USCC", help="Employer (default: the current one).")
"""The ``--employer USCC`` option every per-employer command takes (into ``uscc``)."""
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
"""A command's own ``--json`` (besides the global one), into ``as_json``."""


OUTPUT = click.option("--output", type=click.Path(dir_okay=False), metavar="F.xlsx",
                      help="Also export the list to this .xlsx file (mode 0600).")
"""The ``--output F.xlsx`` option of every list command (SPEC Q1: every list exports)."""


def export_table(path: str, table: Any) -> None:
    """Write a list (a :class:`sbtui.services.tables.Table`) to ``path``; says where on stderr.
    A path that is not .xlsx or cannot be written: a usage error, nothing half-written."""
    from sbtui.services.tables import TableError, write_xlsx
    from sbtui.xlsx.errors import XlsxError

    try:
        written = write_xlsx(path, table)
    except TableError as exc:
        fail(str(exc), EXIT_USAGE)
    except (OSError, XlsxError) as exc:
        fail(f"导出失败：{getattr(exc, 'strerror', None) or exc}", EXIT_USAGE)
    else:
        info(f"已导出 {len(table.rows)} 行到 {written}")


def emit_rows(obj: Ctx, as_json: bool, rows: list[Any], to_json: Callable[[Any], Any],
              to_text: Callable[[Any], str], empty: str, *, output: str | None = None,
              table: Callable[[list[Any]], Any] | None = None) -> None:
    """A list command's answer: JSON (the global ``--json`` or the command's own), else one line
    per row, or ``empty`` on stderr when there is none. With ``output`` the rows are also
    exported there, as ``table(rows)`` builds them."""
    if output is not None and table is not None:
        export_table(output, table(rows))
    if obj.json or as_json:
        emit_json([to_json(r) for r in rows])
        return
    if not rows:
        info(empty)
    for r in rows:
        click.echo(to_text(r))


def day_option(value: str | None, name: str) -> str | None:
    """A ``YYYY-MM-DD`` option's value (``None`` when not given); anything else is a usage error
    naming the option."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        fail(f"{name} 应为 YYYY-MM-DD。", EXIT_USAGE)
        raise AssertionError from None


def current_uscc(ctx: Ctx, uscc: str | None) -> str:
    if uscc:
        return uscc
    cfg = ctx.ws.config
    if cfg.current:
        return cfg.current
    if len(cfg.employers) == 1:
        return cfg.employers[0].uscc
    fail("尚未选择单位：请先运行 sbtui employer add <纳税人识别号>，或用 --employer 指定。", EXIT_USAGE)
    raise AssertionError


class Progress:
    """Prints sync progress to stderr: one rewritten line on a terminal, sparse lines otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self._last = ""

    def __call__(self, event: Any) -> None:
        if self.quiet:
            return
        phase = getattr(event, "phase", "")
        done, total = getattr(event, "done", 0), getattr(event, "total", 0)
        label = {"push": "发送待办", "full": "全量下载职工信息", "changes": "增量更新职工信息",
                 "groups": "更新分组与单位信息", "feedback": "获取缴费工资申报反馈", "dues": "更新应缴费信息"}.get(phase, phase)
        label = getattr(event, "message", None) or label
        line = f"{label} {done}/{total}" if total else label
        if self.tty:
            click.echo("\r" + line.ljust(60), nl=False, err=True)
        elif line.split(" ")[0] != self._last or (total and done == total):
            click.echo(line, err=True)
        self._last = line.split(" ")[0]

    def end(self) -> None:
        if self.tty and not self.quiet:
            click.echo("", err=True)


# --- Common options in either place (issue 15 item 12) -------------------------------------
# ``sbtui --json employees list`` and ``sbtui employees list --json`` mean the same, as gh and
# git users expect. The root group declares the common options; :func:`add_common_options`
# gives every other command of the tree the same options (run once over the whole tree after
# the commands are registered, so a new command needs nothing of its own). Given after the
# command, an option overrides the one given before it; the value lands in the shared Ctx.

def _set_on_ctx(attr: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        obj = ctx.find_object(Ctx)
        if obj is not None and value not in (None, False) and not ctx.resilient_parsing:
            if getattr(obj, attr) != value and obj._ws is not None:
                raise click.UsageError(f"{param.opts[0]} 须在命令的其他参数之前给出。", ctx)
            setattr(obj, attr, value)
        return value
    return callback


def _common_params(workspace: bool) -> list[click.Option]:
    note = " (common option: before or after the command)"
    params = [click.Option(["--json"], is_flag=True, expose_value=False, callback=_set_on_ctx("json"),
                           help="Print machine-readable JSON on stdout." + note)]
    if workspace:
        params += [
            click.Option(["--home"], type=click.Path(file_okay=False), expose_value=False,
                         callback=_set_on_ctx("home"), help="Data directory." + note),
            click.Option(["--remote"], metavar="URL", expose_value=False, callback=_set_on_ctx("remote"),
                         help="Service base URL." + note),
            click.Option(["--insecure-token-file"], is_flag=True, expose_value=False,
                         callback=_set_on_ctx("allow_token_file"),
                         help="Keep session tokens in a 0600 file under --home." + note),
        ]
    return params


def add_common_options(root: click.Group, *, no_workspace: frozenset[str] = frozenset()) -> None:
    """Give every command under ``root`` the common options. Commands (and their subtrees) named
    in ``no_workspace`` (the sandbox server, the benchmarks: they never open a home or a service)
    take only ``--json``. A command that declares ``--json`` itself keeps its own parameter,
    which then also sets the shared Ctx."""

    def walk(cmd: click.Command, workspace: bool) -> None:
        taken = {opt for p in cmd.params for opt in p.opts}
        for param in cmd.params:
            if "--json" in param.opts and param.callback is None:
                param.callback = _set_on_ctx("json")
        for param in _common_params(workspace):
            if not taken.intersection(param.opts):
                cmd.params.append(param)
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, workspace and name not in no_workspace)

    for name, sub in root.commands.items():
        walk(sub, name not in no_workspace)


class RootGroup(click.Group):
    """The ``sbtui`` group. A reader that stops early (``sbtui dues list | head -1``) is not an
    error: exit 0, nothing on stderr (issue 15 item 13) — Python's documented recipe for
    SIGPIPE/BrokenPipeError: point stdout at devnull so the final flush cannot fail again."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            rv = super().invoke(ctx)
            sys.stdout.flush()  # inside the try: a closed pipe shows up here, not at exit
            return rv
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_OK) from None
