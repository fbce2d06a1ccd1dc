"""issue 14 finding 4, the TUI side: a name or remark in the local store holding control or
bidi characters (ESC/OSC, BEL, U+202E — from a store written before the service refused them,
or a service that lets them through) reaches the terminal escaped (``\\u001b`` …) by the one
text rule (sbtui.domain.text), in the group tree, table cells, dialogs and toasts; and text
that looks like Rich markup (``[/b]``) is shown as it is, not parsed (an unmatched closing tag
raised MarkupError)."""
from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static, Tree

from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.groups import GroupsScreen
from sbtui.tui.widgets.column_table import ColumnTable
from tui_fakes import ScreenApp
from tui_pilot import notes, run, until
from tui_sandbox import sandbox_workspace

HOSTILE = "财务\x1b]0;pwned\x07部\u202e[/b]"
RAW = ("\x1b", "\x07", "\u202e")


def clean(text: str) -> bool:
    return not any(c in text for c in RAW)


@pytest.fixture
async def sandbox(tmp_path):
    ws, facts = await sandbox_workspace(tmp_path / "home")
    yield ws, facts
    await ws.aclose()


async def test_a_hostile_group_name_is_escaped_in_the_tree_the_dialog_and_the_toast(sandbox):
    ws, facts = sandbox
    store = ws.store(facts["uscc"])
    gid, _ = store.groups.create("演示组")
    store.db.execute("UPDATE groups SET name = ? WHERE id = ?", [HOSTILE, gid])  # as an old store holds it
    store.db.conn.commit()
    app = ScreenApp(GroupsScreen, ws, uscc=facts["uscc"], name=facts["name"])
    async with run(app) as pilot:
        await until(pilot, lambda: isinstance(app.screen, GroupsScreen) and app.screen.groups)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        tree = app.screen.query_one(Tree)
        [node] = [n for n in tree.root.children if n.data == gid]
        label = node.label.plain
        assert "\\u001b]0;pwned\\u0007部\\u202e[/b]" in label and clean(label), label
        lines = "".join(tree.render_line(y).text for y in range(tree.size.height))
        assert "\\u001b" in lines and clean(lines)
        tree.move_cursor(node)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.pause()
        shown = str(app.screen.query_one("#confirm-message", Static).content)  # the Prose
        assert "\\u001b]0;pwned" in shown and clean(shown), shown
        await pilot.press("escape")
        app.notify(f"分组“{HOSTILE}”已保存")
        await pilot.pause()
        assert any("\\u202e[/b]" in n for n in notes(app)) and all(clean(n) for n in notes(app))


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield ColumnTable(id="t")


async def test_a_table_cell_and_label_are_escaped_and_never_markup():
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(ColumnTable)
        col = table.add_column("备注\x1b[2J")
        table.add_column("姓名")
        row = table.add_row(HOSTILE, "[bold]张三")
        table.update_cell(row, col, "\x07铃\u2066")
        await pilot.pause()
        cells = [c.plain for c in table.get_row_at(0)]
        assert cells == ["\\u0007铃\\u2066", "[bold]张三"], cells
        lines = "".join(table.render_line(y).text for y in range(3))
        assert "\\u001b[2J" in lines and "[bold]张三" in lines and clean(lines), lines
