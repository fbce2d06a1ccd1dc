"""A real Workspace on the embedded (in-process) sandbox, logged in and synced, for the TUI
pilot tests of the home, users and settings screens."""
from __future__ import annotations

from pathlib import Path

from sbtui.domain.passwords import initial_password
from sbtui.remote.sandbox import info
from sbtui.workspace import Workspace

PASSWORD = "Passw0rd!"


async def sandbox_workspace(home: Path, *, employees: int = 200) -> tuple[Workspace, dict]:
    """The demo employer added, its initial password changed to :data:`PASSWORD`, logged in
    as the administrator and its registry downloaded. Returns the workspace and the facts."""
    ws = Workspace(home)
    ws.config.sandbox_employees = employees
    ws.config.save()
    service = ws.service()  # creates and seeds the sandbox database
    facts = info(ws.config.sandbox_dir)
    first = initial_password(facts["unit_numbers"][0])
    await ws.login(facts["uscc"], first)
    await ws.change_password(first, PASSWORD)
    [record] = await ws.lookup_employer(facts["uscc"])
    ws.save_employer(record, await service.registrations())
    await ws.sync(facts["uscc"])
    return ws, facts
