"""社保费申报 › 日常申报 and 特殊缴费申报, 工程项目工伤保险费申报 › 工程项目社保费申报 (SPEC D1–D7,
D9, D10, D12; manual 000 §3.1–3.3.2, 001 §2.2.1–2.2.2): the list of
:class:`~sbtui.tui.screens.declare_lines.LinesScreen` with the kind's columns, and the submit of
:class:`~sbtui.tui.screens.declare_submit.SubmitMixin`.
"""
from __future__ import annotations

from typing import Any

from textual import work

from sbtui.domain.declare import REMARK_MAX
from sbtui.domain.vocab import STAFF
from sbtui.services.declarations import DeclareError
from sbtui.tui.dialogs.prompt import PromptDialog
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.declare_dialogs import NoticeDialog, money
from sbtui.tui.screens.declare_lines import LinesScreen, payable, period_text, rate_text
from sbtui.tui.screens.declare_submit import SubmitMixin
from sbtui.tui.strings import declare as S



def _keys(scope: str, *, remark: bool = False, offset: bool = True, detail: bool = False) -> list:
    keys = [
        *BaseScreen.BINDINGS,
        keyed(scope, "tick", "space", "tick", S.KEY_TICK),
        keyed(scope, "tick_all", "a", "tick_all", S.KEY_TICK_ALL, show=False),
        keyed(scope, "submit", "p", "submit", S.KEY_SUBMIT),
    ]
    if offset:
        keys.append(keyed(scope, "offset", "o", "offset", S.KEY_OFFSET))
    if remark:
        keys.append(keyed(scope, "remark", "m", "remark", S.KEY_REMARK))
    if detail:
        keys.append(keyed(scope, "detail", "enter", "detail", S.KEY_DETAIL, show=False))
    keys += [
        keyed(scope, "update", "f5", "update", S.KEY_REFRESH),
        keyed(scope, "filter", "f", "filter", S.KEY_FILTER, show=False),
    ]
    return keys


class DailyScreen(SubmitMixin, LinesScreen):
    """日常申报: 税务生成 and 征集信息 lines (D1, D2)."""

    SCREEN_ID = "declare.daily"
    BINDINGS = _keys("declare.daily", detail=True)

    def action_detail(self) -> None:
        ln = self.current()
        if ln is not None:
            self._detail(ln)


class SpecialScreen(SubmitMixin, LinesScreen):
    """特殊缴费申报 (D9): serial, valid-until date and remark; expired lines cannot be ticked;
    none at all is said plainly."""

    SCREEN_ID = "declare.special"
    KIND = "special"
    HEADING = S.TITLE_SPECIAL
    COLUMNS = S.SPECIAL_COLUMNS
    EMPTY = S.EMPTY_SPECIAL
    BINDINGS = _keys("declare.special", remark=True)

    def cells(self, n: int, ln: dict[str, Any]) -> tuple[str, ...]:
        valid = str(ln.get("valid_until") or "")
        if ln.get("expired"):
            valid = f"{valid} {S.EXPIRED}"
        return (self.mark(ln, n), ln["unit_number"], period_text(ln), ln["item_name"], ln.get("serial") or "",
                valid, money(ln.get("base_total")), rate_text(ln), money(ln["due"]),
                money(ln.get("reduction") or "0"), money(payable(ln)), money(ln.get("offset") or "0"),
                money(ln.get("actual")), ln.get("remark") or "")

    def after_load(self, first: bool) -> None:
        if first and not self.lines:  # manual 000 §3.2: 会弹出如下提示信息
            self.app.push_screen(NoticeDialog(S.EMPTY_SPECIAL, title=S.TITLE_SPECIAL))

    @work(exclusive=True, group="decl-edit")
    async def action_remark(self) -> None:
        """m: the remark printed on the certificate (D9)."""
        app: Any = self.app
        ln = self.current()
        if ln is None:
            return
        message = S.REMARK_PROMPT.format(item=ln["item_name"], serial=ln.get("serial") or "")
        value, error = ln.get("remark") or "", ""
        while True:
            text = await app.push_screen_wait(PromptDialog(message, title=S.REMARK_TITLE, value=value,
                                                           error=error, empty=None, max_length=REMARK_MAX))
            if text is None:
                return
            try:
                await app.run_in_thread(self.employer.declarations.set_remark, ln["key"], text)
            except DeclareError as exc:
                value, error = text, exc.message
                continue
            self.notify(S.REMARK_SAVED)
            self.load()
            return


class ProjectDeclareScreen(SubmitMixin, LinesScreen):
    """工程项目社保费申报 (D10): the dues of linked projects (manual 000 §3.3.2's columns)."""

    SCREEN_ID = "project.declare"
    KIND = "project"
    HEADING = S.TITLE_PROJECT
    COLUMNS = S.PROJECT_COLUMNS
    FIXED_COLUMNS = 2
    EMPTY = S.EMPTY_PROJECT
    RECORDS = "project.records"
    BINDINGS = _keys("project.declare")

    def cells(self, n: int, ln: dict[str, Any]) -> tuple[str, ...]:
        valid = str(ln.get("valid_until") or "")
        if ln.get("expired"):
            valid = f"{valid} {S.EXPIRED}"
        return (self.mark(ln, n), ln["unit_number"], ln.get("project_id") or "", ln.get("serial") or "", valid,
                ln["period_from"], ln["period_to"], money(ln.get("base_total")), rate_text(ln), money(ln["due"]),
                money(ln.get("offset") or "0"), money(ln.get("actual")))


register_screen(ScreenSpec(id="declare.daily", title=S.TITLE_DAILY, menu=(S.MENU_GROUP, S.TITLE_DAILY),
                           roles=STAFF, order=10, help=S.HELP_DAILY, factory=lambda app: DailyScreen()))
register_screen(ScreenSpec(id="declare.special", title=S.TITLE_SPECIAL, menu=(S.MENU_GROUP, S.TITLE_SPECIAL),
                           roles=STAFF, order=20, help=S.HELP_SPECIAL, factory=lambda app: SpecialScreen()))
register_screen(ScreenSpec(id="project.declare", title=S.TITLE_PROJECT, menu=(S.MENU_PROJECT, S.TITLE_PROJECT),
                           roles=STAFF, order=20, help=S.HELP_PROJECT, factory=lambda app: ProjectDeclareScreen()))
