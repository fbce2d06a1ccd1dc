"""What a sync reports while it runs (:class:`SyncProgress`) and when it ends (:class:`SyncResult`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["push", "feedback", "groups", "full", "changes", "dues", "declarations", "payments"]


@dataclass(frozen=True)
class SyncProgress:
    """One progress event: ``done`` of ``total`` (``None``: not known) in ``phase``.

    phases: ``push`` (outbox items sent), ``feedback`` (wage and fee declarations read), ``groups`` (groups and unit registrations refreshed),
    ``full`` (employees of a full download), ``changes`` (registry changes pulled), ``dues``
    (the dues lines replaced), ``declarations`` (declaration records, projects, credits),
    ``payments`` (the pay list, payments, vouchers, deposit accounts, agreements)."""

    phase: Phase
    done: int
    total: int | None
    message: str = ""


ProgressCallback = Callable[[SyncProgress], None]


@dataclass(frozen=True)
class Refusal:
    """An outbox item the service refused (surfaced to the user)."""

    key: str
    kind: str
    entity: str
    code: str | None
    message: str


@dataclass
class SyncResult:
    """What one :func:`sbtui.sync.sync` did.

    ``pushed``: outbox items confirmed; ``refused``: items refused (details in ``refusals``);
    ``added`` / ``changed`` / ``stopped``: employees (SPEC E6); ``removed``: local employees
    deleted because a full download no longer had them; ``total``: employees in the store at the
    end; ``wage_feedback``: wage declarations whose feedback was applied;
    ``declaration_feedback``: fee declarations settled (SPEC D7, D8);
    ``agreement_feedback``: three-party agreements verified or refused (SPEC A1); ``full``: a full
    download was made; ``offline``: the service could not be reached, so
    the run stopped early (queued work stays queued/sent); ``error``: the message that stopped
    the push, if any."""

    pushed: int = 0
    refused: int = 0
    added: int = 0
    changed: int = 0
    stopped: int = 0
    removed: int = 0
    total: int = 0
    wage_feedback: int = 0
    declaration_feedback: int = 0
    agreement_feedback: int = 0
    full: bool = False
    offline: bool = False
    error: str | None = None
    refusals: list[Refusal] = field(default_factory=list)
