"""The push crash drill (``sbtui bench crash push``; issue 14 finding 10, SPEC §1).

A sandbox server in its own process over real HTTP with a two-part delay before *every* keyed
mutation's commit (:mod:`sbtui.bench.pay_server` ``--all-keyed``: a disconnect check halfway
drops a killed client's request, so the key is never stored) and ``reply_delay_ms`` after it;
the outbox filled with operations of every group kind (``group.create``, ``group.assign``,
``group.assign_many``, ``group.rename``, ``group.delete``), wage submissions
(``wages.submit``, through WagesService; its effect ``wages.declare`` is made when its
feedback is due), fee declarations and their voids (``declaration.submit``,
``declaration.void``, through DeclarationsService; ``declaration.declare`` and
``declaration.voided`` follow at their feedback) and refund applications (``refund.submit``,
税票退费 of tickets the drill's own session paid; ``refund.refused`` / ``verified`` /
``refunded`` follow as the service decides); ``sbtui sync`` in a child process
(:mod:`sbtui.bench.sync_child`) SIGKILLed while it pushes — timed from its first request —
restarted, until ``kills`` kills were made; then runs that only finish the push. Each kill is
classed before/at/after the commit (:mod:`sbtui.bench.killing`). Then the checks:

- every key the client holds as confirmed has its effects on the service exactly once (none
  missing, none twice), a refused key none, and no effect under a key the client does not hold;
- the local registry, groups and declarations (with their statuses) equal the service's; the
  outbox empty; integrity ok;
- ``kills`` kills made; with 20 or more, kills landed before and after the commit.

``broken`` (``drop``, ``newkey``): the child is a deliberately broken client
(:data:`sbtui.bench.sync_child.MUTANTS`) — the drill must fail.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sbtui.bench import crash, killing
from sbtui.bench.killing import DelayServer, Kills, Service
from sbtui.bench.sync_child import BROKEN_ENV

KINDS = ("group.create", "group.assign", "group.assign_many", "group.rename", "group.delete",
         "wages.submit", "declaration.submit", "declaration.void", "refund.submit")
# the effects made later under a kind's key: a wage submission's and a fee declaration's when
# their feedback is due (declared), a void's under the declaration's own key (voided), a refund
# application's as the service decides it
EFFECTS = (*KINDS, "wages.declare", "declaration.declare", "declaration.voided", "refund.refused",
           "refund.verified", "refund.refunded")
PLAN = ("group.assign", "declaration.submit", "group.create", "refund.submit", "group.assign_many",
        "group.rename", "wages.submit", "declaration.void", "group.assign", "group.delete")
SERVICE_KINDS = ("wages.submit", "declaration.submit", "declaration.void")  # queued through services
EARLIEST = "2000-01"
WAGE_ROWS = 3  # draft rows per wage submission


@dataclass
class PushReport:
    asked: int
    kills: Kills = field(default_factory=lambda: Kills(0))
    runs: int = 0
    finished_early: int = 0
    queued: Counter = field(default_factory=Counter)  # operations queued, by kind
    confirmed: int = 0
    refused: int = 0
    resent: int = 0  # items sent more than once (a kill cut their request)
    replayed: int = 0  # of those, answered by a replay: the service had committed before
    first_time: int = 0  # of those, applied for the first time by the resend
    bad: dict[str, list[str]] = field(default_factory=dict)  # check -> offending keys
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def made(self) -> int:
        return self.kills.made

    @property
    def ok(self) -> bool:
        return self.made >= self.asked and bool(self.checks) and all(self.checks.values())

    def lines(self) -> list[str]:
        out = [f"kills made: {self.made} of {self.asked} asked ({self.runs} sync runs; "
               f"{self.finished_early} ended before their kill time)",
               *self.kills.lines("an outbox item"),
               f"operations queued: {sum(self.queued.values())} ("
               + ", ".join(f"{k} {n}" for k, n in sorted(self.queued.items())) + ")",
               f"items confirmed {self.confirmed}, refused {self.refused}; sent more than once: "
               f"{self.resent} (answered by a replay at the last send: {self.replayed}); keys not "
               f"applied at a kill, applied for the first time by a resend: {self.first_time}"]
        for name, good in self.checks.items():
            out.append(f"  {'ok  ' if good else 'FAIL'} {name}")
            for key in self.bad.get(name, [])[:20]:
                out.append(f"       offending key: {key}")
        for note in self.notes:
            out.append(f"note: {note}")
        if self.made < self.asked:
            out.append(f"FAIL: only {self.made} of {self.asked} kills were made")
        out.append(f"every key exactly one effect: {self.ok}")
        return out


def queue_wages(home: Path, uscc: str, n: int) -> int:
    """Queue ``n`` wage submissions of :data:`WAGE_ROWS` draft rows each, through
    WagesService as the grid does (添加全部正常缴费职工 first when no row is left to submit);
    returns how many were queued."""
    from sbtui.clock import this_month
    from sbtui.workspace import Workspace

    wages = Workspace(str(home)).employer(uscc).wages
    rows = wages.submittable()
    if len(rows) < n * WAGE_ROWS and not wages.store.outbox.pending_entities("wages"):
        wages.add_all_normal(this_month())
        rows = wages.submittable()
    made = 0
    for i in range(n):
        chunk = rows[i * WAGE_ROWS:(i + 1) * WAGE_ROWS]
        if not chunk or wages.check_submit(chunk).problems:
            break
        wages.submit(chunk)
        made += 1
    wages.store.close()
    return made


def queue_declarations(home: Path, uscc: str, submits: int, voids: int) -> Counter:
    """Queue up to ``voids`` voids (作废) of declarations 申报成功 and unpaid here, then
    ``submits`` fee declarations (日常申报) of one open tick each — more submits for the voids
    that had no declaration to void — through DeclarationsService as the screens do (SPEC D3,
    D8). Returns how many of each kind were queued (one submit queues one item per unit)."""
    from sbtui.domain.declare import DeclareError
    from sbtui.workspace import Workspace

    made: Counter = Counter()
    decl = Workspace(str(home)).employer(uscc).declarations
    try:
        for row in decl.unpaid()[:voids]:
            try:
                decl.queue_void(row["id"])
            except DeclareError:
                continue
            made["declaration.void"] += 1
        for _ in range(submits + voids - made["declaration.void"]):
            lines = decl.open_lines("daily")
            if not lines:
                break
            tick = lines[0]["tick"]
            try:
                made["declaration.submit"] += len(decl.queue("daily", [r for r in lines if r["tick"] == tick]))
            except DeclareError:
                break
    finally:
        decl.store.close()
    return made


def pay_everything(svc: Service, *, but_newest: bool = False) -> int:
    """The drill's own payment (not the client's: its key is the drill's, its effect not
    checked) of every line of the pay list — ``but_newest``: but the newest declaration's, left
    for a void — by the seeded verified agreement, so that there are booked tickets to apply
    refunds for (SPEC P2, R1). Returns the lines paid."""
    lines = svc.c.get("/payments/due").json()
    if but_newest and lines:
        newest = max(x["declaration_id"] for x in lines)
        lines = [x for x in lines if x["declaration_id"] != newest]
    if not lines:
        return 0
    agreement = next(a for a in svc.c.get("/agreements").json() if a["status"] == "验证通过")
    ticket = svc.c.post("/payments/authorize", json={"password": crash.PASSWORD})
    ticket.raise_for_status()
    total = sum((Decimal(x["amount"]) + Decimal(x["late_fee"]) for x in lines), Decimal("0.00"))
    r = svc.c.post("/payments", json={"lines": [x["key"] for x in lines], "agreement_id": agreement["id"],
                                      "ticket": ticket.json()["ticket"], "total": str(total)},
                   headers={"Idempotency-Key": str(uuid.uuid4())})
    r.raise_for_status()
    return len(lines)


def queue_refunds(db: Path, svc: Service, n: int) -> int:
    """Queue up to ``n`` refund applications (``refund.submit``, 税票退费 of one booked ticket
    each, SPEC R1–R3) in the store at ``db``, for tickets not refunded and not already in
    this outbox; their body as RefundsService builds it. Returns how many were queued."""
    from sbtui.clock import this_month
    from sbtui.domain import refund as rules
    from sbtui.domain.ids import complete_resident_id
    from sbtui.domain.vocab import RefundKind
    from sbtui.store import open_store

    records = svc.c.get("/refunds/paid-records", params={"period_from": EARLIEST,
                                                         "period_to": this_month()}).json()
    bank = next(a for a in svc.c.get("/agreements").json() if a["status"] == "验证通过")
    form = rules.check_application({
        "cause": rules.REFUND_CAUSES[0], "explanation": "演练退费",
        "account": {"name": bank["account_name"], "bank": bank["bank"], "account": bank["account"]},
        "handler": {"name": "演练", "id_type": "201", "id_number": complete_resident_id("15010119800606060"),
                    "phone": "13333333333"}})
    store = open_store(db)
    made = 0
    try:
        queued = {t for (p,) in store.db.execute("SELECT payload FROM outbox WHERE kind = 'refund.submit'")
                  for t in json.loads(p)["body"].get("tickets", [])}
        for rec in records:
            if made == n:
                break
            if not rec["refundable"] or rec["ticket_number"] in queued:
                continue
            store.refunds.submit_queue({**form, "kind": RefundKind.TICKET.value, "total": rec["total"],
                                        "tickets": [rec["ticket_number"]]})
            made += 1
    finally:
        store.close()
    return made


def queue_operations(db: Path, n: int, rng: random.Random, counter: Counter,
                     home: Path | None = None, uscc: str | None = None,
                     svc: Service | None = None) -> Counter:
    """Queue ``n`` operations in the store at ``db`` (the child not running), following
    :data:`PLAN`; a kind that cannot be made now (nothing to rename or delete yet) becomes a
    ``group.create``; wage submissions and fee declarations only with ``home`` and ``uscc``.
    Returns how many of each kind."""
    from sbtui.store import open_store
    from sbtui.store.groups import LOCAL_PREFIX

    made: Counter = Counter()
    later: Counter = Counter()  # queued through the services once the store is closed
    store = open_store(db)
    try:
        people = [r["id"] for r in store.registry.employees(status="normal", limit=500)]
        for _ in range(n):
            kind = PLAN[sum(counter.values()) % len(PLAN)]
            counter[kind] += 1
            groups = [g for g in store.groups.rows() if not g["id"].startswith(LOCAL_PREFIX)]
            ours = [g for g in store.groups.rows()  # the drill's own, new ones too (temporary ids)
                    if g["name"].startswith("演练") and not store.groups.subgroup_ids(g["id"])[1:]]
            if kind in ("group.rename", "group.delete") and not ours:
                kind = "group.create"
            if kind == "refund.submit":
                if svc is not None:
                    later[kind] += 1
                    continue
                kind = "group.assign"
            if kind in SERVICE_KINDS:
                if home is not None:
                    later[kind] += 1
                    continue
                kind = "group.assign"
            number = sum(counter.values())
            if kind == "group.assign":
                store.groups.assign(rng.choice(people), rng.choice(groups)["id"])
            elif kind == "group.assign_many":
                target = rng.choice(groups)["id"]
                store.groups.assign_many([(p, target) for p in rng.sample(people, 3)])
            elif kind == "group.create":
                store.groups.create(f"演练{number}")
            elif kind == "group.rename":
                store.groups.rename(rng.choice(ours)["id"], f"演练{number}改")
            else:
                store.groups.delete(rng.choice(ours)["id"])
            made[kind] += 1
    finally:
        store.close()
    if later["wages.submit"]:
        made["wages.submit"] += queue_wages(home, uscc, later["wages.submit"])
    if later["declaration.submit"] or later["declaration.void"]:
        made.update(queue_declarations(home, uscc, later["declaration.submit"], later["declaration.void"]))
    if later["refund.submit"]:
        made["refund.submit"] += queue_refunds(db, svc, later["refund.submit"])
    return made


def _attempts(db: Path) -> int:
    return crash._read_int(db, "select coalesce(sum(attempts), 0) from outbox")


def _pending(db: Path) -> int:
    return crash._read_int(db, "select count(*) from outbox where state in ('queued', 'sent')")


def run_push_drill(workdir: Path, *, kills: int, operations: int = 60, seed: int = 11,
                   employees: int = 2000, apply_delay_ms: int = 200, reply_delay_ms: int = 150,
                   broken: str | None = None, log=None) -> PushReport:
    """The whole drill in ``workdir`` (see the module doc)."""
    from sbtui.remote.sandbox import info

    say = log or (lambda text: None)
    workdir = Path(workdir)
    data, home = workdir / "server", workdir / "home"
    report = PushReport(asked=kills, kills=Kills(kills))
    rng = random.Random(seed)
    plan: Counter = Counter()
    with DelayServer(data, employees=employees, apply_delay_ms=apply_delay_ms, seed=seed,
                     all_keyed=True) as srv:
        facts = info(data, employees=employees)
        uscc, unit = facts["uscc"], facts["unit_numbers"][0]
        crash.add_employer(srv.url, home, uscc, unit, sync=True)
        db = crash.store_path(home, uscc)
        env = dict(os.environ, SBTUI_PASSWORD=crash.PASSWORD)
        env.pop(BROKEN_ENV, None)
        if broken:
            env[BROKEN_ENV] = broken
        cmd = [sys.executable, "-m", "sbtui.bench.sync_child", "--home", str(home),
               "--remote", srv.url, "sync"]
        svc = Service(srv.url, uscc)
        try:
            svc.c.post("/sandbox/settings", json={"feedback_delay_ms": 0}).raise_for_status()
            # a declaration sent, settled and paid (by the drill's own session: booked tickets
            # for refund applications), then one more settled and left unpaid for the first
            # batch to void — each by a sync not killed
            report.queued.update(queue_declarations(home, uscc, 1, 0))
            subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            pay_everything(svc)
            report.queued.update(queue_declarations(home, uscc, 1, 0))
            subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            report.queued.update(queue_operations(db, operations, rng, plan, home, uscc, svc))
            crash.set_reply_delay(srv.url, reply_delay_ms)
            _kill_loop(report, cmd, env, db, svc, rng, apply_delay_ms, reply_delay_ms, plan,
                       operations, say, home, uscc)
            crash.set_reply_delay(srv.url, 0)
            for i in range(4):  # finish the push (the same client, broken or not), then
                if i == 3 or not _pending(db):  # one run that pulls the wage feedback's changes
                    svc.c.get("/wages/declarations").raise_for_status()  # feedback due: applied
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
                if done.returncode != 0:
                    last = (done.stderr.strip().splitlines() or [""])[-1]
                    report.notes.append(f"a finishing sync ended with {done.returncode}: {last[-300:]}")
                if i == 3 or not _pending(db):
                    break
            _check(report, svc, srv.url, db, uscc, unit)
        finally:
            svc.close()
    return report


def _kill_loop(report: PushReport, cmd: list[str], env: dict, db: Path, svc: Service,
               rng: random.Random, apply_delay_ms: int, reply_delay_ms: int, plan: Counter,
               operations: int, say, home: Path, uscc: str) -> None:
    """Run ``sbtui sync`` and SIGKILL it until ``report.asked`` kills are made: from its first
    request (an item marked sent), after a random delay over the widened commit, the reply and
    the confirm (85 %) or a little longer (15 %: between items). An emptied outbox is given
    more operations."""
    window = (apply_delay_ms + reply_delay_ms) / 1000 + 0.05
    while report.made < report.asked:
        if not _pending(db):  # more operations; the declarations sent so far paid for refunds
            pay_everything(svc, but_newest=True)
            report.queued.update(queue_operations(db, operations, rng, plan, home, uscc, svc))
        report.runs += 1
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            crash._wait_for_progress(child, lambda: _attempts(db))
            delay = rng.uniform(0, window if rng.random() < 0.85 else 2.5 * window)
            try:
                child.wait(delay)
            except subprocess.TimeoutExpired:
                pass
            probed = report.kills.probe(db, svc)
            if not killing.sigkill(child):
                report.finished_early += 1
                if report.finished_early > 3 * report.asked + 10:
                    report.notes.append("sync kept ending before its kill time")
                    return
                continue
        except BaseException:
            if child.poll() is None:
                child.kill()
                child.wait()
            raise
        report.kills.record(probed, db, svc)
        if report.made % 25 == 0:
            say(f"kills {report.made}/{report.asked}: before the commit "
                f"{report.kills.count(commit='before')}, after {report.kills.count(commit='after')}")


def _check(report: PushReport, svc: Service, url: str, db: Path, uscc: str, unit: str) -> None:
    con = killing.ro(db)
    con.row_factory = sqlite3.Row
    try:
        items = [dict(r) for r in con.execute(
            f"SELECT key, kind, state, attempts, response FROM outbox WHERE kind IN "
            f"({','.join('?' * len(KINDS))}) ORDER BY seq", KINDS)]
        local_groups = {r[0]: (r[1], r[2]) for r in con.execute("SELECT id, name, parent_id FROM groups")}
        local_decls = {r[0]: r[1] for r in con.execute("SELECT id, status FROM declarations")}
    finally:
        con.close()
    confirmed = {it["key"] for it in items if it["state"] == "confirmed"}
    refused = {it["key"] for it in items if it["state"] == "refused"}
    pending = [it["key"] for it in items if it["state"] in ("queued", "sent")]
    report.confirmed, report.refused = len(confirmed), len(refused)
    for it in items:
        if it["attempts"] > 1 and it["state"] == "confirmed":
            report.resent += 1
            if (json.loads(it["response"] or "{}") or {}).get("replayed"):
                report.replayed += 1
    effects = [e for e in svc.c.get("/sandbox/effects").json() if e["kind"] in EFFECTS]
    per_key = Counter(e["key"] for e in effects)
    twice = Counter((e["key"], e["kind"], e["target"]) for e in effects)
    missing = sorted(k for k in confirmed if not per_key.get(k))
    doubled = sorted({k for (k, _, _), n in twice.items() if n > 1})
    refused_with = sorted(k for k in refused if per_key.get(k))
    foreign = sorted(k for k in per_key if k not in confirmed and k not in refused)
    # a key the service had not applied at a kill, applied later: by a resend, the first time
    report.first_time = len({k.key for k in report.kills.kills
                             if k.applied is False and k.key in confirmed and per_key.get(k.key)})
    same_registry = crash.local_registry(db) == crash.server_registry(url, uscc, unit)
    server_groups = {g["id"]: (g["name"], g["parent_id"]) for g in svc.c.get("/groups").json()}
    server_decls = {d["id"]: d["status"] for d in svc.c.get("/declarations").json()}
    integrity = crash.integrity(db)
    names = {
        "every confirmed key has its effect on the service (none lost)": missing,
        "no effect twice under one key": doubled,
        "a refused key has no effect": refused_with,
        "no effect under a key the client does not hold (no new key on resend)": foreign,
        "the outbox is empty": pending,
    }
    report.bad = {name: keys for name, keys in names.items() if keys}
    report.checks = {name: not keys for name, keys in names.items()}
    report.checks["the local registry equals the service's"] = same_registry
    report.checks["the local groups equal the service's"] = local_groups == server_groups
    differ = sorted(i for i in set(local_decls) | set(server_decls) if local_decls.get(i) != server_decls.get(i))
    report.checks["the local declarations and their statuses equal the service's"] = not differ
    if differ:
        report.bad["the local declarations and their statuses equal the service's"] = [
            f"{i}: here {local_decls.get(i)}, service {server_decls.get(i)}" for i in differ]
    report.checks[f"integrity_check: {integrity}"] = integrity == "ok"
    if report.asked >= 20:
        report.checks["kills landed both before and after the commit, keys applied and not"] = \
            report.kills.both_sides()
    if report.asked >= 20 and not report.first_time:
        report.notes.append("no resend applied for the first time")


__all__ = ["KINDS", "PushReport", "queue_operations", "run_push_drill"]
