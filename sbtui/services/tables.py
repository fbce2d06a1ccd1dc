"""Every list exports to xlsx (SPEC Q1): one path for all of them.

A service hands a list out as a :class:`Table` (its title, headers and typed rows: text, ``Decimal``
amounts as numbers, dates); :func:`write_xlsx` writes it — atomically, control and bidi characters
in text cells escaped as visible ``\\uXXXX`` (:func:`sbtui.xlsx.common.append_rows`), the file 0600
(it holds names, accounts and amounts: :mod:`sbtui.private`). The TUI's list screens
(:meth:`sbtui.tui.screens.row_list.RowListScreen.action_export`) and the CLI's ``--output F.xlsx``
(:func:`sbtui.cli.common.export_table`) both come here.

No Textual.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sbtui.private import private_file

__all__ = ["NOT_XLSX", "Table", "TableError", "write_xlsx"]

NOT_XLSX = "文件名应以 .xlsx 结尾。"


class TableError(ValueError):
    """A path that cannot take the table (Chinese message)."""


@dataclass
class Table:
    """A list as exported: ``rows`` in ``headers`` order; text columns stay text in Excel
    (unit numbers, ticket numbers, accounts: never numbers that lose digits)."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)

    def text_columns(self) -> list[int]:
        """The columns with no number in them (given the "@" text format)."""
        numeric = {i for r in self.rows for i, v in enumerate(r) if isinstance(v, (int, float, Decimal))
                   and not isinstance(v, bool)}
        return [i for i in range(len(self.headers)) if i not in numeric]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, Decimal)):
        return value
    return str(value)


def write_xlsx(path: str | os.PathLike[str], table: Table) -> Path:
    """Write ``table`` to ``path`` (.xlsx); returns the path. TableError for another suffix;
    OSError / XlsxError when it cannot be written (nothing is left half-written)."""
    from sbtui.xlsx.common import write_table

    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise TableError(NOT_XLSX)
    write_table(target, title=table.title, headers=list(table.headers),
                rows=([_cell(v) for v in r] for r in table.rows), text_columns=table.text_columns())
    private_file(target)
    return target
