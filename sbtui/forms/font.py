"""Where the forms' CJK font is (a subset of Noto Sans CJK SC, SIL OFL 1.1; assets/README.md).

The font lives in the repository's ``assets/fonts/``. ``sbtui/forms/fonts/`` holds symbolic
links to it, which the wheel ships as package data (pyproject.toml), so a regular
``pip install .`` finds it as a resource of this package; a checkout or an editable install
finds it either through the links or, where links did not survive (a checkout on a file
system without them), in ``assets/fonts/`` itself.
"""
from __future__ import annotations

import functools
from pathlib import Path

from sbtui.forms import strings as S
from sbtui.forms.common import FormError

FONT_NAME = "SbtuiSansSC-Regular.ttf"
FONT_FAMILY = "sbtui-cjk"


class FontMissing(FormError):
    """The font file is nowhere: ``str(e)`` is Chinese for the user."""


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [
        Path(__file__).parent / "fonts" / FONT_NAME,  # package data (wheel) or link
        here.parent.parent / "assets" / "fonts" / FONT_NAME,  # checkout / editable install
    ]


@functools.cache
def font_path() -> Path:
    """The font file; :class:`FontMissing` when no candidate is a real font file (a link that
    became a small text file on checkout is not)."""
    for p in _candidates():
        try:
            if p.is_file() and p.stat().st_size > 4096:
                return p
        except OSError:
            continue
    raise FontMissing(S.NO_FONT.format(name=FONT_NAME))
