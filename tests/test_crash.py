"""Crash tests (SPEC §1; short versions — `sbtui bench crash pull|push|pay` runs the long ones):
a child `sbtui sync` is SIGKILLed at random points against a real server on loopback; each
drill is shown to fail on a deliberately broken client (issue 14 finding 10)."""
from __future__ import annotations

from pathlib import Path

import pytest

from sbtui.bench import crash as drill
from sbtui.bench.server import SandboxServer
from sbtui.remote.sandbox import info


@pytest.fixture(scope="module")
def crash_server(tmp_path_factory):
    data = Path(tmp_path_factory.mktemp("crash-server"))
    with SandboxServer(data, employees=20_000) as srv:
        srv.facts = info(data)
        yield srv


@pytest.mark.slow
def test_killed_full_pull_resumes_and_ends_equal(crash_server, tmp_path):
    facts = crash_server.facts
    home = tmp_path / "home"
    report = drill.drill_pull(crash_server.url, home, facts["uscc"], facts["unit_numbers"][0],
                              kills=6, seed=3, span=1.0)
    assert report.kills == 6
    db = drill.store_path(home, facts["uscc"])
    assert drill.integrity(db) == "ok"
    assert drill.local_registry(db) == drill.server_registry(crash_server.url, facts["uscc"], facts["unit_numbers"][0])


def test_killed_full_pull_that_skips_a_page_on_resume_fails_the_drill(crash_server, tmp_path):
    """The pull drill can fail (issue 14 finding 10): a client that skips the next page when it
    resumes a killed download is caught — the ids it lost are named, and the drill does not say
    the registries are equal."""
    facts = crash_server.facts
    for round_ in range(3):
        home = tmp_path / f"home{round_}"
        report = drill.drill_pull(crash_server.url, home, facts["uscc"], facts["unit_numbers"][0],
                                  kills=3, seed=3 + round_, span=1.0, broken="skip-page")
        ok, lines = drill.pull_ok(crash_server.url, home, facts["uscc"], facts["unit_numbers"][0],
                                  report, 3)
        text = "\n".join(lines)
        if not ok:
            break
    assert not ok, text
    assert "offending id:" in text
    assert "after every kill: False" in text and "after every kill: True" not in text


def test_pull_drill_enforces_the_kill_count(monkeypatch, tmp_path):
    """Fewer kills than asked fail the pull drill, even with equal registries; an id that
    differs is named."""
    monkeypatch.setattr(drill, "local_registry", lambda db: {"E1": (1, "normal", None, "x")})
    monkeypatch.setattr(drill, "server_registry", lambda *a: {"E1": (1, "normal", None, "x")})
    monkeypatch.setattr(drill, "integrity", lambda db: "ok")
    ok, lines = drill.pull_ok("http://x", tmp_path, "U", "1", drill.DrillReport(kills=2), 5)
    assert not ok and "FAIL: only 2 of 5 kills were made" in lines
    assert ok is False and lines[-1].endswith("False")
    ok, lines = drill.pull_ok("http://x", tmp_path, "U", "1", drill.DrillReport(kills=5), 5)
    assert ok and lines[-1].endswith("True")
    monkeypatch.setattr(drill, "server_registry", lambda *a: {})
    ok, lines = drill.pull_ok("http://x", tmp_path, "U", "1", drill.DrillReport(kills=5), 5)
    assert not ok and "  offending id: E1" in lines


# -- push (issue 14 finding 10: every group kind, kills before and after the commit) ---------

def _push_drill(tmp_path, **kw):
    from sbtui.bench.push_drill import run_push_drill

    return run_push_drill(tmp_path, employees=200, operations=20, **kw)


@pytest.mark.slow
def test_killed_push_applies_every_key_exactly_once(tmp_path):
    """`sbtui sync` pushing group operations of every kind, wage submissions, fee declarations
    and their voids, refund applications, SIGKILLed 8 times (before, at and after the service's commit), resumed by
    key: every key one effect, none under a key the client does not hold, local registry,
    groups and declarations equal the service's, integrity ok."""
    report = _push_drill(tmp_path / "drill", kills=8, seed=11)
    text = "\n".join(report.lines())
    assert report.made == 8 and report.ok, text
    assert set(report.queued) == {"group.create", "group.assign", "group.assign_many",
                                  "group.rename", "group.delete", "wages.submit",
                                  "declaration.submit", "declaration.void", "refund.submit"}, text
    assert report.checks["the local declarations and their statuses equal the service's"], text
    assert report.kills.count(commit="before") + report.kills.count(commit="after") >= 1, text
    assert "every key exactly one effect: True" in text


