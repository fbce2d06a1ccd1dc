"""The wage declaration file of 月度缴费工资申报 (SPEC W4, W5, W10; manual 000 §5.1.6).

The official layout, one sheet::

    单位社保费缴费工资月度申报                        (title, merged)
    *缴费人识别号: <USCC> | | | | 110 企业基本养老保险 (3 columns merged) | 210 失业保险 …
    *姓名 | *身份证件类型代码 | *身份证件号码 | 分组 | 缴费工资 | 生效年月起 | 生效年月止 | …

:func:`write_wage_file` writes it (the template when there are no rows; an export
otherwise) and :func:`read_wage_file` reads a filled one back: every bad cell is reported by
row and column while the good rows still load; rows whose wage cells are all empty are skipped
("如果职工所有险种的缴费工资都为空，该职工的信息将不会被导入"). In Excel the binding groups
(SPEC W4) are not propagated, so a row whose bound types differ is an error, not fixed up.

Wages are :class:`~decimal.Decimal` (a number cell read as a float goes through its shortest
``repr``: 8888.1 → ``Decimal("8888.10")``; more than two decimals is an error); months are
``"YYYY-MM"`` text. Pure functions over plain data.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sbtui.domain.catalogue import catalogue
from sbtui.domain.money import AmountError, amount_value, parse_money, to_money
from sbtui.domain.period import Period
from sbtui.xlsx import strings as S
from sbtui.xlsx.backends import open_source
from sbtui.xlsx.common import (
    HEADER_SEARCH_ROWS,
    MAX_ROW,
    PROGRESS_EVERY,
    Progress,
    _clean,
    _find_header,
    atomic_workbook,
    check_cells,
    cell_text,
    column_letter,
    header_key,
)
from sbtui.xlsx.errors import CellError, XlsxError
from sbtui.xlsx.groups import (
    _normalize_name,
    _unknown_reason,
    normalize_id_number,
    parse_id_type,
)
from sbtui.xlsx.rowsink import RowSink

FIXED_HEADERS = [S.H_NAME, S.H_ID_TYPE_CODE, S.H_ID_NUMBER]
FIXED_COLUMNS = [S.H_NAME, S.H_ID_TYPE_CODE, S.H_ID_NUMBER, S.H_GROUP]
BLOCK_HEADERS = [S.H_WAGE, S.H_FROM, S.H_TO]
FIXED_WIDTHS = [12, 20, 22, 20]
BLOCK_WIDTH = 12

Item = tuple[Decimal | None, str | None, str | None]
# one type's (缴费工资, 生效年月起, 生效年月止)


@dataclass
class WageRow:
    """A good row of an imported wage file. ``name`` is the registered name, ``id_number``
    upper case; ``items`` holds every type with a filled cell, in file order."""

    excel_row: int
    employee_id: str
    name: str
    id_number: str
    items: dict[str, Item]
    group: str | None = None


@dataclass
class WageImport:
    """A read wage file. ``seen``: data rows that are not entirely blank; ``skipped``: those
    with every wage cell empty (not imported, not errors); the rest either load (``rows``) or
    have at least one :class:`CellError`. ``uscc``: the 缴费人识别号 of row 2, if given."""

    rows: list[WageRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    skipped: int = 0
    seen: int = 0
    uscc: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"loaded": len(self.rows), "skipped": self.skipped,
                "errors": [e.to_json() for e in self.errors]}


# -- cells --------------------------------------------------------------------------------

def parse_wage(value: Any) -> Decimal:
    """A wage cell → Decimal with 2 places, or :class:`ValueError`, by the one amount rule
    (:func:`~sbtui.domain.money.parse_money`; issue 14 finding 7): text such as ``"8,888.00"``
    or ``"￥8888"``, never full-width or other digit sets, a sign or an exponent. Numbers read
    from Excel (floats) go through ``repr`` (the shortest text that reads back the same), so
    8888.1 is ``Decimal("8888.10")`` and 0.1 + 0.2 (three-tenths and a bit) is refused; a
    number cell is held to the same 12 integer digits and 2 decimals."""
    try:
        if isinstance(value, str):
            return parse_money(value, S.WAGE_FIELD)
        if isinstance(value, float):
            value = Decimal(repr(value))
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ValueError(value)
        return amount_value(value, S.WAGE_FIELD)
    except InvalidOperation as e:
        raise ValueError(value) from e


def parse_month(value: Any) -> str:
    """A 生效年月 cell → ``"YYYY-MM"``, or :class:`ValueError` (the value). Accepted: an Excel
    date (its day ignored) and what :meth:`Period.parse` accepts — ``"2026-01"``, ``"2026-1"``,
    ``"2026/01"``, ``"2026.01"``, ``"2026年1月"``, ``"202601"`` (text or number)."""
    try:
        return str(Period.coerce(value))
    except (ValueError, TypeError):
        raise ValueError(value) from None


# -- writing ------------------------------------------------------------------------------

def write_wage_file(path: str | os.PathLike[str], *, uscc: str, type_codes: list[str],
                    rows: Iterable[Mapping[str, Any]], total: int = 0,
                    progress: Progress | None = None) -> int:
    """Write the official wage file to ``path`` atomically; return the number of data rows.

    ``type_codes`` are the type blocks, in order (``"110"`` …). Each row:
    ``{"name", "id_type": "201", "id_number", "group": path or None,
    "items": {type_code: (wage Decimal or None, 生效年月起 or None, 生效年月止 or None)}}``;
    types missing from ``items`` are left empty. Wages go in as numbers formatted ``0.00``,
    the ID type as ``"201 - 居民身份证"``, ID numbers and months as text. With no rows this
    is the blank template (导入模板下载)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cat = catalogue()
    for code in type_codes:
        if code not in cat.types:
            raise ValueError(f"unknown insurance type code {code!r}")
    ncols = len(FIXED_COLUMNS) + 3 * len(type_codes)
    last = column_letter(ncols - 1)
    with atomic_workbook(path) as wb:
        ws = wb.create_sheet(title=S.WAGES_SHEET)
        for i in range(ncols):
            dim = ws.column_dimensions[column_letter(i)]
            dim.width = FIXED_WIDTHS[i] if i < len(FIXED_WIDTHS) else BLOCK_WIDTH
            if i >= len(FIXED_COLUMNS) and (i - len(FIXED_COLUMNS)) % 3 == 0:
                dim.number_format = "0.00"
            else:
                dim.number_format = "@"
        ws.freeze_panes = "E4"
        bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center")
        fill = PatternFill("solid", fgColor="DDEBF7")

        def head(value: str | None, *, size: int | None = None) -> Any:
            c = WriteOnlyCell(ws, value=value)
            c.font = Font(bold=True, size=size) if size else bold
            c.alignment = center
            if size is None:
                c.fill = fill
            return c

        ws.append([head(S.WAGES_TITLE, size=14)])
        ws.merged_cells.add(f"A1:{last}1")
        row2 = [head(S.PAYER_ID_CELL.format(uscc=uscc))] + [head(None) for _ in range(3)]
        for code in type_codes:
            row2 += [head(cat.types[code].label), head(None), head(None)]
        ws.append(row2)
        ws.merged_cells.add("A2:D2")
        for k in range(len(type_codes)):
            c0 = len(FIXED_COLUMNS) + 3 * k
            ws.merged_cells.add(f"{column_letter(c0)}2:{column_letter(c0 + 2)}2")
        ws.append([head(h) for h in FIXED_COLUMNS + BLOCK_HEADERS * len(type_codes)])
        choices = ",".join(S.ID_TYPE_CELL.format(code=c, name=n) for c, n in cat.id_types.items())
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                            showErrorMessage=False)
        dv.add(f"B4:B{MAX_ROW}")
        ws.data_validations.append(dv)
        sink = RowSink(ws, ["@"] * len(FIXED_COLUMNS) + ["0.00", "@", "@"] * len(type_codes))
        n = 0
        for row in rows:
            sink.append(_cells(row, type_codes, cat.id_types))
            n += 1
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n, total)
        if progress is not None:
            progress(n, max(total, n) if total else 0)
    return n


