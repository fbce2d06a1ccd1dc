"""Focus is seen without colour everywhere (issue 15 item 1): the highlighted row or option of
every list, menu and picker kind the app uses is bold reverse, and every focused Button is
marked ``▶`` (and bold reverse) by the app's one rule — a new list or button cannot opt out.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, ListItem, ListView, Label, OptionList, SelectionList, Tree

import sbtui.tui as tui_package
from sbtui.tui.app import SbtuiApp
from sbtui.tui.focus import MARK
from sbtui.tui.widgets.toggles import TickBox

TUI = Path(tui_package.__file__).parent
# each list kind -> the component class of its highlighted row (ListView: its ListItem's class)
HIGHLIGHT = {
    "OptionList": "option-list--option-highlighted",
    "SelectionList": "option-list--option-highlighted",
    "Select": "option-list--option-highlighted",  # its overlay is an OptionList
    "Tree": "tree--cursor",
    "DirectoryTree": "tree--cursor",
    "ListView": "-highlight",
}
# the table kinds have their own cursor rules (ColumnTable, Grid); the others are not lists
NOT_LISTS = {"DataTable", "Button", "Footer", "Header", "Input", "Label", "Static", "RadioSet",
             "RadioButton", "Checkbox", "Option", "FooterKey", "SelectCurrent", "ToggleButton", "TextArea", "ProgressBar", "LoadingIndicator", "Rule",
             "Markdown", "Log", "RichLog", "Switch", "TabbedContent", "TabPane", "Tabs",
             "ContentSwitcher", "Collapsible", "Placeholder", "Pretty", "Digits", "Sparkline"}


def textual_widgets_used() -> set[str]:
    """Every name the app imports from ``textual.widgets``."""
    names: set[str] = set()
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual.widgets"):
                names.update(alias.name for alias in node.names)
    return names


def test_every_list_kind_the_app_uses_has_a_marked_highlight() -> None:
    unknown = textual_widgets_used() - set(HIGHLIGHT) - NOT_LISTS
    assert not unknown, (f"issue 15 item 1: {sorted(unknown)} — a list kind? add its highlight "
                         "to app.tcss's focus rule and HIGHLIGHT here, else to NOT_LISTS")


def test_no_tcss_takes_the_reverse_off_a_highlight() -> None:
    """A screen's .tcss may style a focused list's highlighted row, but not without reverse (an
    unfocused list may hide its highlight, as 首页's panels do)."""
    bad = []
    for path in TUI.rglob("*.tcss"):
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", path.read_text(encoding="utf-8")):
            if (any(c in selector for c in set(HIGHLIGHT.values())) and ":focus" in selector
                    and "text-style" in body):
                style = re.search(r"text-style:\s*([^;]+);", body)
                if style and "reverse" not in style.group(1):
                    bad.append(f"{path.name}: {selector.strip()}")
    assert not bad, f"issue 15 item 1: a highlight without reverse: {bad}"


class Probe(App):
    """The app's stylesheet and focus rule around one of each list kind and two buttons."""

    CSS_PATH = str(TUI / "app.tcss")
    on_descendant_focus = SbtuiApp.on_descendant_focus
    on_descendant_blur = SbtuiApp.on_descendant_blur

    def compose(self) -> ComposeResult:
        yield OptionList("甲", "乙", id="ol")
        yield SelectionList(("甲", 1), ("乙", 2), id="sl")
        tree: Tree[str] = Tree("根", id="tree")
        tree.root.add_leaf("叶")
        tree.root.expand()
        yield tree
        yield ListView(ListItem(Label("甲")), ListItem(Label("乙")), id="lv")
        yield Button("确定", id="b1")
        yield Button("取消", id="b2")
        yield TickBox("我已确认无误", id="tick")
        b3 = Button("立即提交", id="b3", compact=True)
        b3.styles.min_width = 10  # as 提交申报确认's buttons (declare_dialogs.tcss)
        b3.styles.width = "auto"
        yield b3


@pytest.mark.asyncio
async def test_highlights_and_buttons_are_seen_without_colour() -> None:
    app = Probe()
    async with app.run_test(size=(80, 24)) as pilot:
        for wid, component in (("#ol", "option-list--option-highlighted"),
                               ("#sl", "option-list--option-highlighted"),
                               ("#tree", "tree--cursor")):
            widget = app.query_one(wid)
            widget.focus()
            await pilot.pause()
            for focused in (True, False):
                style = widget.get_component_rich_style(component)
                assert style.reverse and style.bold, f"issue 15 item 1: {wid} focused={focused}"
                app.set_focus(None)
                await pilot.pause()
        lv = app.query_one(ListView)
        lv.focus()
        await pilot.pause()
        item = lv.highlighted_child
        assert item is not None and item.rich_style.reverse and item.rich_style.bold, "issue 15 item 1: ListView"
        b1, b2 = app.query_one("#b1", Button), app.query_one("#b2", Button)
        b1.focus()
        await pilot.pause()
        assert str(b1.label) == f"{MARK}确定" and str(b2.label) == "取消"
        assert b1.rich_style.reverse and b1.rich_style.bold
        b2.focus()
        await pilot.pause()
        assert str(b1.label) == "确定" and str(b2.label) == f"{MARK}取消", "issue 15 item 1: one ▶ at a time"
        tick = app.query_one(TickBox)
        tick.focus()
        await pilot.pause()
        assert str(tick.label) == f"{MARK}我已确认无误" and str(b2.label) == "取消", "a check box too"
        b1.focus()
        await pilot.pause()
        assert str(tick.label) == "我已确认无误"
        b3 = app.query_one("#b3", Button)  # a compact button grows by the mark: the label stays whole
        b3.focus()
        await pilot.pause()
        await pilot.pause()
        assert f"{MARK}立即提交" in b3.render_line(0).text
