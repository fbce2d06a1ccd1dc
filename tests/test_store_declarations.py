"""Fee declarations in the local store and the service layer (DeclarationsService), offline: the
m005 upgrade, open lines and held lines (D3), offsets and remarks that survive a pull (D5,
D9), the D6 checks on the local registry, the service's answer replacing the queued row, a
refusal releasing the lines, voids (D8), projects (D10), and the sync steps on a test double."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlite_utils import Database
from store_helpers import emp

from sbtui.domain.models import Credit, Declaration, DueLine, Project, due_key, due_tick
from sbtui.remote.errors import RefusedError
from sbtui.services import Area
from sbtui.services import declarations as declare
from sbtui.services.declarations import DeclarationsService
from sbtui.store import open_store
from sbtui.store.migrations import migrations
from sbtui.sync.declarations import fetch_declaration_feedback, pull_declarations

U1, U2 = "110000123456", "110000654321"
NOW = datetime(2026, 5, 15, 2, 0, tzinfo=UTC)


def tax(unit=U1, period="2026-04", item="110-u", due="1777.60", headcount=1, max_offset="0.00"):
    code = item.split("-")[0]
    return DueLine(source="tax", key=due_key("tax", unit, period, item),
                   tick=due_tick("tax", unit, period, period, code), unit_number=unit, agency="市社保中心",
                   period_from=period, period_to=period, item=item, item_name=f"品目{item}", type_code=code,
                   headcount=headcount, wage_total=Decimal("11110.00"), base_total=Decimal("11110.00"),
                   rate="16%", due=Decimal(due), max_offset=Decimal(max_offset), deadline=date(2026, 4, 20),
                   late_fee=Decimal("0.89"))


def special(serial="SP1", item="110-u", valid_until=date(2026, 12, 31), source="special"):
    return DueLine(source=source, key=due_key(source, U1, "2025-01", item, serial),
                   tick=due_tick(source, U1, "2025-01", "2025-06", "", serial), serial=serial,
                   unit_number=U1, period_from="2025-01", period_to="2025-06", item=item,
                   item_name=f"品目{item}", due=Decimal("300.00"), valid_until=valid_until, remark="原备注")


def daily_dues():
    return [tax(period="2026-03"), tax(period="2026-03", item="110-p", due="888.80"),
            tax(), tax(item="110-p", due="888.80", max_offset="500.00"),
            tax(unit=U2, item="110-u", due="100.00"), special(), special(item="110-p")]


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "store.db")
    s.dues.replace(daily_dues())
    yield s
    s.close()


def no_remote():
    raise AssertionError("offline work must not build the remote service")


@pytest.fixture
def decl(store):
    """The 费款申报 service over ``store``, offline (its remote is never built)."""
    return DeclarationsService(Area(uscc="911100000000000001", store=store, remote=no_remote, config=None,
                                    session=lambda: None))


def answer(body: dict, status: str = "申报中", ident: str = "SB0000001", **extra) -> dict:
    """The service's Declaration for a submit body (what POST /declarations answers)."""
    doc = {"id": ident, "kind": body["kind"], "unit_number": body["unit_number"], "status": status,
           "submitted_at": NOW.isoformat(), "feedback_at": (NOW + timedelta(seconds=3)).isoformat(),
           "line_count": len(body["lines"]), "actual_total": "100.00",
           "lines": [{"n": n, "key": ln["key"], "source": "tax", "unit_number": body["unit_number"],
                      "period_from": "2026-04", "period_to": "2026-04", "item": ln["key"].rsplit("|", 1)[1],
                      "item_name": "x", "due": "1.00", "payable": "1.00", "offset": ln["offset"],
                      "actual": "1.00"} for n, ln in enumerate(body["lines"], 1)]}
    doc.update(extra)
    return doc


def confirm_submit(store, item, **kw) -> dict:
    body = answer(item.payload["body"], **kw)
    store.outbox.confirm(item, {"status": 202, "body": body, "replayed": False})
    return body


