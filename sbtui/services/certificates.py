"""证明打印 (SPEC C1–C3; issue 13, part 1): 税收完税证明（非印刷） — 开具, 补开, 查验.

:class:`CertificatesService` (``ws.employer(uscc).certificates``): the certificates as last
synced (offline), refreshed from the service; issuing (separate or merged, by 所属时期 range or
by paid-line keys) and 补开 are outbox items sent at once (a certificate is printed from the
service's answer: offline → refused, nothing queued); 查验 asks the service; the PDF.

No Textual.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbtui.domain.certify import MODES, within
from sbtui.domain.models import Certificate, CertificateCheck, PaymentLine
from sbtui.domain.vocab import PaymentResult, VoucherStatus
from sbtui.remote.errors import OfflineError, RefusedError
from sbtui.sync.certificates import pull_certificates
from sbtui.sync.payments import pull_payments
from sbtui.sync.push import send_now

if TYPE_CHECKING:
    from sbtui.services.area import Area
    from sbtui.store.outbox import OutboxItem

__all__ = ["OFFLINE_CERTIFICATE", "CertificateError", "CertificatesService"]

OFFLINE_CERTIFICATE = "当前无法连接服务，开具完税证明需要联网。请联网后重试。"
NOT_FOUND = "未找到完税证明 {number}"


class CertificateError(ValueError):
    """A request refused here before anything is sent (Chinese message)."""


class CertificatesService:
    """证明打印: 税收完税证明（非印刷） (SPEC C1–C3)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- reads (local) -------------------------------------------------------------------------

    def certificates(self, date_from: date | str | None = None,
                     date_to: date | str | None = None) -> list[Certificate]:
        """开具记录 as last synced, newest first; the 填发日期 range."""
        return self.store.certificates.certificates(date_from, date_to)

    def certificate(self, number: str) -> Certificate | None:
        return self.store.certificates.certificate(number)

    def paid_lines(self) -> list[PaymentLine]:
        """Every booked line of the payments and collected vouchers as last synced (what a
        certificate can cover), oldest first."""
        out: list[PaymentLine] = []
        for p in reversed(self.store.payments.payments()):
            if p.status == PaymentResult.OK:
                out.extend(p.lines)
        for v in reversed(self.store.payments.vouchers()):
            if v.status == VoucherStatus.BOOKED:
                out.extend(v.lines)
        return [ln for ln in out if ln.ticket_number and ln.booked_on]

    def issued_keys(self) -> dict[str, str]:
        """Paid-line key → the number of the certificate that covers it (as last synced)."""
        return {k: c.number for c in self.certificates() for r in c.rows for k in r.keys}

    def lines_in(self, period_from: str | None, period_to: str | None) -> list[PaymentLine]:
        """The booked lines wholly inside a 税款所属期 range (what 开具 by that range covers, as
        the service chooses them); an open end takes every period on that side."""
        return [ln for ln in self.paid_lines() if within(ln.period_from, ln.period_to, period_from, period_to)]

    async def refresh(self) -> int:
        """Payments, vouchers and certificates from the service into the store."""
        service = self.area.remote()
        await pull_payments(self.store, service)
        return await pull_certificates(self.store, service)

    # -- C1, C2 ----------------------------------------------------------------------------------

    async def issue(self, *, period_from: str | None = None, period_to: str | None = None,
                    keys: Iterable[str] = (), mode: str = "separate") -> list[Certificate]:
        """开具: certificates for the booked lines of a 所属时期 range or the lines ``keys``,
        ``separate`` (one per 电子税票号码) or ``merged``. RefusedError with the service's
        message (e.g. nothing left to certify); OfflineError when it cannot be reached."""
        keys = list(keys)
        if mode not in MODES:
            raise CertificateError("开具方式应为 separate（逐条开具）或 merged（合并开具）")
        if not keys and not period_from:
            raise CertificateError("请输入税款所属期起止，或选择缴费记录。")
        item = await self._send(lambda: self.store.certificates.issue_queue(
            period_from=period_from, period_to=period_to or period_from, keys=keys, mode=mode))
        return [Certificate.model_validate(x) for x in self._answer(item)]

    async def reprint(self, number: str) -> Certificate:
        """补开: the same certificate, its print count one higher."""
        item = await self._send(lambda: self.store.certificates.reprint_queue(number))
        return Certificate.model_validate(self._answer(item))

    async def verify(self, number: str, code: str) -> CertificateCheck:
        """查验 (C3): genuine or not; a forged number or a wrong code is "not genuine"."""
        try:
            return await self.area.remote().verify_certificate(number.strip(), code.strip())
        except OfflineError as exc:
            raise OfflineError("当前无法连接服务，查验需要联网。", code="offline") from exc

    async def _send(self, queue) -> OutboxItem:
        try:
            return await send_now(self.store, self.area.remote(), queue)
        except OfflineError as exc:
            if exc.code == "offline":
                raise OfflineError(OFFLINE_CERTIFICATE, code="offline") from exc
            raise

    def _answer(self, item: OutboxItem) -> Any:
        if item.state == "refused":
            response = item.response or {}
            body = response.get("body") or {}
            raise RefusedError(self.store.outbox.refusal(item.entity) or item.last_error or "服务拒绝了请求",
                               code=body.get("code"), status=response.get("status") or 400,
                               detail=body.get("detail") if isinstance(body.get("detail"), dict) else None)
        return (item.response or {}).get("body")

    # -- the PDF ---------------------------------------------------------------------------------

    def write_pdf(self, number: str, path: str | os.PathLike) -> Path:
        """打印 the certificate ``number`` (as last answered) to ``path`` (.pdf)."""
        cert = self.certificate(number)
        if cert is None:
            raise CertificateError(NOT_FOUND.format(number=number))
        from sbtui.forms.certificate import write_certificate_pdf
        return Path(write_certificate_pdf(cert, Path(path)))
