"""对账 (SPEC Q1, issue 13): dues → declared → paid → certificate, per unit number and 费款所属期,
on a hand-computed case built from manual 000 §3.4's lines (66259112241843, 2024-01/02:
1,422.08 养老单位, 711.04 养老个人, 17.78 工伤, 44.44 失业)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sbtui.domain.reconcile import Declared, Due, Paid, reconcile
from sbtui.domain.vocab import ReconcileGap as G

U, U2 = "66259112241843", "15069120180327"


def chain():
    dues = [
        Due("A", U, "2024-01", "2024-01", D("1422.08"), "申报成功"),
        Due("B", U, "2024-01", "2024-01", D("711.04"), "申报成功"),
        Due("C", U, "2024-01", "2024-01", D("17.78"), "初始"),  # never declared
        Due("E", U, "2024-02", "2024-02", D("1422.08"), "申报成功"),
        Due("F", U, "2024-02", "2024-02", D("44.44"), "销账"),  # written off: not owed
        Due("G", U, "2024-02", "2024-02", D("44.44"), "申报中"),
        Due("Z", U, "2024-02", "2024-02", D("0.00"), "初始"),  # nothing to pay: no gap
    ]
    declared = [
        Declared("D1:1", "A", U, "2024-01", "2024-01", D("1422.08"), D("1422.08"), date(2024, 1, 22)),
        Declared("D1:2", "B", U, "2024-01", "2024-01", D("711.04"), D("711.04"), date(2024, 1, 22)),
        Declared("D2:1", "E", U, "2024-02", "2024-02", D("1422.08"), D("1422.08"), date(2024, 2, 20)),
        # a collection line no longer in the dues list: 100.00 payable, 20.00 offset
        Declared("D2:2", "K9", U, "2024-02", "2024-02", D("100.00"), D("80.00"), date(2024, 2, 20)),
        Declared("D3:1", "H", U2, "2024-02", "2024-02", D("300.00"), D("300.00"), date(2024, 3, 20)),
    ]
    paid = [
        Paid("D1:1", U, "2024-01", "2024-01", D("1422.08")),
        Paid("D1:2", U, "2024-01", "2024-01", D("711.04"), D("3.56")),  # 711.04 × 0.05 % × 10 days
        Paid("D2:2", U, "2024-02", "2024-02", D("75.00")),  # not what was declared
        Paid("X9:1", U2, "2024-01", "2024-01", D("50.00")),  # its declaration not in the store
    ]
    return dues, declared, paid


def run(today: date, **kw):
    dues, declared, paid = chain()
    return reconcile(dues, declared, paid, certified={"D1:1", "X9:1"}, refunded={"D1:2": D("160.00")},
                     refunded_late={"D1:2": D("0.80")}, refunding={"D1:1"}, on_voucher={"D3:1"}, today=today, **kw)


def test_each_unit_and_period_sums_every_stage_and_flags_every_gap():
    rows = run(date(2024, 3, 5))
    assert [(r.period, r.unit_number) for r in rows] == [("2024-01", U2), ("2024-01", U), ("2024-02", U2),
                                                         ("2024-02", U)]
    orphan, jan, u2_feb, feb = rows
    assert (orphan.due, orphan.declared, orphan.paid, orphan.certified, orphan.flags) == (
        D("0.00"), D("50.00"), D("50.00"), D("50.00"), [])

    # 1,422.08 + 711.04 + 17.78 = 2,150.90 due; 2,133.12 declared and paid; 1,422.08 certified
    assert (jan.lines, jan.due, jan.declared, jan.paid, jan.late_fee) == (
        3, D("2150.90"), D("2133.12"), D("2133.12"), D("3.56"))
    # 160.00 of 711.04 refunded, and of its 3.56 late fee in proportion: 3.56 × 160.00 / 711.04 = 0.80
    assert (jan.certified, jan.refunded, jan.refunded_late) == (D("1422.08"), D("160.00"), D("0.80"))
    assert jan.gaps == {G.UNDECLARED: 1, G.UNCERTIFIED: 1, G.REFUNDING: 1, G.REFUNDED: 1}
    assert jan.flags == [G.UNDECLARED, G.UNCERTIFIED, G.REFUNDING, G.REFUNDED]

    # 1,422.08 + 44.44 (申报中) + 100.00 (the collection line) + 0.00 = 1,566.52 due (销账 not owed)
    assert (feb.lines, feb.due, feb.declared, feb.paid) == (4, D("1566.52"), D("1502.08"), D("75.00"))
    assert feb.certified == D("0.00")
    assert feb.flags == [G.DECLARING, G.OVERDUE, G.MISMATCH, G.UNCERTIFIED]

    # on a voucher, its deadline (2024-03-20) not passed: only said to be on the voucher
    assert (u2_feb.declared, u2_feb.paid, u2_feb.flags) == (D("300.00"), D("0.00"), [G.ON_VOUCHER])


def test_unpaid_is_overdue_only_after_the_deadline_day():
    on_day = {(r.unit_number, r.period): r for r in run(date(2024, 3, 20))}
    after = {(r.unit_number, r.period): r for r in run(date(2024, 3, 21))}
    assert G.OVERDUE not in on_day[(U2, "2024-02")].gaps
    assert after[(U2, "2024-02")].flags == [G.OVERDUE, G.ON_VOUCHER]


def test_a_period_range_keeps_the_rows_it_meets():
    rows = run(date(2024, 3, 5), period_from="2024-02", period_to="2024-02")
    assert {r.period for r in rows} == {"2024-02"}
    assert run(date(2024, 3, 5), period_to="2023-12") == []


def test_a_line_spanning_months_is_its_own_period():
    dues = [Due("S", U, "2021-07", "2021-08", D("1000.00"), "初始")]
    [row] = reconcile(dues, [], [], today=date(2021, 9, 1), period_from="2021-08")
    assert (row.period, row.due, row.flags) == ("2021-07至2021-08", D("1000.00"), [G.UNDECLARED])


def test_a_declared_line_of_an_unknown_dues_line_is_not_counted_as_due_twice():
    dues = [Due("A", U, "2024-01", "2024-01", D("1422.08"), "申报成功")]
    declared = [Declared("D1:1", None, U, "2024-01", "2024-01", D("1422.08"), D("1422.08"), date(2024, 1, 22))]
    [row] = reconcile(dues, declared, [], today=date(2024, 1, 23))
    assert (row.lines, row.due, row.declared, row.flags) == (1, D("1422.08"), D("1422.08"), [G.OVERDUE])
