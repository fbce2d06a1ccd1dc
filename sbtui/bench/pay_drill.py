"""The payment crash drill (``sbtui bench crash pay``; issue 12 "exactly once, proven").

A sandbox server in its own process over real HTTP (:mod:`sbtui.bench.pay_server`, its
payment commit widened by a two-part delay); a payer child (:mod:`sbtui.bench.pay_child`)
paying the pay list line by line by a verified three-party agreement through the real client
(PaymentsService.pay → the outbox → HTTP), SIGKILLed at random moments, restarted (each run
first resolves what the killed one left pending, by its key), until ``kills`` kills were made;
then runs that only resume, until the outbox is empty. Then the checks:

- every key has exactly one effect: each payment the client holds as answered has exactly one
  effect on the service (its debit, or its failed debit) under its key, naming the payment the
  client holds; each key the client holds as refused has none; no effect on the service under
  a key the client does not hold (a debit the client lost: its user would pay those lines
  again);
- the bank balance moved by exactly the sum of the paid lines (dues + late fees), as the
  service's payments and as the client's answers say;
- no line paid twice (the service's payments, the client's), and the client's paid lines are
  the service's;
- the outbox empty; ``PRAGMA integrity_check`` ok on the client's store and the service's db.

Each kill is classed by the payment in flight at that moment: none (start-up, between
payments), one queued but not sent, or one sent — then by the service's record of its key,
read just before and just after the kill: **after the commit** (completed before the kill),
**before the commit** (not completed after the kill), or **at the commit** (completed between
the two reads, a few ms). Once the service is quiet the key is either **applied** (stored) or
**not applied** (the service never stored it: the next run sent it again with its key). A key
left pending by an earlier kill and in flight again while resuming is counted apart.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sbtui.bench import crash, killing
from sbtui.bench.killing import DelayServer, Kill, Kills, Service

PASSWORD = crash.PASSWORD
BALANCE = Decimal("900000000.00")  # the agreement's account, topped up before the drill
ZERO = Decimal("0.00")
PAY_KINDS = ("payment.pay",)


@dataclass
class PayReport:
    asked: int
    kills: list[Kill] = field(default_factory=list)
    runs: int = 0
    finished_early: int = 0  # runs that ended before their kill time (then not a kill)
    resume_runs: int = 0
    ran_out: bool = False  # the pay list emptied before the kills were made
    lines_at_start: int = 0
    payments_ok: int = 0
    payments_failed: int = 0
    refused: int = 0
    resent: int = 0  # items sent more than once (a kill cut their request)
    checks: dict[str, bool] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return len(self.kills)

    def count(self, **match: Any) -> int:
        return sum(all(getattr(k, a) == v for a, v in match.items()) for k in self.kills)

    @property
    def ok(self) -> bool:
        return self.made >= self.asked and bool(self.checks) and all(self.checks.values())

    def lines(self) -> list[str]:
        """What the drill prints."""
        c = self.count
        out = [
            f"kills made: {self.made} of {self.asked} asked ({self.runs} payer runs; "
            f"{self.finished_early} ended before their kill time; then {self.resume_runs} "
            f"resume-only runs)",
            *Kills(self.asked, self.kills).lines("a payment"),
            f"keys applied when the service was quiet: {c(applied=True)}, not applied: "
            f"{c(applied=False)} (never sent: {c(phase='queued')}, refused by the next run with "
            f"nothing paid; the others sent again with the same key)",
            f"payments: {self.payments_ok} 缴费成功, {self.payments_failed} 缴费失败, "
            f"{self.refused} refused; items sent more than once: {self.resent}; pay lines at "
            f"the start: {self.lines_at_start}",
        ]
        f = self.facts
        out.append(f"balance moved by {f.get('debited', '?')}; paid lines (dues + late fees) "
                   f"sum to {f.get('paid_sum', '?')} as the service says, "
                   f"{f.get('client_sum', '?')} as the client says")
        out.append(f"keys: {f.get('client_keys', '?')} held by the client; with other than one "
                   f"effect: {f.get('bad_keys', '?')}; effects under keys the client does not "
                   f"hold (debits it lost): {f.get('lost', '?')}")
        for name, good in self.checks.items():
            out.append(f"  {'ok  ' if good else 'FAIL'} {name}")
        for note in self.notes:
            out.append(f"note: {note}")
        if self.made < self.asked:
            out.append(f"FAIL: only {self.made} of {self.asked} kills were made")
        out.append(f"exactly one effect: {self.ok}")
        return out


class PayServer(DelayServer):
    """The sandbox server with the drill's commit delay before a payment's commit."""


# -- the service over HTTP (the drill's own session) -------------------------------------------

def _key() -> str:
    import uuid

    return str(uuid.uuid4())


def declare_everything(svc: Service, units: list[str], since: str, until: str) -> int:
    """Declare every 初始 line of every unit number from ``since`` to ``until`` (daily
    declarations, one per tick) and wait for them to be 申报成功; returns how many."""
    from sbtui.domain.period import add_months

    svc.c.post("/sandbox/settings", json={"feedback_delay_ms": 0}).raise_for_status()
    ids = []
    for unit in units:
        start = since
        while start <= until:
            end = min(add_months(start, 11), until)
            r = svc.c.get("/dues", params={"unit_number": unit, "period_from": start,
                                           "period_to": end, "source": "tax"})
            r.raise_for_status()
            ticks: dict[str, list[str]] = {}
            for d in r.json():
                if d["status"] == "初始":
                    ticks.setdefault(d["tick"], []).append(d["key"])
            for keys in ticks.values():
                r = svc.c.post("/declarations", json={"kind": "daily", "unit_number": unit,
                                                      "lines": [{"key": k} for k in keys]},
                               headers={"Idempotency-Key": _key()})
                if r.status_code == 202:
                    ids.append(r.json()["id"])
            start = add_months(end, 1)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states = Counter(d["status"] for d in svc.c.get("/declarations").json())
        if not states.get("申报中"):
            break
        time.sleep(0.2)
    return len(ids)


# -- the child's side, read from its store -------------------------------------------------------

_ro = killing.ro


def in_flight(db: Path) -> tuple[str, str, int] | None:
    """The oldest pending payment in the child's outbox: (key, state, attempts)."""
    return killing.in_flight(db, PAY_KINDS)