@pytest.mark.slow
@pytest.mark.parametrize("mutant, check", [
    ("drop", "every confirmed key has its effect on the service (none lost)"),
    ("newkey", "no effect under a key the client does not hold (no new key on resend)"),
])
def test_push_drill_catches_a_broken_client(tmp_path, mutant, check):
    """The push drill can fail: a client that drops a re-sent item without sending it, or
    sends it again under a new key, is caught, the offending keys printed, and the drill never
    says "every key exactly one effect: True"."""
    for round_ in range(3):
        report = _push_drill(tmp_path / f"{mutant}{round_}", kills=6, seed=11 + round_, broken=mutant)
        text = "\n".join(report.lines())
        if not report.ok:
            break
    assert not report.ok, text
    assert "offending key:" in text
    assert "every key exactly one effect: False" in text and "exactly one effect: True" not in text
    if mutant == "drop":
        assert not report.checks[check], text
    else:  # a new key: an effect under a key the client lacks, its own key without one, or
        # its own key refused (the service refuses the second, new-keyed declaration of lines
        # the first one holds) though it had its effect
        assert not all(report.checks[c] for c in (
            check, "every confirmed key has its effect on the service (none lost)",
            "a refused key has no effect")), text


def test_push_drill_cli_fails_when_fewer_kills_were_made(monkeypatch):
    """`sbtui bench crash push` exits 1 on fewer kills than asked, all checks passing."""
    from click.testing import CliRunner

    from sbtui.bench import push_drill
    from sbtui.bench.killing import Kill, Kills
    from sbtui.cli import cli

    def fake(workdir, *, kills, **kw):
        report = push_drill.PushReport(asked=kills, kills=Kills(kills))
        report.kills.kills = [Kill(n=1, phase="first", commit="before", applied=False)]
        report.checks = {"every check": True}
        return report

    monkeypatch.setattr(push_drill, "run_push_drill", fake)
    result = CliRunner().invoke(cli, ["bench", "crash", "push", "--kills", "5"])
    assert result.exit_code == 1, result.output
    assert "kills made: 1 of 5 asked" in result.output
    assert "every key exactly one effect: True" not in result.output
    assert "every key exactly one effect: False" in result.output


# -- payment (issue 12 "exactly once, proven"; `sbtui bench crash pay` runs the long one) -------

def _pay_drill(tmp_path, **kw):
    from sbtui.bench.pay_drill import run_pay_drill

    return run_pay_drill(tmp_path, employees=20, months=6, **kw)


@pytest.mark.slow
def test_killed_payer_pays_every_line_exactly_once(tmp_path):
    """A payer paying by agreement over real HTTP, SIGKILLed 8 times (most while a payment is
    sent: before or after the service's commit), resumed by key: every key one effect, the
    balance moved by the paid lines, no line paid twice, the outbox empty, integrity ok."""
    report = _pay_drill(tmp_path / "drill", kills=8, seed=3)
    text = "\n".join(report.lines())
    assert report.made == 8, text
    assert all(report.checks.values()) and report.ok, text
    assert report.count(commit="before") + report.count(commit="after") + \
        report.count(commit="at") >= 1, text  # some kill cut a payment
    assert report.payments_ok >= 1 and "exactly one effect: True" in text


@pytest.mark.slow
def test_pay_drill_catches_a_client_that_forgets_its_keys(tmp_path):
    """The drill can fail: a payer that, after a kill, pays the pending lines again under a new
    key instead of asking by the old one loses the debits the service had made (its user would
    pay those lines again) — the drill reports them and never says "exactly one effect: True".
    Rounds are repeated (three at most) until a kill caught a payment the service applied."""
    for round_ in range(3):
        report = _pay_drill(tmp_path / f"broken{round_}", kills=8, seed=11 + round_, broken=True)
        text = "\n".join(report.lines())
        if report.count(applied=True):
            break
    else:
        pytest.fail(f"no kill caught an applied payment in three rounds:\n{text}")
    assert not report.ok, text
    assert report.facts["lost"] >= 1, text
    assert not report.checks["no effect under a key the client does not hold (no debit lost by the client)"]
    assert "exactly one effect: False" in text and "exactly one effect: True" not in text


def test_pay_drill_cli_fails_when_fewer_kills_were_made(monkeypatch):
    """`sbtui bench crash pay` exits 1 when it made fewer kills than asked, even with every
    check passing, and then does not print "exactly one effect: True"."""
    from click.testing import CliRunner

    from sbtui.bench import pay_drill
    from sbtui.cli import cli

    def fake(workdir, *, kills, **kw):
        report = pay_drill.PayReport(asked=kills)
        report.kills = [pay_drill.Kill(n=1, phase="first", commit="before", applied=True)]
        report.checks = {"every check": True}
        return report

    monkeypatch.setattr(pay_drill, "run_pay_drill", fake)
    result = CliRunner().invoke(cli, ["bench", "crash", "pay", "--kills", "5"])
    assert result.exit_code == 1, result.output
    assert "kills made: 1 of 5 asked" in result.output
    assert "exactly one effect: True" not in result.output
    assert "exactly one effect: False" in result.output
