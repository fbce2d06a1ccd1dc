"""Periods (属期): calendar months written ``YYYY-MM`` (SPEC §0), and wage-history closing (SPEC W9).

:class:`Period` is a small frozen, ordered value. The wire and the store keep periods as
``YYYY-MM`` strings (``models.WagePeriod``); ``Period.parse`` / ``str(p)`` convert.
The open end of a wage period is ``2099-12`` (:data:`OPEN_END`).

This is the one month parser: what a user types (a screen's 所属期, a CLI option, a 生效年月 cell
of a spreadsheet) goes through :meth:`Period.parse` / :meth:`Period.coerce`; what the wire and the
store hold is checked with ``Period.parse(text, strict=True)``. Callers keep their own message
naming the field. :func:`month_index`, :func:`month_text`, :func:`add_months` and
:func:`month_of` are the fast forms for canonical text in hot loops (dues preprocessing, the
sandbox's registry).
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

MIN_YEAR = 1900
MAX_YEAR = 2099

_PATTERNS = (
    # 2024-01, 2024-1, 2024/01, 2024.01, 2024年1月, 2024年01月, 2024 - 1
    re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*月?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})$"),  # 202401 (how spreadsheet users type it)
)
# [0-9], not \d: \d also matches ٢٠٢٤ and other digit sets (issue 14: the wire takes ASCII only;
# full-width digits typed by a user become ASCII by NFKC before the lenient patterns)
_CANONICAL = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """A text that is not a period; ``str(err)`` is a Chinese message for the user."""


@dataclass(frozen=True, order=True)
class Period:
    """One month. Ordered by (year, month); ``p + 1`` is the next month; ``b - a`` is months."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not isinstance(self.month, int):
            raise TypeError("Period year and month must be int")
        if not 1 <= self.month <= 12:
            raise PeriodError(f"月份应在1至12之间：{self.year}-{self.month}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间：{self.year}")

    # --- construction -----------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> Period:
        """Parse ``2024-01`` (canonical), ``2024-1``, ``2024/01``, ``2024.01``, ``202401`` or
        ``2024年1月`` — what users type on screen, on the command line and in spreadsheets.

        Full-width digits are accepted, and spaces around. ``strict``: only the canonical
        ``YYYY-MM`` (spaces around allowed), as the wire and the store keep it. Anything else
        raises :class:`PeriodError` with a Chinese message ("年月格式不正确…").
        """
        if not isinstance(text, str):
            raise TypeError(f"Period.parse expects str, not {type(text).__name__}")
        if strict:
            m = _CANONICAL.match(text.strip())
            if m is None:
                raise PeriodError(f"年月格式不正确：“{text}”，应为YYYY-MM，例如2024-01")
            return cls(int(m.group(1)), int(m.group(2)))
        s = unicodedata.normalize("NFKC", text).strip()
        for pat in _PATTERNS:
            m = pat.match(s)
            if m:
                year, month = int(m.group(1)), int(m.group(2))
                if not 1 <= month <= 12:
                    raise PeriodError(f"年月格式不正确：“{text}”，月份应在01至12之间")
                return cls(year, month)
        raise PeriodError(f"年月格式不正确：“{text}”，应为YYYY-MM，例如2024-01")

    @classmethod
    def coerce(cls, value: Period | str | int | date) -> Period:
        """A Period from whatever a cell or a model holds: a Period, text (see :meth:`parse`),
        an int such as ``202401`` (a spreadsheet number), or a date/datetime (its month)."""
        if isinstance(value, Period):
            return value
        if isinstance(value, (date, datetime)):
            return cls.of(value)
        if isinstance(value, bool):
            raise TypeError("a bool is not a period")
        if isinstance(value, int):
            return cls.parse(str(value))
        if isinstance(value, str):
            return cls.parse(value)
        raise TypeError(f"cannot make a Period from {type(value).__name__}")

    @classmethod
    def of(cls, d: date) -> Period:
        """The period a date falls in."""
        return cls(d.year, d.month)

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    # --- presentation -----------------------------------------------------------------
    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def compact(self) -> str:
        """``202401``."""
        return f"{self.year:04d}{self.month:02d}"

    # --- arithmetic -------------------------------------------------------------------
    @property
    def index(self) -> int:
        """Months since year 0: a total order usable for arithmetic."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Period:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Period.from_index(self.index + months)

    def __radd__(self, months: int) -> Period:
        return self.__add__(months)

    def __sub__(self, other: int | Period) -> Period | int:
        """``p - 3`` is three months earlier; ``b - a`` is the number of months from a to b."""
        if isinstance(other, Period):
            return self.index - other.index
        if isinstance(other, int) and not isinstance(other, bool):
            return Period.from_index(self.index - other)
        return NotImplemented

    @property
    def is_open_end(self) -> bool:
        """True for ``2099-12``, the open end of a wage period (SPEC W9)."""
        return self == OPEN_END

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def contains(self, d: date) -> bool:
        return Period.of(d) == self

    @staticmethod
    def range(start: Period, end: Period) -> Iterator[Period]:
        """Every period from ``start`` to ``end`` inclusive (empty when end < start)."""
        for i in range(start.index, end.index + 1):
            yield Period.from_index(i)


OPEN_END = Period(2099, 12)


# -- canonical text, fast (no checks: the text comes from the store, the wire or month_text) --

def month_index(text: str) -> int:
    """``"2026-05"`` → months since year 0 (:attr:`Period.index`), without building a Period."""
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_text(index: int) -> str:
    """The ``YYYY-MM`` of a :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(text: str, n: int) -> str:
    """``YYYY-MM`` ``n`` months after (before, when negative) the canonical ``text``."""
    return month_text(month_index(text) + n)


