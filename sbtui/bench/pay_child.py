"""The payer of the payment crash drill (``sbtui bench crash pay``), killed at random moments.

``python -m sbtui.bench.pay_child HOME URL USCC AGREEMENT [--resume-only]`` goes the way the
client goes (:class:`~sbtui.services.payments.PaymentsService`, the outbox, the real HTTP
service):

1. resume: every payment still pending from a killed run is resolved by its key
   (:meth:`PaymentsService.resolve` → the outbox push: ``key_outcome`` first, sent again with
   the same key only when the service never saw it);
2. the pay list and the agreements from the service, 安全认证 (the declaration password);
3. pay the pay list one line at a time by the agreement (:meth:`PaymentsService.pay`), until it
   is empty or the process is killed. ``--resume-only`` stops after 1.

It prints, unbuffered, one event a line: ``<unix time> <event> [args]`` (started, resumed,
ready, pay KEY, paid ID STATUS, refused CODE, done) for the drill to time its kills and count.

``SBTUI_BENCH_PAY_BROKEN=1`` makes it a deliberately broken client, to show the drill can
fail: instead of resolving a pending payment by its key it forgets the key and pays the same
lines again under a new one.
"""
from __future__ import annotations

import asyncio
import os
import sys
import time

PASSWORD_ENV = "SBTUI_PASSWORD"
BROKEN_ENV = "SBTUI_BENCH_PAY_BROKEN"


def say(event: str) -> None:
    os.write(1, f"{time.time():.6f} {event}\n".encode())


async def run(home: str, url: str, uscc: str, agreement: str, resume_only: bool) -> int:
    from sbtui.domain.pay import PaymentError
    from sbtui.domain.vocab import PaymentResult
    from sbtui.remote.errors import OfflineError, RefusedError
    from sbtui.workspace import Workspace

    say("started")
    password = os.environ[PASSWORD_ENV]
    broken = os.environ.get(BROKEN_ENV) == "1"
    ws = Workspace(home, remote=url, allow_token_file=True)
    try:
        await ws.resume(uscc, password)
        employer = ws.employer(uscc)
        svc = employer.payments
        ticket = None
        again: list[list[str]] = []
        for item in svc.pending():
            if broken:  # the bug: the key is forgotten, the lines are paid again under a new one
                again.append(list(item.payload["body"]["lines"]))
                ws.store(uscc).outbox.drop(item.key)
                say(f"forgot {item.key}")
                continue
            try:
                await svc.resolve(item.key, timeout=120, poll=0.2)
                say(f"resumed {item.key} answered")
            except RefusedError as exc:
                say(f"resumed {item.key} refused {exc.code}")
        if resume_only:
            say("done")
            return 0
        ticket = await svc.authorize(password)
        for lines in again:
            try:
                chosen = svc.lines(lines)
                payment = await svc.pay(lines, agreement, ticket, svc.totals(chosen).total)
                say(f"paid {payment.id} {payment.status}")
            except (RefusedError, PaymentError) as exc:
                say(f"refused {getattr(exc, 'code', None) or 'local'}")
        await svc.refresh()
        await employer.agreements.refresh()
        say("ready")
        while True:
            lines = svc.due_lines()
            if not lines:
                say("done")
                return 0
            pick = lines[:1]
            if ticket.expires_at.timestamp() - time.time() < 60:
                ticket = await svc.authorize(password)
            say(f"pay {pick[0].key}")
            try:
                payment = await svc.pay([x.key for x in pick], agreement, ticket,
                                        svc.totals(pick).total)
            except RefusedError as exc:
                say(f"refused {exc.code}")
                if exc.code == "ticket_invalid":
                    ticket = await svc.authorize(password)
                await svc.refresh()
                continue
            except PaymentError:
                say("refused local")
                await svc.refresh()
                continue
            except OfflineError as exc:
                say(f"offline {exc.code}")
                return 3
            say(f"paid {payment.id} {payment.status}")
            if payment.status != PaymentResult.OK:
                return 1  # a failed debit (余额不足 …) is not what this drill is about
    finally:
        await ws.aclose()


def main(argv: list[str]) -> None:
    resume_only = "--resume-only" in argv
    args = [a for a in argv if a != "--resume-only"]
    raise SystemExit(asyncio.run(run(*args[:4], resume_only=resume_only)))


if __name__ == "__main__":
    main(sys.argv[1:])
