"""证明打印 › 单位缴费证明, 职工缴费证明 (SPEC C4; manual 001 §2.4.3, 002 §7): 费款所属期起/止 (and
for 职工缴费证明 one employee by ID number or name, empty for all) → Enter 查询 asks the service
for the booked employee lines and shows the proof's rows (per month × 险种: 缴费人数, 缴费基数,
单位缴纳, 个人缴纳, 滞纳金, 实缴金额) with the total above; ``p`` 打印 saves the PDF where the user
says (employee proofs: one page each). Needs the service.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from sbtui.domain.money import ZERO, money_in_words
from sbtui.domain.vocab import STAFF
from sbtui.forms.common import FormError
from sbtui.remote.errors import ServiceError
from sbtui.services.proofs import ProofError
from sbtui.tui.keys import keyed
from sbtui.tui.registry import ScreenSpec, register_screen
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.screens.pay_common import ask_path, call, money, service_message
from sbtui.tui.screens.row_list import ROW_LIST_CSS, Field, RowListScreen, month_fields, optional_text
from sbtui.tui.strings import certificates as S
from sbtui.tui.strings import lists as L

REFUSALS: tuple[type[Exception], ...] = (ServiceError, ProofError, FormError, OSError, ValueError)


class ProofScreen(RowListScreen):
    """The base of 单位缴费证明 and 职工缴费证明: ``self.proofs`` as last asked."""

    CSS_PATH = [ROW_LIST_CSS, "certificates.tcss"]
    COUNT = ""
    EMPTY = S.PROOF_EMPTY
    TITLE_TEXT = ""
    KIND = "unit"

    def __init__(self) -> None:
        super().__init__()
        self.proofs: list[Any] = []
        self.asked = False

    def compose_top(self) -> ComposeResult:
        yield from super().compose_top()
        yield Static(S.PROOF_NEED, id=f"{self.PREFIX}-summary")

    async def ask(self, period_from: str, period_to: str | None, employee: str | None) -> list[Any]:
        svc = self.employer.proofs
        if self.KIND == "unit":
            return [await svc.unit(period_from, period_to)]
        return list(await svc.employee(period_from, period_to, employee))

    async def fetch(self, period_from: str | None, period_to: str | None, employee: str | None = None) -> list[Any]:
        if not period_from:
            self.proofs, self.asked = [], False
            return []
        self.query_one(f"#{self.PREFIX}-summary", Static).update(S.PROOF_LOADING)
        try:
            await self.host.service_ready()
            self.proofs = await self.ask(period_from, period_to, employee)
        except Exception:
            self.proofs, self.asked, self.items = [], False, []
            self.show()  # no rows of an earlier query under a refused one
            raise
        self.asked = True
        return [(p, r) for p in self.proofs for r in p.rows]

    def after_show(self) -> None:
        summary = self.query_one(f"#{self.PREFIX}-summary", Static)
        if not self.asked:
            summary.update(S.PROOF_NEED)
            return
        total = sum((p.total for p in self.proofs), ZERO)
        summary.update(S.PROOF_COUNT.format(n=len(self.items), total=money(total)) + f"（{money_in_words(total)}）")

    def show_note(self) -> None:
        if not self.asked:
            self.query_one(self.ident("note"), Static).update("")
            return
        super().show_note()

    @work(exclusive=True, group="proof-print")
    async def action_print(self) -> None:
        if not self.asked:
            self.notify(S.PROOF_NEED, severity="warning")
            return
        if not self.items:
            self.notify(S.PROOF_EMPTY, severity="warning")
            return
        first = self.proofs[0]
        path = await ask_path(self.app, title=self.TITLE_TEXT,
                              prompt=S.PROOF_SAVE_PROMPT.format(title=self.TITLE_TEXT),
                              name=S.PROOF_FILE.format(title=self.TITLE_TEXT, period_from=first.period_from,
                                                       period_to=first.period_to))
        if path is None:
            return
        self.notify(S.PROOF_WRITING)
        try:
            written = await call(self.host, self.employer.proofs.write_pdf, self.proofs, path)
        except REFUSALS as exc:
            self.notify(S.PROOF_FAILED.format(error=service_message(exc)), severity="error", timeout=10)
            return
        self.notify(S.PROOF_SAVED.format(path=written or path), timeout=10)


class UnitProofScreen(ProofScreen):
    """单位缴费证明."""

    SCREEN_ID = "proof.unit"
    PREFIX = "uproof"
    HEADING = S.TITLE_UNIT
    TITLE_TEXT = S.TITLE_UNIT
    COLUMNS = S.PROOF_UNIT_COLUMNS
    FIELDS = month_fields(S.F_PROOF_FROM, S.F_PROOF_TO)
    KIND = "unit"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("proof.unit", "print", "p", "print", S.KEY_PRINT),
        keyed("proof.unit", "export", "x", "export", L.KEY_EXPORT),
        keyed("proof.unit", "filter", "f", "filter", S.KEY_FILTER),
        keyed("proof.unit", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def cells(self, item: Any) -> Sequence[str]:
        _proof, r = item
        return (r.period, r.type_name, str(r.headcount), money(r.base), money(r.unit_paid), money(r.person_paid),
                money(r.late_fee), money(r.paid))

    def note(self, item: Any) -> str:
        proof, _r = item
        return S.PROOF_NOTE_UNIT.format(name=proof.taxpayer_name, uscc=proof.uscc, units="、".join(proof.unit_numbers))


class EmployeeProofScreen(ProofScreen):
    """职工缴费证明."""

    SCREEN_ID = "proof.employee"
    PREFIX = "eproof"
    HEADING = S.TITLE_EMPLOYEE
    TITLE_TEXT = S.TITLE_EMPLOYEE
    COLUMNS = S.PROOF_EMPLOYEE_COLUMNS
    FIXED_COLUMNS = 1
    FIELDS = (*month_fields(S.F_PROOF_FROM, S.F_PROOF_TO),
              Field("employee", S.F_PROOF_EMPLOYEE, optional_text, width=30))
    KIND = "employee"
    BINDINGS = [
        *BaseScreen.BINDINGS,
        keyed("proof.employee", "print", "p", "print", S.KEY_PRINT),
        keyed("proof.employee", "export", "x", "export", L.KEY_EXPORT),
        keyed("proof.employee", "filter", "f", "filter", S.KEY_FILTER),
        keyed("proof.employee", "refresh", "f5,u", "refresh", S.KEY_REFRESH),
    ]

    def cells(self, item: Any) -> Sequence[str]:
        proof, r = item
        return (proof.person.name, proof.person.id_number, r.period, r.type_name, money(r.base), money(r.unit_paid),
                money(r.person_paid), money(r.late_fee), money(r.paid))

    def note(self, item: Any) -> str:
        proof, _r = item
        p = proof.person
        return S.PROOF_NOTE_EMPLOYEE.format(name=p.name, id_type=p.id_type, id_number=p.id_number,
                                            number=p.person_number or "", total=money(proof.total))


register_screen(ScreenSpec(id="proof.unit", title=S.TITLE_UNIT, menu=(S.MENU_GROUP, S.TITLE_UNIT), roles=STAFF,
                           order=40, help=S.HELP_PROOF.format(title=S.TITLE_UNIT),
                           factory=lambda app: UnitProofScreen()))
register_screen(ScreenSpec(id="proof.employee", title=S.TITLE_EMPLOYEE, menu=(S.MENU_GROUP, S.TITLE_EMPLOYEE),
                           roles=STAFF, order=50,
                           help=S.HELP_PROOF.format(title=S.TITLE_EMPLOYEE) + "\n" + S.HELP_PROOF_EMPLOYEE,
                           factory=lambda app: EmployeeProofScreen()))