def month_of(d: date) -> str:
    """The ``YYYY-MM`` a date falls in (``str(Period.of(d))``, faster)."""
    return f"{d.year:04d}-{d.month:02d}"


def period_range(start: Period | str, end: Period | str) -> list[Period]:
    """``[start, …, end]`` inclusive, from Periods or text."""
    return list(Period.range(Period.coerce(start), Period.coerce(end)))


def months_between(a: Period | str, b: Period | str) -> int:
    """Number of months from ``a`` to ``b`` (``b - a``); negative when b is earlier."""
    return Period.coerce(b) - Period.coerce(a)  # type: ignore[return-value]


def check_span(start: Period | str, end: Period | str | None = None) -> tuple[Period, Period]:
    """Validate a 生效年月起/止 pair: returns (start, end) with end defaulting to the open end;
    raises :class:`PeriodError` when the end is before the start."""
    s = Period.coerce(start)
    e = OPEN_END if end in (None, "") else Period.coerce(end)  # type: ignore[arg-type]
    if e < s:
        raise PeriodError(f"生效年月止（{e}）不能早于生效年月起（{s}）")
    return s, e


Span = tuple[Period, Period]


def close_periods(history: Iterable[Span], new_from: Period, new_to: Period = OPEN_END) -> list[Span]:
    """The wage history of one employee and one type, made room for a new wage (SPEC W9).

    ``history`` is a list of ``(from, to)`` periods. A new wage from month M (to ``new_to``,
    by default the open end 2099-12) takes over ``M … new_to``:

    * a period that covers M (typically the open one, ``… – 2099-12``) is closed at M−1;
    * periods lying wholly inside ``M … new_to`` are removed (the new wage replaces them);
    * with an explicit ``new_to`` (a back payment, 补缴) a period reaching past it resumes at
      ``new_to + 1``, so a period covering the whole new span is split in two.

    The new span itself is *not* included; the result is sorted by start. Example from
    manual 000 §5.3: 4,000 from 2023-09 to 2099-12, then 8,888 from 2024-01 → the old one
    becomes 2023-09 … 2023-12.
    """
    if new_to < new_from:
        raise PeriodError(f"生效年月止（{new_to}）不能早于生效年月起（{new_from}）")
    out: list[Span] = []
    for start, end in history:
        if end < start:
            raise PeriodError(f"生效年月止（{end}）不能早于生效年月起（{start}）")
        if end < new_from or start > new_to:  # no overlap
            out.append((start, end))
            continue
        if start < new_from:
            out.append((start, new_from - 1))  # type: ignore[arg-type]
        if end > new_to:
            out.append((new_to + 1, end))
    out.sort()
    return out


def covering(history: Iterable[Span], period: Period) -> int | None:
    """Index of the span in ``history`` that covers ``period``, or ``None``."""
    for i, (start, end) in enumerate(history):
        if start <= period <= end:
            return i
    return None
