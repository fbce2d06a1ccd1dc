"""For screens whose grid reads the store's file on a SQLite connection of its own (pages of
visible rows on the UI thread, while workers write through the store's connection; WAL lets
both go on): opened once, closed when the screen goes."""
from __future__ import annotations

import sqlite3
from pathlib import Path


class GridConnection:
    _conn: sqlite3.Connection | None = None

    def grid_connection(self, path: str | Path, *, threads: bool = False) -> sqlite3.Connection:
        """The screen's connection (``threads``: also used by its worker threads)."""
        if self._conn is None:
            self._conn = sqlite3.connect(str(path), check_same_thread=not threads)
        return self._conn

    def on_unmount(self) -> None:  # (Textual calls each class's handler of the MRO)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
