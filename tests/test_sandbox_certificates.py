"""Sandbox certificates (SPEC C1–C3; issue 13): 税收完税证明（非印刷） issued separate or merged
(hand-computed merge cases), 补开 counts up, 查验 says "not genuine" for a forgery."""
from __future__ import annotations

from decimal import Decimal

from sbtui.domain.certify import merge_rows, period_text, rows_of
from sbtui.domain.models import Certificate, CertificateCheck
from sbtui.remote.sandbox.testing import new_key

from test_sandbox_payments import (VERIFIED_AGREEMENT, app, c, clock, declare, pay,  # noqa: F401
                                   pay_list, ticket, unpay)


def line(period: str, amount: str, *, ticket_number: str = "31520260515000000001",
         booked_on: str = "2026-05-15", item_name: str = "职工基本养老保险(单位缴纳)",
         late_fee: str = "0.00", key: str | None = None) -> dict:
    return {"key": key or f"D:{period}:{item_name}", "ticket_number": ticket_number,
            "type_name": "企业职工基本养老保险费", "item": "210", "item_name": item_name,
            "period_from": period, "period_to": period, "booked_on": booked_on,
            "amount": amount, "late_fee": late_fee}


# -- merging, by hand ------------------------------------------------------------------------

def test_three_consecutive_months_same_ticket_are_one_line():
    rows = merge_rows(rows_of([line("2026-01", "1000.00"), line("2026-03", "1000.50"),
                               line("2026-02", "999.99")]))
    assert len(rows) == 1
    assert (rows[0]["period_from"], rows[0]["period_to"], rows[0]["amount"]) == (
        "2026-01", "2026-03", "3000.49")
    assert period_text(rows[0]["period_from"], rows[0]["period_to"]) == "2026-01至2026-03"
    assert len(rows[0]["keys"]) == 3


def test_a_gap_gives_two_lines():
    rows = merge_rows(rows_of([line("2026-01", "100.00"), line("2026-02", "100.00"),
                               line("2026-04", "100.00")]))
    assert [(r["period_from"], r["period_to"], r["amount"]) for r in rows] == [
        ("2026-01", "2026-02", "200.00"), ("2026-04", "2026-04", "100.00")]


def test_another_booking_day_ticket_item_or_year_stays_apart():
    rows = merge_rows(rows_of([line("2026-01", "100.00"),
                               line("2026-02", "100.00", booked_on="2026-05-16")]))
    assert len(rows) == 2
    rows = merge_rows(rows_of([line("2026-01", "100.00"),
                               line("2026-02", "100.00", ticket_number="31520260515000000002")]))
    assert len(rows) == 2
    rows = merge_rows(rows_of([line("2026-01", "100.00"),
                               line("2026-02", "100.00", item_name="职工基本养老保险(个人缴纳)")]))
    assert len(rows) == 2
    rows = merge_rows(rows_of([line("2025-12", "100.00"), line("2026-01", "100.00")]))
    assert [(r["period_from"], r["period_to"]) for r in rows] == [("2025-12", "2025-12"),
                                                                  ("2026-01", "2026-01")]


def test_a_late_fee_is_its_own_row_and_merges_with_late_fees():
    rows = merge_rows(rows_of([line("2026-01", "100.00", late_fee="1.25"),
                               line("2026-02", "100.00", late_fee="0.75")]))
    assert sorted((r["item_name"], r["amount"]) for r in rows) == [
        ("职工基本养老保险(单位缴纳)", "200.00"), ("职工基本养老保险(单位缴纳)滞纳金", "2.00")]


# -- end to end over the sandbox -------------------------------------------------------------

async def paid_three_months(app, c, clock) -> list[dict]:
    for period in ("2026-02", "2026-03", "2026-04"):
        unpay(app, period)
    for period in ("2026-02", "2026-03", "2026-04"):
        await declare(c, clock, period, "210")
    lines = await pay_list(c)
    r = await pay(c, lines, VERIFIED_AGREEMENT, await ticket(c))
    assert r.json()["status"] == "缴费成功", r.text
    return r.json()["lines"]


async def issue(c, body: dict, key: str | None = None):
    return await c.post("/certificates", json=body, headers={"Idempotency-Key": key or new_key()})


