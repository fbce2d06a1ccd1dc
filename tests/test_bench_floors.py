"""Every benchmark of issue 16 reports, in the same run, its median, its floor and the ratio
(speed is measured by the benches, not here: these only check the keys at a tiny size and
that the CLI prints them)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sbtui.remote.sandbox.service import create_app
from sbtui.remote.sandbox.testing import client


async def test_sandbox_busy_clock_counts_requests_per_family_and_resets(tmp_path):
    app = create_app(tmp_path, employees=20)
    async with client(app) as c:
        assert (await c.post("/sandbox/busy/reset")).status_code == 200
        assert (await c.get("/health")).status_code == 200
        assert (await c.get("/registry/employees")).status_code == 401  # counted all the same
        busy = (await c.get("/sandbox/busy")).json()
        assert busy["requests"] == {"health": 1, "registry": 1}  # /sandbox/* is not counted
        assert busy["seconds"]["health"] > 0
        await c.post("/sandbox/busy/reset")
        assert (await c.get("/sandbox/busy")).json() == {"seconds": {}, "requests": {}}


@pytest.mark.slow
def test_sync_bench_reports_full_sync_floor_and_ratio():
    from sbtui.bench.sync import run_sync_bench

    result = run_sync_bench(employees=300, changes=5, repeat=1, log=False)
    for key in ("full_sync_s", "full_floor_s", "full_ratio", "incremental_sync_s"):
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["full_ratio"] == result["full_sync_s"] / result["full_floor_s"]
    json.dumps(result)


@pytest.mark.slow
def test_dues_bench_reports_preprocess_floor_and_ratio():
    from sbtui.bench.dues import run_dues_bench

    result = run_dues_bench(employees=200, runs=1, log=False)
    for key in ("preprocess_s", "preprocess_floor_s", "preprocess_ratio"):
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["lines"] > 0
    json.dumps(result)


@pytest.mark.parametrize(("command", "target", "fake", "words"), [
    (["sync", "--employees", "10"], "sbtui.bench.sync.run_sync_bench",
     {"employees": 10, "full_sync_s": 2.0, "full_runs_s": [2.0], "full_floor_s": 1.0, "full_ratio": 2.0,
      "incremental_sync_s": 0.1, "incremental_runs_s": [0.1]},
     ["median 2.00 s", "floor (fetch + parse the same pages) 1.00 s", "ratio 2.0×"]),
    (["dues", "--employees", "10"], "sbtui.bench.dues.run_dues_bench",
     {"months": 12, "period_from": "2025-06", "period_to": "2026-05", "lines": 5, "preprocess_s": 3.0,
      "preprocess_runs_s": [3.0], "preprocess_floor_s": 1.5, "preprocess_ratio": 2.0, "list_open_s": 0.1,
      "store_read_s": 0.01},
     ["median 3.00 s", "1.50 s", "ratio 2.0×"]),
    (["start"], "sbtui.bench.start.run_start_bench",
     {"start_s": 0.9, "runs": [0.9], "scenario": "employer", "floor_s": 0.3, "ratio": 3.0},
     ["median 0.900 s", 'floor (python -c "import textual") 0.300 s', "ratio 3.0×"]),
])
def test_bench_commands_print_median_floor_and_ratio(monkeypatch, command, target, fake, words):
    from sbtui.cli import cli

    monkeypatch.setattr(target, lambda **kwargs: fake)
    out = CliRunner().invoke(cli, ["bench", *command])
    assert out.exit_code == 0, out.output
    for word in words:
        assert word in out.stdout, (word, out.stdout)
    data = CliRunner().invoke(cli, ["bench", *command, "--json"])
    assert json.loads(data.stdout) == fake
