"""The rows of the two declaration forms, shared by the xlsx and the PDF writers (pure).

A row is a list of cell values: ``str`` (text, printed as is), ``int`` (缴费人数, 序号),
:class:`~decimal.Decimal` (money: printed ``8,888.00``, written to xlsx as a number) or
``None`` (an empty cell). The 合计 row sums the money columns as Decimal (SPEC: amounts are
rounded per employee per item, then summed) and prints ``---`` elsewhere, as manual 000 §3.4.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from sbtui.domain.models import DeclarationEmployee, DeclarationLine
from sbtui.domain.money import ZERO, format_money
from sbtui.forms import strings as S

Kind = Literal["seq", "text", "code", "int", "money", "rate"]
Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Column:
    """A form column: its header, what it holds, its PDF width (mm, before fitting to the
    page) and its xlsx width (characters). ``repeats``: the same few values on every row
    (an agency, an item name), worth caching the PDF's line breaks for."""

    header: str
    kind: Kind
    mm: float
    chars: int
    repeats: bool = False

    @property
    def align(self) -> str:
        return {"money": "R", "int": "C", "seq": "C", "rate": "C", "code": "C"}.get(self.kind, "L")


UNIT_COLUMNS = tuple(Column(h, k, mm, ch, rep) for h, (k, mm, ch, rep) in zip(S.UNIT_HEADERS, (
    ("seq", 9, 6, False),
    ("text", 39, 28, True),  # *社会保险经办机构
    ("code", 25, 17, True),  # *单位编号
    ("text", 35, 24, True),  # *参保费种
    ("text", 39, 28, True),  # *征收品目
    ("text", 12, 10, True),  # *征收子目
    ("code", 14, 11, True),  # *费款所属日期起
    ("code", 14, 11, True),  # *费款所属日期止
    ("int", 11, 9, False),  # 缴费人数
    ("money", 22, 15, False),  # 职工工资总额
    ("money", 22, 15, False),  # 缴费基数
    ("rate", 11, 9, True),  # *费率
    ("money", 24, 15, False),  # *本期应缴费额
), strict=True))

EMPLOYEE_COLUMNS = tuple(Column(h, k, mm, ch, rep) for h, (k, mm, ch, rep) in zip(
    S.EMPLOYEE_HEADERS, (
        ("seq", 9, 7, False),
        ("text", 15, 10, False),  # 姓名
        ("text", 15, 12, True),  # 身份证件类型
        ("code", 28, 21, False),  # 身份证件号码
        ("text", 23, 26, True),  # 社保经办机构
        ("code", 22, 16, True),  # 单位编号
        ("code", 22, 16, False),  # 人员编号 (16 digits on one line)
        ("text", 21, 22, True),  # 参保费种
        ("text", 25, 26, True),  # 征收品目
        ("text", 10, 9, True),  # 征收子目
        ("code", 13, 10, True),  # 费款所属日期起
        ("code", 13, 10, True),  # 费款所属日期止
        ("money", 17, 13, False),  # 本人工资
        ("money", 17, 13, False),  # 缴费基数
        ("rate", 10, 8, True),  # 费率
        ("money", 17, 13, False),  # 本期应缴费额
    ), strict=True))


def rate_cell(rate: str | None, fixed: Decimal | None) -> str | None:
    """The 费率 cell: the rate as printed (``"16%"``); a fixed-amount item prints its fixed
    amount there (``"100.00"``); a collection line without either prints nothing."""
    if rate:
        return rate
    if fixed is not None:
        return format_money(fixed)
    return None


# -- 《社会保险费缴费申报表（适用单位缴费人）》 --------------------------------------------------

def unit_row(line: DeclarationLine, agency: str = "") -> list[Cell]:
    """One declared line. Collection, special and project lines have no headcount or wages:
    those cells stay empty. ``agency``: the declaration's, for a line that names none."""
    return [
        line.n, line.agency or agency or None, line.unit_number, line.type_name or None,
        line.item_name, None, line.period_from, line.period_to, line.headcount,
        line.wage_total, line.base_total, rate_cell(line.rate, line.fixed), line.due,
    ]


def unit_total(lines: Iterable[DeclarationLine]) -> list[Cell]:
    """The 合计 row: 缴费基数 and 本期应缴费额 summed (as the manual: 35,552.00 / 4,266.24)."""
    base = due = ZERO
    for line in lines:
        base += line.base_total or ZERO
        due += line.due
    row: list[Cell] = [S.TOTAL] + [S.NOT_APPLICABLE] * (len(UNIT_COLUMNS) - 1)
    row[10], row[12] = base, due
    return row


# -- 《社会保险费缴费明细申报表（适用职工个人）》 -----------------------------------------------

def employee_row(n: int, e: DeclarationEmployee) -> list[Cell]:
    return [
        n, e.name, e.id_type or None, e.id_number, e.agency or None, e.unit_number,
        e.person_number or None, e.type_name or None, e.item_name, None, e.period_from,
        e.period_to, e.wage, e.base, rate_cell(e.rate, e.fixed), e.due,
    ]


@dataclass
class EmployeeTotals:
    """The employee form's 合计 as the rows stream by (本人工资, 缴费基数, 本期应缴费额)."""

    rows: int = 0
    wage: Decimal = field(default=ZERO)
    base: Decimal = field(default=ZERO)
    due: Decimal = field(default=ZERO)

    def add(self, e: DeclarationEmployee) -> None:
        self.rows += 1
        self.wage += e.wage
        self.base += e.base
        self.due += e.due

    def row(self) -> list[Cell]:
        row: list[Cell] = [S.TOTAL] + [S.NOT_APPLICABLE] * (len(EMPLOYEE_COLUMNS) - 1)
        row[12], row[13], row[15] = self.wage, self.base, self.due
        return row


def employee_rows(employees: Iterable[DeclarationEmployee], totals: EmployeeTotals,
                  ) -> Iterator[list[Cell]]:
    """The data rows, numbered from 1, adding each employee to ``totals`` on the way (one
    pass: ``employees`` may be a generator over 100,000 rows)."""
    for e in employees:
        totals.add(e)
        yield employee_row(totals.rows, e)


def text(value: Cell) -> str:
    """A cell as the PDF prints it: money ``8,888.00``, nothing for ``None``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)
