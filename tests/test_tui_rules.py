"""The shared rules of issue 15 (a newcomer's findings), each tested once on the shared widget
that keeps it — so every screen built on it, the payment screens included, keeps it too."""
from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Button
from tui_pilot import notified, run, screen_text, until

from sbtui.tui.app import SbtuiApp
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.widgets.text_input import TextInput


class _Bare(App[None]):
    """An empty app to push one dialog on, with the app's focus-mark rule (sbtui.tui.focus)."""

    on_descendant_focus = SbtuiApp.on_descendant_focus
    on_descendant_blur = SbtuiApp.on_descendant_blur


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


def test_a_cut_text_shows_it_is_cut():
    """issue 15 item 3: the grid's cells (职工缴费工资查询, the wage grid) mark a cut with …"""
    from sbtui.widgets.grid_paint import _fit, cut_to

    assert cut_to("8056.75", 3) == "80…"
    assert cut_to("8056.75", 7) == "8056.75"
    assert cut_to("805   ", 3) == "805"  # only blanks left out: not cut
    assert _fit("8056.75", 5, "right") == "8056…"
    assert _fit("1", 5, "right") == "    1"


async def test_a_table_column_cut_at_the_right_edge_ends_in_an_ellipsis():
    """issue 15 item 3: a ColumnTable (缴费, 缴费凭证打印记录, 申报记录 …) whose last shown column
    is cut by the screen's edge shows … on the header and on each row whose text goes on."""
    from textual.app import ComposeResult

    from sbtui.tui.widgets.column_table import ColumnTable

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            table = ColumnTable(cursor_type="row")
            table.add_columns("序号", "所属期", "应缴费款（元）")
            table.add_row("1", "2026-11", "1,654,930.84")
            table.add_row("2", "2026-11", "")
            for n in range(3, 20):  # more rows than show: a scrollbar takes the last cell
                table.add_row(str(n), "2026-11", "8,888.88")
            yield table

    app = TableApp()
    async with run(app, size=(24, 6)) as pilot:
        await pilot.pause()
        table = app.query_one(ColumnTable)
        shows = table.scrollable_content_region.width
        head, first, second = (table.render_line(y).crop(0, shows).text for y in range(3))
    assert head.rstrip().endswith("…") and "应缴费款（元）" not in head
    assert first.rstrip().endswith("…") and "1,654,930.84" not in first
    assert "…" not in second  # an empty cell is not cut


def test_break_lines_keeps_numbers_whole_and_closing_punctuation_off_a_line_start():
    """issue 15 item 7: the rule itself, at every width from 16 to 60."""
    from sbtui.tui.wrap import CLOSING, break_lines

    texts = ["单位编号15069120180327存在1条未申报的征集信息（合计1,654,930.84元），可以进行申报",
             "当前存在申报成功且未缴费或部分缴费的记录，是否立即缴费？",
             "申报成功，请到【缴费】界面查看应缴费款，或到【申报记录】界面查看。"]
    for text in texts:
        for width in range(16, 61):  # 16: the widest unbreakable piece, 1,654,930.84元），
            lines = break_lines(text, width)
            assert "".join(lines) == text
            assert all(line and line[0] not in CLOSING for line in lines[1:]), (width, lines)
            for number in ("1,654,930.84", "15069120180327"):
                if number in text and width >= len(number):
                    assert any(number in line for line in lines), (width, lines)


async def test_a_confirm_breaks_its_lines_by_the_rule():
    """issue 15 item 7: the D7 offer at 80×24 — no line of the dialog starts with ？ or 】."""
    from sbtui.tui.strings import declare as D
    from sbtui.tui.wrap import CLOSING

    text = D.PAY_OFFER + "请到【缴费】界面查看。"
    app, _, shown = await _confirm(ConfirmDialog(text, title="反馈提示", cancelled=""), "n")
    inside = [line.split("█")[1].strip() if line.count("█") >= 2 else "" for line in shown.splitlines()]
    assert "".join(inside).replace(" ", "").find(text[:10]) >= 0
    assert not [line for line in inside if line and line[0] in CLOSING]


