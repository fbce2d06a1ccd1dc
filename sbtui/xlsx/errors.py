"""The two ways an xlsx file goes wrong: a :class:`CellError` names one bad cell (its row is
left out, the good rows load); an :class:`XlsxError` refuses the whole file (raised by the
reads and writes of :mod:`sbtui.xlsx.common` and by :mod:`sbtui.xlsx.backends`, which opens
it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sbtui.xlsx import strings as S


@dataclass(frozen=True)
class CellError:
    """One bad cell of an imported file: ``row`` as Excel numbers it (1-based), ``column`` the
    column letter (``"C"``), ``reason`` a Chinese sentence."""

    row: int
    column: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return S.CELL_ERROR.format(row=self.row, column=self.column, reason=self.reason)


class XlsxError(Exception):
    """A file that cannot be used at all (missing, not an xlsx, not our template).
    ``str(e)`` / ``e.message`` is Chinese for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
