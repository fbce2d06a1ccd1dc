"""The Textual user interface. Screens call the service layer (:mod:`sbtui.workspace`); IO runs
in workers. Nothing outside this package imports Textual.

:func:`run` is what ``sbtui`` with no command starts.
"""
from __future__ import annotations

import os


def run(home: str | None = None, remote: str | None = None, allow_token_file: bool = False) -> None:
    """Run the TUI on the workspace at ``home`` (remote: a service URL; none: the embedded
    sandbox). With ``$SBTUI_BENCH_EXIT_ON_READY`` set it exits as soon as the first screen is
    ready and prints ``ready <seconds>`` (``sbtui bench start``)."""
    from sbtui.tui.app import SbtuiApp
    from sbtui.workspace import Workspace

    ws = Workspace(home, remote=remote, allow_token_file=allow_token_file)
    app = SbtuiApp(ws)
    app.run()
    if os.environ.get("SBTUI_BENCH_EXIT_ON_READY") and app.ready_at is not None:
        print(f"ready {app.ready_at:.4f}", flush=True)
