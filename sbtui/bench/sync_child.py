"""``python -m sbtui.bench.sync_child <sbtui arguments>``: the real ``sbtui`` command line, as
the pull and push crash drills run it — or, with ``SBTUI_BENCH_CRASH_BROKEN`` set, a
deliberately broken client, to show the drills can fail (issue 14 finding 10):

- ``drop``: an outbox item found ``sent`` (a kill cut its request) is marked confirmed without
  being sent again — the "re-sent" item is dropped;
- ``newkey``: an item found ``sent`` is sent again under a new key instead of its own;
- ``skip-page``: a full download resumed after a kill skips the page it should fetch next.

Nothing is patched without the variable; the patches live here, never in the client.
"""
from __future__ import annotations

import os
import sys
import uuid

BROKEN_ENV = "SBTUI_BENCH_CRASH_BROKEN"
MUTANTS = ("drop", "newkey", "skip-page")


def _drop() -> None:
    from sbtui.store.outbox import Outbox

    real = Outbox.next_pending

    def next_pending(self):
        while (item := real(self)) is not None and item.state == "sent":
            self.mark_confirmed(item.key, {"status": 200, "body": None, "replayed": False})
        return item

    Outbox.next_pending = next_pending


def _newkey() -> None:
    from sbtui.remote.http import HttpService
    from sbtui.store.outbox import Outbox

    resent: set[str] = set()
    real_next, real_perform = Outbox.next_pending, HttpService.perform

    def next_pending(self):
        item = real_next(self)
        if item is not None and item.state == "sent":
            resent.add(item.key)
        return item

    async def perform(self, kind, payload, *, key):
        return await real_perform(self, kind, payload, key=str(uuid.uuid4()) if key in resent else key)

    Outbox.next_pending, HttpService.perform = next_pending, perform


def _skip_page() -> None:
    from sbtui.remote.http import HttpService

    real = HttpService.employees_page
    first = True

    async def employees_page(self, *, after=None, limit=2000):
        nonlocal first
        page = await real(self, after=after, limit=limit)
        resumed, first = first and after is not None, False
        if resumed and page.next_after is not None:
            # the first page of a resumed download is thrown away
            return await real(self, after=page.next_after, limit=limit)
        return page

    HttpService.employees_page = employees_page


def main(argv: list[str]) -> None:
    broken = os.environ.get(BROKEN_ENV, "")
    if broken:
        {"drop": _drop, "newkey": _newkey, "skip-page": _skip_page}[broken]()
    from sbtui.cli import main as sbtui_main

    sys.argv = ["sbtui", *argv]
    sbtui_main()


if __name__ == "__main__":
    main(sys.argv[1:])
