"""WagesService (``ws.employer(uscc).wages``, SPEC W2–W13) on the embedded sandbox: the submit
plan's check (problems named, W6 back payments counted, rows with nothing declared not
offered), the grid's own readers of the 编辑区 and of the wage query, and the query with its
export."""
from __future__ import annotations

from contextlib import closing

import openpyxl
import pytest

from sbtui.domain.wages import NO_WAGE
from sbtui.services.wages import SubmitProblem, this_month
from tui_sandbox import sandbox_workspace


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


def draft(ws, uscc):
    """rowid → (name, id_number, insured types) of every 编辑区 row (read through the store)."""
    return {r: (n, i, s.split(",")) for r, n, i, s in ws.store(uscc).db.execute(
        "SELECT rowid, name, id_number, insured FROM wage_draft ORDER BY rowid")}


async def test_check_submit_names_problems_and_counts_back_payments(sandbox):
    ws, facts = sandbox
    wages = ws.employer(facts["uscc"]).wages
    assert wages.add_all_normal(this_month()) > 0
    rows = draft(ws, facts["uscc"])
    first, second = wages.submittable()[:2]
    for code in rows[first][2]:  # nothing declared any more
        wages.set_cell(first, f"w{code}", "")
    check = wages.check_submit([first, second])
    name, number, _ = rows[first]
    assert check.problems == [SubmitProblem(first, name, number, NO_WAGE)]
    assert check.back_payments == 0  # not asked while there are problems
    assert first not in wages.submittable() and second in wages.submittable()
    assert wages.check_submit([second]).problems == []
    assert wages.check_submit([second]).back_payments == 0  # 生效年月起 = this month
    code = rows[second][2][0]
    wages.set_cell(second, f"f{code}", f"{int(this_month()[:4]) - 1}-06")
    assert wages.check_submit([second]).back_payments == 1  # W6
    sid = wages.submit([second])
    assert wages.record(sid)["state"] == "queued" and [r["id"] for r in wages.records()] == [sid]
    assert [r["id_number"] for r in wages.record_rows(sid)] == [rows[second][1]]
    assert second not in wages.submittable()  # queued


async def test_draft_grid_reads_insured_types_and_refusals(sandbox):
    ws, facts = sandbox
    wages = ws.employer(facts["uscc"]).wages
    wages.add_all_normal(this_month())
    rows = draft(ws, facts["uscc"])
    rowid = next(iter(rows))
    ws.store(facts["uscc"]).db.execute(
        "UPDATE wage_draft SET result = 'refused', reason = '不能调低' WHERE rowid = ?", [rowid])
    ws.store(facts["uscc"]).db.conn.commit()
    with closing(wages.draft_grid()) as grid:
        assert grid.insured(rowid) == rows[rowid][2]
        assert grid.refusal(rowid) == "不能调低"
        other = next(r for r in rows if r != rowid)
        assert grid.refusal(other) is None
        assert grid.insured(max(rows) + 1) is None
        assert grid.conn.execute(f"SELECT count(*) FROM {grid.table}").fetchone()[0] == len(rows)


async def test_query_rows_conditions_and_export(sandbox, tmp_path):
    ws, facts = sandbox
    wages = ws.employer(facts["uscc"]).wages
    everything = wages.query_rows()
    with closing(wages.query_grid()) as grid:
        assert grid.build() == len(everything) > 200  # one row per employee × type × period
    number = next(r["id_number"] for r in everything if r["type"] == "110")
    mine = wages.query_rows(id_number=number, type_code="110")
    assert mine and {(r["id_number"], r["type"]) for r in mine} == {(number, "110")}
    month = this_month()
    covering = wages.query_rows(month=month)
    assert covering and all(r["period_from"] <= month <= r["period_to"] for r in covering)
    with pytest.raises(ValueError):
        wages.query_where(month="2026-13")
    where, params = wages.query_where(id_number=number)
    path = tmp_path / "q.xlsx"
    n = wages.export_query(path, where=where, params=params)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    numbers = [c.value for c in sheet["D"] if c.value == number]
    assert n == len(numbers) == len(wages.query_rows(id_number=number))
