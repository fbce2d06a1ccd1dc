"""The local copy of the service's dues lines (SPEC D1, D2, D9–D11): 日常申报, 特殊缴费申报,
工程项目 and 应缴信息 read offline. Replaced whole by each sync (:func:`sbtui.sync.dues.pull_dues`);
the offsets and remarks typed here are kept apart (``due_edits``) and survive it."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sbtui.domain.models import DueLine, due_key, due_tick

if TYPE_CHECKING:
    from sqlite_utils import Database

COLUMNS = ("source", "key", "tick", "serial", "unit_number", "agency", "period_from", "period_to",
           "item", "item_name", "type_code", "headcount", "wage_total", "base_total", "rate", "fixed",
           "due", "reduction", "max_offset", "status", "generated_at", "deadline", "late_fee",
           "valid_until", "remark", "project_id", "declaration_id")


def _text(value: Any) -> Any:
    if value is None or isinstance(value, (int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal: "1422.08", never a float


class Dues:
    """The dues lines of a store (``store.dues``, SPEC D1, D2, D11) as the service last gave
    them, with their local statuses."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def replace(self, lines: Iterable[DueLine]) -> int:
        """Replace the local dues lines with ``lines`` (one transaction); returns the count.
        A line without ``key`` / ``tick`` (an older service) gets them from due_key / due_tick."""
        rows = []
        for ln in lines:
            if not ln.key:
                ln = ln.model_copy(update={"key": due_key(ln.source, ln.unit_number, ln.period_from,
                                                          ln.item, ln.serial)})
            if not ln.tick:
                ln = ln.model_copy(update={"tick": due_tick(ln.source, ln.unit_number, ln.period_from,
                                                            ln.period_to, ln.type_code, ln.serial)})
            rows.append(tuple(_text(getattr(ln, c)) for c in COLUMNS))
        marks = ", ".join("?" * len(COLUMNS))
        with self.db.atomic():
            self.db.execute("DELETE FROM dues")
            self.db.conn.executemany(
                f"INSERT INTO dues (n, {', '.join(COLUMNS)}) VALUES (?, {marks})",
                [(n, *r) for n, r in enumerate(rows)])
        return len(rows)

    def lines(self, unit_number: str | None = None, period_from: str | None = None,
                   period_to: str | None = None, *, sources: tuple[str, ...] | None = None,
                   status: str | None = None) -> list[dict[str, Any]]:
        """The local dues lines (in the service's order) as dicts of text (money as strings);
        a line is kept when its period range meets ``period_from``…``period_to``, its source
        is one of ``sources`` and its status is ``status`` (when given)."""
        where: list[str] = []
        params: list[Any] = []
        if sources:
            where.append(f"source IN ({', '.join('?' * len(sources))})")
            params += list(sources)
        if status:
            where.append("status = ?")
            params.append(status)
        if unit_number:
            where.append("unit_number = ?")
            params.append(unit_number)
        if period_from:
            where.append("period_to >= ?")
            params.append(period_from)
        if period_to:
            where.append("period_from <= ?")
            params.append(period_to)
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        cur = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM dues{cond} ORDER BY n", params)
        return [dict(zip(COLUMNS, row)) for row in cur.fetchall()]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM dues").fetchone()[0]
