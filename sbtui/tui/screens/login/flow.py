"""The start and login flows (SPEC L1–L6), as one readable sequence of steps.

Each step is a screen that does its own IO in a worker, shows its own errors inline and
dismisses with its result (``None``: back / cancelled). The flow runs in an app worker
(``group="flow"``) and awaits each step with ``push_screen_wait``; it holds no widgets.

    start ─ region (L1) ─ employer list (L3) ─┬─ add (L2): USCC ×2 → confirm → security check
                                               │      → forced change → registration info ─┐
                                               └─ login (L4) [→ forced change] ────────────┤
                                        initialization (L5) → choose the registration (L6) → home
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sbtui.domain.models import EmployerRecord, Session
from sbtui.domain.vocab import Role
from sbtui.tui.screens.login.security import Entered

if TYPE_CHECKING:
    from sbtui.tui.app import SbtuiApp


class LoginFlow:
    """Drives the step screens of L1–L6 for the app."""

    def __init__(self, app: "SbtuiApp") -> None:
        self.app = app

    # -- entry points (called from screens and app actions) -------------------------------
    def first_screen(self):
        """Region choice on a first start, else the employer list (the start screen)."""
        from sbtui.tui.screens.login.employers import EmployerListScreen
        from sbtui.tui.screens.login.region import RegionScreen

        if self.app.ws.config.region is None:
            return RegionScreen()
        return EmployerListScreen()

    def add_employer(self) -> None:
        self.app.run_worker(self._add_employer(), group="flow", exclusive=True)

    def login(self, uscc: str, name: str) -> None:
        self.app.run_worker(self._login(uscc, name), group="flow", exclusive=True)

    def offline(self, uscc: str, name: str) -> None:
        self.app.run_worker(self._offline(uscc, name), group="flow", exclusive=True)

    async def _gate(self, uscc: str, name: str) -> bool:
        """The local 登录密码 when one is set (manual 001 §2.6.1); True when it may go on."""
        from sbtui.tui.screens.login.gate import LoginPasswordScreen

        if not await self.app.run_in_thread(self.app.ws.users.has_login_password, uscc):
            return True
        return bool(await self.app.push_screen_wait(LoginPasswordScreen(uscc, name)))

    async def _offline(self, uscc: str, name: str) -> None:
        if await self._gate(uscc, name):
            await self._enter(uscc, name, None)

    # -- L2 -------------------------------------------------------------------------------
    async def _add_employer(self) -> None:
        from sbtui.tui.screens.login.add_employer import AddEmployerScreen, ConfirmEmployerScreen
        from sbtui.tui.screens.login.password import ForcedChangeScreen
        from sbtui.tui.screens.login.reginfo import RegistrationInfoScreen
        from sbtui.tui.screens.login.security import SecurityScreen

        wait = self.app.push_screen_wait
        step, uscc_typed = 0, ""
        records: list[EmployerRecord] = []
        record: EmployerRecord | None = None
        entered: Entered | None = None
        while True:
            if step == 0:
                found = await wait(AddEmployerScreen(uscc_typed))
                if found is None:
                    return
                uscc_typed, records = found
                step = 1
            elif step == 1:
                record = await wait(ConfirmEmployerScreen(records))
                step = 2 if record is not None else 0
            elif step == 2:
                entered = await wait(SecurityScreen(record.uscc, record.name, first_time=True))
                if entered is None:
                    step = 1
                elif entered.session.must_change_password:
                    step = 3
                else:  # the initial password was changed before (e.g. on another machine)
                    step = 4
            elif step == 3:
                session = await wait(ForcedChangeScreen(record.uscc, record.name, old=entered.password))
                if session is None:
                    return  # the must-change token cannot do anything else: start again
                entered = Entered(session, "")
                self.app.notify(_s().CHANGE_DONE)
                step = 4
            else:
                saved = await wait(RegistrationInfoScreen(record, entered.session))
                if saved is None:
                    return
                self.app.notify(_s().ADDED)
                await self._enter(record.uscc, record.name, entered.session)
                return

    # -- L4 -------------------------------------------------------------------------------
    async def _login(self, uscc: str, name: str) -> None:
        from sbtui.tui.screens.login.password import ForcedChangeScreen
        from sbtui.tui.screens.login.security import SecurityScreen

        if not await self._gate(uscc, name):
            return
        entered = await self.app.push_screen_wait(SecurityScreen(uscc, name, first_time=False))
        if entered is None:
            return
        if entered.offline:  # already past the gate
            await self._enter(uscc, name, None)
            return
        session = entered.session
        if session.must_change_password:  # a sub-user's first login (SPEC U1)
            session = await self.app.push_screen_wait(
                ForcedChangeScreen(uscc, name, old=entered.password, username=session.username))
            if session is None:
                return
            self.app.notify(_s().CHANGE_DONE)
        kept = await self.app.run_in_thread(self.app.ws.keep_token, session)
        if not kept.token_stored:
            self.app.tell_token_not_kept()
        await self._enter(uscc, name, session)

    # -- L5, L6 ---------------------------------------------------------------------------
    async def _enter(self, uscc: str, name: str, session: Session | None) -> None:
        """Initialize (online) and choose the registration, then land on the home screen.
        ``session`` None: 离线使用 with the local data."""
        from sbtui.tui.screens.login.choose_unit import ChooseUnitScreen
        from sbtui.tui.screens.login.init import InitScreen

        app = self.app
        if session is not None:
            done = await app.push_screen_wait(InitScreen(uscc, name))
            if done is None:
                return
            if done == "offline":
                session = None
        role = session.role if session else await app.run_in_thread(_last_role, app, uscc)
        username = session.username if session else None
        if session is not None:
            await app.run_in_thread(_remember_role, app, uscc, session)
        units = await app.run_in_thread(_units, app, uscc)
        entry = app.ws.config.employer(uscc)
        unit = entry.unit_number if entry else None
        if len(units) == 1:
            unit = units[0]["unit_number"]
        elif len(units) > 1:
            unit = await app.push_screen_wait(ChooseUnitScreen(units, current=unit))
            if unit is None:
                return
        await app.begin_session(uscc=uscc, name=name, unit=unit, role=role, username=username,
                                offline=session is None)


def _s():
    from sbtui.tui.strings import login

    return login


def _units(app, uscc: str) -> list[dict]:
    from sbtui.domain.catalogue import catalogue

    catalogue()  # read the data file here, not on the UI loop
    return app.ws.employer(uscc).registry.registrations()


def _last_role(app, uscc: str) -> str:
    return app.ws.employer(uscc).last_role(Role.ADMIN)


def _remember_role(app, uscc: str, session: Session) -> None:
    app.ws.employer(uscc).remember_role(session.role)
