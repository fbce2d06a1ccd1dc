"""The area services of one employer, as ``ws.employer(uscc)`` hands them out."""
from __future__ import annotations

from sbtui.services.area import Area
from sbtui.services.declarations import DeclarationsService
from sbtui.services.home import HomeService
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
        self.home = HomeService(area)
