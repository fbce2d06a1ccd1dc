"""A query field's dropdown that keeps its label (issue 15 item 9): its prompt reads
``单位编号：全部`` and, after a pick, ``单位编号：66259112241843`` — not the bare value, which
lost what the field was. Every labelled dropdown of a query bar is one of these (a test finds a
plain ``Select`` given a ``label：`` prompt)."""
from __future__ import annotations

from typing import Any

from textual.css.query import NoMatches
from textual.widgets import Select
from textual.widgets._select import SelectCurrent


class FilterSelect(Select[Any]):
    """``Select`` whose shown value is ``{label}：{choice}`` (``{label}：{everything}`` when none);
    cut by a narrow bar, it ends in … (issue 15 item 3's rule), not in a shorter number."""

    DEFAULT_CSS = """
    FilterSelect SelectCurrent Static#label {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, options: Any, *, label: str, everything: str, **kwargs: Any) -> None:
        self.label = label
        super().__init__(options, prompt=f"{label}：{everything}", **kwargs)

    def _watch_value(self, value: Any) -> None:
        super()._watch_value(value)
        if value == self.NULL:
            return
        for prompt, option in self._options:
            if option == value:
                try:
                    self.query_one(SelectCurrent).update(f"{self.label}：{prompt}")
                except NoMatches:  # not composed yet: the watcher runs again on compose
                    pass
                break