def client_items(db: Path) -> list[dict]:
    con = _ro(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(
            "SELECT key, state, attempts, response FROM outbox WHERE kind = 'payment.pay' ORDER BY seq")]
    finally:
        con.close()


def _events(path: Path) -> list[tuple[float, str]]:
    out = []
    try:
        for line in path.read_text().splitlines():
            stamp, _, event = line.partition(" ")
            try:
                out.append((float(stamp), event))
            except ValueError:
                continue
    except FileNotFoundError:
        pass
    return out


def _wait_for(path: Path, event: str, child: subprocess.Popen, timeout: float = 120) -> float | None:
    """The time the child first printed an event starting with ``event`` (None if it exited or
    timed out first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for stamp, e in _events(path):
            if e.startswith(event):
                return stamp
        if child.poll() is not None:
            return None
        time.sleep(0.005)
    return None


def _wait_for_sent(db: Path, out: Path, child: subprocess.Popen, timeout: float = 120) -> float | None:
    """The time a payment of this run was first seen ``sent`` in the child's outbox."""
    if _wait_for(out, "ready", child, timeout) is None:
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = in_flight(db)
        if found is not None and found[1] == "sent":
            return time.time()
        if child.poll() is not None:
            return None
        time.sleep(0.002)
    return None


# -- the drill ----------------------------------------------------------------------------------

