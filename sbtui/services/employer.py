"""The area services of one employer, as ``ws.employer(uscc)`` hands them out, and what the
login and the 待发送队列 know of that employer on this machine."""
from __future__ import annotations

from typing import Any

from sbtui.services.agreements import AgreementsService
from sbtui.services.area import Area
from sbtui.services.certificates import CertificatesService
from sbtui.services.declarations import DeclarationsService
from sbtui.services.home import HomeService
from sbtui.services.payments import PaymentsService
from sbtui.services.proofs import ProofsService
from sbtui.services.queries import QueriesService
from sbtui.services.refunds import RefundsService
from sbtui.services.registry import RegistryService
from sbtui.services.wages import WagesService


class Employer:
    """One employer's menu areas. A new area (e.g. 费款缴纳) adds its service here."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.uscc = area.uscc
        self.store = area.store  # for the sync and the drills; screens and commands use the areas
        self.registry = RegistryService(area)
        self.wages = WagesService(area)
        self.declarations = DeclarationsService(area)
        self.payments = PaymentsService(area)
        self.agreements = AgreementsService(area)
        self.certificates = CertificatesService(area)
        self.queries = QueriesService(area)
        self.proofs = ProofsService(area)
        self.refunds = RefundsService(area)
        self.home = HomeService(area)

    # -- this employer on this machine (login, 待发送队列, the status bar) ---------------------

    def local_employees(self) -> int:
        """How many employees the local store holds (离线使用 needs some)."""
        return self.store.registry.employee_count()

    def downloaded(self) -> bool:
        """Whether the first full download of the registry finished here."""
        return self.store.sync_get("cursor") is not None

    def last_role(self, default: str) -> str:
        """The role of the last login here (the home page before the service answers)."""
        return self.store.meta_get("last_role", default)

    def remember_role(self, role: str | None) -> None:
        self.store.meta_set("last_role", role)

    def outbox_items(self, state: str | None = None) -> list[Any]:
        """Everything queued here for the service (or in ``state``), oldest first (the
        待发送队列, ``sbtui outbox``)."""
        return self.store.outbox.items(state)

    def outbox_counts(self) -> dict[str, int]:
        """Outbox items per state (the status bar)."""
        return self.store.outbox.counts()
