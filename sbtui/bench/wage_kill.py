"""The child of the wage kill test (tests/test_wage_kill.py): types cells until it is killed.

``python -m sbtui.bench.wage_kill HOME USCC START`` opens the workspace at ``HOME`` and the
employer's 缴费工资申报 (:class:`~sbtui.services.wages.WagesService`, as the wage grid does),
prints ``ready``, then for i = START, START+1, …: ``set_cell`` (the grid's writer) of draft row
``i mod rows`` (its first insured wage column, :func:`targets`) to the distinct value
``10000+i``, and only after that returns (saved with its binding and committed) prints
``i rowid column value``, unbuffered. The parent SIGKILLs it at a random moment and checks
every printed cell is in the store.
"""
from __future__ import annotations

import os
import sys

from sbtui.store.wages import CODES


def targets(db) -> list[tuple[int, str]]:
    """``(rowid, column)`` per draft row insured for some type: ``w110`` or the first wage
    column it is insured for, in rowid order."""
    out = []
    for rowid, insured in db.execute("SELECT id, insured FROM wage_draft ORDER BY id"):
        codes = [c for c in CODES if c in (insured or "").split(",")]
        if codes:
            out.append((rowid, "w110" if "110" in codes else f"w{codes[0]}"))
    return out


def value_of(i: int) -> str:
    return f"{10000 + i}.00"


def main(argv: list[str]) -> None:
    from sbtui.workspace import Workspace

    employer = Workspace(argv[0]).employer(argv[1])
    cells = targets(employer.store.db)
    os.write(1, b"ready\n")
    i = int(argv[2])
    while True:
        rowid, column = cells[i % len(cells)]
        employer.wages.set_cell(rowid, column, value_of(i))
        os.write(1, f"{i} {rowid} {column} {value_of(i)}\n".encode())
        i += 1


if __name__ == "__main__":
    main(sys.argv[1:])
