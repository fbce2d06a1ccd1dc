"""``python -m sbtui.bench.import_child HOME USCC FILE``: import a wage file into the employer's
编辑区 as the screens do (``WagesService.import_draft``) in a fresh process, then print one JSON
line: ``loaded``, ``errors``, ``base_mb`` (peak RSS before the import: the interpreter, the
workspace and the modules the import needs) and ``peak_mb`` (peak RSS after it) -- the peak
memory of the import (issue 16), which a process that ran other steps first would hide."""
from __future__ import annotations

import json
import resource
import sys


def _peak_mb() -> float:
    """This process's peak RSS: ``VmHWM`` (per address space, so it starts afresh at exec —
    ``ru_maxrss`` keeps the forking parent's peak across exec), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(home: str, uscc: str, path: str) -> None:
    import sbtui.xlsx.backends  # noqa: F401 - the reader's modules count in the base
    import sbtui.xlsx.wages  # noqa: F401
    from sbtui.workspace import Workspace

    ws = Workspace(home)
    wages = ws.employer(uscc).wages
    base = _peak_mb()
    outcome = wages.import_draft(path)
    print(json.dumps({"loaded": outcome.loaded, "errors": len(outcome.errors), "base_mb": base,
                      "peak_mb": _peak_mb()}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
