"""Shared by the xlsx tests: run every test with both readers; valid and broken resident IDs."""
from __future__ import annotations

import pytest

from sbtui.domain.ids import complete_resident_id
from sbtui.xlsx import backends


@pytest.fixture(params=["calamine", "openpyxl"], autouse=True)
def reader(request, monkeypatch):
    """Every test runs with both readers (python-calamine, and openpyxl's fallback)."""
    if request.param == "calamine":
        pytest.importorskip("python_calamine")
    monkeypatch.setattr(backends, "READER", request.param)
    return request.param


def rid(n: int) -> str:
    """A valid resident ID: 鄂尔多斯市东胜区, born 1990-01-01, sequence ``n``."""
    return complete_resident_id(f"15060219900101{n:03d}")


def bad_check(number: str) -> tuple[str, str]:
    """``number`` with a wrong check character, and the right one."""
    right = number[-1]
    return number[:-1] + ("0" if right != "0" else "1"), right