def test_m005_keeps_m004_rows_with_keys_and_ticks(tmp_path):
    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m005_declarations")
    db.execute("INSERT INTO dues (n, source, serial, unit_number, period_from, period_to, item, item_name,"
               " type_code, due, status) VALUES (0, 'tax', NULL, ?, '2026-04', '2026-04', '110-u', 'x',"
               " '110', '1.00', '初始'), (1, 'collection', 'S9', ?, '2026-04', '2026-04', '110-u', 'y',"
               " '110', '2.00', '初始')", [U1, U1])
    db.conn.commit()
    db.close()
    s = open_store(tmp_path / "old.db")
    rows = s.dues.lines()
    assert [(r["key"], r["tick"]) for r in rows] == [
        (due_key("tax", U1, "2026-04", "110-u"), due_tick("tax", U1, "2026-04", "2026-04", "110")),
        (due_key("collection", U1, "2026-04", "110-u", "S9"), due_tick("collection", U1, "", "", "", "S9"))]
    assert rows[0]["reduction"] == "0.00" and rows[0]["max_offset"] == "0.00"
    s.close()


def test_dues_lines_carry_the_new_fields_money_as_text(store):
    rows = store.dues.lines(sources=("tax",))
    assert len(rows) == 5
    r = rows[0]
    assert r["key"] == f"t|{U1}|2026-03|110-u" and r["tick"] == f"t|{U1}|2026-03|2026-03|110"
    assert (r["due"], r["reduction"], r["late_fee"], r["deadline"]) == ("1777.60", "0.00", "0.89", "2026-04-20")
    sp = store.dues.lines(sources=("special",))[0]
    assert sp["valid_until"] == "2026-12-31" and sp["remark"] == "原备注" and sp["serial"] == "SP1"


def test_D3_open_lines_by_kind_with_tick_keys_and_filters(decl):
    daily = decl.open_lines("daily", today=date(2026, 5, 15))
    assert len(daily) == 5 and {r["source"] for r in daily} == {"tax"}
    assert list(declare.ticks(daily)) == [f"t|{U1}|2026-03|2026-03|110", f"t|{U1}|2026-04|2026-04|110",
                                          f"t|{U2}|2026-04|2026-04|110"]
    april = decl.open_lines("daily", unit_number=U1, period_from="2026-04")
    assert [r["item"] for r in april] == ["110-u", "110-p"]
    assert april[0]["tick_keys"] == [april[0]["key"], april[1]["key"]]
    assert april[0]["offset"] == "0.00" and april[0]["actual"] == "1777.60" and april[0]["late_fee"] == "0.89"
    sp = decl.open_lines("special", today=date(2027, 1, 1))
    assert len(sp) == 2 and all(r["expired"] for r in sp)
    assert declare.blocking(sp, date(2027, 1, 1)) == ["征集通知流水号SP1已超过征集有效日期，不能申报"]
    assert declare.blocking(sp[:1], date(2026, 5, 15))[0].startswith("相同勾选项的应缴信息必须一起提交申报")


def test_D5_offsets_and_D9_remarks_survive_a_pull_and_are_checked(store, decl):
    key = due_key("tax", U1, "2026-04", "110-p")
    with pytest.raises(declare.DeclareError) as exc:
        decl.set_offset(key, "500.01")
    assert exc.value.message == "抵缴金额超出可抵缴金额上限（最大可抵缴金额500.00元）"
    assert decl.set_offset(key, "88.80") == Decimal("88.80")
    with pytest.raises(declare.DeclareError):  # no credit on that line: max 0.00
        decl.set_offset(due_key("tax", U1, "2026-04", "110-u"), "1")
    sp_key = due_key("special", U1, "2025-01", "110-u", "SP1")
    assert decl.set_remark(sp_key, " 补缴2025年上半年 ") == "补缴2025年上半年"
    with pytest.raises(declare.DeclareError):
        decl.set_remark(sp_key, "长" * 101)
    store.dues.replace(daily_dues())  # a pull
    line = next(r for r in decl.open_lines("daily") if r["key"] == key)
    assert (line["offset"], line["actual"]) == ("88.80", "800.00")
    assert next(r for r in decl.open_lines("special") if r["key"] == sp_key)["remark"] == "补缴2025年上半年"
    store.declarations.replace_credits([Credit(unit_number=U1, item="110-p", item_name="x", amount=Decimal("100.00"))])
    with pytest.raises(declare.DeclareError) as exc:  # the unit + item credit left: 100.00
        decl.set_offset(key, "100.01")
    assert "最大可抵缴金额100.00元" in exc.value.message
    assert decl.set_offset(key, "") == Decimal("0.00")
    assert key not in store.declarations.due_edits()


