"""What every area service of one employer stands on."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sbtui.config import Config
    from sbtui.domain.models import Session
    from sbtui.remote.interface import RemoteService
    from sbtui.store import Store


@dataclass(frozen=True)
class Area:
    """One employer's local store, and the remote service, the configuration and the session
    of the workspace that built it. ``remote`` builds the service on first use: offline work
    (editing, preparing, reading the local store) never needs it."""

    uscc: str
    store: Store
    remote: Callable[[], RemoteService]
    config: Config
    session: Callable[[], Session | None]


def new_key() -> str:
    """A fresh idempotency key for one direct online action (a password, a user, a message
    read): the user waits for the answer and sees it at once, so it is no outbox item; the
    client's retries of that one call reuse the key, so the service applies it once."""
    return str(uuid.uuid4())
