"""The wage grid in the local store (SPEC W2–W8, W11–W13): adding rows, editing with the W4
binding, undo/redo, checks, submitting in chunks through the outbox, feedback and records, the
wage query; plus a killed process and the 100,000-employee timings."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal

import pytest
from store_helpers import GROUPS

from sbtui.domain.catalogue import catalogue
from sbtui.store import open_store, wage_query
from sbtui.store.migrations import M003_TYPES

TODAY = date(2026, 1, 15)
ENT = ("110", "210", "410")
MED = ("310", "330")


def wage(t, amount, start, end="2099-12"):
    return {"type": t, "wage": amount, "period_from": start, "period_to": end}


def person(n, *, types=ENT, wages=None, status="normal", group_id=None, units=("U1",)):
    """An employee document; by default 8888.00 in every type since 2024-01."""
    regs = [{"unit_number": u, "agency": "市社保中心" if u != "M1" else "市医保中心",
             "agency_system": "enterprise" if u != "M1" else "medical", "person_number": f"P{u}{n}",
             "insurance_types": [t for t in types if (t in MED) == (u == "M1")] if len(units) > 1 else list(types)}
            for u in units]
    return {"id": f"E{n:07d}", "name": f"职工{n}", "id_type": "201", "id_number": f"11010119900101{n:04d}",
            "status": status, "group_id": group_id, "registrations": regs,
            "wages": [wage(t, "8888.00", "2024-01") for t in types] if wages is None else wages,
            "added_on": "2024-01-01", "changed_on": "2024-06-01", "seq": 1}


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.wages.today = lambda: TODAY
    s.groups.replace(GROUPS)  # G1 财务部 / G2 会计组 / G3 出纳; G4 人事部
    s.registry.upsert_employees([
        person(1, group_id="G1"),
        person(2, group_id="G2", wages=[wage(t, "4000", "2023-01", "2023-12") for t in ENT]
               + [wage(t, "5000.5", "2024-01") for t in ENT]),
        person(3, group_id="G3", wages=[wage("110", "6000.00", "2024-01"), wage("210", "6000.00", "2024-01")]),
        person(4, group_id="G4", status="stopped"),
        person(5, types=ENT + MED, units=("U1", "M1"),
               wages=[wage(t, "7000.00", "2025-01", "2025-12") for t in ENT + MED]),
        person(6, units=("U2",)),
    ])
    yield s
    s.close()


def row(store, n):
    return next(r for r in store.wages.draft_rows() if r["employee_id"] == f"E{n:07d}")


def cells(r, code):
    return (r[f"w{code}"], r[f"f{code}"], r[f"t{code}"])


# -- schema --------------------------------------------------------------------------------

def test_wage_draft_has_three_columns_for_every_catalogue_type(store):
    columns = set(store.db["wage_draft"].columns_dict)
    assert set(catalogue().types) <= set(M003_TYPES)
    assert {f"{p}{c}" for c in catalogue().types for p in "wft"} <= columns
    assert {"employee_id", "insured", "result", "reason", "submission", "warn"} <= columns


# -- adding rows (W2, W3) -------------------------------------------------------------------

def test_add_all_normal_takes_current_wages(store):
    assert store.wages.add_all_normal("2026-01") == 5  # not the stopped one
    assert store.wages.draft_count() == 5
    one = row(store, 1)
    assert [cells(one, c) for c in ENT] == [("8888.00", "2026-01", None)] * 3
    assert cells(one, "310") == (None, None, None)  # not insured
    assert one["insured"] == "110,210,410" and one["result"] is None and one["warn"] is None
    assert cells(row(store, 2), "110") == ("5000.50", "2026-01", None)  # the covering one, canonical
    assert cells(row(store, 3), "410") == (None, "2026-01", None)  # insured, no wage
    assert cells(row(store, 5), "330") == ("7000.00", "2026-01", None)  # ended: the latest
    # again: rewritten, not duplicated
    store.wages.set(row(store, 1)["id"], "w110", "9999")
    assert store.wages.add_all_normal("2026-01") == 5
    assert store.wages.draft_count() == 5 and row(store, 1)["w110"] == "8888.00"


def test_bulk_add_reports_progress_and_a_raising_callback_adds_nothing(store, monkeypatch):
    """issue 16: 添加 reports (done, total) per batch; the TUI's Esc raises in the callback and
    the add, one transaction, is rolled back."""
    from sbtui.store import wage_draft

    monkeypatch.setattr(wage_draft, "_BATCH", 2)  # 5 normal employees: batches of 2, 2, 1
    seen = []
    assert store.wages.add_all_normal("2026-01", progress=lambda d, t: seen.append((d, t))) == 5
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    store.wages.clear()

    def stop(done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.wages.add_empty("2026-01", progress=stop)
    assert store.wages.draft_count() == 0


def test_add_by_unit_with_a_ratio_half_up(store):
    assert store.wages.add_by_unit("U1", ("ratio", Decimal("103.5")), "2026-01") == 4
    one = row(store, 1)
    assert cells(one, "110") == ("9199.08", "2026-01", None)  # 8888.00 × 103.5% = 9199.08
    assert row(store, 2)["w110"] == "5175.52"  # 5000.50 × 1.035 = 5175.5175
    assert cells(row(store, 3), "410") == (None, "2026-01", None)  # no current wage: stays empty
    assert "E0000006" not in {r["employee_id"] for r in store.wages.draft_rows()}  # unit U2
    with pytest.raises(ValueError, match="比率必须大于0"):
        store.wages.add_by_unit("U1", ("ratio", Decimal("0")), "2026-01")


def test_add_by_group_fixed_amount_and_period_to(store):
    assert store.wages.add_by_group("G2", ("fixed", Decimal("6000")), "2025-07", "2025-12") == 2  # G2 + G3
    assert cells(row(store, 3), "410") == ("6000.00", "2025-07", "2025-12")  # fixed: every insured type
    assert row(store, 3)["warn"] == "110、210、410的生效年月起早于当前月份，将产生补缴信息"
    store.wages.clear()
    assert store.wages.add_by_group("G1", ("ratio", Decimal("103.5")), "2026-01") == 3  # G1, G2, G3
    assert [cells(row(store, 1), c) for c in ENT] == [("9199.08", "2026-01", None)] * 3
    store.wages.clear()
    assert store.wages.add_by_group("G2", ("ratio", "100%"), "2026-01", subgroups=False) == 1
    assert cells(row(store, 2), "210") == ("5000.50", "2026-01", None)
    with pytest.raises(ValueError, match="分组不存在"):
        store.wages.add_by_group("G404", ("ratio", 100), "2026-01")
    with pytest.raises(ValueError, match="不能早于"):
        store.wages.add_by_group("G1", ("ratio", 100), "2026-03", "2026-01")


def test_add_empty_adds_exactly_those_with_an_empty_type(store):
    assert store.wages.add_empty("2026-01") == 2  # E3 (410 empty) and E5 (ended in 2025)
    assert {r["employee_id"] for r in store.wages.draft_rows()} == {"E0000003", "E0000005"}
    three = row(store, 3)
    assert cells(three, "110") == ("6000.00", "2026-01", None)
    assert cells(three, "410") == (None, "2026-01", None)
    assert cells(row(store, 5), "310") == (None, "2026-01", None)


def test_add_employees_and_single(store):
    assert store.wages.add_employees(["E0000004", "E0000001"], "2026-02") == 2  # stopped ones too
    with pytest.raises(KeyError, match="本单位无此职工"):
        store.wages.add_employees(["E9999999"], "2026-02")
    items = {c: ("5,666", "2024/1", "") for c in ENT}
    rowid = store.wages.add_single("E0000006", items)
    six = store.wages.draft_rows([rowid])[0]
    assert cells(six, "210") == ("5666.00", "2024-01", None)
    assert six["warn"] == "110、210、410的生效年月起早于当前月份，将产生补缴信息"
    # replaces the row; no binding fill, so differing bound types are refused (W4)
    with pytest.raises(ValueError, match="110 企业基本养老保险与410 工伤保险不一致"):
        store.wages.add_single("E0000006", {**items, "410": ("6000", "2024-01", None)})
    with pytest.raises(ValueError, match="该职工未参保基本医疗保险"):
        store.wages.add_single("E0000006", {**items, "310": ("6000", "2024-01", None)})
    with pytest.raises(ValueError, match="缴费工资必须大于0"):
        store.wages.add_single("E0000006", {c: ("0", "2024-01", None) for c in ENT})
    assert store.wages.add_single("E0000006", {c: ("7000", "2026-01", None) for c in ENT}) == rowid
    assert store.wages.draft_count() == 3


def test_load_rows_merges_skips_empty_and_refuses_bad_rows(store):
    store.wages.add_employees(["E0000005"], "2026-01")
    rows = [
        {"employee_id": "E0000005", "items": {c: ("7500", "2026-01", None) for c in ENT}},
        {"id_number": "110101199001010001", "items": {c: ("9000", "202601", None) for c in ENT}},
        {"employee_id": "E0000002", "items": {c: ("", "", "") for c in ENT}},  # every wage empty
    ]
    assert store.wages.check_rows(rows) == []
    assert store.wages.load_rows(rows) == 2
    five = row(store, 5)
    assert cells(five, "110") == ("7500.00", "2026-01", None)
    assert cells(five, "310") == ("7000.00", "2026-01", None)  # not in the file: kept
    assert row(store, 1)["w410"] == "9000.00"
    bad = [{"employee_id": "E0000001", "items": {"110": ("9500", "2026-01", None)}},
           {"id_number": "999", "items": {"110": ("1", "2026-01", None)}},
           {"employee_id": "E0000006", "items": {c: ("abc", "2026-01", None) for c in ENT}}]
    problems = store.wages.check_rows(bad)
    assert [i for i, _ in problems] == [0, 1, 2]
    assert "110 企业基本养老保险与210 失业保险不一致" in problems[0][1]
    assert problems[1][1] == "本单位无此职工"
    assert problems[2][1] == "110 企业基本养老保险：缴费工资格式有误"
    with pytest.raises(ValueError, match="第1行"):
        store.wages.load_rows(bad)
    assert row(store, 1)["w110"] == "9000.00"  # nothing saved


# -- editing (W4, W5) -----------------------------------------------------------------------

@pytest.fixture
def grid(store):
    store.wages.add_all_normal("2026-01")
    return store


def test_set_binds_both_ways_and_clears_the_result(grid):
    rid = row(grid, 1)["id"]
    grid.db.execute("UPDATE wage_draft SET result = 'refused', reason = '旧原因' WHERE id = ?", [rid])
    changed = grid.wages.set(rid, "w410", "9,000")
    assert changed == {"w410": "9000.00", "w110": "9000.00", "w210": "9000.00",
                       "result": None, "reason": None}
    assert grid.wages.set(rid, "f110", "2025/7") == {"f110": "2025-07", "f210": "2025-07", "f410": "2025-07",
                                                    "warn": "110、210、410的生效年月起早于当前月份，将产生补缴信息"}
    assert grid.wages.set(rid, "f110", "2025-07") == {}  # no change, no undo step
    five = row(grid, 5)["id"]
    assert set(grid.wages.set(five, "w330", "100")) == {"w330"}  # 330 binds to nothing
    assert grid.wages.set(five, "t310", "2026-12") == {"t310": "2026-12"}  # 320/360 not insured


def test_set_refusals(grid):
    rid = row(grid, 1)["id"]
    for text, message in [("0", "^缴费工资必须大于0$"), ("-5", "^缴费工资必须大于0$"), ("x", "^缴费工资格式有误$")]:
        with pytest.raises(ValueError, match=message):
            grid.wages.set(rid, "w110", text)
    with pytest.raises(ValueError, match="^生效年月格式应为YYYY-MM$"):
        grid.wages.set(rid, "f110", "2026-13")
    with pytest.raises(ValueError, match="^该职工未参保基本医疗保险$"):
        grid.wages.set(rid, "w310", "100")
    with pytest.raises(ValueError, match="不可编辑的列"):
        grid.wages.set(rid, "name", "x")
    with pytest.raises(KeyError):
        grid.wages.set(99999, "w110", "1")
    assert cells(row(grid, 1), "110") == ("8888.00", "2026-01", None)


def test_clearing_a_wage_is_not_zero(grid):
    rid = row(grid, 1)["id"]
    assert grid.wages.set(rid, "w110", "") == {"w110": None, "w210": None, "w410": None}
    assert grid.wage_submissions.problems([rid]) == [(rid, "没有可申报的缴费工资")]


def test_undo_redo(grid):
    rid = row(grid, 1)["id"]
    grid.db.execute("UPDATE wage_draft SET result = 'refused', reason = '旧原因' WHERE id = ?", [rid])
    grid.wages.set(rid, "w110", "9000")
    grid.wages.set(rid, "f410", "2026-03")
    assert grid.wages.undo() == [rid]
    assert cells(row(grid, 1), "210") == ("9000.00", "2026-01", None)
    assert grid.wages.undo() == [rid]
    one = row(grid, 1)
    assert [cells(one, c) for c in ENT] == [("8888.00", "2026-01", None)] * 3
    assert (one["result"], one["reason"]) == ("refused", "旧原因")  # put back too
    assert grid.wages.undo() == []
    assert grid.wages.redo() == [rid] and row(grid, 1)["w410"] == "9000.00"
    grid.wages.set(rid, "w110", "7000")  # a new edit ends the redo chain
    assert grid.wages.redo() == []
    assert grid.wages.undo() == [rid] and row(grid, 1)["w110"] == "9000.00"
    # a cell rewritten since (an add) is not clobbered by undo
    grid.wages.add_all_normal("2026-01")
    assert grid.wages.undo() == []
    assert row(grid, 1)["w110"] == "8888.00"


def test_undo_log_is_bounded(grid, monkeypatch):
    from sbtui.store import wage_draft as wages  # where the draft reads it
    monkeypatch.setattr(wages, "MAX_ENTRIES", 4)
    rid = row(grid, 1)["id"]
    grid.wages.set(rid, "w110", "9000")  # 3 cells
    grid.wages.set(rid, "w110", "9100")  # 3 more: the first action goes
    assert grid.wages.undo() == [rid] and row(grid, 1)["w110"] == "9000.00"
    assert grid.wages.undo() == []


def test_fill_copy_remove_clear(grid):
    ids = [r["id"] for r in grid.wages.draft_rows()]
    changed = grid.wages.fill(ids, "f410", "2026-02")
    assert changed == [row(grid, n)["id"] for n in (1, 2, 3, 5, 6)]
    assert {cells(r, "110")[1] for r in grid.wages.draft_rows()} == {"2026-02"}
    assert grid.wages.fill(ids, "w330", "5000") == [row(grid, 5)["id"]]  # only where insured
    assert grid.wages.undo() == [row(grid, 5)["id"]]
    assert grid.wages.undo() == changed  # one action for the whole fill
    assert {cells(r, "410")[1] for r in grid.wages.draft_rows()} == {"2026-01"}
    five = row(grid, 5)["id"]
    grid.wages.set(five, "w110", "7100")
    assert grid.wages.copy_type("110", "310", ids) == [five]  # only E5 is insured for both
    assert cells(row(grid, 5), "310") == ("7100.00", "2026-01", None)
    assert grid.wages.copy_type("110", "410", ids) == [row(grid, 3)["id"]]  # E3's 410 was empty
    assert grid.wages.copy_type("110", "210", ids) == []  # bound: already equal
    assert grid.wages.remove([five, row(grid, 6)["id"]]) == 2
    assert grid.wages.draft_count() == 3
    assert grid.wages.clear() == 3 and grid.wages.draft_count() == 0


def test_problems_and_warnings(grid):
    three = row(grid, 3)["id"]
    one = row(grid, 1)["id"]
    assert grid.wage_submissions.problems([one]) == []
    problems = grid.wage_submissions.problems([three])
    assert problems and all(r == three for r, _ in problems)
    assert any("110 企业基本养老保险与410 工伤保险不一致" in p for _, p in problems)
    grid.wages.set(one, "f110", "2025-11")
    assert grid.wage_submissions.warnings([one, three], TODAY) == [
        (one, "110、210、410的生效年月起早于当前月份，将产生补缴信息")]
    assert grid.wage_submissions.warnings([one], date(2025, 11, 1)) == []


def test_a_committed_cell_survives_a_killed_process(tmp_path):
    path = tmp_path / "store.db"
    s = open_store(path)
    s.registry.upsert_employees([person(1)])
    s.wages.add_all_normal("2026-01")
    rid = s.wages.draft_rows()[0]["id"]
    s.close()
    code = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from sbtui.store import open_store
        s = open_store(Path({str(path)!r}))
        s.wages.set({rid}, "w410", "12345.6")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=os.getcwd(), timeout=60)
    assert done.returncode == -9
    again = open_store(path)
    assert [cells(again.wages.draft_rows()[0], c)[0] for c in ENT] == ["12345.60"] * 3
    assert again.wages.undo() == [rid]  # the undo log survived too
    again.close()


# -- submit, feedback, records (W8, W11, W12) ------------------------------------------------

def test_submit_refuses_rows_with_problems(grid):
    with pytest.raises(ValueError, match="请勾选"):
        grid.wage_submissions.submit([])
    three = row(grid, 3)["id"]
    with pytest.raises(ValueError, match=r"职工3（110101199001010003）：.*不一致"):
        grid.wage_submissions.submit([row(grid, 1)["id"], three])
    assert grid.outbox.counts()["queued"] == 0 and grid.wage_submissions.records() == []


def test_submit_queues_offline_with_only_declared_types(grid):
    one, five = row(grid, 1)["id"], row(grid, 5)["id"]
    grid.wages.set(five, "w310", "")  # 310 not declared this time
    grid.wages.set(five, "t110", "2026-12")
    sid = grid.wage_submissions.submit([one, five])
    [item] = grid.outbox.pending()
    assert (item.kind, item.entity, item.state) == ("wages.submit", f"wages:{sid}:1", "queued")
    body = item.payload["body"]["rows"]
    assert body[0] == {"employee_id": "E0000001", "name": "职工1", "id_number": "110101199001010001",
                       "items": [{"type": c, "wage": "8888.00", "period_from": "2026-01", "period_to": None}
                                 for c in ENT]}
    assert [i["type"] for i in body[1]["items"]] == ["110", "210", "330", "410"]
    assert body[1]["items"][0]["period_to"] == "2026-12"
    assert (row(grid, 1)["result"], row(grid, 1)["submission"]) == ("queued", sid)
    [record] = grid.wage_submissions.records()
    assert (record["id"], record["state"], record["rows"], record["chunks"], record["summary"]) == (sid, "queued", 2, 1, None)
    assert [r["result"] for r in grid.wage_submissions.record_rows(sid)] == ["queued", "queued"]
    with pytest.raises(ValueError, match="已提交，正在等待反馈"):
        grid.wage_submissions.submit([one])
    grid.outbox.mark_sent(item.key)
    assert grid.wage_submissions.record(sid)["state"] == "sent"


def answer(n: int):
    return {"id": f"WD{n:07d}", "status": "processing", "rows": 1,
            "submitted_at": "2026-01-15T08:00:00.000+00:00", "feedback_at": "2026-01-15T08:00:03.000+00:00"}


def confirm(store, item, body):
    store.outbox.mark_sent(item.key)
    store.outbox.confirm(item, {"status": 200, "body": body, "replayed": False})


def test_feedback_sets_results_and_summary(grid):
    one, two, six = (row(grid, n)["id"] for n in (1, 2, 6))
    sid = grid.wage_submissions.submit([one, two, six], chunk=2)
    first, second = grid.outbox.pending()
    confirm(grid, first, answer(1))
    assert grid.wage_submissions.pending_feedback() == [("WD0000001", "2026-01-15T08:00:03.000+00:00")]
    assert grid.wage_submissions.record(sid)["state"] == "processing"
    assert grid.wage_submissions.apply_feedback({"id": "WD0000001", "status": "processing"}) is False
    declaration = {**answer(1), "status": "done", "accepted": 1, "refused": 1, "summary": "部分成功",
                   "results": [
                       {"employee_id": "E0000001", "id_number": "110101199001010001", "name": "职工1",
                        "ok": True, "reason": None, "items": [{"type": c, "ok": True, "reason": None} for c in ENT]},
                       {"employee_id": "E0000002", "id_number": "110101199001010002", "name": "职工2", "ok": False,
                        "reason": "2026-01已申报，不能调低该月缴费工资（请先作废申报后再调低）",
                        "items": [{"type": "110", "ok": False, "reason": "2026-01已申报，不能调低该月缴费工资（请先作废申报后再调低）"},
                                  {"type": "210", "ok": True, "reason": None}]}]}
    grid.wages.set(two, "w110", "5000.50")  # no change: still queued
    assert grid.wage_submissions.apply_feedback(declaration) is True
    assert grid.wage_submissions.apply_feedback(declaration) is False  # once
    assert (row(grid, 1)["result"], row(grid, 1)["reason"]) == ("accepted", None)
    assert row(grid, 2)["result"] == "refused" and "不能调低" in row(grid, 2)["reason"]
    record = grid.wage_submissions.record(sid)
    assert (record["state"], record["accepted"], record["refused"], record["summary"]) == ("processing", 1, 1, None)
    # the second chunk: its row was edited meanwhile, so the draft row keeps the edit
    grid.wages.set(six, "w110", "7000")
    confirm(grid, second, answer(2))
    done = {**answer(2), "status": "done", "results": [
        {"employee_id": "E0000006", "id_number": "110101199001010006", "name": "职工6", "ok": True, "items": []}]}
    assert grid.wage_submissions.apply_feedback(done)
    assert row(grid, 6)["result"] is None
    record = grid.wage_submissions.record(sid)
    assert (record["state"], record["accepted"], record["refused"], record["summary"]) == ("done", 2, 1, "部分成功")
    assert record["declarations"] == ["WD0000001", "WD0000002"]
    rows = grid.wage_submissions.record_rows(sid)
    assert [(r["employee_id"], r["result"]) for r in rows] == [
        ("E0000001", "accepted"), ("E0000002", "refused"), ("E0000006", "accepted")]
    assert rows[1]["items"][0]["ok"] is False and rows[1]["items"][1]["ok"] is True
    assert grid.wage_submissions.pending_feedback() == []


def test_a_refused_chunk_refuses_its_rows(grid):
    one = row(grid, 1)["id"]
    sid = grid.wage_submissions.submit([one])
    [item] = grid.outbox.pending()
    grid.outbox.mark_sent(item.key)
    grid.outbox.mark_refused(item.key, "bad_request", "每次最多申报5000名职工的缴费工资。")
    assert row(grid, 1)["result"] == "refused"
    assert "5000" in row(grid, 1)["reason"]
    record = grid.wage_submissions.record(sid)
    assert (record["state"], record["summary"]) == ("done", "全部失败")


@pytest.mark.slow
def test_submit_chunks_12001_rows(tmp_path):
    s = open_store(tmp_path / "big.db")
    s.registry.upsert_employees([person(n) for n in range(1, 12002)])
    assert s.wages.add_all_normal("2026-01") == 12001
    ids = [r[0] for r in s.db.execute("SELECT id FROM wage_draft")]
    sid = s.wage_submissions.submit(ids)
    items = s.outbox.pending()
    assert [len(i.payload["body"]["rows"]) for i in items] == [5000, 5000, 2001]
    assert [i.entity for i in items] == [f"wages:{sid}:{n}" for n in (1, 2, 3)]
    assert len({i.key for i in items}) == 3
    assert s.db.execute("SELECT count(*) FROM wage_draft WHERE result = 'queued'").fetchone()[0] == 12001
    assert s.wage_submissions.record(sid)["chunks"] == 3
    s.close()


# -- wage query (W13) -----------------------------------------------------------------------

def test_wage_query(store):
    rows = store.wage_query.query(name="职工2")
    assert [(r["type"], r["wage"], r["period_from"], r["period_to"]) for r in rows] == [
        ("110", "5000.50", "2024-01", "2099-12"), ("110", "4000.00", "2023-01", "2023-12"),
        ("210", "5000.50", "2024-01", "2099-12"), ("210", "4000.00", "2023-01", "2023-12"),
        ("410", "5000.50", "2024-01", "2099-12"), ("410", "4000.00", "2023-01", "2023-12")]
    assert rows[0]["person_number"] == "PU12" and rows[0]["unit_number"] == "U1" and rows[0]["group"] == "财务部/会计组"
    five = store.wage_query.query(id_number="0005", type_code="310")
    assert [(r["unit_number"], r["agency"], r["person_number"]) for r in five] == [("M1", "市医保中心", "PM15")]
    assert len(store.wage_query.query(period="2023-06")) == 3  # E2's 2023 periods
    assert {r["employee_id"] for r in store.wage_query.query(group_id="G1")} == {"E0000001", "E0000002", "E0000003"}
    assert {r["employee_id"] for r in store.wage_query.query(unit_number="M1")} == {"E0000005"}
    assert [r["type"] for r in store.wage_query.query(unit_number="M1")] == ["310", "330"]
    with pytest.raises(ValueError, match="生效年月格式应为YYYY-MM"):
        store.wage_query.query(period="2023-13")
    # the TEMP table the grid and the CLI page through
    conn = store.db.conn
    total = wage_query.build(conn)
    assert total == sum(1 for _ in store.wage_query.iter_query())
    where, params = wage_query.where(name="职工2", month="2023-06", group_ids=["G2"])
    got = conn.execute(f"SELECT {', '.join(wage_query.COLUMNS)} FROM temp.{wage_query.TABLE} WHERE {where}"
                       " ORDER BY rowid", params).fetchall()
    assert [(g[5], g[6]) for g in got] == [("110", "4000.00"), ("210", "4000.00"), ("410", "4000.00")]


def test_load_rows_canonical_cells_take_the_fast_path_but_are_still_checked(store):
    ok = [{"employee_id": "E0000001", "items": {c: (Decimal("9100.00"), "2026-01", None) for c in ENT}},
          {"employee_id": "E0000006", "items": {c: ("9200.00", "2025-12", "2026-12") for c in ENT}}]
    assert store.wages.load_rows(ok) == 2
    assert cells(row(store, 1), "210") == ("9100.00", "2026-01", None)
    assert cells(row(store, 6), "410") == ("9200.00", "2025-12", "2026-12")
    assert row(store, 6)["warn"] == "110、210、410的生效年月起早于当前月份，将产生补缴信息"
    bad = [(Decimal("0.00"), "2026-01"), (Decimal("-5.00"), "2026-01"), (Decimal("1.005"), "2026-01"),
           ("0.00", "2026-01"), (Decimal("1E+20"), "2026-01"), (True, "2026-01"),
           (Decimal("100.00"), "2026-13"), (Decimal("100.00"), "1899-12"), (Decimal("100.00"), "２０２６-01")]
    rows = [{"employee_id": "E0000001", "items": {c: (w, m, None) for c in ENT}} for w, m in bad]
    problems = store.wages.check_rows(rows)
    label = "110 企业基本养老保险："
    assert problems == [(0, label + "缴费工资必须大于0"), (1, label + "缴费工资必须大于0"),
                        (2, label + "缴费工资格式有误"), (3, label + "缴费工资必须大于0"),
                        (4, label + "缴费工资过大：“1E+20”，整数部分最多12位"), (5, label + "缴费工资格式有误"),
                        (6, label + "生效年月格式应为YYYY-MM"), (7, label + "生效年月格式应为YYYY-MM")]
    # full-width digits are not canonical: the generic parser still takes them
    assert store.wages.load_rows(rows[-1:]) == 1
    assert cells(row(store, 1), "110") == ("100.00", "2026-01", None)
