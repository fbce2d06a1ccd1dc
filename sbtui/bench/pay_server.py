"""The sandbox server of the payment crash drill (``sbtui bench crash pay``), in a child process.

``python -m sbtui.bench.pay_server --data DIR --port P [--apply-delay-ms A]`` serves the
sandbox app of :func:`sbtui.remote.sandbox.create_app` with uvicorn, as ``sbtui sandbox serve``
does, with one drill-only addition installed from outside through the sandbox's own test hook
(``Keyed.before_apply``, awaited after a key is marked running and before its mutation runs;
no sandbox module is changed): for ``POST /payments`` it widens the window *before* the commit,
in two parts of up to ``A/2`` ms each:

1. it sleeps, then looks whether the client is still connected — a payer killed meanwhile has
   its request dropped: nothing is stored under the key (the service "never saw" it; the
   payer's next run sends it again with the same key);
2. it sleeps again, then the mutation and the key commit as always — a payer killed now is
   killed before the commit, yet the payment goes through (its next run finds the stored
   answer by the key).

So kills land before the commit with both outcomes, and after it. With ``--all-keyed`` the
delay is put before every keyed mutation, not only payments (the push drill, ``sbtui bench
crash push``). :func:`prepare` gives the
demo employer a long unpaid history first (many payable lines, with late fees).
"""
from __future__ import annotations

import argparse
import asyncio
import contextvars
import random
from datetime import date
from pathlib import Path

PAY_PATH = "/api/v1/payments"
_request: contextvars.ContextVar[tuple[dict, object]] = contextvars.ContextVar("pay_drill_request")


def prepare(data_dir: Path, *, employees: int, paid_until: str) -> None:
    """Seed the sandbox in ``data_dir`` (when new) and leave every unit number of the demo
    employer paid up to ``paid_until`` (YYYY-MM) and no further: the months after it up to the
    current one are due (preprocessed on the first read), most of them late."""
    from sbtui.remote.sandbox import DEMO_USCC
    from sbtui.remote.sandbox.service import open_db

    db = open_db(Path(data_dir), employees=employees)
    try:
        with db.tx() as conn:
            units = [r[0] for r in conn.execute(
                "SELECT DISTINCT unit_number FROM paid_periods WHERE uscc = ?", (DEMO_USCC,))]
            conn.execute("DELETE FROM paid_periods WHERE uscc = ? AND period > ?",
                         (DEMO_USCC, paid_until))
            y, m = (int(x) for x in paid_until.split("-"))
            paid_on = date(y + (m == 12), m % 12 + 1, 15).isoformat()
            for unit in units:
                conn.execute("INSERT OR IGNORE INTO paid_periods VALUES (?, ?, ?, ?, ?)",
                             (DEMO_USCC, unit, paid_until, "1.00", paid_on))
    finally:
        db.close()


class _Remember:
    """ASGI middleware: remembers the request's scope and raw ``receive`` for the hook."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            _request.set((scope, receive))
        await self.app(scope, receive, send)


async def _gone(scope: dict, receive) -> bool:
    """Whether the client has disconnected (Starlette's ``Request.is_disconnected``)."""
    from starlette.requests import Request

    return await Request(scope, receive).is_disconnected()


def install(app, apply_delay_ms: int, seed: int = 0, *, all_keyed: bool = False) -> None:
    """Install the two-part delay before a payment's commit — with ``all_keyed``, before
    every keyed mutation's (see the module doc)."""
    from sbtui.remote.sandbox.errors import ApiError

    if apply_delay_ms <= 0:
        return
    rng = random.Random(seed)
    half = apply_delay_ms / 2000

    async def before_apply(key: str) -> None:
        found = _request.get(None)
        if found is None:
            return
        scope, receive = found
        if scope.get("method") != "POST" or (scope.get("path") != PAY_PATH and not all_keyed):
            return
        await asyncio.sleep(rng.uniform(0, half))
        if await _gone(scope, receive):
            # the client is gone before the service started the mutation: drop the request
            raise ApiError(499, "client_closed", "客户端已断开，请求未处理。", {"key": key})
        await asyncio.sleep(rng.uniform(0, half))

    app.state.sandbox.keyed.before_apply = before_apply
    app.add_middleware(_Remember)


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from sbtui.remote.sandbox import create_app

    p = argparse.ArgumentParser(prog="python -m sbtui.bench.pay_server")
    p.add_argument("--data", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--employees", type=int, default=40)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--apply-delay-ms", type=int, default=0)
    p.add_argument("--all-keyed", action="store_true")
    args = p.parse_args(argv)
    app = create_app(Path(args.data), employees=args.employees, seed=args.seed)
    install(app, args.apply_delay_ms, args.seed, all_keyed=args.all_keyed)
    uvicorn.run(app, host=args.host, port=args.port, workers=1, log_level="warning")


if __name__ == "__main__":
    main()
