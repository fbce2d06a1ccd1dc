"""xlsx templates and exports (SPEC E4, E7, E8), shared by the CLI and the TUI.

Pure functions over plain Python data, no store access and no Textual; openpyxl is imported
only when a file is read or written. Every Chinese text lives in :mod:`sbtui.xlsx.strings`.
"""
from __future__ import annotations

from sbtui.xlsx.common import Progress, read_rows, read_table, write_table
from sbtui.xlsx.employees import write_employees, write_units
from sbtui.xlsx.errors import CellError, XlsxError
from sbtui.xlsx.groups import (
    AssignmentImport,
    TreeImport,
    read_group_assignments,
    read_group_tree,
    write_group_template,
    write_group_tree_template,
)

__all__ = [
    "AssignmentImport", "CellError", "Progress", "TreeImport", "XlsxError",
    "read_group_assignments", "read_group_tree", "read_rows", "read_table",
    "write_employees", "write_group_template", "write_group_tree_template", "write_table",
    "write_units",
]
