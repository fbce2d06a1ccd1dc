"""The one clock of the client and of the sandbox service: every "now" and "today" comes from
here, so a test, a demo or a training deployment can set the day (DEVELOPERS.md: tests never
depend on the day they run).

By default it is the system clock. ``SBTUI_CLOCK`` (an ISO date or date-time; a date means
09:00 China Standard Time that day) starts the clock at that instant when the process first
reads it, and time then runs on at the normal rate — feedback delays, token expiry and
countdowns still pass. :func:`set_clock` does the same inside one process and writes
``SBTUI_CLOCK`` as ``<instant>@<system epoch seconds>``, so that child processes (the sandbox
server, a CLI run by a test) keep the very same offset, not just the same day.

"Today" is the calendar day in China Standard Time (UTC+8), the service's calendar.
"""
from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
ENV = "SBTUI_CLOCK"

_offset: timedelta | None = None  # anchored clock: system time + offset; None: read ENV first


def parse_anchor(text: str) -> datetime:
    """An anchor from ``SBTUI_CLOCK`` / ``--today``: ``YYYY-MM-DD`` (09:00 CST) or an ISO
    date-time (naive means CST). ValueError on anything else."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(),
                                CST).replace(hour=9)
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=CST) if moment.tzinfo is None else moment


def _system() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)


def set_clock(anchor: datetime | date | str | None) -> None:
    """Start the clock at ``anchor`` now (it runs on from there); ``None``: the system clock.
    Sets ``SBTUI_CLOCK`` too, so child processes started afterwards share the day."""
    global _offset
    if anchor is None:
        _offset = timedelta(0)
        os.environ.pop(ENV, None)
        return
    if isinstance(anchor, str):
        moment = parse_anchor(anchor)
    elif isinstance(anchor, datetime):
        moment = anchor if anchor.tzinfo else anchor.replace(tzinfo=CST)
    else:
        moment = parse_anchor(anchor.isoformat())
    system = _system()
    _offset = moment - system
    os.environ[ENV] = f"{moment.isoformat()}@{system.timestamp():.6f}"


def _offset_of(text: str) -> timedelta:
    """The offset an ``SBTUI_CLOCK`` value stands for (see the module's doc)."""
    anchor, _, at = text.partition("@")
    since = datetime.fromtimestamp(float(at), UTC) if at else _system()
    return parse_anchor(anchor) - since


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    global _offset
    if _offset is None:
        text = os.environ.get(ENV)
        _offset = _offset_of(text) if text else timedelta(0)
    return _system() + _offset


def today() -> date:
    """Today's date in China Standard Time."""
    return now().astimezone(CST).date()


def this_month() -> str:
    """The current month as ``YYYY-MM`` (China Standard Time)."""
    return today().strftime("%Y-%m")