def _cells(row: Mapping[str, Any], type_codes: list[str], id_types: Mapping[str, str],
           ) -> list[Any]:
    code = str(row.get("id_type") or "201")
    id_type = S.ID_TYPE_CELL.format(code=code, name=id_types[code]) if code in id_types else code
    out: list[Any] = [row["name"], id_type, row["id_number"], row.get("group") or None]
    items: Mapping[str, Item] = row.get("items") or {}
    extra = set(items) - set(type_codes)
    if extra:
        raise ValueError(f"row {row['id_number']!r} has types not in type_codes: {sorted(extra)}")
    for code in type_codes:
        wage, start, end = items.get(code) or (None, None, None)
        out += [None if wage is None else to_money(wage), start or None, end or None]
    return out


# -- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    code: str
    label: str
    name: str
    cols: tuple[int, int, int]  # 缴费工资, 生效年月起, 生效年月止 (0-based)


def read_wage_file(path: str | os.PathLike[str], *,
                   employees: Mapping[str, tuple[str, str, frozenset[str]]],
                   progress: Progress | None = None) -> WageImport:
    """Read a filled wage file (its first sheet).

    ``employees`` maps an upper-case ID number → (employee_id, registered name, the type
    codes the employee is insured for). The header row (``*姓名`` …) is found among the first
    rows, the type blocks from the row above it ("110 企业基本养老保险": the code is the
    leading digits). Raises :class:`XlsxError` for a file that is not such a template (an
    unknown type code names its cell); everything else is a :class:`CellError`, and the rows
    without one load."""
    src = open_source(path, None)
    try:
        head: list[Sequence[Any]] = []
        for row in src.rows:
            head.append([_clean(v) for v in row])
            if len(head) == HEADER_SEARCH_ROWS:
                break
        header_row, fixed = _find_header(head, FIXED_HEADERS)
        header = head[header_row - 1]
        group_col = next((c for c, v in enumerate(header) if header_key(v) == header_key(S.H_GROUP)),
                         None)
        blocks, uscc = _blocks(head, header_row, {*fixed.values(), group_col})
        out = WageImport(uscc=uscc)
        reader = _RowReader(out, employees, fixed, group_col, blocks)
        total = max(src.total - header_row, 0)
        done = 0
        r = header_row
        for src_rows in (head[header_row:], src.rows):
            for values in src_rows:
                r += 1
                done += 1
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
                reader.read(r, values, check_cells(r, values, reader.width, src.scan))
    finally:
        src.close()
    if progress is not None:
        progress(done, max(total, done))
    return out