async def test_a_home_todo_line_never_splits_an_amount():
    """issue 15 item 7: the home to-do (an OptionList of Prose prompts) keeps 合计1,654,930.84元
    on one line at any width — here a 40-column list."""
    from textual.app import ComposeResult
    from textual.widgets import OptionList
    from textual.widgets.option_list import Option

    from sbtui.tui.wrap import Prose

    text = "单位编号15069120180327存在1条未申报的征集信息（合计1,654,930.84元），可以进行申报"

    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList(Option(Prose(text)))

    app = ListApp()
    async with run(app, size=(40, 8)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
    assert "1,654,930.84" in shown
    assert "可以进行申报" in shown.replace("\n", "").replace("▎▊", "").replace(" ", "")


async def test_a_wide_table_has_no_stray_block_under_a_short_list_and_still_scrolls_by_column():
    """issue 15 item 9: a ColumnTable wider than the screen (特殊缴费申报, 缴费凭证打印记录) with
    few rows shows nothing under them — no scrollbar thumb — and → still goes column by column."""
    from textual.app import ComposeResult

    from sbtui.tui.widgets.column_table import ColumnTable

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            table = ColumnTable(cursor_type="row")
            table.fixed_columns = 1
            table.add_columns("序号", "单位编号", "费款所属期", "征收品目", "征集通知单号")
            table.add_row("1", "66259112241843", "2024-01至2024-12", "职工基本养老保险(单位缴纳)", "2241843200001")
            yield table

    app = TableApp()
    async with run(app, size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(ColumnTable)
        assert table.max_scroll_x > 0
        below = screen_text(app).splitlines()[2:]
        assert all(not line.strip() for line in below), below
        await pilot.press("right")
        await until(pilot, lambda: table.scroll_x > 0)
        assert round(table.scroll_x) in table.column_edges()


def _our_widget_classes():
    from textual.widget import Widget

    import importlib
    import pkgutil

    import sbtui.tui
    import sbtui.widgets
    from sbtui.tui.app import import_screens

    import_screens()
    for package in (sbtui.tui, sbtui.widgets):  # every module, whatever else this worker imported
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    found, todo = [], list(Widget.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("sbtui.") and cls not in found:
            found.append(cls)
    return found


def test_every_binding_of_every_screen_and_widget_is_keyed_so_f1_lists_it():
    """issue 15 item 2: F1 (dialogs/help.py screen_keys) lists every active binding that has an
    id and a description — so every binding of our screens, dialogs and widgets has both (made
    with keys.keyed), and none can be left out of F1."""
    from textual.binding import Binding

    missing = []
    for cls in _our_widget_classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.id or not binding.description:
                missing.append(f"{cls.__module__}.{cls.__name__}: {binding}")
    assert missing == []


async def test_f1_lists_a_screens_hidden_keys_too():
    """issue 15 item 2: the keys not in the footer (show=False) are in F1, from the bindings."""
    from sbtui.tui.dialogs.help import screen_keys

    app = _Bare()
    async with run(app) as pilot:
        app.push_screen(ConfirmDialog("提交吗？", title="提交申报"))
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.focused is not None)
        described = {d for _, d in screen_keys(app.screen)}
        for binding in ConfirmDialog.BINDINGS:
            assert binding.description in described


async def test_a_screen_showing_shared_data_rereads_it_when_another_changed_it():
    """issue 15 item 1: declaring in 日常申报 (or a sync, or a payment) says data_changed; 首页
    beneath does not re-read while hidden, re-reads when shown again, and at once when shown."""
    from textual.screen import Screen
    from tui_fakes import FakeWorkspace, ScreenApp
    from tui_pilot import posted, settle

    from sbtui.tui.screens.home import HomeScreen

    app = ScreenApp(HomeScreen, FakeWorkspace())
    async with run(app) as pilot:
        await until(pilot, lambda: posted(app, HomeScreen.Loaded))
        await settle(pilot)
        loads = len(posted(app, HomeScreen.Loaded))
        await app.push_screen(Screen())  # 日常申报 over 首页
        app.data_changed()  # its submit
        await settle(pilot)
        assert len(posted(app, HomeScreen.Loaded)) == loads
        app.pop_screen()
        await until(pilot, lambda: len(posted(app, HomeScreen.Loaded)) > loads)
        await settle(pilot)
        loads = len(posted(app, HomeScreen.Loaded))
        app.data_changed()  # a sync while 首页 is shown
        await until(pilot, lambda: len(posted(app, HomeScreen.Loaded)) > loads)


def test_every_outbox_kind_has_a_chinese_label():
    """issue 15 item 8: the 待发送队列 never shows an internal kind (wages.submit): every kind
    the store queues has a label."""
    import re
    from pathlib import Path

    import sbtui
    from sbtui.tui.strings.shell import OUTBOX_KINDS

    root = Path(sbtui.__file__).parent
    kinds = set()
    for folder in ("store", "services", "sync"):
        for path in (root / folder).rglob("*.py"):
            kinds |= set(re.findall(r'"((?:group|wages|declaration|project|payment|voucher|agreement)\.[a-z_]+)"',
                                    path.read_text(encoding="utf-8")))
    assert kinds and kinds <= set(OUTBOX_KINDS), sorted(kinds - set(OUTBOX_KINDS))


def test_an_id_type_reads_as_its_name():
    """issue 15 item 8: 证件类型 201 is shown as 居民身份证 (the employee list's column)."""
    from sbtui.domain.vocab import id_type_label
    from sbtui.tui.screens.employees_columns import employee_columns

    assert id_type_label("201") == "居民身份证" and id_type_label(None) == ""
    [column] = [c for c in employee_columns([], {}) if c.key == "id_type"]
    assert column.format is not None and column.format("201") == "居民身份证"


async def test_a_key_typed_before_the_offer_is_not_taken_by_the_list(tmp_path, monkeypatch):
    """issue 15 item 6: 申报记录 opens with an unpaid successful declaration: the 是否立即缴费？
    offer comes before the list takes keys — `v` typed at once does not start a void behind
    it; the offer is answered, then the list has the focus."""
    import threading

    from textual.widgets import DataTable
    from tui_fakes import ScreenApp
    from tui_pilot import settle
    from tui_sandbox import sandbox_workspace

    from sbtui.tui.screens.declare_records import RecordsScreen
    from sbtui.tui.strings import declare as D

    ws, facts = await sandbox_workspace(tmp_path / "home")
    try:
        emp = ws.employer(facts["uscc"])
        lines = emp.declarations.open_lines("daily")
        tick = next(ln["tick"] for ln in lines if ln["source"] == "tax")
        emp.declarations.queue("daily", [ln for ln in lines if ln["tick"] == tick])
        await emp.declarations.declaration_feedback(wait=True)
        assert emp.declarations.unpaid()

        from sbtui.services.declarations import DeclarationsService

        asked = threading.Event()
        unpaid = DeclarationsService.unpaid

        def slow_unpaid(self):  # the offer is decided only once the test lets it
            asked.wait(10)
            return unpaid(self)

        monkeypatch.setattr(DeclarationsService, "unpaid", slow_unpaid)
        app = ScreenApp(RecordsScreen, ws, uscc=facts["uscc"], name=facts["name"])
        async with run(app) as pilot:
            await until(pilot, lambda: app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count)
            await pilot.press("v")  # meant for the list, typed before the offer shows
            assert not isinstance(app.screen, ConfirmDialog)  # no void confirm behind the offer
            asked.set()
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.focused is not None)
            assert app.screen.message == D.PAY_OFFER
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, RecordsScreen)
                        and isinstance(app.screen.focused, DataTable))
            await settle(pilot)
            assert isinstance(app.screen, RecordsScreen)  # no void confirm came up
    finally:
        await ws.aclose()


