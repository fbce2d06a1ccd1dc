"""For screens whose grid reads the store's file on a SQLite connection of its own (pages of
visible rows on the UI thread, while workers write through the store's connection; WAL lets
both go on): opened once, by the area service that hands it out, closed when the screen goes."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


class GridConnection:
    _conn: sqlite3.Connection | None = None

    def keep_grid_connection(self, open_connection: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
        """The screen's connection, opened once by ``open_connection`` (an area service's, e.g.
        ``self.employer.registry.grid_connection``) and kept until the screen goes."""
        if self._conn is None:
            self._conn = open_connection()
        return self._conn

    def grid_connection(self, path: str | Path, *, threads: bool = False) -> sqlite3.Connection:
        """The screen's connection on the store's file ``path`` (``threads``: also used by its
        worker threads). The wage screens', until their service hands it out (issue 11)."""
        return self.keep_grid_connection(lambda: sqlite3.connect(str(path), check_same_thread=not threads))

    def on_unmount(self) -> None:  # (Textual calls each class's handler of the MRO)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
