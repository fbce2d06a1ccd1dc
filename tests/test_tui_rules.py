"""The shared rules of issue 15 (a newcomer's findings), each tested once on the shared widget
that keeps it — so every screen built on it, the payment screens included, keeps it too."""
from __future__ import annotations

from textual.app import App
from textual.widgets import Button
from tui_pilot import notified, run, screen_text, until

from sbtui.tui.dialogs.confirm import ConfirmDialog


class _Bare(App[None]):
    """An empty app to push one dialog on."""


async def _confirm(dialog: ConfirmDialog, *keys: str) -> tuple[App, list[bool | None], str]:
    app = _Bare()
    answers: list[bool | None] = []
    async with run(app) as pilot:
        app.push_screen(dialog, answers.append)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.focused is not None)
        await pilot.pause()
        shown = screen_text(app)
        await pilot.press(*keys)
        await until(pilot, lambda: answers)
    return app, answers, shown


async def test_a_destructive_confirm_starts_on_cancel_marked_without_colour_and_says_cancelled():
    """issue 15 item 5: `v` then Enter on a danger confirm cancels — the focused 取消 is marked
    ▶ (not colour only, and bold reverse), and the cancel is said."""
    app, answers, shown = await _confirm(ConfirmDialog("是否作废本条记录", title="作废", danger=True), "enter")
    assert answers == [False]
    assert "▶取消" in shown and "▶确定" not in shown
    assert notified(app, "已取消：作废")


async def test_the_focus_mark_follows_the_focus_and_yes_says_nothing():
    """issue 15 item 5: moving right/left moves the ▶ mark; 确定 is not announced as cancelled."""
    app = _Bare()
    answers: list[bool | None] = []
    async with run(app) as pilot:
        app.push_screen(ConfirmDialog("提交吗？", title="提交申报"), answers.append)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.focused is not None)
        await pilot.pause()
        assert "▶确定" in screen_text(app)
        focused = app.screen.focused
        assert isinstance(focused, Button) and "reverse" in str(focused.rich_style)
        await pilot.press("right")
        await until(pilot, lambda: "▶取消" in screen_text(app))
        await pilot.press("left", "enter")
        await until(pilot, lambda: answers)
    assert answers == [True]
    assert not notified(app, "已取消")


async def test_an_offer_declined_with_no_word_says_nothing():
    """An offer (是否立即缴费？) passes cancelled="": declining it is not a cancelled action."""
    app, answers, _ = await _confirm(ConfirmDialog("是否立即缴费？", title="反馈提示", cancelled=""), "n")
    assert answers == [False]
    assert not notified(app, "已取消")


async def test_every_field_shows_its_edges_in_a_dialog():
    """issue 15 item 4: the 安全认证 password field (a compact one-row input in a dialog) shows
    ▏ … ▕ edges, not only a background colour — the rule lives in TextInput itself."""
    from sbtui.tui.screens.pay_dialogs import PasswordDialog
    from sbtui.tui.widgets.text_input import TextInput

    app = _Bare()
    async with run(app) as pilot:
        app.push_screen(PasswordDialog())
        await until(pilot, lambda: isinstance(app.screen, PasswordDialog) and app.screen.focused is not None)
        await pilot.pause()
        field = app.screen.query_one(TextInput)
        assert field.styles.border_left[0] == "vkey" and field.styles.border_right[0] == "vkey"
        row = next(line for line in screen_text(app).splitlines() if "▏" in line)
        assert row.rstrip().count("▕") >= 1


def test_no_stylesheet_hides_an_inputs_edges():
    """issue 15 item 4: a screen's .tcss sets an input's width and colours, never its border
    (a `border: none` there would beat TextInput's rule and leave a bare label)."""
    import re
    from pathlib import Path

    import sbtui.tui as tui

    offenders = []
    for path in Path(tui.__file__).parent.rglob("*.tcss"):
        for block in re.finditer(r"([^{}]*)\{([^}]*)\}", path.read_text(encoding="utf-8")):
            selector, body = block.groups()
            if "Input" in selector and re.search(r"\bborder(-left|-right)?\s*:", body):
                offenders.append(f"{path.name}: {selector.strip()}")
    assert offenders == []
