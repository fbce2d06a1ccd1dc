"""费款申报 (SPEC D1–D12): dues, fee declarations, their records and forms, construction projects."""
from __future__ import annotations

from sbtui.services.area import Area


class DeclarationsService:
    """费款申报 (SPEC D1–D12): dues, fee declarations, their records and forms, construction projects."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store