def test_D6_checks_use_the_local_registry(store, decl):
    store.registry.upsert_employees([emp(1), emp(2), emp(3, status="stopped")])  # 2 normal insured for 110 in U1
    april = decl.open_lines("daily", unit_number=U1, period_from="2026-04")
    assert decl.insured_headcounts()[(U1, "110")] == 2
    assert decl.submit_checks("daily", april) == [
        "请核对缴费人数，如需做职工减员操作，请先去相关部门办理减员后再进行社保费申报",
        "申报的应申报信息总人数与该单位实际参保总人数不一致，请确认是否继续申报",
        "该单位存在历史属期未申报数据，请确认是否继续申报"]
    both = decl.open_lines("daily", unit_number=U1)
    assert len(decl.submit_checks("daily", both)) == 2
    assert len(decl.submit_checks("special", decl.open_lines("special"))) == 1


def test_D3_queue_one_per_unit_holds_lines_and_the_answer_replaces_the_row(store, decl):
    lines = decl.open_lines("daily", period_from="2026-04")
    decl.set_offset(lines[1]["key"], "10.00")
    lines = decl.open_lines("daily", period_from="2026-04")
    ids = decl.queue("daily", lines)
    assert len(ids) == 2 and all(i.startswith("L") for i in ids)
    assert [r["period_from"] for r in decl.open_lines("daily")] == ["2026-03", "2026-03"]
    items = store.outbox.pending()
    assert [i.kind for i in items] == ["declaration.submit"] * 2
    body = items[0].payload["body"]
    assert body["unit_number"] == U1 and body["kind"] == "daily"
    assert [ln["offset"] for ln in body["lines"]] == ["0.00", "10.00"]
    assert store.declarations.due_edits() == {}
    queued = decl.declaration(ids[0])
    assert queued["status"] == "待发送" and queued["pending"] and len(queued["lines"]) == 2
    assert queued["actual_total"] == "2656.40" and {d["id"] for d in decl.pending()} == set(ids)
    store.outbox.mark_sent(items[0].key)
    confirm_submit(store, items[0])
    row = decl.declaration(ids[0])
    assert row["id"] == "SB0000001" and row["local_id"] == ids[0] and row["status"] == "申报中"
    assert decl.declaration("SB0000001")["local_id"] == ids[0]
    assert {r["status"] for r in store.dues.lines(U1, "2026-04", "2026-04")} == {"申报中"}
    assert store.declarations.awaiting() == [("SB0000001", row["feedback_at"])]
    with pytest.raises(declare.DeclareError):  # held or declared: not again
        decl.queue("daily", lines[:2])


def test_a_refused_submit_releases_the_lines_with_the_service_message(store, decl):
    lines = decl.open_lines("daily", unit_number=U1, period_from="2026-04")
    decl.set_offset(lines[1]["key"], "20.00")
    [ident] = decl.queue("daily", decl.open_lines("daily", unit_number=U1,
                                                                period_from="2026-04"))
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    message = "抵缴金额超出可抵缴金额上限（最大可抵缴金额5.00元）"
    store.outbox.mark_refused(item.key, "offset_over_max", message,
                              {"status": 422, "body": {"code": "offset_over_max", "message": message}})
    row = decl.declaration(ident)
    assert row["status"] == "申报失败" and row["message"] == message and not row["pending"]
    back = decl.open_lines("daily", unit_number=U1, period_from="2026-04")
    assert [r["key"] for r in back] == [r["key"] for r in lines]
    assert back[1]["offset"] == "20.00"  # the edit comes back


