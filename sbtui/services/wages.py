"""缴费工资申报 (SPEC W1–W13): the wage draft, its submission and feedback, records and the wage query."""
from __future__ import annotations

from sbtui.services.area import Area


class WagesService:
    """缴费工资申报 (SPEC W1–W13): the wage draft, its submission and feedback, records and the wage query."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store
