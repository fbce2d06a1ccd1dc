"""The grid's data source without a UI: ids only in memory, sort, filter, search and edits in SQL."""
from __future__ import annotations

import sqlite3

import pytest

from sbtui.bench.grid_data import employee_source
from tests.grid_helpers import make_db


@pytest.fixture
def source(tmp_path):
    return employee_source(sqlite3.connect(make_db(tmp_path, 300)))


def test_ids_in_key_order_and_rows_fetched_by_id(source):
    assert len(source) == 300
    assert source.ids == sorted(source.ids)
    rows = source.fetch([source.ids[5], source.ids[2]])
    assert set(rows) == {source.ids[5], source.ids[2]}
    assert len(rows[source.ids[2]]) == 16


def test_filter_and_sort_run_in_sql(source):
    stopped = source.conn.execute("SELECT count(*) FROM employees WHERE status = 'stopped'").fetchone()[0]
    source.set_filter("status = ?", ["stopped"])
    assert len(source) == stopped
    source.set_filter()
    source.set_order("name", descending=True)
    names = [source.fetch([rid])[rid][0] for rid in source.ids[:20]]
    assert names == sorted(names, reverse=True)


def test_find_searches_after_a_position_and_wraps(source):
    name = source.fetch([source.ids[100]])[source.ids[100]][0]
    matches = [i for i, rid in enumerate(source.ids) if name in source.fetch([rid])[rid][0]]
    assert source.find(name, after=-1) == matches[0]
    assert source.find(name, after=matches[-1]) == matches[0]  # wraps round
    assert source.find("不存在的名字", after=0) is None


def test_update_is_committed(source, tmp_path):
    rid = source.ids[7]
    source.update(rid, "name", "欧阳修")
    other = sqlite3.connect(tmp_path / "grid.db")
    assert other.execute("SELECT name FROM employees WHERE id = ?", [rid]).fetchone()[0] == "欧阳修"


def test_computed_columns_are_not_editable(source):
    with pytest.raises(ValueError):
        source.update(source.ids[0], "t110", "✓")


def test_the_source_and_the_editor_state_run_without_textual():
    import subprocess
    import sys

    code = ("import sys, sbtui.widgets.grid_source, sbtui.widgets.grid_editor; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
