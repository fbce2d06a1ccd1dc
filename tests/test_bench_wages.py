"""``sbtui bench wages`` at a small size (speed is measured by the bench, not here): every
measurement is there, the exported draft comes back whole, and the submission end to end over
loopback ends with every row accepted."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sbtui.bench.wages import FLOORED, KEYS, run_wage_bench


@pytest.mark.slow
def test_wage_bench_measures_everything_and_every_row_is_accepted():
    result = run_wage_bench(rows=2000, runs=1, edits=20, log=False)
    assert set(KEYS) <= set(result)
    assert result["rows"] == 2000
    for key in KEYS[1:]:
        assert isinstance(result[key], float) and result[key] > 0, key
    rows = result["draft_rows"]
    assert 1500 < rows <= 2000  # the normal-paying employees
    assert result["imported_rows"] == rows
    assert result["submit_runs"] == 1
    assert result["submit_state"] == "done"
    assert (result["submit_accepted"], result["submit_refused"]) == (rows, 0)
    for step in FLOORED:  # issue 16: median, floor and ratio of the same run
        assert result[f"{step}_floor_s"] > 0 and result[f"{step}_ratio"] > 0, step
        assert result[f"{step}_ratio"] == pytest.approx(result[f"{step}_s"] / result[f"{step}_floor_s"])
    assert result["import_peak_mb"] >= result["import_base_mb"] > 0
    json.dumps(result)  # one JSON object


def test_wage_bench_command_prints_json(monkeypatch):
    from sbtui.cli import cli

    seen = {}

    def fake(**kwargs):
        seen.update(kwargs)
        return {"rows": 10, "draft_rows": 9, "add_all_s": 0.1, "edit_commit_ms": 1.0, "xlsx_export_s": 0.2,
                "xlsx_import_s": 0.3, "submit_s": 0.4, "runs": 2, "submit_runs": 1, "submit_chunks": 1,
                "submit_accepted": 9, "submit_refused": 0, "edit_commit_p95_ms": 2.0,
                "add_all_floor_s": 0.05, "add_all_ratio": 2.0, "xlsx_export_floor_s": 0.1, "xlsx_export_ratio": 2.0,
                "xlsx_import_floor_s": 0.1, "xlsx_import_ratio": 3.0, "submit_floor_s": 0.2, "submit_ratio": 2.0,
                "import_peak_mb": 90.0, "import_base_mb": 60.0}

    monkeypatch.setattr("sbtui.bench.wages.run_wage_bench", fake)
    out = CliRunner().invoke(cli, ["bench", "wages", "--rows", "10", "--runs", "2", "--json"])
    assert out.exit_code == 0, out.output
    assert set(KEYS) <= set(json.loads(out.stdout))
    assert seen == {"rows": 10, "runs": 2, "edits": 200, "submit_runs": None, "log": False}
    table = CliRunner().invoke(cli, ["bench", "wages", "--rows", "10"])
    assert table.exit_code == 0 and "submit → feedback" in table.stdout
    assert "floor  ratio" in table.stdout and "0.10 s   3.0×" in table.stdout  # import: floor, ratio
    assert "import peak RSS 90 MB" in table.stdout
