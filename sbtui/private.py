"""Files at rest that hold personal data (issue 14 finding 8): the home and its folders are
0700, the stores (with their ``-wal``/``-shm``), the sandbox's database and secret, and every
export or form with names and ID numbers are 0600.

Modes are set explicitly, whatever the umask; an existing home made by an older sbtui with
0755/0644 is tightened the next time it is opened. On a system without POSIX modes (Windows)
the calls do nothing harmful: ``chmod`` there only toggles the read-only flag.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Make ``path`` (and missing parents) and give ``path`` itself mode 0700. Parents that
    already exist (``~``, ``~/.local/share``) are left as they are."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(OSError):
        if p.stat().st_mode & 0o777 != DIR_MODE:
            os.chmod(p, DIR_MODE)
    return p


def private_file(path: str | os.PathLike[str]) -> None:
    """Give an existing file mode 0600 (nothing if it is missing)."""
    with contextlib.suppress(FileNotFoundError, OSError):
        if os.stat(path).st_mode & 0o777 != FILE_MODE:
            os.chmod(path, FILE_MODE)


def private_sqlite(path: str | os.PathLike[str]) -> None:
    """Before SQLite opens ``path`` (its folder must exist): the file created empty with 0600
    if it is missing (SQLite makes its ``-wal``/``-shm`` with the database file's mode), and
    an existing file and side files tightened to 0600."""
    p = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for f in (p, *(p.with_name(p.name + s) for s in SQLITE_SIDE_FILES)):
        private_file(f)


def tighten_home(home: str | os.PathLike[str]) -> None:
    """An existing sbtui home made before these modes: the home, ``employers/`` and
    ``sandbox/`` 0700, every file directly in them 0600. Nothing happens to a missing home."""
    h = Path(home)
    if not h.is_dir():
        return
    for d in (h, h / "employers", h / "sandbox"):
        if d.is_dir():
            private_dir(d)
            with contextlib.suppress(OSError):
                for f in d.iterdir():
                    if f.is_file() and not f.is_symlink():
                        private_file(f)


def write_private(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600 from the start."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)  # an old tmp file kept its mode through O_TRUNC
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