async def test_merged_joins_the_three_months_C1(app, c, clock):
    paid = await paid_three_months(app, c, clock)
    r = await issue(c, {"period_from": "2026-02", "period_to": "2026-04", "mode": "merged"})
    assert r.status_code == 200, r.text
    [cert] = [Certificate.model_validate(x) for x in r.json()]
    fees = [x for x in cert.rows if not x.item_name.endswith("滞纳金")]
    assert {(x.period_from, x.period_to) for x in cert.rows} == {("2026-02", "2026-04")}
    assert len(fees) == len({ln["item_name"] for ln in paid})
    assert cert.total == sum(Decimal(ln["amount"]) + Decimal(ln["late_fee"]) for ln in paid)
    assert cert.print_count == 1 and len(cert.code) == 8 and cert.taxpayer_name
    assert {x.ticket_number for x in cert.rows} == {paid[0]["ticket_number"]}
    # the same lines cannot be certified twice: 补开 instead
    again = await issue(c, {"period_from": "2026-02", "period_to": "2026-04"})
    assert again.status_code == 400 and again.json()["code"] == "nothing_to_certify"
    again = await issue(c, {"keys": [paid[0]["key"]]})
    assert again.status_code == 400 and again.json()["code"] == "line_not_certifiable"


async def test_separate_is_one_per_paid_record_and_keyed(app, c, clock):
    paid = await paid_three_months(app, c, clock)
    key = new_key()
    r = await issue(c, {"keys": [ln["key"] for ln in paid]}, key)
    assert r.status_code == 200, r.text
    [cert] = r.json()  # one payment, one unit number: one 电子税票号码
    assert len([x for x in cert["rows"] if not x["item_name"].endswith("滞纳金")]) == len(paid)
    replay = await issue(c, {"keys": [ln["key"] for ln in paid]}, key)
    assert replay.json() == r.json()
    listed = (await c.get("/certificates", params={"date_from": "2026-05-15"})).json()
    assert [x["number"] for x in listed] == [cert["number"]]


async def test_reprint_counts_up_and_verify_C2_C3(app, c, clock):
    await paid_three_months(app, c, clock)
    [cert] = (await issue(c, {"period_from": "2026-02", "period_to": "2026-04",
                              "mode": "merged"})).json()
    number, code = cert["number"], cert["code"]
    r = await c.post(f"/certificates/{number}/reprint", headers={"Idempotency-Key": new_key()})
    assert r.json()["print_count"] == 2 and r.json()["rows"] == cert["rows"]
    r = await c.post(f"/certificates/{number}/reprint", headers={"Idempotency-Key": new_key()})
    assert r.json()["print_count"] == 3
    assert (await c.get(f"/certificates/{number}")).json()["print_count"] == 3
    ok = CertificateCheck.model_validate(
        (await c.get("/certificates/verify", params={"number": number, "code": code})).json())
    assert ok.genuine and ok.total == Decimal(cert["total"]) and ok.rows
    for params in ({"number": number, "code": "00000000" if code != "00000000" else "1"},
                   {"number": "399999999999999999", "code": code}, {}):
        r = await c.get("/certificates/verify", params=params)
        assert r.status_code == 200 and r.json() == {"genuine": False}
    r = await c.post("/certificates/399/reprint", headers={"Idempotency-Key": new_key()})
    assert r.status_code == 404


async def test_a_special_dues_remark_is_the_certificates_remark_D9(app, c, clock, tmp_path):
    from test_sandbox_declarations import dues, submit

    special = await dues(c, source="special")
    valid = next(d for d in special if d["valid_until"] >= "2026-05-15")
    r = await submit(c, "special", valid["unit_number"], [valid["key"]],
                     remarks={valid["key"]: "补缴2024年度"})
    assert r.status_code == 202, r.text
    clock.advance(seconds=4)
    assert (await c.get(f"/declarations/{r.json()['id']}")).json()["status"] == "申报成功"
    lines = [x for x in await pay_list(c) if x["declaration_id"] == r.json()["id"]]
    paid = await pay(c, lines, VERIFIED_AGREEMENT, await ticket(c))
    assert paid.json()["status"] == "缴费成功", paid.text
    got = await issue(c, {"keys": [x["key"] for x in paid.json()["lines"]]})
    assert got.status_code == 200, got.text
    [cert] = [Certificate.model_validate(x) for x in got.json()]
    assert cert.remark == "补缴2024年度"
    from sbtui.forms.certificate import write_certificate_pdf

    path = write_certificate_pdf(cert, tmp_path / "special.pdf")
    import shutil
    import subprocess
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "补缴2024年度" in text and cert.number in text and "第 1 次打印" in text


