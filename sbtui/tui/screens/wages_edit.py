"""Whole-column work on the 职工工资编辑区 (SPEC W2–W5, W10): fill a value down over the ticked
(or filtered) rows, copy one type's wage and months to another, undo / redo, delete rows, and
the official xlsx: export (ticked or all), template, import with every bad cell shown.
Each change is one store transaction in a worker; the grid then repaints.
"""
from __future__ import annotations

from typing import Any

from textual import work

from sbtui.domain.catalogue import catalogue
from sbtui.services.registry import default_path
from sbtui.tui.dialogs.confirm import ConfirmDialog
from sbtui.tui.screens.group_pick import GroupPick
from sbtui.tui.screens.wages_columns import column_type
from sbtui.tui.strings import wages as S


class EditMixin:
    """For :class:`sbtui.tui.screens.wages.WagesScreen`."""

    def _targets(self) -> tuple[list[Any], str]:
        """The ticked rows in the filter, else every filtered row; and how to name them."""
        grid = self.grid  # type: ignore[attr-defined]
        ticked = grid.ticked_visible()
        if ticked:
            return ticked, S.FILL_TICKED.format(n=len(ticked))
        ids = list(grid.source.ids)
        return ids, S.FILL_FILTERED.format(n=len(ids))

    # -- fill down ----------------------------------------------------------------------------
    @work(exclusive=True, group="wages-edit")
    async def action_fill(self) -> None:
        grid = self.grid  # type: ignore[attr-defined]
        if grid is None or grid.cursor_row_id is None:
            return
        column = grid.cursor_column
        if column_type(column) is None:
            self.notify(S.FILL_NOT_EDITABLE, severity="warning")  # type: ignore[attr-defined]
            return
        value = grid.source.value(grid.cursor_row_id, column)
        rowids, scope = self._targets()
        label = grid.source.column(column).label
        if not await self.app.push_screen_wait(ConfirmDialog(  # type: ignore[attr-defined]
                S.FILL_CONFIRM.format(value=value or "（空）", scope=scope, column=label), title=S.KEY_FILL)):
            return
        wages = self.employer.wages  # type: ignore[attr-defined]
        n = await self._change(lambda: wages.fill(rowids, column, value or ""))
        if n is not None:
            self.notify(S.FILLED.format(n=len(rowids)))  # type: ignore[attr-defined]

    # -- copy one type to another ---------------------------------------------------------------
    @work(exclusive=True, group="wages-edit")
    async def action_copy_type(self) -> None:
        grid = self.grid  # type: ignore[attr-defined]
        kind = column_type(grid.cursor_column) if grid is not None else None
        if kind is None:
            self.notify(S.FILL_NOT_EDITABLE, severity="warning")  # type: ignore[attr-defined]
            return
        source = kind[1]
        types = catalogue().types
        others = [{"id": c, "name": f"{c} {types[c].name}", "level": 1, "pending": False}
                  for c in self.type_codes if c != source]  # type: ignore[attr-defined]
        rowids, scope = self._targets()
        label = f"{source} {types[source].name}" if source in types else source
        choice = await self.app.push_screen_wait(GroupPick(  # type: ignore[attr-defined]
            others, count=len(rowids), title=S.COPY_TITLE, none=False,
            question=S.COPY_PROMPT.format(source=label, scope=scope)))
        if not choice:
            return
        wages = self.employer.wages  # type: ignore[attr-defined]
        if await self._change(lambda: wages.copy_type(source, choice, rowids)) is not None:
            self.notify(S.COPIED.format(n=len(rowids)))  # type: ignore[attr-defined]

    # -- undo, redo, remove ---------------------------------------------------------------------
    @work(exclusive=True, group="wages-edit")
    async def action_undo(self) -> None:
        rows = await self._change(self.employer.wages.undo)  # type: ignore[attr-defined]
        if rows is not None:
            self.notify(S.UNDONE if rows else S.NOTHING_TO_UNDO)  # type: ignore[attr-defined]

    @work(exclusive=True, group="wages-edit")
    async def action_redo(self) -> None:
        rows = await self._change(self.employer.wages.redo)  # type: ignore[attr-defined]
        if rows is not None:
            self.notify(S.REDONE if rows else S.NOTHING_TO_REDO)  # type: ignore[attr-defined]

    @work(exclusive=True, group="wages-edit")
    async def action_remove(self) -> None:
        grid = self.grid  # type: ignore[attr-defined]
        if grid is None or grid.cursor_row_id is None:
            return
        ticked = list(grid.ticked)
        rowids = ticked or [grid.cursor_row_id]
        scope = S.FILL_TICKED.format(n=len(rowids))
        if not await self.app.push_screen_wait(ConfirmDialog(  # type: ignore[attr-defined]
                S.REMOVE_CONFIRM.format(scope=scope), title=S.KEY_REMOVE, danger=True)):
            return
        wages = self.employer.wages  # type: ignore[attr-defined]
        if await self._change(lambda: wages.remove(rowids)) is not None:
            grid.action_clear_ticks()
            self.notify(S.REMOVED.format(n=len(rowids)))  # type: ignore[attr-defined]
            self.load()  # type: ignore[attr-defined]

    async def _change(self, fn) -> Any:
        try:
            result = await self.host.run_in_thread(fn)
        except (KeyError, ValueError) as exc:
            self.notify(str(exc.args[0] if exc.args else exc), severity="error", timeout=8)  # type: ignore[attr-defined]
            return None
        self.repaint()  # type: ignore[attr-defined]
        return result if result is not None else True

    # -- xlsx (W10) ---------------------------------------------------------------------------
    def action_export(self) -> None:
        grid = self.grid  # type: ignore[attr-defined]
        if grid is None:
            return
        wages = self.employer.wages  # type: ignore[attr-defined]
        ticked = list(grid.ticked)
        scope = (S.EXPORT_TICKED.format(n=len(ticked)) if ticked
                 else S.EXPORT_ALL.format(n=wages.draft_count()))
        self.ask_and_write(S.EXPORT_PROMPT.format(scope=scope), default_path(S.STEM_EXPORT),  # type: ignore[attr-defined]
                           lambda path, progress: wages.export_draft(path, rowids=ticked or None,
                                                                     progress=progress))

    def action_template(self) -> None:
        wages = self.employer.wages  # type: ignore[attr-defined]
        self.ask_and_write(S.TEMPLATE_PROMPT, default_path(S.STEM_TEMPLATE),  # type: ignore[attr-defined]
                           lambda path, progress: wages.write_template(path))

    def action_import_file(self) -> None:
        wages = self.employer.wages  # type: ignore[attr-defined]
        self.ask_and_read(  # type: ignore[attr-defined]
            S.IMPORT_PROMPT, default_path(S.STEM_EXPORT),
            lambda path, progress: wages.import_draft(path, progress=progress),
            lambda o: S.IMPORTED.format(loaded=o.loaded, skipped=o.skipped, errors=len(o.errors)),
            title=S.KEY_IMPORT, after=self.load)  # type: ignore[attr-defined]
