"""For screens whose grid reads the store's file on a SQLite connection of its own (pages of
visible rows on the UI thread, while workers write through the store's connection; WAL lets
both go on): opened once, by the area service that hands it out (a connection, or a reader of
:mod:`sbtui.services.grid` with the lookups the screen needs), closed when the screen goes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class GridConnection(Generic[C]):
    _conn: C | None = None

    def keep_grid_connection(self, open_connection: Callable[[], C]) -> C:
        """The screen's connection, opened once by ``open_connection`` (an area service's, e.g.
        ``self.employer.registry.grid`` or ``self.employer.wages.draft_grid``) and kept
        until the screen goes."""
        if self._conn is None:
            self._conn = open_connection()
        return self._conn

    def on_unmount(self) -> None:  # (Textual calls each class's handler of the MRO)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