async def test_http_client_parses_the_certificates(app, c, clock):
    from sbtui.domain.models import Certificate as Cert
    from sbtui.remote.http import HttpService

    await paid_three_months(app, c, clock)
    service = HttpService.in_process(app, retries=0)
    try:
        service.token = c.headers["Authorization"].split()[1]
        answer = await service.perform("certificate.issue", {"body": {
            "period_from": "2026-02", "period_to": "2026-04", "keys": [], "mode": "merged"}},
            key=new_key())
        [cert] = [Cert.model_validate(x) for x in answer["body"]]
        assert (await service.certificate(cert.number)) == cert
        assert [x.number for x in await service.certificates(date_from="2026-05-15")] == [cert.number]
        again = await service.perform("certificate.reprint", {"number": cert.number}, key=new_key())
        assert again["body"]["print_count"] == 2
        check = await service.verify_certificate(cert.number, cert.code)
        assert check.genuine and check.print_count == 2
        assert not (await service.verify_certificate(cert.number, "x")).genuine
    finally:
        await service.aclose()


async def test_paid_on_two_days_stays_apart_merged_and_is_two_certificates_separate(app, c, clock):
    from test_sandbox_payments import login

    for period in ("2026-02", "2026-03", "2026-04"):
        unpay(app, period)
    for period in ("2026-02", "2026-03"):
        await declare(c, clock, period, "210")
    lines = await pay_list(c)
    feb = [x for x in lines if x["period_from"] == "2026-02"]
    mar = [x for x in lines if x["period_from"] == "2026-03"]
    assert (await pay(c, feb, VERIFIED_AGREEMENT, await ticket(c))).json()["status"] == "缴费成功"
    clock.advance(days=1)
    await login(c)
    mar = [x for x in await pay_list(c) if x["period_from"] == "2026-03"]
    assert (await pay(c, mar, VERIFIED_AGREEMENT, await ticket(c))).json()["status"] == "缴费成功"
    r = await issue(c, {"period_from": "2026-02", "period_to": "2026-03", "mode": "merged"})
    [cert] = r.json()
    fees = [x for x in cert["rows"] if not x["item_name"].endswith("滞纳金")]
    # another 电子税票号码 and 入库日期 (2026-05-15, 2026-05-16): nothing joined
    assert sorted((x["period_from"], x["period_to"], x["booked_on"]) for x in fees) == sorted(
        [("2026-02", "2026-02", "2026-05-15")] * len(feb) + [("2026-03", "2026-03", "2026-05-16")] * len(mar))


async def test_separate_gives_one_certificate_per_ticket_and_bad_bodies_are_400(app, c, clock):
    from test_sandbox_payments import login

    for period in ("2026-02", "2026-03", "2026-04"):
        unpay(app, period)
    for period in ("2026-02", "2026-03"):
        await declare(c, clock, period, "210")
    lines = await pay_list(c)
    for period in ("2026-02", "2026-03"):
        mine = [x for x in lines if x["period_from"] == period]
        assert (await pay(c, mine, VERIFIED_AGREEMENT, await ticket(c))).json()["status"] == "缴费成功"
    assert (await issue(c, {"period_from": "2026-02", "mode": "both"})).json()["code"] == "bad_request"
    assert (await issue(c, {})).json()["code"] == "bad_request"
    r = await issue(c, {"period_from": "2026-02", "period_to": "2026-03"})
    certs = r.json()
    assert len(certs) == 2 and len({x["rows"][0]["ticket_number"] for x in certs}) == 2
    assert len({x["code"] for x in certs}) == 2