def test_D8_feedback_then_void_refused_then_voided(store, decl):
    [ident] = decl.queue("daily", decl.open_lines("daily", unit_number=U2))
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    body = confirm_submit(store, item, ident="SB7")
    assert store.declarations.put(dict(body, status="申报成功", message="社保费申报成功"))
    assert store.dues.lines(U2)[0]["status"] == "申报成功"
    assert [d["id"] for d in decl.unpaid()] == ["SB7"]
    assert decl.queue_void(ident) == "SB7"
    assert decl.declaration("SB7")["status"] == "作废中"
    assert store.declarations.awaiting() == []  # the void is not sent yet
    assert not store.declarations.put(dict(body, status="申报成功", lines=[]))  # a pull keeps 作废中
    assert decl.declaration("SB7")["status"] == "作废中" and decl.declaration("SB7")["lines"]
    void = store.outbox.pending()[0]
    assert void.kind == "declaration.void" and void.payload == {"declaration_id": "SB7"}
    store.outbox.mark_sent(void.key)
    store.outbox.mark_refused(void.key, "declaration_paid", "已缴费的申报不能作废",
                              {"status": 400, "body": {"message": "已缴费的申报不能作废"}})
    assert decl.declaration("SB7")["status"] == "申报成功"
    assert decl.declaration("SB7")["message"] == "已缴费的申报不能作废"
    decl.queue_void("SB7")
    void = store.outbox.pending()[0]
    store.outbox.mark_sent(void.key)
    store.outbox.confirm(void, {"status": 202, "body": dict(body, status="作废中"), "replayed": False})
    assert store.declarations.awaiting()[0][0] == "SB7"
    store.declarations.put(dict(body, status="已作废", message="作废成功"))
    assert store.dues.lines(U2)[0]["status"] == "初始"
    assert [r["unit_number"] for r in decl.open_lines("daily", unit_number=U2)] == [U2]


def test_D8_void_refused_locally(store, decl):
    store.declarations.put(Declaration(id="SB1", unit_number=U1, status="申报成功", submitted_at=NOW,
                                      paid=Decimal("10.00"), payment_status="部分缴费"))
    store.declarations.put(Declaration(id="SB2", unit_number=U1, status="申报中", submitted_at=NOW))
    with pytest.raises(declare.DeclareError, match="已缴费的申报不能作废"):
        decl.queue_void("SB1")
    with pytest.raises(declare.DeclareError, match="只有申报成功且未缴费的申报可以作废"):
        decl.queue_void("SB2")
    assert store.outbox.pending() == []
    assert [d["id"] for d in decl.declarations(status="申报中")] == ["SB2"]
    assert decl.unpaid()[0]["id"] == "SB1"


def test_D10_project_link_queued_confirmed_or_refused(store):
    project = Project(project_id="20023032", name="G111", contract_number="C1", agency="社保中心",
                      unit_number="6425910", region="150602", contact="李 13604", start_date=date(2022, 7, 1),
                      end_date=date(2022, 9, 30), rate="0.001", total_cost=Decimal("6109548.91"),
                      contract_amount=Decimal("6109548.91"))
    store.projects.link_queue(project, "国家税务总局某税务局", "第一税务所")
    assert store.projects.rows()[0]["state"] == "待发送"
    store.projects.replace([])  # a pull does not drop a link still to send
    item = store.outbox.pending()[0]
    assert item.payload["body"] == {"project_id": "20023032", "tax_authority": "国家税务总局某税务局",
                                    "tax_branch": "第一税务所"}
    store.outbox.mark_sent(item.key)
    linked = project.model_copy(update={"linked": True}).model_dump(mode="json")
    store.outbox.confirm(item, {"status": 200, "body": linked, "replayed": False})
    assert store.projects.rows()[0]["state"] == "linked" and store.projects.rows()[0]["linked"]
    store.projects.link_queue(project.model_copy(update={"project_id": "X"}), "a", "b")
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    store.outbox.mark_refused(item.key, "not_found", "未查询到该工程项目参保登记信息")
    refused = next(r for r in store.projects.rows() if r["project_id"] == "X")
    assert refused["state"] == "refused" and "未查询到" in refused["error"]