def run_pay_drill(workdir: Path, *, kills: int, seed: int = 7, employees: int = 40,
                  apply_delay_ms: int = 200, reply_delay_ms: int = 100, months: int = 36,
                  broken: bool = False,
                  log=None) -> PayReport:
    """The whole drill in ``workdir`` (see the module doc). ``apply_delay_ms``: the widened
    window before a payment's commit (:mod:`sbtui.bench.pay_server`); ``reply_delay_ms``: the
    sandbox's delay between a commit and its reply (``/sandbox/settings``), the window after it;
    ``months``: how many months are due (the pay list); ``broken``: the payer forgets the keys
    of pending payments (the drill must fail)."""
    from sbtui import clock
    from sbtui.bench.pay_server import prepare
    from sbtui.domain.period import add_months
    from sbtui.remote.sandbox import info

    say = log or (lambda text: None)
    workdir = Path(workdir)
    data, home, outs = workdir / "server", workdir / "home", workdir / "payer"
    data.mkdir(parents=True, exist_ok=True)
    outs.mkdir(parents=True, exist_ok=True)
    report = PayReport(asked=kills)
    current = clock.this_month()
    since = add_months(current, -(months - 1))
    prepare(data, employees=employees, paid_until=add_months(since, -1))
    with PayServer(data, employees=employees, apply_delay_ms=apply_delay_ms, seed=seed) as srv:
        facts = info(data, employees=employees)
        uscc, units = facts["uscc"], facts["unit_numbers"]
        crash.add_employer(srv.url, home, uscc, units[0], sync=True)
        svc = Service(srv.url, uscc)
        try:
            agreement = _agreement(svc)
            bank, account = agreement["bank"], agreement["account"]
            svc.c.post("/sandbox/bank/accounts", json={
                "uscc": uscc, "bank": bank, "branch": agreement["branch"], "account": account,
                "name": agreement["account_name"], "balance": str(BALANCE)}).raise_for_status()
            t0 = time.monotonic()
            declared = declare_everything(svc, units, since, current)
            report.lines_at_start = len(svc.c.get("/payments/due").json())
            say(f"{declared} declarations, {report.lines_at_start} pay lines "
                f"({since}…{current}) in {time.monotonic() - t0:.1f} s")
            db = crash.store_path(home, uscc)
            env = dict(os.environ, SBTUI_PASSWORD=PASSWORD)
            if broken:
                env["SBTUI_BENCH_PAY_BROKEN"] = "1"
            cmd = [sys.executable, "-m", "sbtui.bench.pay_child", str(home), srv.url, uscc,
                   agreement["id"]]
            try:
                svc.c.post("/sandbox/settings",
                           json={"reply_delay_ms": reply_delay_ms}).raise_for_status()
                _kill_loop(report, cmd, env, db, svc, outs, random.Random(seed), apply_delay_ms,
                           reply_delay_ms, say)
            except _RanOut:
                pass
            svc.c.post("/sandbox/settings", json={"reply_delay_ms": 0}).raise_for_status()
            _resume(report, cmd, env, db, outs, say)
            _check(report, svc, db, data / "sandbox.db", bank, account)
        finally:
            svc.close()
    return report


def _agreement(svc: Service) -> dict:
    for a in svc.c.get("/agreements").json():
        if a["status"] == "验证通过":
            return a
    raise RuntimeError("the sandbox has no verified agreement for the demo employer")


def _kill_loop(report: PayReport, cmd: list[str], env: dict, db: Path, svc: Service, outs: Path,
               rng: random.Random, apply_delay_ms: int, reply_delay_ms: int, say) -> None:
    """Run the payer and SIGKILL it until ``report.asked`` kills are made. The moment is drawn
    at random over three spans: 15 % from the payer's start (its resume of what the last kill
    left, its start-up), 15 % from a ``pay`` (before the request goes out), 70 % from the
    moment a payment is marked sent, over the widened commit, the reply and the confirm."""
    kills = Kills(report.asked, report.kills)  # classes each kill (shared with the push drill)
    ready_s = [0.5]
    window = (apply_delay_ms + reply_delay_ms) / 1000 + 0.05
    while report.made < report.asked:
        report.runs += 1
        out = outs / f"{report.runs:04d}.out"
        with open(out, "wb") as f:
            child = subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT)
        try:
            draw = rng.random()
            if draw < 0.15:
                mark = _wait_for(out, "started", child)
                delay = rng.uniform(0, 1.1 * statistics.median(ready_s[-20:]))
            elif draw < 0.3:
                mark = _wait_for(out, "pay ", child)
                delay = rng.uniform(0, 0.06)
            else:
                mark = _wait_for_sent(db, out, child)
                delay = rng.uniform(0, window)
            if mark is not None:
                time.sleep(max(0.0, mark + delay - time.time()))
            probed = kills.probe(db, svc, PAY_KINDS)
            if not killing.sigkill(child):  # it ended on its own just before: no kill
                _finished(report, out, child)
                continue
        except BaseException:
            if child.poll() is None:
                child.kill()
                child.wait()
            raise
        kills.record(probed, db, svc, PAY_KINDS)
        _measure(out, ready_s)
        if report.made % 25 == 0:
            say(f"kills {report.made}/{report.asked}: before the commit "
                f"{report.count(commit='before')}, after {report.count(commit='after')}")


def _finished(report: PayReport, out: Path, child: subprocess.Popen) -> None:
    child.wait()
    report.finished_early += 1
    events = [e for _, e in _events(out)]
    if "done" in events:
        report.ran_out = True
        report.notes.append(f"the pay list was empty after {report.made} kills")
        raise _RanOut
    if report.finished_early > 3 * report.asked + 10:
        report.notes.append("the payer kept ending before its kill time")
        raise _RanOut
    if child.returncode not in (0, None):
        report.notes.append(f"a payer run ended with {child.returncode}: {events[-3:]}")


class _RanOut(Exception):
    pass


