"""Cell editing for :class:`sbtui.widgets.grid.Grid`: the editor's keys, commit and cancel, and
:meth:`GridEditing.edit_cell`, the one path every edit takes (validate, UPDATE + commit, drop
that row's rendering, repaint it, post ``CellEdited``; never a re-query).

Keys while the editor is open: characters insert at the caret; ←/→, Home/End (Ctrl+A/Ctrl+E),
Backspace/Delete, Ctrl+U/Ctrl+K edit; Enter commits and moves down, Tab commits and moves right
(Shift+Tab left), ↑/↓ commit and move up/down; Esc cancels. The text becomes a value through
the column's ``parse`` (default: the text itself); a value equal to the cell's is not saved. A
value that ``parse`` (ValueError) or the grid's ``validator`` refuses keeps the editor open with
the text and shows the reason in the status line. Other keys the grid binds do nothing while editing (the cursor stays under the
editor); keys it does not bind go on to the screen.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events

from sbtui.tui.strings import grid as S
from sbtui.widgets.grid_editor import CellEditor
from sbtui.widgets.grid_paint import GridPainter
from sbtui.widgets.grid_source import Column

Validator = Callable[[Any, str, Any], "str | None"]  # (row_id, column, value) -> error or None
Writer = Callable[[Any, str, Any], Any]  # saves (row_id, column, value); ValueError refuses
Lock = Callable[[Any, str], "str | None"]  # (row_id, column) -> why that cell cannot be edited

MOVES = {"enter": (1, 0), "down": (1, 0), "up": (-1, 0), "tab": (0, 1), "shift+tab": (0, -1)}


class GridEditing(GridPainter):
    """The editing half of the grid (the cursor and the messages live in the subclass)."""

    validator: Validator | None = None
    writer: Writer | None = None
    lock: Lock | None = None
    flash: str | None = None  # a refusal shown in the status line until the cursor moves

    def _locked(self) -> str | None:
        """Why the cursor's cell can never be edited in its row (``lock``), else None."""
        col = self._editable_column()
        if col is None or self.lock is None:
            return None
        return self.lock(self.cursor_row_id, col.key)

    def _flash(self, reason: str) -> None:
        self.flash = reason
        self._refresh_status()

    def _editable_column(self) -> Column | None:
        col = self.source.columns[self.cursor_col] if self.source.columns else None
        if col is None or not col.editable or col.sql is not None or self.cursor_row_id is None:
            return None
        return col

    def open_editor(self, text: str | None = None) -> bool:
        """Open the editor on the cursor's cell: with ``text`` typed over the value (as a
        spreadsheet does when you type), or with the value to change (Enter, F2). False when the
        cursor's column is not editable."""
        col = self._editable_column()
        if col is None:
            return False
        rid = self.cursor_row_id
        if text is None:
            text = col.edit_text(self.source.value(rid, col.key))
        self.editor = CellEditor(rid, self.cursor_row, col.key, text)
        self._editor_changed()
        return True

    def cancel_edit(self) -> None:
        """Close the editor and keep the cell's value."""
        if self.editor is not None:
            self.editor = None
            self._editor_changed()

    def commit_edit(self, *, down: int = 0, right: int = 0) -> bool:
        """Save the editor's text (through the column's ``parse``, the validator and
        :meth:`edit_cell`), close it and move the cursor by ``down`` rows and ``right`` columns.
        On a refusal the editor stays open, the reason in the status line, and False is returned."""
        editor = self.editor
        if editor is None:
            return True
        col = self.source.column(editor.column)
        try:
            value = col.value_of(editor.text)
        except ValueError as exc:
            return self._refused(str(exc))
        old = self.source.value(editor.row_id, col.key)
        if value != old:
            error = self._save(editor.row_id, col, old, value)
            if error:
                return self._refused(error)
        self.editor = None
        self._editor_changed()
        if down or right:
            self.move_to(self.cursor_row + down, self.cursor_col + right)
        return True

    def _refused(self, error: str) -> bool:
        assert self.editor is not None
        self.editor.error = error or S.EDIT_INVALID
        self._refresh_status()
        return False

    def _editor_changed(self) -> None:
        """The editor opened, closed or changed: repaint its row and the status line."""
        self._refresh_row(self.cursor_row)
        self._refresh_status()
        self.refresh_bindings()

    def _editor_key(self, event: events.Key) -> bool:
        """Handle a key while the editor is open; False if it is not an editor key."""
        editor = self.editor
        assert editor is not None
        if event.key == "escape":
            self.cancel_edit()
            return True
        if event.key in MOVES:
            down, right = MOVES[event.key]
            self.commit_edit(down=down, right=right)
            return True
        changed = editor.key(event.key, event.character if event.is_printable else None)
        if changed is None:
            return False
        if changed:
            editor.error = None
            self._refresh_row(self.cursor_row)
            self._refresh_status()
        return True

    async def _on_paste(self, event: events.Paste) -> None:
        """Pasted text goes into the editor (opening it on an editable cell)."""
        if self.editor is not None:
            if self.editor.insert(event.text):
                self.editor.error = None
                self._refresh_row(self.cursor_row)
                self._refresh_status()
        elif not self.open_editor(event.text.splitlines()[0] if event.text else ""):
            return
        event.stop()
        event.prevent_default()

    # -- the one path of every edit ----------------------------------------------------------

    def edit_cell(self, row_id: Any, column: str, value: Any) -> str | None:
        """Validate, save (UPDATE + commit) and repaint one cell; return the refusal or None.

        Only that row's rendering is dropped from the cache; ``CellEdited`` is posted."""
        col = self.source.column(column)
        if not col.editable:
            raise ValueError(f"column {column!r} is not editable")
        return self._save(row_id, col, self.source.value(row_id, column), value)

    def _save(self, row_id: Any, col: Column, old: Any, value: Any) -> str | None:
        if self.validator is not None:
            error = self.validator(row_id, col.key, value)
            if error:
                return error
        if self.writer is not None:
            try:
                self.writer(row_id, col.key, value)
            except ValueError as exc:
                return str(exc) or S.EDIT_INVALID
            except Exception as exc:  # noqa: BLE001 - a failed save is said, never a crash
                return S.EDIT_FAILED.format(error=exc)
        else:
            self.source.update(row_id, col.key, value)
        self._cache.pop(row_id, None)
        if self.cursor_row_id == row_id:
            index: int | None = self.cursor_row
        else:
            index = self.source.index_of(row_id)
        if index is not None:
            self._refresh_row(index)
        self.post_message(self.CellEdited(self, row_id, col.key, old, value))  # type: ignore[attr-defined]
        return None