async def test_a_save_is_offered_in_the_exports_folder_then_in_the_folder_last_used(tmp_path):
    """issue 15 item 10: the first save is offered in documents/sbtui (platformdirs), not the
    directory sbtui started in; a folder chosen is remembered (in the config) for the next."""
    from types import SimpleNamespace

    from sbtui.config import Config, exports_dir
    from sbtui.tui.dialogs.prompt import PromptDialog
    from sbtui.tui.screens.pay_common import ask_path

    chosen = tmp_path / "elsewhere"
    chosen.mkdir()

    class SaveApp(App[None]):
        ws = SimpleNamespace(config=Config(home=tmp_path / "home"))

    app = SaveApp()
    async with run(app) as pilot:
        offered: list[str] = []

        async def save_once(answer: Path | None) -> None:
            worker = app.run_worker(ask_path(app, title="保存", prompt="保存到", name="凭证.pdf"))
            await until(pilot, lambda: isinstance(app.screen, PromptDialog) and app.screen.focused is not None)
            field = app.screen.query_one(TextInput)
            offered.append(field.value)
            if answer is not None:
                field.value = str(answer)
            await pilot.press("enter")
            await worker.wait()

        await save_once(chosen / "凭证.pdf")
        await save_once(None)
    assert offered[0] == str(exports_dir() / "凭证.pdf") and exports_dir().is_dir()
    assert offered[1] == str(chosen / "凭证.pdf")
    assert Config.load(tmp_path / "home").export_dir == str(chosen)


