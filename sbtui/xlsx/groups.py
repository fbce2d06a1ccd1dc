"""The group templates of 职工分组管理 (SPEC E4; manual 000 §2.2.2).

* 批量编辑职工分组: :func:`write_group_template` writes the template (the existing groups go
  along: a second sheet lists them and the 分组 column offers them as a drop-down), and
  :func:`read_group_assignments` reads a filled one back into (employee, group) pairs, with
  every bad cell reported by row and column while the good rows still load.
* 分组批量导入: :func:`write_group_tree_template` / :func:`read_group_tree`, one group path of
  1–3 levels per row.

Pure functions over plain data: the caller passes the registry and group lookups.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sbtui.domain.catalogue import catalogue
from sbtui.domain.ids import InvalidIdError, check_resident_id
from sbtui.xlsx import strings as S
from sbtui.xlsx.common import (
    MAX_ROW,
    PROGRESS_EVERY,
    Progress,
    add_sheet,
    append_rows,
    atomic_workbook,
    bad_cells,
    cell_text,
    column_letter,
    read_table,
    refuse,
)
from sbtui.xlsx.errors import CellError

RESIDENT_ID = "201"
MAX_LEVELS = 3
MAX_GROUP_NAME = 30
GROUP_HEADERS = [S.H_NAME, S.H_ID_TYPE_CODE, S.H_ID_NUMBER, S.H_GROUP]
TREE_HEADERS = [S.H_LEVEL1, S.H_LEVEL2, S.H_LEVEL3]


@dataclass
class AssignmentImport:
    """A read 批量编辑职工分组 file. ``assignments``: (employee_id, group_id or None = 不分组)
    for every good row, in file order; ``rows``: data rows seen (not counting the entirely
    empty ones, which are ``skipped``)."""

    assignments: list[tuple[str, str | None]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    skipped: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"assignments": [list(a) for a in self.assignments],
                "errors": [e.to_json() for e in self.errors],
                "skipped": self.skipped, "rows": self.rows}


@dataclass
class TreeImport:
    """A read group-tree file: ``paths`` of 1–3 names each, in file order, duplicates dropped
    (parents implied by deeper paths are not added)."""

    paths: list[list[str]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    skipped: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"paths": self.paths, "errors": [e.to_json() for e in self.errors],
                "skipped": self.skipped, "rows": self.rows}


# -- normalizing --------------------------------------------------------------------------

def normalize_path(text: str) -> str:
    """``" 财务部 ／ 会计组 "`` → ``"财务部/会计组"``: NFKC (full-width ``／`` → ``/``), spaces
    around each name dropped, empty names dropped."""
    s = unicodedata.normalize("NFKC", text)
    return "/".join(p.strip() for p in s.split("/") if p.strip())


def normalize_id_number(text: str) -> str:
    """NFKC, no spaces or hyphens, upper case (``x`` → ``X``)."""
    s = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in s if not ch.isspace() and ch != "-").upper()


def _normalize_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


_TYPE_RE = re.compile(r"^(\d{3})(?:\s*[-—–:：]?\s*(\S.*))?$")


def parse_id_type(value: Any) -> str | None:
    """An ID type cell → its code, or None if unknown: ``"201"``, ``201``,
    ``"201 - 居民身份证"``, ``"201 居民身份证"`` and ``"居民身份证"`` all give ``"201"``."""
    text = cell_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    types = catalogue().id_types
    m = _TYPE_RE.match(text)
    if m and m.group(1) in types:
        return m.group(1)
    for code, name in types.items():
        if text == name:
            return code
    return None


# -- 批量编辑职工分组 ---------------------------------------------------------------------------

def write_group_template(path: str | os.PathLike[str], *, group_paths: list[str],
                         employees: Iterable[tuple[str, str, str, str | None]] = (),
                         total: int = 0, progress: Progress | None = None) -> int:
    """Write the 批量编辑职工分组 template: a title row, the header
    ``*姓名 | *身份证件类型代码 | *身份证件号码 | 分组``, then the optional prefilled rows
    ``(name, id type code, id number, group path or None)``. A second sheet "分组" lists
    ``group_paths`` and the 分组 column offers them as a drop-down (a warning, not a block, for
    other text); the type code column offers the catalogue's codes. The ID number and type
    columns are formatted as text. Returns the number of prefilled rows."""
    from openpyxl.worksheet.datavalidation import DataValidation

    first = 3  # title, header, data
    with atomic_workbook(path) as wb:
        ws = add_sheet(wb, S.GROUP_TEMPLATE_SHEET, title=S.GROUP_TEMPLATE_TITLE,
                       headers=GROUP_HEADERS, widths=[14, 20, 24, 36], text_columns=(1, 2, 3))
        codes = ",".join(catalogue().id_types)
        dv_type = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True,
                                 showErrorMessage=False, showInputMessage=True,
                                 prompt=S.ID_TYPE_DV_PROMPT)
        dv_type.add(f"B{first}:B{MAX_ROW}")
        ws.data_validations.append(dv_type)
        if group_paths:
            formula = f"'{S.GROUP_LIST_SHEET}'!$A$2:$A${len(group_paths) + 1}"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True, errorStyle="warning",
                                error=S.GROUP_DV_ERROR, showInputMessage=True,
                                promptTitle=S.GROUP_DV_TITLE, prompt=S.GROUP_DV_PROMPT)
            dv.add(f"D{first}:D{MAX_ROW}")
            ws.data_validations.append(dv)
        n = append_rows(ws, ([name, code, number, group or None]
                             for name, code, number, group in employees),
                        total=total, progress=progress)
        glist = add_sheet(wb, S.GROUP_LIST_SHEET, title=None, headers=[S.GROUP_LIST_HEADER],
                          widths=[40])
        append_rows(glist, ([p] for p in group_paths))
    return n


def read_group_assignments(path: str | os.PathLike[str], *,
                           employees: Mapping[str, tuple[str, str]],
                           groups: Mapping[str, str],
                           progress: Progress | None = None) -> AssignmentImport:
    """Read a filled 批量编辑职工分组 template (its first sheet).

    ``employees`` maps an upper-case ID number → (employee_id, registered name); ``groups``
    maps a group path ``"a/b/c"`` → group id. Raises :class:`~sbtui.xlsx.errors.XlsxError`
    for a file that is not such a template; everything else is a :class:`CellError` on the
    offending cell, and the rows without errors are returned."""
    _hrow, cmap, rows, total = read_table(path, header_names=GROUP_HEADERS)
    c_name, c_type, c_num, c_group = (cmap[h] for h in GROUP_HEADERS)
    l_name, l_type, l_num, l_group = (column_letter(c) for c in (c_name, c_type, c_num, c_group))
    used = {c_name, c_type, c_num, c_group}
    group_ids = {normalize_path(k): v for k, v in groups.items()}
    out = AssignmentImport()
    seen: dict[str, int] = {}
    errors = out.errors
    done = 0
    for r, values in rows:
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        raw_name, raw_type, raw_num, raw_group = (values[c_name], values[c_type],
                                                  values[c_num], values[c_group])
        bad = {c: why for c, why in bad_cells(values).items() if c in used}
        if raw_name is None and raw_type is None and raw_num is None and raw_group is None \
                and not bad:
            out.skipped += 1
            continue
        out.rows += 1
        n_before = len(errors)
        # 姓名
        name = cell_text(raw_name)
        if name is None:
            errors.append(CellError(r, l_name, S.REQUIRED.format(header=S.H_NAME.lstrip("*"))))
        # 身份证件类型代码
        id_type = None
        if raw_type is None:
            errors.append(CellError(r, l_type,
                                    S.REQUIRED.format(header=S.H_ID_TYPE_CODE.lstrip("*"))))
        else:
            id_type = parse_id_type(raw_type)
            if id_type is None:
                errors.append(CellError(r, l_type, S.ID_TYPE_UNKNOWN.format(value=cell_text(raw_type))))
        # 身份证件号码
        employee: tuple[str, str] | None = None
        if raw_num is None:
            errors.append(CellError(r, l_num,
                                    S.REQUIRED.format(header=S.H_ID_NUMBER.lstrip("*"))))
        elif isinstance(raw_num, (int, float)) and not isinstance(raw_num, bool):
            errors.append(CellError(r, l_num, S.ID_AS_NUMBER))
        else:
            number = normalize_id_number(str(raw_num))
            first_row = seen.get(number)
            if first_row is not None:
                errors.append(CellError(r, l_num, S.DUPLICATE_ROW.format(row=first_row)))
            else:
                seen[number] = r
                employee = employees.get(number)
                if employee is None:
                    errors.append(CellError(r, l_num, _unknown_reason(number, id_type)))
        if employee is not None and name is not None \
                and _normalize_name(name) != _normalize_name(employee[1]):
            errors.insert(n_before, CellError(r, l_name, S.NAME_MISMATCH.format(name=employee[1])))
        # 分组
        group_id = None
        if raw_group is not None:
            text = cell_text(raw_group) or ""
            group_id = group_ids.get(normalize_path(text))
            if group_id is None:
                errors.append(CellError(r, l_group, S.GROUP_UNKNOWN.format(path=text)))
        if bad:  # a merged cell, an uncached formula, text too long: it, not what it reads as
            errors[n_before:] = refuse(r, errors[n_before:], bad)
        if len(errors) == n_before and employee is not None:
            out.assignments.append((employee[0], group_id))
    if progress is not None:
        progress(done, max(total, done))
    return out


def _unknown_reason(number: str, id_type: str | None) -> str:
    """Why an ID number not in the registry is refused: a resident ID that fails its check
    says so (the check's own message), anything else is 本单位无此职工."""
    if id_type == RESIDENT_ID:
        try:
            check_resident_id(number)
        except InvalidIdError as e:
            return e.message
    return S.UNKNOWN_EMPLOYEE


# -- 分组批量导入 (the group tree) -----------------------------------------------------------

def write_group_tree_template(path: str | os.PathLike[str], *, group_paths: list[str]) -> int:
    """Write the group-tree template ``一级分组 | 二级分组 | 三级分组`` with one row per
    existing group path; return the number of rows."""
    rows = []
    for p in group_paths:
        parts = p.split("/")[:MAX_LEVELS]
        rows.append(parts + [None] * (MAX_LEVELS - len(parts)))
    with atomic_workbook(path) as wb:
        ws = add_sheet(wb, S.TREE_TEMPLATE_SHEET, title=S.TREE_TEMPLATE_TITLE,
                       headers=TREE_HEADERS, widths=[24, 24, 24], text_columns=(0, 1, 2))
        return append_rows(ws, rows)


def read_group_tree(path: str | os.PathLike[str], *,
                    progress: Progress | None = None) -> TreeImport:
    """Read a group-tree file: each row a path of 1–3 names. A gap (二级 empty, 三级 filled)
    is an error on the empty cell; a name over 30 characters or containing "/" is an error;
    a repeated path is dropped silently."""
    _hrow, cmap, rows, total = read_table(path, header_names=TREE_HEADERS)
    cols = [cmap[h] for h in TREE_HEADERS]
    letters = [column_letter(c) for c in cols]
    out = TreeImport()
    seen: set[tuple[str, ...]] = set()
    done = 0
    for r, values in rows:
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        names = [cell_text(values[c]) for c in cols]
        filled = [i for i, n in enumerate(names) if n is not None]
        bad = {c: why for c, why in bad_cells(values).items() if c in cols}
        if bad:  # a merged cell, an uncached formula, text too long (issue 14 finding 3)
            out.rows += 1
            out.errors.extend(refuse(r, [], bad))
            continue
        if not filled:
            out.skipped += 1
            continue
        out.rows += 1
        bad = False
        for i in range(filled[-1] + 1):
            name = names[i]
            if name is None:
                out.errors.append(CellError(r, letters[i], S.TREE_GAP.format(header=TREE_HEADERS[i])))
                bad = True
                continue
            if "/" in unicodedata.normalize("NFKC", name):
                out.errors.append(CellError(r, letters[i], S.TREE_SLASH))
                bad = True
            elif len(name) > MAX_GROUP_NAME:
                out.errors.append(CellError(r, letters[i], S.TREE_TOO_LONG.format(
                    limit=MAX_GROUP_NAME, length=len(name))))
                bad = True
        if bad:
            continue
        key = tuple(names[: filled[-1] + 1])
        if key not in seen:
            seen.add(key)
            out.paths.append(list(key))  # type: ignore[arg-type]
    if progress is not None:
        progress(done, max(total, done))
    return out
