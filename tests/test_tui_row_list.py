"""The list screens' base (sbtui/tui/screens/row_list.py; SPEC Q1, issue 13): query fields
parsed into fetch()'s keywords, a bad one warned of and the list left as it was, the cursor kept
on the same item across a re-read, a further row of an item (a late fee) pointing at its item,
the count and the empty note; the screens built on it have nothing abstract left."""
from __future__ import annotations

import inspect
import os
from types import SimpleNamespace

import pytest
from tui_fakes import ScreenApp
from tui_pilot import notified, run, settle, type_text, until

from sbtui.tui.keys import keyed
from sbtui.tui.screens.agreements import AgreementsScreen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay import PayScreen
from sbtui.tui.screens.pay_records import PaymentRecordsScreen
from sbtui.tui.screens.pay_vouchers import VouchersScreen
from sbtui.tui.screens.row_list import Row, RowListScreen, month_fields, parse_month
from sbtui.tui.strings import lists as L


class Things(RowListScreen):
    """Items ``{key, name, extra}`` in a list the test changes; a period range above it."""

    SCREEN_ID = "things"
    PREFIX = "things"
    HEADING = "测试清单"
    COLUMNS = ("编号", "名称")
    FIELDS = month_fields()
    BINDINGS = [*BaseScreen.BINDINGS, keyed("things", "filter", "f", "filter", L.KEY_FILTER)]

    def __init__(self, data: list[dict]) -> None:
        super().__init__()
        self.data = data
        self.asked: list[dict] = []

    async def fetch(self, **query):
        self.asked.append(query)
        return list(self.data)

    def cells(self, item):
        return (item["key"], item["name"])

    def key_of(self, item):
        return item["key"]

    def note(self, item):
        return f"说明 {item['name']}"

    def table_rows(self):
        for item in self.items:
            yield Row(item), self.cells(item)
            if item.get("extra"):
                yield Row(item, extra=True), ("", "└ 附加")


def app_for(screen: Things) -> ScreenApp:
    return ScreenApp(lambda: screen, SimpleNamespace())


def test_the_base_needs_fetch_and_cells():
    assert RowListScreen.__abstractmethods__ == frozenset({"fetch", "cells"})
    for screen in (PayScreen, AgreementsScreen, PaymentRecordsScreen, VouchersScreen, Things):
        assert not inspect.isabstract(screen)


@pytest.mark.parametrize(("text", "month"), [("2026-03", "2026-03"), ("202603", "2026-03"), ("", None)])
def test_a_month_field_parses_how_people_type_a_period(text, month):
    assert parse_month(text) == month


async def test_fields_go_to_fetch_and_a_bad_one_keeps_the_list():
    data = [{"key": "A", "name": "甲"}, {"key": "B", "name": "乙", "extra": True}, {"key": "C", "name": "丙"}]
    screen = Things(data)
    app = app_for(screen)
    async with run(app) as pilot:
        await until(pilot, lambda: screen.loaded)
        assert screen.asked[-1] == {"period_from": None, "period_to": None}
        assert [(r.item["key"], r.extra) for r in screen.rows] == [("A", False), ("B", False), ("B", True),
                                                                    ("C", False)]
        assert screen.query_one("#things-body").border_subtitle == L.COUNT.format(n=3)
        await pilot.press("f")
        await type_text(pilot, "2026-01")
        await pilot.press("tab")
        await type_text(pilot, "202603")
        await pilot.press("enter")
        await until(pilot, lambda: screen.asked[-1] == {"period_from": "2026-01", "period_to": "2026-03"})
        screen.query_one("#things-period-to").value = "2026-13"
        before = len(screen.asked)
        await screen.run_action("filter")
        await pilot.press("tab", "enter")
        await settle(pilot)
        await until(pilot, lambda: notified(app, L.BAD_MONTH))
        assert len(screen.asked) == before  # nothing read: the list stays as it was
        assert len(screen.rows) == 4


async def test_the_cursor_stays_on_its_item_and_an_extra_row_is_its_item():
    data = [{"key": "A", "name": "甲"}, {"key": "B", "name": "乙", "extra": True}, {"key": "C", "name": "丙"}]
    screen = Things(data)
    app = app_for(screen)
    async with run(app) as pilot:
        await until(pilot, lambda: screen.loaded)
        await pilot.press("down", "down")  # the extra row under 乙
        assert screen.current()["key"] == "B"
        assert "说明 乙" in str(screen.query_one("#things-note").render())
        data.insert(0, {"key": "Z", "name": "新"})
        await screen.reload()
        assert screen.current()["key"] == "B"  # on 乙's own row, one further down
        data.clear()
        await screen.reload()
        assert screen.current() is None and screen.chosen() is None
        assert str(screen.query_one("#things-note").render()) == L.EMPTY
        await until(pilot, lambda: notified(app, L.NONE_SELECTED))


def test_every_list_screen_exports_to_xlsx():
    """SPEC Q1 “Every list exports to xlsx”: each concrete list screen binds x to its export."""
    from sbtui.tui.app import import_screens

    import_screens()

    def concrete(cls):
        for sub in cls.__subclasses__():
            if not inspect.isabstract(sub) and sub.__module__.startswith("sbtui."):
                yield sub
            yield from concrete(sub)

    screens = set(concrete(RowListScreen))
    assert len(screens) >= 10
    for screen in screens:
        bound = {(b.key, b.action) for b in screen.BINDINGS if hasattr(b, "action")}
        assert ("x", "export") in bound, screen.__name__


async def test_x_exports_the_list_as_shown_with_its_further_rows(tmp_path):
    from openpyxl import load_workbook
    from textual.widgets import Input

    from sbtui.config import Config
    from sbtui.tui.dialogs.prompt import PromptDialog

    data = [{"key": "A", "name": "甲\x07"}, {"key": "B", "name": "乙", "extra": True}]
    screen = Things(data)
    screen.BINDINGS = [*Things.BINDINGS, keyed("things", "export", "x", "export", L.KEY_EXPORT)]
    app = ScreenApp(lambda: screen, SimpleNamespace(config=Config(home=tmp_path / "home")))
    path = tmp_path / "清单.xlsx"
    async with run(app) as pilot:
        await until(pilot, lambda: screen.loaded)
        await screen.run_action("export")
        await until(pilot, lambda: isinstance(app.screen, PromptDialog) and app.screen.focused is not None)
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, L.EXPORTED.format(path=path)))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows == [("测试清单", None), ("编号", "名称"), ("A", "甲\\u0007"), ("B", "乙"), (None, "└ 附加")]
    assert os.stat(path).st_mode & 0o777 == 0o600
