"""初始化 (SPEC L5; manual 000 §1.3.2): after login, steps with progress — check the user, refresh
groups and unit registrations, download the registry (full the first time, incremental after),
fetch the notices. A failed optional step (通知公告) is a warning and does not block; a failed
required step can be retried (r), or, offline with local data, skipped for 离线使用 (F5)."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from sbtui.domain.vocab import Role
from sbtui.remote.errors import OfflineError, ServiceError
from sbtui.sync.progress import SyncProgress
from sbtui.tui.keys import keyed
from sbtui.tui.screens.base import BaseScreen
from sbtui.tui.strings import login as S

USER, GROUPS, REGISTRY, NOTICES = range(4)
MARKS = {"waiting": "○", "running": "◌", "done": "✓", "failed": "✗", "warning": "!"}
WORDS = {"waiting": S.STEP_WAITING, "running": S.STEP_RUNNING, "done": S.STEP_DONE,
         "failed": S.STEP_FAILED, "warning": S.STEP_WARNING}


class InitScreen(BaseScreen):
    """Runs the steps; dismisses with the SyncResult, "offline" (F5) or None (Esc)."""

    SCREEN_ID = "init"
    TITLE = S.INIT_TITLE
    HELP = S.INIT_HELP
    CSS_PATH = ["steps.tcss", "init.tcss"]
    BINDINGS = [
        keyed("init", "retry", "r", "retry", S.KEY_RETRY),
        keyed("init", "offline", "f5", "offline", S.KEY_OFFLINE),
        keyed("init", "back", "escape", "app.back", S.KEY_BACK),
    ]

    def __init__(self, uscc: str, name: str) -> None:
        super().__init__()
        self.uscc = uscc
        self.employer_name = name
        self.labels = [S.STEP_USER, S.STEP_GROUPS, S.STEP_REGISTRY, S.STEP_NOTICES]  # （增量） or （全量） once known
        self.states = ["waiting"] * 4
        self.notes = [""] * 4
        self.failed = False
        self.local_count = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="init-box", classes="step-box") as box:
            box.border_title = f"{S.INIT_TITLE} · {self.employer_name}"
            yield Static("", id="init-steps")
            yield ProgressBar(id="init-progress", show_eta=False)
            yield Static("", id="init-msg", classes="step-status")
            yield Static("", id="init-note", classes="step-hint")

    def on_mount(self) -> None:
        self.render_steps()
        self.run_steps()

    def go_back(self) -> None:
        if self.failed:
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.failed
        if action == "offline":
            return self.failed and self.local_count > 0
        return True

    # -- display ---------------------------------------------------------------------------
    def mark(self, step: int, state: str, note: str = "") -> None:
        self.states[step] = state
        self.notes[step] = note
        self.render_steps()

    def render_steps(self) -> None:
        lines = []
        for n, (label, state, note) in enumerate(zip(self.labels, self.states, self.notes), start=1):
            tail = f"  {note}" if note else ""
            lines.append(f"{MARKS[state]} {n}. {label}　[{WORDS[state]}]{tail}")
        self.query_one("#init-steps", Static).update("\n".join(lines))

    def say(self, message: str, kind: str = "info") -> None:
        widget = self.query_one("#init-msg", Static)
        widget.update(message)
        widget.set_classes(f"step-status {kind}")

    def progress(self, event: SyncProgress) -> None:
        """The sync's progress callback (runs on the UI loop)."""
        bar = self.query_one(ProgressBar)
        if event.phase == "groups":
            self.mark(GROUPS, "done" if event.done >= (event.total or 0) else "running")
        elif event.phase in ("full", "changes"):
            if self.states[GROUPS] != "done":
                self.mark(GROUPS, "done")
            if self.states[REGISTRY] != "running":
                self.mark(REGISTRY, "running")
            bar.update(total=event.total, progress=event.done)
            self.notes[REGISTRY] = f"{event.done}/{event.total}" if event.total else f"{event.done}"
            self.render_steps()
        if event.message:
            self.say(event.message)
        self.host.sync_text = _short(event)

    # -- the steps -------------------------------------------------------------------------
    def action_retry(self) -> None:
        if self.failed:
            self.run_steps()

    def action_offline(self) -> None:
        if self.failed and self.local_count:
            self.dismiss("offline")

    def _fail(self, step: int, message: str) -> None:
        self.mark(step, "failed")
        self.failed = True
        self.say(message, "error")
        self.query_one("#init-note", Static).update(S.INIT_RETRY)
        self.host.sync_text = ""
        self.refresh_bindings()

    def _local(self) -> tuple[int, bool]:
        employer = self.ws.employer(self.uscc)
        return employer.local_employees(), not employer.downloaded()

    @work(exclusive=True, group="init")
    async def run_steps(self) -> None:
        app, ws = self.app, self.ws
        self.failed = False
        self.refresh_bindings()
        self.states = ["waiting"] * 4
        self.notes = [""] * 4
        self.query_one("#init-note", Static).update("")
        self.local_count, first = await app.run_in_thread(self._local)  # type: ignore[attr-defined]
        self.labels[REGISTRY] = S.STEP_REGISTRY_FULL if first else S.STEP_REGISTRY_INC
        if first:
            self.query_one("#init-note", Static).update(S.INIT_FIRST_NOTE)
        self.mark(USER, "running")
        try:
            await ws.session_info()
        except OfflineError:
            app.note_offline()  # type: ignore[attr-defined]
            return self._fail(USER, S.INIT_OFFLINE if self.local_count else S.LOGIN_NEEDS_SERVICE)
        except ServiceError as exc:
            return self._fail(USER, S.INIT_FAILED.format(error=exc.message))
        self.mark(USER, "done")
        self.mark(GROUPS, "running")
        try:
            result = await ws.sync(self.uscc, progress=self.progress)
        except ServiceError as exc:
            step = GROUPS if self.states[GROUPS] != "done" else REGISTRY
            return self._fail(step, S.INIT_FAILED.format(error=exc.message))
        if result.offline:
            app.note_offline()  # type: ignore[attr-defined]
            self.local_count = result.total
            step = GROUPS if self.states[GROUPS] != "done" else REGISTRY
            return self._fail(step, S.INIT_OFFLINE)
        self.mark(GROUPS, "done")
        self.mark(REGISTRY, "done", str(result.total))
        bar = self.query_one(ProgressBar)
        bar.update(total=max(result.total, 1), progress=max(result.total, 1))
        app.sync_text = ""  # type: ignore[attr-defined]
        app.after_sync(result, quiet=True)  # type: ignore[attr-defined]
        await self._notices()
        await self._users_known()
        self.say(S.INIT_DONE.format(total=result.total, added=result.added, changed=result.changed,
                                    stopped=result.stopped), "ok")
        self.dismiss(result)

    async def _users_known(self) -> None:
        """Remember whether sub-users exist, so that the next login offers both modes (SPEC L4).
        Quiet and optional: a failure changes nothing."""
        session = self.ws.session
        if session is None or session.uscc != self.uscc:
            return
        try:
            if session.role == Role.ADMIN:
                await self.ws.users.list()
            else:  # a sub-user logged in: users exist
                await self.host.run_in_thread(self.ws.users.note_users, self.uscc, True)
        except ServiceError:
            pass

    async def _notices(self) -> None:
        """Optional: a failure is a warning, never a stop."""
        self.mark(NOTICES, "running")
        try:
            notices = await self.ws.service().notices()
        except ServiceError as exc:
            self.mark(NOTICES, "warning", exc.message)
            return
        self.mark(NOTICES, "done", str(len(notices)))


def _short(event: SyncProgress) -> str:
    if event.total:
        return f"{event.message or '同步'} {event.done}/{event.total}"
    return f"{event.message or '同步'} {event.done}"
