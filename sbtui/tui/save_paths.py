"""Where the TUI offers to save a file (issue 15 item 10), one rule for every export, template,
form and voucher: the folder the user last saved to, else :func:`sbtui.config.exports_dir`
(documents/sbtui, made when first offered) — never the directory sbtui was started in.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sbtui.config import exports_dir


def save_folder(app: Any) -> Path:
    """The remembered folder if it still exists, else the default exports folder (made)."""
    remembered = getattr(app.ws.config, "export_dir", None)
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    folder = exports_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def suggest(app: Any, name: str) -> str:
    """The path offered for ``name`` (a file name, or a default path whose name is kept)."""
    return str(save_folder(app) / Path(name).name)


def remember(app: Any, chosen: str | Path) -> None:
    """Keep the folder of a path the user saved to, for the next save."""
    config = app.ws.config
    folder = str(Path(chosen).expanduser().resolve().parent)
    if getattr(config, "export_dir", None) != folder:
        config.export_dir = folder
        save = getattr(config, "save", None)
        try:
            if save is not None:
                save()
        except OSError:
            pass  # remembered for this session
