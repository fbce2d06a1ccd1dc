"""What both form formats share: the error type, the format by suffix, atomic file writes."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from sbtui.forms import strings as S

Progress = Callable[[int, int], None]
"""``progress(done, total)``: every :data:`PROGRESS_EVERY` rows and once at the end; ``total``
is 0 when the employees came as an iterator of unknown length."""
PROGRESS_EVERY = 1000


class FormError(Exception):
    """A form that cannot be written (a bad suffix, no font, a write error). ``str(e)`` /
    ``e.message`` is Chinese for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def form_format(path: str | os.PathLike[str]) -> Literal["xlsx", "pdf"]:
    """``"xlsx"`` or ``"pdf"`` by the suffix of ``path`` (any case); anything else raises
    :class:`ValueError` with a Chinese message."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".pdf":
        return "pdf"
    raise ValueError(S.BAD_SUFFIX.format(suffix=Path(path).suffix or Path(path).name))


def set_mode(tmp: str | os.PathLike[str], target: Path) -> None:
    """Give the temporary file the mode of the file it replaces (the user's choice), else
    leave it 0600 as :func:`tempfile.mkstemp` made it: the forms list employees' names and
    ID numbers, and exports with personal data are private (issue 14 finding 8)."""
    with contextlib.suppress(OSError):
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o600
        os.chmod(tmp, mode)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[str]:
    """Yield a temporary file name beside ``path``; when the block ends without error the file
    is synced and renamed over ``path``. On error nothing is left behind and an existing file
    at ``path`` is untouched."""
    target = Path(path)
    if not (target.parent or Path(".")).is_dir():
        raise FormError(S.NO_FOLDER.format(folder=target.parent))
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.",
                                   suffix=".tmp")
    except OSError as e:
        raise FormError(S.WRITE_FAILED.format(error=e)) from e
    os.close(fd)
    done = False
    try:
        yield tmp
        try:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            set_mode(tmp, target)
            os.replace(tmp, target)
        except OSError as e:
            raise FormError(S.WRITE_FAILED.format(error=e)) from e
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.remove(tmp)