def _blocks(head: list[Sequence[Any]], header_row: int, fixed: set[int | None],
            ) -> tuple[list[_Block], str | None]:
    """The type blocks named in the row above the header row, and the 缴费人识别号."""
    cat = catalogue()
    if header_row < 2:
        raise XlsxError(S.WAGE_NO_TYPES)
    above, header = head[header_row - 2], head[header_row - 1]
    uscc = None
    starts: list[tuple[int, str]] = []
    for c, value in enumerate(above):
        key = header_key(value)
        if not key:
            continue
        if key.startswith(header_key(S.H_PAYER_ID)):
            uscc = re.sub(r"^[:：\s]+", "", key[len(header_key(S.H_PAYER_ID)):]) or None
            continue
        if c in fixed:
            continue
        m = re.match(r"^(\d+)", key)
        text = cell_text(value) or ""
        where = {"row": header_row - 1, "column": column_letter(c), "text": text}
        if m is None or m.group(1) not in cat.types:
            raise XlsxError(S.WAGE_TYPE_UNKNOWN.format(**where))
        if any(code == m.group(1) for _, code in starts):
            raise XlsxError(S.WAGE_TYPE_DUPLICATE.format(**where))
        starts.append((c, m.group(1)))
    if not starts:
        raise XlsxError(S.WAGE_NO_TYPES)
    blocks = []
    for k, (c0, code) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else max(len(header), c0 + 3)
        found: dict[str, list[int]] = {}
        for c in range(c0, end):
            key = header_key(header[c]) if c < len(header) else ""
            found.setdefault(key, []).append(c)
        t = cat.types[code]
        wage, start, stop = (found.get(h, []) for h in BLOCK_HEADERS)
        if not start and len(stop) == 2:  # the manual's misprint: 生效年月止 twice
            start, stop = stop[:1], stop[1:]
        for h, cols in zip(BLOCK_HEADERS, (wage, start, stop), strict=True):
            if not cols:
                raise XlsxError(S.WAGE_BLOCK_HEADER.format(label=t.label, header=h))
        blocks.append(_Block(code, t.label, t.name, (wage[0], start[0], stop[0])))
    return blocks, uscc


