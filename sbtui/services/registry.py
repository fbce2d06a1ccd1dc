"""职工参保信息 (SPEC E1–E8): the registry, groups and unit registrations."""
from __future__ import annotations

from sbtui.services.area import Area


class RegistryService:
    """职工参保信息 (SPEC E1–E8): the registry, groups and unit registrations."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store
