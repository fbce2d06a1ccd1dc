"""The local store: SQLite via sqlite-utils (SPEC §1). Start with :func:`open_store`."""
from sbtui.store.db import Store, open_store
from sbtui.store.outbox import Outbox, OutboxItem, canonical_json
from sbtui.store.registry import Counts

__all__ = ["Counts", "Outbox", "OutboxItem", "Store", "canonical_json", "open_store"]
