"""Where sbtui keeps its files, and the small user configuration.

Layout under the home directory (``--home DIR`` > ``$SBTUI_HOME`` > the platform data dir)::

    config.json            remote URL (none = embedded sandbox), employers, current one,
                           the home page's quick buttons,
                           the TUI's keymap ({"binding-id": "key"}) and theme
    employers/<USCC>.db    one local store per employer
    sandbox/sandbox.db     the embedded sandbox service's own database
    secrets.json           only with the explicit insecure opt-in (0600), see sbtui.secrets

The home and its folders are 0700, every file in them 0600 (issue 14; :mod:`sbtui.private`).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from sbtui.private import private_dir, write_private

APP = "sbtui"


def home_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SBTUI_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def exports_dir() -> Path:
    """Where exports and saved forms go by default (issue 15 item 10): an ``sbtui`` folder in
    the user's documents folder (platformdirs), not wherever sbtui was started."""
    return Path(platformdirs.user_documents_dir()) / APP


# SPEC H5: the home page's quick buttons, as action ids (labels in sbtui.services.home.QUICK_ACTIONS):
# 日常申报 / 特殊缴费申报 / 缴费 / 完税证明开具.
DEFAULT_QUICK_BUTTONS = ("declare.daily", "declare.special", "pay", "certificate")


@dataclass
class EmployerEntry:
    uscc: str
    name: str
    unit_number: str | None = None  # the registration worked in (SPEC L6)


@dataclass
class Config:
    home: Path
    remote: str | None = None  # None: the embedded sandbox
    region: str | None = None
    current: str | None = None  # USCC
    employers: list[EmployerEntry] = field(default_factory=list)
    sandbox_employees: int = 2000  # size of the embedded sandbox's demo employer
    quick_buttons: list[str] = field(default_factory=lambda: list(DEFAULT_QUICK_BUTTONS))
    keymap: dict[str, str] = field(default_factory=dict)  # TUI binding id -> key(s)
    theme: str | None = None  # TUI theme name (light/dark toggle)
    export_dir: str | None = None  # the folder last saved to (issue 15 item 10); None: exports_dir()

    @property
    def path(self) -> Path:
        return self.home / "config.json"

    @classmethod
    def load(cls, home: Path) -> "Config":
        path = home / "config.json"
        if not path.exists():
            return cls(home=home)
        raw = json.loads(path.read_text("utf-8"))
        employers = [EmployerEntry(**e) for e in raw.pop("employers", [])]
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__ and k != "home"}
        return cls(home=home, employers=employers, **known)

    def save(self) -> None:
        private_dir(self.home)  # issue 14 finding 8: the home 0700, its files 0600
        data = asdict(self)
        data.pop("home")
        write_private(self.path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))

    def employer(self, uscc: str) -> EmployerEntry | None:
        return next((e for e in self.employers if e.uscc == uscc), None)

    def add_employer(self, entry: EmployerEntry) -> None:
        self.employers = [e for e in self.employers if e.uscc != entry.uscc] + [entry]

    def remove_employer(self, uscc: str) -> None:
        self.employers = [e for e in self.employers if e.uscc != uscc]
        if self.current == uscc:
            self.current = None

    def store_path(self, uscc: str) -> Path:
        return self.home / "employers" / f"{uscc}.db"

    @property
    def sandbox_dir(self) -> Path:
        return self.home / "sandbox"