async def test_a_cut_footer_never_runs_under_the_palette_key():
    """issue 15 item 7: at 80 columns a screen with many keys never shows ``^p   令面板``: the
    palette key is the footer's last, cut off whole with the keys that do not fit (F1 lists them)."""
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer
    from tui_fakes import FakeWorkspace, ScreenApp

    from sbtui.tui.screens.base import BaseScreen

    for shift in range(4):  # the cut falls on each cell of a wide character in turn
        keys = [("space", "勾选" + "x" * shift), ("p", "提交申报"), ("o", "抵缴金额"), ("m", "备注"),
                ("f5", "刷新"), ("f1", "帮助"), ("f2", "功能菜单"), ("x", "导出")]

        class ManyKeys(BaseScreen):
            BINDINGS = [Binding(k, f"app.bell_{i}", d, id=f"t.{i}") for i, (k, d) in enumerate(keys)]

            def compose(self) -> ComposeResult:
                yield Footer()

        class KeysApp(ScreenApp):
            BINDINGS = [Binding("ctrl+p", "command_palette", "命令面板", show=False)]

            def __getattr__(self, name: str):
                if name.startswith("action_bell_"):
                    return lambda: None
                raise AttributeError(name)

        app = KeysApp(ManyKeys, FakeWorkspace())
        async with run(app) as pilot:
            await until(pilot, lambda: "提交申报" in screen_text(app))
            await pilot.pause()
            last = screen_text(app).splitlines()[-1]
        assert "^p" not in last or "^p 命令面板" in last, last  # whole, or cut off whole


def test_every_table_is_a_column_table():
    """issue 15 items 3 and 9: every table the TUI builds is a ColumnTable (… on a cut column,
    no horizontal scrollbar thumb), so a new screen cannot miss the rule."""
    import re
    from pathlib import Path

    import sbtui.tui as tui

    plain = [f"{p.relative_to(Path(tui.__file__).parent)}" for p in Path(tui.__file__).parent.rglob("*.py")
             if re.search(r"(?<![A-Za-z])DataTable\(id=", p.read_text(encoding="utf-8"))]
    assert plain == []


async def test_a_cut_footer_shows_the_most_used_keys_first_and_no_key_in_part():
    """issue 15 item 2: the screen's own keys come first in the order it declares them, then
    esc 返回, F2 功能菜单, F1 帮助, ^p 命令面板; at 80 columns the keys that do not fit are left
    off whole (no ``▏^p 命`` cut) — F1 lists them; at 200 columns every key shows."""
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey
    from tui_fakes import FakeWorkspace, ScreenApp

    from sbtui.tui.screens.base import BaseScreen

    declared = [("escape", "返回"), ("f1", "帮助"), ("f2", "功能菜单"), ("space", "勾选"), ("p", "提交申报"),
                ("o", "抵缴金额"), ("m", "备注"), ("f5", "刷新"), ("x", "导出"), ("i", "导入数据")]
    expected = ["勾选", "提交申报", "抵缴金额", "备注", "刷新", "导出", "导入数据", "返回",
                "功能菜单", "帮助", "命令面板"]

    class ManyKeys(BaseScreen):
        BINDINGS = [Binding(k, f"app.bell_{i}", d, id=f"t.{i}") for i, (k, d) in enumerate(declared)]

        def compose(self) -> ComposeResult:
            yield Footer()

    class KeysApp(ScreenApp):
        BINDINGS = [Binding("ctrl+p", "command_palette", "命令面板", show=False)]

        def __getattr__(self, name: str):
            if name.startswith("action_bell_"):
                return lambda: None
            raise AttributeError(name)

    for size in ((80, 24), (200, 50)):
        app = KeysApp(ManyKeys, FakeWorkspace())
        async with run(app, size=size) as pilot:
            await until(pilot, lambda: "提交申报" in screen_text(app))
            await pilot.pause()
            keys = list(app.screen.query(FooterKey))
            assert [k.description for k in keys] == expected
            shown = [k.description for k in keys if k.display]
            last = screen_text(app).splitlines()[-1]
        assert shown == expected[:len(shown)], shown  # the ones left off are the last
        assert all(d in last for d in shown) and "命" not in last.replace("命令面板", ""), last
        assert ("^p 命令面板" in last) == ("命令面板" in shown), last
        if size == (80, 24):
            assert shown[:4] == ["勾选", "提交申报", "抵缴金额", "备注"] and "帮助" not in shown, last
        else:
            assert shown == expected, last