def _measure(out: Path, ready_s: list[float]) -> None:
    events = _events(out)
    started = next((t for t, e in events if e == "started"), None)
    ready = next((t for t, e in events if e == "ready"), None)
    if started is not None and ready is not None:
        ready_s.append(ready - started)


def _resume(report: PayReport, cmd: list[str], env: dict, db: Path, outs: Path, say) -> None:
    """Runs that only resume, until nothing is pending (at most 5)."""
    for _ in range(5):
        if not db.exists() or in_flight(db) is None:
            return
        report.resume_runs += 1
        out = outs / f"resume-{report.resume_runs}.out"
        with open(out, "wb") as f:
            done = subprocess.run([*cmd, "--resume-only"], env=env, stdout=f,
                                  stderr=subprocess.STDOUT, timeout=600)
        if done.returncode != 0:
            report.notes.append(f"a resume run ended with {done.returncode}: "
                                f"{out.read_text(errors='replace')[-500:]}")
    say("the outbox was still not empty after 5 resume runs")


def _check(report: PayReport, svc: Service, db: Path, server_db: Path, bank: str,
           account: str) -> None:
    items = client_items(db)
    answered: dict[str, dict] = {}
    refused: set[str] = set()
    pending = 0
    for it in items:
        if it["attempts"] > 1:
            report.resent += 1
        body = (json.loads(it["response"]) if it["response"] else {}).get("body") or {}
        if it["state"] == "confirmed":
            answered[it["key"]] = body
        elif it["state"] == "refused":
            refused.add(it["key"])
        else:
            pending += 1
    report.refused = len(refused)
    effects = [e for kind in ("payment.pay", "payment.failed")
               for e in svc.c.get("/sandbox/effects", params={"kind": kind}).json()]
    per_key = Counter(e["key"] for e in effects)
    target = {e["key"]: e["target"] for e in effects}
    bad = [k for k, body in answered.items()
           if per_key.get(k) != 1 or target.get(k) != body.get("id")]
    bad += [k for k in refused if per_key.get(k)]
    lost = [k for k in per_key if k not in answered]
    payments = svc.c.get("/payments").json()
    ok_payments = [p for p in payments if p["status"] == "缴费成功"]
    report.payments_ok = len(ok_payments)
    report.payments_failed = len(payments) - len(ok_payments)
    server_lines = Counter(ln["key"] for p in ok_payments for ln in p["lines"])
    paid_sum = sum((Decimal(ln["amount"]) + Decimal(ln["late_fee"])
                    for p in ok_payments for ln in p["lines"]), ZERO)
    totals = sum((Decimal(p["total"]) for p in ok_payments), ZERO)
    mine = [b for b in answered.values() if b.get("status") == "缴费成功"]
    client_lines = Counter(ln["key"] for b in mine for ln in b.get("lines", []))
    client_sum = sum((Decimal(ln["amount"]) + Decimal(ln["late_fee"])
                      for b in mine for ln in b.get("lines", [])), ZERO)
    con = _ro(server_db)
    try:
        balance = Decimal(con.execute("SELECT balance FROM bank_accounts WHERE bank = ? AND account = ?",
                                      (bank, account)).fetchone()[0])
        server_integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    debited = BALANCE - balance
    report.facts.update(debited=f"{debited:,.2f}", paid_sum=f"{paid_sum:,.2f}",
                        client_sum=f"{client_sum:,.2f}", client_keys=len(answered) + len(refused),
                        bad_keys=len(bad), lost=len(lost))
    client_integrity = crash.integrity(db)
    report.checks = {
        "every key the client holds has exactly one effect (a refused key none)": not bad,
        "no effect under a key the client does not hold (no debit lost by the client)": not lost,
        "bank balance moved by exactly the sum of the paid lines (dues + late fees)":
            debited == paid_sum == totals == client_sum,
        "no line paid twice": (max(server_lines.values(), default=1) == 1
                               and max(client_lines.values(), default=1) == 1),
        "the client's paid lines are the service's": set(client_lines) == set(server_lines),
        "the outbox is empty": pending == 0 and in_flight(db) is None,
        f"integrity_check: client store {client_integrity}, service db {server_integrity}":
            client_integrity == "ok" and server_integrity == "ok",
    }
    if report.asked >= 20:
        report.checks["kills landed both before and after the commit, keys applied and not"] = (
            report.count(commit="before") > 0 and report.count(commit="after") > 0
            and report.count(applied=True) > 0 and report.count(applied=False) > 0)


__all__ = ["Kill", "PayReport", "run_pay_drill"]
