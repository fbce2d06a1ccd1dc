"""证明打印 › 单位缴费证明, 职工缴费证明 (SPEC C4; issue 13).

:class:`ProofsService` (``ws.employer(uscc).proofs``) asks the service for the employees' booked
lines of a 费款所属期 range (``RemoteService.paid_lines``, the same read as 职工明细退费), builds
the proofs (:mod:`sbtui.domain.proofs`: per month × 险种, 缴费基数 and 实缴金额) and writes their
PDF (:mod:`sbtui.forms.proof`). Reading only: nothing is sent that changes the service, so no
outbox item; offline it is refused with a Chinese message.

No Textual.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sbtui import clock
from sbtui.domain.models import PaidLine
from sbtui.domain.period import Period, PeriodError
from sbtui.domain.proofs import Proof, employee_proofs, unit_proof
from sbtui.remote.errors import OfflineError

if TYPE_CHECKING:
    from sbtui.services.area import Area

__all__ = ["OFFLINE_PROOF", "ProofError", "ProofsService"]

OFFLINE_PROOF = "当前无法连接服务，开具缴费证明需要联网（缴费记录由税务服务提供）。请联网后重试。"
NEED_PERIOD = "请输入费款所属期起止（YYYY-MM）"
BAD_PERIOD = "费款所属期格式应为YYYY-MM：{text}"
PERIOD_ORDER = "费款所属期止不能早于费款所属期起"
NO_EMPLOYEE = "所选费款所属期内没有找到职工“{who}”的已入库缴费记录"
ID_LIKE = re.compile(r"^[0-9A-Za-z]{6,}$")


class ProofError(ValueError):
    """A request refused here before anything is asked (Chinese message)."""


def _month(text: str | None, *, default: str | None = None) -> str:
    text = (text or "").strip() or (default or "")
    if not text:
        raise ProofError(NEED_PERIOD)
    try:
        return str(Period.parse(text))
    except (PeriodError, ValueError):
        raise ProofError(BAD_PERIOD.format(text=text)) from None


class ProofsService:
    """单位缴费证明 and 职工缴费证明 (SPEC C4)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    def span(self, period_from: str | None, period_to: str | None) -> tuple[str, str]:
        """The 费款所属期 range checked (``period_to`` defaults to ``period_from``)."""
        start = _month(period_from)
        end = _month(period_to, default=start)
        if end < start:
            raise ProofError(PERIOD_ORDER)
        return start, end

    async def lines(self, period_from: str | None, period_to: str | None,
                    employee: str | None = None) -> list[PaidLine]:
        """The employees' booked lines of the range; ``employee``: an ID number, else a name."""
        start, end = self.span(period_from, period_to)
        who = (employee or "").strip()
        by_id = bool(who) and bool(ID_LIKE.match(who))
        try:
            return await self.area.remote().paid_lines(
                period_from=start, period_to=end, id_number=who if by_id else None,
                name=who if who and not by_id else None)
        except OfflineError as exc:
            raise OfflineError(OFFLINE_PROOF, code="offline") from exc

    async def _taxpayer(self) -> tuple[str, str]:
        from sbtui.services.payments import _employer_record

        record = await _employer_record(self.area)
        return record.uscc or self.area.uscc, record.name

    async def unit(self, period_from: str | None, period_to: str | None) -> Proof:
        """单位缴费证明 of the range (every employee line)."""
        start, end = self.span(period_from, period_to)
        lines = await self.lines(start, end)
        uscc, name = await self._taxpayer()
        return unit_proof(lines, uscc=uscc, taxpayer_name=name, period_from=start, period_to=end,
                          issued_on=clock.today())

    async def employee(self, period_from: str | None, period_to: str | None,
                       employee: str | None = None) -> list[Proof]:
        """职工缴费证明: one proof per employee (all, or the one ``employee`` names)."""
        start, end = self.span(period_from, period_to)
        lines = await self.lines(start, end, employee)
        if employee and employee.strip() and not lines:
            raise ProofError(NO_EMPLOYEE.format(who=employee.strip()))
        uscc, name = await self._taxpayer()
        return employee_proofs(lines, uscc=uscc, taxpayer_name=name, period_from=start, period_to=end,
                               issued_on=clock.today())

    @staticmethod
    def write_pdf(proofs: Proof | Sequence[Proof], path: str | os.PathLike) -> Path:
        """The proof(s) as PDF at ``path`` (0600: names and ID numbers)."""
        from sbtui.forms.proof import write_proof_pdf

        items = [proofs] if isinstance(proofs, Proof) else list(proofs)
        return Path(write_proof_pdf(items, Path(path)))