async def test_a_dropdown_keeps_its_label_after_a_pick():
    """issue 15 item 9: a query bar's 单位编号 dropdown reads 单位编号：全部, and after a pick
    单位编号：66259112241843 — not the bare number; no plain Select is given a label：prompt."""
    import re
    from pathlib import Path

    from textual.app import ComposeResult
    from textual.widgets._select import SelectCurrent

    from sbtui.tui.widgets.filter_select import FilterSelect

    class Pick(App[None]):
        def compose(self) -> ComposeResult:
            yield FilterSelect([("66259112241843", "66259112241843")], label="单位编号",
                               everything="全部", compact=True)

    app = Pick()
    async with run(app) as pilot:
        select = app.query_one(FilterSelect)
        current = select.query_one(SelectCurrent)
        await pilot.pause()
        assert "单位编号：全部" in screen_text(app)
        select.focus()
        await pilot.press("enter", "down", "enter")
        await until(pilot, lambda: select.value == "66259112241843")
        await pilot.pause()
        assert "单位编号：66259112241843" in screen_text(app), str(current.render())
    tui = Path(__file__).parent.parent / "sbtui" / "tui"
    plain = [f"{p.name}" for p in tui.rglob("*.py")
             if re.search(r"\bSelect\([^)]*prompt=f\"\{[^}]+\}：", p.read_text(encoding="utf-8"))]
    assert not plain, f"a labelled dropdown that is not a FilterSelect: {plain}"


async def test_the_table_row_cursor_is_seen_without_colour():
    """issue 15 (the focus rule, item 9's unit choice): a ColumnTable's current row shows ``▶``
    in its first cell — text only, no colour needed — and bold; the mark follows ↓, never
    covers text, and a table without a cursor shows none."""
    from textual.app import ComposeResult

    from sbtui.tui.focus import MARK
    from sbtui.tui.widgets.column_table import ColumnTable

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            table = ColumnTable(cursor_type="row", id="t")
            table.add_columns("单位编号", "类型")
            for unit, kind in (("15069120180327", "医保"), ("66259112241843", "企业险")):
                table.add_row(unit, kind)
            yield table
            quiet = ColumnTable(cursor_type="row", show_cursor=False, id="q")
            quiet.add_columns("a")
            quiet.add_row("x")
            yield quiet

    app = TableApp()
    async with run(app, size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one("#t", ColumnTable)
        table.focus()
        await pilot.pause()
        lines = lambda: [table.render_line(y).text for y in range(3)]  # noqa: E731
        head, one, two = lines()
        assert one.startswith(MARK + "15069120180327") and not two.startswith(MARK) and MARK not in head
        assert table.get_component_rich_style("datatable--cursor").bold
        await pilot.press("down")
        head, one, two = lines()
        assert two.startswith(MARK + "66259112241843") and MARK not in one
        quiet = app.query_one("#q", ColumnTable)
        assert MARK not in quiet.render_line(1).text
        shown = screen_text(app)
    assert f"{MARK}66259112241843" in shown


async def test_f1_help_prose_breaks_its_lines_by_the_rule():
    """issue 15 item 7 in F1: the help text of every screen (its registry spec, else its HELP)
    and the global keys line, drawn in the help dialog at 80×24 — no line starts with closing
    punctuation (``）``, ``。``, ``，`` …) and no line ends with an opening one."""
    from sbtui.tui.dialogs.help import HelpDialog
    from sbtui.tui.registry import REGISTRY
    from sbtui.tui.wrap import CLOSING, OPENING

    classes = _our_widget_classes()  # imports every screen: the registry is full
    texts = {spec.help for spec in REGISTRY.screens.values() if spec.help}
    texts |= {cls.__dict__["HELP"] for cls in classes
              if isinstance(cls.__dict__.get("HELP"), str) and cls.__dict__["HELP"]}
    assert len(texts) > 20
    app = _Bare()
    bad = []
    async with run(app, size=(80, 24)) as pilot:
        for text in sorted(texts):
            dialog = HelpDialog("帮助", text, [("f1", "帮助")])
            await app.push_screen(dialog)
            await until(pilot, lambda: app.screen is dialog and dialog.query("#help-text")
                        and dialog.query_one("#help-text").size.width > 0)
            for wid in ("#help-text", "#help-global"):
                widget = dialog.query_one(wid)
                lines = [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]
                lines = [line.lstrip() for line in lines if line.strip()]
                bad += [(wid, text[:20], line) for line in lines[1:] if line[0] in CLOSING]
                bad += [(wid, text[:20], line) for line in lines if line[-1] in OPENING]
            app.pop_screen()
            await pilot.pause()
    assert bad == []
