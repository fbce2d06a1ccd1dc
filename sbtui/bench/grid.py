"""``sbtui bench grid``: our virtual grid against Textual's ``DataTable`` on N realistic rows.

The rows are written once to a temporary SQLite file (WAL, as the local store); each widget is
then measured in a child process of its own (:mod:`sbtui.bench.grid_child`), so one's memory does
not count against the other. Our grid is keyed on the table's rowid; ``sbtui_all_ids_s`` is when
its full id list, read in a thread after the first paint, was in. ``DataTable`` is skipped above
:data:`DATATABLE_MAX` rows (it takes ~50 s at 100,000).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sbtui.bench.grid_data import build_employees

DATATABLE_MAX = 100_000
KEYS = ("rows", "sbtui_open_s", "sbtui_move_ms", "sbtui_pagedown_ms", "sbtui_scroll_ms", "sbtui_edit_ms",
        "sbtui_rss_mb", "sbtui_all_ids_s", "datatable_open_s", "datatable_move_ms", "datatable_pagedown_ms",
        "datatable_scroll_ms", "datatable_rss_mb")


def _child(kind: str, db: Path, rows: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "sbtui.bench.grid_child", kind, str(db), str(rows)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_grid_bench(*, rows: int, datatable: bool = True, log: bool = True) -> dict:
    result: dict = dict.fromkeys(KEYS)
    result["rows"] = rows
    with tempfile.TemporaryDirectory(prefix="sbtui-grid-") as tmp:
        db = Path(tmp) / "grid.db"
        t0 = time.perf_counter()
        build_employees(db, rows)
        if log:
            print(f"{rows} rows written in {time.perf_counter() - t0:.1f} s", flush=True)
        ours = _child("sbtui", db, rows)
        for key in ("open_s", "move_ms", "pagedown_ms", "scroll_ms", "edit_ms", "rss_mb", "all_ids_s"):
            result[f"sbtui_{key}"] = ours[key]
        if log:
            print(f"sbtui: {ours}", flush=True)
        if datatable and rows <= DATATABLE_MAX:
            theirs = _child("datatable", db, rows)
            for key in ("open_s", "move_ms", "pagedown_ms", "scroll_ms", "rss_mb"):
                result[f"datatable_{key}"] = theirs[key]
            if log:
                print(f"DataTable: {theirs}", flush=True)
    return result