class Double:
    """A service with only the declaration read methods (the sync steps tested here call no others)."""

    def __init__(self, records):
        self.records = {r.id: r for r in records}
        self.reads = []

    async def declaration(self, ident):
        self.reads.append(ident)
        if ident not in self.records:
            raise RefusedError("not found", status=404)
        return self.records[ident]

    async def declarations(self, **_):
        return [r.model_copy(update={"lines": []}) for r in self.records.values()]

    async def projects(self):
        return [Project(project_id="20023032", name="G111", contract_number="C1", agency="社保中心",
                        unit_number=U1, region="150602", contact="李 13604", start_date=date(2022, 7, 1),
                        end_date=date(2022, 9, 30), rate="0.001", total_cost=Decimal("100.00"),
                        contract_amount=Decimal("100.00"), linked=True, tax_authority="某税务局",
                        tax_branch="第一税务所", linked_at=NOW)]

    async def credits(self):
        return [Credit(unit_number=U1, item="110-p", item_name="x", amount=Decimal("9.00"))]


async def test_D7_feedback_settles_and_pull_merges_on_a_double(store, decl):
    [ident] = decl.queue("daily", decl.open_lines("daily", unit_number=U2))
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    body = confirm_submit(store, item, ident="SB9")
    done = Declaration.model_validate(dict(body, status="申报成功"))
    double = Double([done, Declaration(id="SB10", unit_number=U1, status="已作废", submitted_at=NOW)])
    assert await fetch_declaration_feedback(store, double) == ["SB9"]  # its feedback_at has passed
    assert decl.declaration(ident)["status"] == "申报成功"
    assert await pull_declarations(store, double) == 2
    assert len(decl.declaration("SB9")["lines"]) == 1  # the list has no lines: kept
    assert [d["id"] for d in decl.declarations(status="已作废")] == ["SB10"]
    assert store.declarations.credit_amounts() == {(U1, "110-p"): Decimal("9.00")}
    assert [(r["project_id"], r["state"]) for r in store.projects.rows()] == [("20023032", "linked")]
    store.declarations.put(Declaration(id="SB11", unit_number=U1, status="申报中", submitted_at=NOW))
    assert await fetch_declaration_feedback(store, double, wait=True, timeout=1) == ["SB11"]
    assert decl.declaration("SB11")["status"] == "申报失败"  # unknown to the service


def test_a_pull_during_a_lost_reply_then_the_replayed_answer_leaves_one_record(store, decl):
    """The service took the declaration but its reply was lost; a pull brought the record under
    the service's id; the resend's replayed answer merges the two (no duplicate)."""
    [ident] = decl.queue("daily", decl.open_lines("daily", unit_number=U2))
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    body = answer(item.payload["body"], ident="SB5")
    store.declarations.put(dict(body, lines=[]))  # the list has no lines
    assert len(decl.declarations()) == 2
    store.outbox.confirm(item, {"status": 202, "body": body, "replayed": True})
    [row] = decl.declarations()
    assert (row["id"], row["local_id"], row["status"]) == ("SB5", ident, "申报中")
    assert decl.declaration(ident)["lines"]


def test_a_malformed_answer_confirms_the_item_and_fails_the_declaration(store, decl):
    [ident] = decl.queue("daily", decl.open_lines("daily", unit_number=U2))
    item = store.outbox.pending()[0]
    store.outbox.mark_sent(item.key)
    store.outbox.confirm(item, {"status": 202, "body": {"id": 5}, "replayed": False})
    assert store.outbox.get(item.key).state == "confirmed"
    row = decl.declaration(ident)
    assert row["status"] == "申报失败" and row["message"] == "服务返回的数据格式有误"
    assert decl.open_lines("daily", unit_number=U2)


def test_D8_records_filter_by_china_date_and_kind(store, decl):
    store.declarations.put(Declaration(id="A", unit_number=U1, status="申报成功", kind="special",
                                      submitted_at=datetime(2026, 5, 14, 17, 0, tzinfo=UTC)))  # 05-15 CST
    store.declarations.put(Declaration(id="B", unit_number=U1, status="申报成功",
                                      submitted_at=datetime(2026, 5, 14, 15, 0, tzinfo=UTC)))  # 05-14 CST
    assert [d["id"] for d in decl.declarations(date_from="2026-05-15")] == ["A"]
    assert [d["id"] for d in decl.declarations(date_to="2026-05-14")] == ["B"]
    assert [d["id"] for d in decl.declarations(kind="special")] == ["A"]
    assert [d["id"] for d in decl.declarations()] == ["A", "B"]  # newest first