class _RowReader:
    """Checks one data row after another into a :class:`WageImport`."""

    def __init__(self, out: WageImport, employees: Mapping[str, tuple[str, str, frozenset[str]]],
                 fixed: dict[str, int], group_col: int | None, blocks: list[_Block]) -> None:
        self.out, self.employees, self.blocks = out, employees, blocks
        self.c_name, self.c_type, self.c_num = (fixed[h] for h in FIXED_HEADERS)
        self.group_col = group_col
        self.width = max([*fixed.values(), group_col or 0, *(c for b in blocks for c in b.cols)]) + 1
        self.first_row: dict[str, int] = {}
        self.groups: dict[tuple[str, ...], list[list[_Block]]] = {}  # binding, per insured set
        self.months: dict[Any, str | None] = {}  # parse_month memo (None: bad)

    def read(self, r: int, raw: Sequence[Any], bad: dict[int, str]) -> None:
        """``bad``: the cells refused as such (merged, an uncached formula, too long)."""
        values = [_clean(v) for v in raw[: self.width]]
        if len(values) < self.width:
            values += [None] * (self.width - len(values))
        for c in bad:  # filled, but unreadable: its own error below, none for its neighbours
            values[c] = bad
        if all(v is None for v in values):
            return
        out = self.out
        out.seen += 1
        if all(values[b.cols[0]] is None for b in self.blocks):
            out.skipped += 1
            return
        errs: list[tuple[int, str]] = []
        employee = self._who(r, values, errs)
        insured = employee[2] if employee is not None else None
        parsed: dict[str, list[Any]] = {}
        good: dict[str, list[bool]] = {}
        for b in self.blocks:
            parsed[b.code], good[b.code] = self._item(b, values, insured, errs)
        if insured is not None:
            self._binding(parsed, good, insured, errs)
        if bad:  # issue 14 finding 3: the cell itself, not what it reads as
            errs = [e for e in errs if e[0] not in bad] + list(bad.items())
        if errs:
            errs.sort(key=lambda e: e[0])
            out.errors.extend(CellError(r, column_letter(c), reason) for c, reason in errs)
            return
        assert employee is not None
        items = {b.code: tuple(parsed[b.code]) for b in self.blocks
                 if any(values[c] is not None for c in b.cols)}
        group = cell_text(values[self.group_col]) if self.group_col is not None else None
        out.rows.append(WageRow(r, employee[0], employee[1], _id_number(values[self.c_num]),
                                items, group))  # type: ignore[arg-type]

    def _who(self, r: int, values: list[Any], errs: list[tuple[int, str]],
             ) -> tuple[str, str, frozenset[str]] | None:
        """Check 姓名, 身份证件类型代码, 身份证件号码; the registered employee or None."""
        raw_name, raw_type, raw_num = values[self.c_name], values[self.c_type], values[self.c_num]
        name = cell_text(raw_name)
        if name is None:
            errs.append((self.c_name, S.REQUIRED.format(header=S.H_NAME.lstrip("*"))))
        id_type = None
        if raw_type is None:
            errs.append((self.c_type, S.REQUIRED.format(header=S.H_ID_TYPE_CODE.lstrip("*"))))
        else:
            id_type = parse_id_type(raw_type)
            if id_type is None:
                errs.append((self.c_type, S.ID_TYPE_UNKNOWN.format(value=cell_text(raw_type))))
        if raw_num is None:
            errs.append((self.c_num, S.REQUIRED.format(header=S.H_ID_NUMBER.lstrip("*"))))
            return None
        if isinstance(raw_num, (int, float)) and not isinstance(raw_num, bool):
            errs.append((self.c_num, S.ID_AS_NUMBER))
            return None
        number = _id_number(raw_num)
        first = self.first_row.get(number)
        if first is not None:
            errs.append((self.c_num, S.DUPLICATE_ROW.format(row=first)))
            return None
        self.first_row[number] = r
        employee = self.employees.get(number)
        if employee is None:
            errs.append((self.c_num, _unknown_reason(number, id_type)))
        elif name is not None and _normalize_name(name) != _normalize_name(employee[1]):
            errs.append((self.c_name, S.NAME_MISMATCH.format(name=employee[1])))
        return employee

    def _month(self, value: Any) -> str | None:
        try:
            return self.months[value]
        except KeyError:
            pass
        try:
            month: str | None = parse_month(value)
        except ValueError:
            month = None
        self.months[value] = month
        return month

    def _item(self, b: _Block, values: list[Any], insured: frozenset[str] | None,
              errs: list[tuple[int, str]]) -> tuple[list[Any], list[bool]]:
        """One type's three cells → ([wage, from, to], [each cell good])."""
        c_wage, c_from, c_to = b.cols
        raw = [values[c] for c in b.cols]
        parsed: list[Any] = [None, None, None]
        ok = [True, True, True]
        if raw[0] is not None:
            if insured is not None and b.code not in insured:
                errs.append((c_wage, S.NOT_INSURED.format(type=b.name)))
                ok[0] = False
            else:
                try:
                    wage = parse_wage(raw[0])
                except ValueError as exc:
                    negative = isinstance(exc, AmountError) and exc.kind == "negative"
                    errs.append((c_wage, S.WAGE_NOT_POSITIVE if negative else S.WAGE_FORMAT))
                    ok[0] = False
                else:
                    if wage <= 0:
                        errs.append((c_wage, S.WAGE_NOT_POSITIVE))
                        ok[0] = False
                    parsed[0] = wage
        for k, col in ((1, c_from), (2, c_to)):
            if raw[k] is None:
                continue
            if raw[0] is None:
                errs.append((col, S.MONTH_WITHOUT_WAGE))
                ok[k] = False
                continue
            parsed[k] = self._month(raw[k])
            if parsed[k] is None:
                errs.append((col, S.MONTH_FORMAT))
                ok[k] = False
        if raw[0] is not None and raw[1] is None:
            errs.append((c_from, S.FROM_REQUIRED))
            ok[1] = False
        if ok[1] and ok[2] and parsed[1] and parsed[2] and parsed[2] < parsed[1]:
            errs.append((c_to, S.TO_BEFORE_FROM))
            ok[2] = False
        return parsed, ok

    def _binding(self, parsed: dict[str, list[Any]], good: dict[str, list[bool]],
                 insured: frozenset[str], errs: list[tuple[int, str]]) -> None:
        """SPEC W4: among the employee's insured types in the file, each later member of a
        binding group must equal the first in wage and months; each differing cell is an
        error naming both types."""
        codes = tuple(b.code for b in self.blocks if b.code in insured)
        groups = self.groups.get(codes)
        if groups is None:
            groups = self.groups[codes] = _binding_groups(
                [b for b in self.blocks if b.code in insured])
        for members in groups:
            b = members[0]
            for other in members[1:]:
                for k, h in enumerate(BLOCK_HEADERS):
                    if good[b.code][k] and good[other.code][k] \
                            and parsed[b.code][k] != parsed[other.code][k]:
                        errs.append((other.cols[k], S.BINDING_MISMATCH.format(
                            type=other.label, field=h, ref=b.label)))


def _binding_groups(present: list[_Block]) -> list[list[_Block]]:
    """The binding groups (SPEC W4) among ``present``, each in file order, of 2 or more."""
    codes = [b.code for b in present]
    done: set[str] = set()
    out = []
    for b in present:
        if b.code not in done:
            group = set(catalogue().bound_with(b.code, codes))
            members = [m for m in present if m.code in group]
            done.update(m.code for m in members)
            if len(members) > 1:
                out.append(members)
    return out


def _id_number(value: Any) -> str:
    text = str(value)
    return text.upper() if text.isascii() and text.isalnum() else normalize_id_number(text)
