"""「添加」 of the 职工工资编辑区 (SPEC W2, W3; manual 000 §5.1.2–5.1.6): 单个录入, 按单位编号 /
按分组 with a wage rule (按比率 x % or 按固定金额) and 生效年月起/止 for every row, 全部正常缴费职工,
the employees with an empty wage, 外部文件导入 and 导入模板下载.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid as Layout
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from sbtui.domain.catalogue import catalogue
from sbtui.domain.wages import bound_types, parse_month, parse_ratio, parse_wage
from sbtui.services import wages as svc
from sbtui.services.wages import WagesService
from sbtui.tui.dialogs.progress import Cancelled, Progressing
from sbtui.tui.keys import keyed
from sbtui.tui.screens.group_pick import GroupPick
from sbtui.tui.strings import common as C
from sbtui.tui.strings import wages as S
from sbtui.tui.widgets.text_input import TextInput


class AddMixin:
    """For :class:`sbtui.tui.screens.wages.WagesScreen`."""

    @work(exclusive=True, group="wages-add")
    async def action_add(self) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        choices = [{"id": key, "name": label, "level": 1, "pending": False} for key, label in S.ADD_CHOICES]
        choice = await app.push_screen_wait(GroupPick(choices, title=S.ADD_TITLE, question=S.ADD_HINT, none=False))
        if not choice:
            return
        wages = self.employer.wages  # type: ignore[attr-defined]
        month = svc.this_month()
        if choice == "import":
            self.action_import_file()  # type: ignore[attr-defined]
            return
        if choice == "template":
            self.action_template()  # type: ignore[attr-defined]
            return
        if choice == "single":
            await app.push_screen_wait(SingleDialog(wages, self.type_codes))  # type: ignore[attr-defined]
            self.load()  # type: ignore[attr-defined]
            return
        if choice in ("unit", "group"):
            options = await app.run_in_thread(wages.add_targets, choice)
            rule = await app.push_screen_wait(RuleDialog(choice, options, month))
            if rule is None:
                return
            if choice == "unit":
                job = lambda p: wages.add_by_unit(rule["target"], rule["rule"], rule["from"], rule["to"], progress=p)  # noqa: E731
            else:
                job = lambda p: wages.add_by_group(rule["target"], rule["rule"], rule["from"], rule["to"], progress=p)  # noqa: E731
        elif choice == "all":
            job = lambda p: wages.add_all_normal(month, progress=p)  # noqa: E731
        else:  # "empty"
            job = lambda p: wages.add_empty(month, progress=p)  # noqa: E731
        # a bar (Esc cancels: the add is one transaction, rolled back) while the worker adds
        progress = Progressing(S.ADDING, title=S.ADD_TITLE)
        await app.push_screen(progress)
        try:
            n = await app.run_in_thread(job, progress.report)
        except Cancelled:
            app.notify(C.CANCELLED, severity="warning")
            return
        finally:
            progress.dismiss()
        self.notify(S.ADDED.format(n=n))  # type: ignore[attr-defined]
        self.load()  # type: ignore[attr-defined]


class RuleDialog(ModalScreen[dict | None]):
    """按单位编号 / 按分组添加缴费职工: the target, 按比率 or 按固定金额, 生效年月起 (required) and 止."""

    CSS_PATH = "wages_add.tcss"
    BINDINGS = [
        keyed("wages.rule", "ok", "ctrl+s", "ok", C.OK, priority=True),
        keyed("wages.rule", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, kind: str, options: list[tuple[str, str]], month: str) -> None:
        super().__init__()
        self.kind = kind
        self.options = options
        self.month = month

    def compose(self) -> ComposeResult:
        with Vertical(id="rule-box") as box:
            box.border_title = S.RULE_TITLE_UNIT if self.kind == "unit" else S.RULE_TITLE_GROUP
            box.border_subtitle = S.RULE_HINT
            with Layout(id="rule-form"):
                yield Label(S.RULE_UNIT if self.kind == "unit" else S.RULE_GROUP)
                yield Select([(label, value) for value, label in self.options], id="rule-target",
                             compact=True, allow_blank=False)
                yield Label(S.RULE_WAGE)
                yield Select([(S.RULE_RATIO, "ratio"), (S.RULE_FIXED, "fixed")], id="rule-kind",
                             compact=True, allow_blank=False, value="ratio")
                yield Label(S.RULE_VALUE_RATIO, id="rule-value-label")
                yield TextInput("100.00", id="rule-value", compact=True)
                yield Label(S.RULE_FROM)
                yield TextInput(self.month, id="rule-from", max_length=7, compact=True)
                yield Label(S.RULE_TO)
                yield TextInput("", id="rule-to", max_length=7, compact=True)
            yield Static("", id="rule-error")

    def on_mount(self) -> None:
        self.query_one("#rule-target", Select).focus()

    @on(Select.Changed, "#rule-kind")
    def _kind(self, event: Select.Changed) -> None:
        ratio = event.value == "ratio"
        self.query_one("#rule-value-label", Label).update(S.RULE_VALUE_RATIO if ratio else S.RULE_VALUE_FIXED)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    def action_ok(self) -> None:
        error = self.query_one("#rule-error", Static)
        kind = self.query_one("#rule-kind", Select).value
        text = self.query_one("#rule-value", Input).value.strip()
        try:
            if kind == "ratio":
                if not text:
                    raise ValueError(S.RULE_NEED.format(field=S.RULE_VALUE_RATIO))
                rule = ("ratio", parse_ratio(text))  # the CLI's rule too (issue 14 finding 6)
            else:
                amount = parse_wage(text)
                if amount is None:
                    raise ValueError(S.RULE_NEED.format(field=S.RULE_VALUE_FIXED))
                rule = ("fixed", amount)
            period_from = parse_month(self.query_one("#rule-from", Input).value)
            if period_from is None:
                raise ValueError(S.RULE_NEED.format(field=S.RULE_FROM.lstrip("* ")))
            period_to = parse_month(self.query_one("#rule-to", Input).value)
        except ValueError as exc:
            error.update(str(exc))
            return
        if period_to is not None and period_to < period_from:
            error.update("生效年月止不能早于生效年月起")
            return
        self.dismiss({"target": self.query_one("#rule-target", Select).value, "rule": rule,
                      "from": period_from, "to": period_to})

    def action_cancel(self) -> None:
        self.dismiss(None)


class SingleDialog(ModalScreen[None]):
    """添加单个职工 (manual 000 §5.1.2): 姓名 filters as you type and fills 证件号码; then per
    insured type 新缴费工资, 生效年月起, 生效年月止 (typing one type fills its W4 partners).
    Ctrl+N 保存并继续, Ctrl+S 保存, Esc 取消."""

    CSS_PATH = "wages_add.tcss"
    BINDINGS = [
        keyed("wages.single", "save_next", "ctrl+n", "save(True)", S.SINGLE_SAVE_NEXT, priority=True),
        keyed("wages.single", "save", "ctrl+s", "save(False)", S.SINGLE_SAVE, priority=True),
        keyed("wages.single", "cancel", "escape", "cancel", C.CANCEL),
    ]

    def __init__(self, wages: WagesService, type_codes: list[str]) -> None:
        super().__init__()
        self.wages = wages
        self.type_codes = type_codes
        self.employee: tuple[str, str, str, list[str]] | None = None  # id, name, id_number, insured

    def compose(self) -> ComposeResult:
        types = catalogue().types
        with Vertical(id="single-box") as box:
            box.border_title = S.SINGLE_TITLE
            box.border_subtitle = S.SINGLE_HINT
            with Layout(id="single-head"):
                yield Label(S.SINGLE_NAME)
                yield TextInput("", id="single-name", compact=True)
                yield Label(S.SINGLE_ID)
                yield Static("", id="single-id")
            yield OptionList(id="single-matches")
            with Layout(id="single-types"):
                for label in S.SINGLE_COLUMNS:
                    yield Label(label, classes="single-col")
                for code in self.type_codes:
                    yield Label(types[code].name if code in types else code, id=f"single-label-{code}")
                    yield TextInput("", id=f"single-w{code}", classes="single-cell", compact=True)
                    yield TextInput("", id=f"single-f{code}", classes="single-cell", max_length=7, compact=True)
                    yield TextInput("", id=f"single-t{code}", classes="single-cell", max_length=7, compact=True)
            yield Static("", id="single-error")

    def on_mount(self) -> None:
        self.query_one("#single-matches", OptionList).display = False
        self.query_one("#single-name", Input).focus()

    @on(Input.Changed, "#single-name")
    def _typed(self, event: Input.Changed) -> None:
        self.employee = None
        self.query_one("#single-id", Static).update("")
        self._search(event.value.strip())

    @work(exclusive=True, group="single-search")
    async def _search(self, text: str) -> None:
        matches = await self.app.run_in_thread(self.wages.find_employees, text) if text else []  # type: ignore[attr-defined]
        box = self.query_one("#single-matches", OptionList)
        box.clear_options()
        box.add_options([Option(f"{name}  {number}", id=ident) for ident, name, number, _ in matches])
        self._found = {m[0]: m for m in matches}
        box.display = bool(matches)

    @on(Input.Submitted, "#single-name")
    def _name_enter(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#single-matches", OptionList)
        if box.display and box.option_count:
            box.focus()
            box.highlighted = 0

    @on(OptionList.OptionSelected, "#single-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        match = self._found.get(event.option.id or "")
        if match is None:
            return
        self.employee = match
        name_field = self.query_one("#single-name", Input)
        with name_field.prevent(Input.Changed):
            name_field.value = match[1]
        self.query_one("#single-id", Static).update(match[2])
        event.option_list.display = False
        insured = set(match[3])
        first = next((c for c in self.type_codes if c in insured), None)
        for code in self.type_codes:
            for part in "wft":
                self.query_one(f"#single-{part}{code}", Input).disabled = code not in insured
        if first is not None:
            self.query_one(f"#single-w{first}", Input).focus()

    @on(Input.Changed, ".single-cell")
    def _bind(self, event: Input.Changed) -> None:
        """Better than the official dialog (which has no binding, so a row of bound types that
        differ cannot be saved): what is typed for one type is copied to its W4 partners."""
        if self.employee is None or event.input.id is None:
            return
        part, code = event.input.id[len("single-")], event.input.id[len("single-") + 1:]
        for other in bound_types(code, self.employee[3]):
            if other in self.type_codes:
                field = self.query_one(f"#single-{part}{other}", Input)
                if field.value != event.value:
                    field.value = event.value

    @on(Input.Submitted, ".single-cell")
    def _cell_enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self, more: bool) -> None:
        error = self.query_one("#single-error", Static)
        if self.employee is None:
            error.update(S.SINGLE_NOT_FOUND)
            return
        items: dict[str, tuple[Any, Any, Any]] = {}
        try:
            for code in self.type_codes:
                if code not in self.employee[3]:
                    continue
                wage = parse_wage(self.query_one(f"#single-w{code}", Input).value)
                start = parse_month(self.query_one(f"#single-f{code}", Input).value)
                end = parse_month(self.query_one(f"#single-t{code}", Input).value)
                if wage is not None or start is not None or end is not None:
                    items[code] = (wage, start, end)
        except ValueError as exc:
            error.update(str(exc))
            return
        for code in list(items):  # the binding, also for keys faster than its Changed messages
            for other in bound_types(code, self.employee[3]):
                items.setdefault(other, items[code])
        ident, name = self.employee[0], self.employee[1]
        self._store_single(ident, items, name, more)

    @work(exclusive=True, group="single-save")
    async def _store_single(self, ident: str, items: dict, name: str, more: bool) -> None:
        try:
            await self.app.run_in_thread(self.wages.add_single, ident, items)  # type: ignore[attr-defined]
        except (KeyError, ValueError) as exc:
            self.query_one("#single-error", Static).update(str(exc.args[0] if exc.args else exc))
            return
        if not more:
            self.dismiss(None)
            return
        self.notify(S.SINGLE_SAVED.format(name=name))
        self.employee = None
        for field in self.query(Input):
            field.value = ""
            field.disabled = False
        self.query_one("#single-id", Static).update("")
        self.query_one("#single-error", Static).update("")
        self.query_one("#single-name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
