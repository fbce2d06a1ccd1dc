"""Push rules with a scripted fake service: FIFO, one key per item, 409 waits, refusals, stops."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from sbtui.domain.models import ChangesPage, RegistryPage
from sbtui.remote import errors as E
from sbtui.remote.interface import RemoteService
from sbtui.store import open_store
from sbtui.sync import sync
from store_helpers import GROUPS, emp


class Scripted(RemoteService):
    """Answers perform() from a script of exceptions/answers; a one-page empty registry."""

    def __init__(self, script=None, *, employees=()):
        self.script = list(script or [])
        self.calls: list[tuple[str, str, dict]] = []
        self.employees = list(employees)

    async def perform(self, kind, payload, *, key):
        self.calls.append((kind, key, payload))
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        eid = payload.get("employee_id", "E0000001")
        n = int(eid[1:])
        body = json.loads(emp(n, seq=100 + len(self.calls), group_id=payload["body"]["group_id"]).model_dump_json())
        return {"status": 200, "body": body, "replayed": step == "replayed"}

    async def employees_page(self, *, after=None, limit=2000):
        return RegistryPage(items=[e.to_doc() for e in self.employees], next_after=None, cursor=5, total=len(self.employees))

    async def employee_changes(self, *, since, limit=2000):
        return ChangesPage(items=[], cursor=max(since, 5), has_more=False)

    async def groups(self):
        return GROUPS

    async def registrations(self):
        return []

    async def health(self):
        return {"ok": True}

    async def region(self):
        return {}

    async def lookup_employer(self, uscc):
        return []

    async def login(self, uscc, password, *, username=None):
        raise NotImplementedError

    async def change_password(self, old, new, *, key):
        raise NotImplementedError

    async def key_outcome(self, key):
        return None

    async def session_info(self):
        raise NotImplementedError

    async def employer_info(self):
        raise NotImplementedError

    async def users(self):
        raise NotImplementedError

    async def add_user(self, username, permission, remark="", *, key):
        raise NotImplementedError

    async def modify_user(self, username, *, permission=None, remark=None, key):
        raise NotImplementedError

    async def disable_user(self, username, *, key):
        raise NotImplementedError

    async def enable_user(self, username, *, key):
        raise NotImplementedError

    async def reset_user_password(self, username, *, key):
        raise NotImplementedError

    async def home_todo(self):
        raise NotImplementedError

    async def notices(self):
        raise NotImplementedError

    async def messages(self):
        raise NotImplementedError

    async def mark_message_read(self, message_id, *, key):
        raise NotImplementedError

    # the fee side holds nothing for this employer; nothing is ever pending feedback here
    async def dues(self, *, unit_number=None, period_from=None, period_to=None):
        return []

    async def declarations(self, *, status=None, date_from=None, date_to=None, kind=None):
        return []

    async def projects(self):
        return []

    async def credits(self):
        return []

    async def pay_list(self):
        return []

    async def authorize_payment(self, password):
        raise NotImplementedError

    async def payments(self, *, date_from=None, date_to=None):
        return []

    async def payment(self, payment_id):
        raise NotImplementedError

    async def vouchers(self, *, date_from=None, date_to=None):
        return []

    async def voucher(self, number):
        raise NotImplementedError

    async def deposit_accounts(self):
        return []

    async def agreements(self):
        return []

    async def agreement(self, agreement_id):
        raise NotImplementedError

    async def certificates(self, *, date_from=None, date_to=None):
        return []

    async def certificate(self, number):
        raise NotImplementedError

    async def verify_certificate(self, number, code):
        raise NotImplementedError

    async def paid_lines(self, *, period_from, period_to, id_number=None, name=None):
        return []

    async def paid_records(self, *, period_from, period_to, ticket_number=None):
        return []

    async def refunds(self, *, date_from=None, date_to=None):
        return []

    async def refund(self, refund_id):
        raise NotImplementedError

    async def wage_declaration(self, declaration_id):
        raise NotImplementedError

    async def wage_declarations(self, limit=50):
        raise NotImplementedError

    async def due_detail(self, unit_number, period, item):
        raise NotImplementedError

    async def declaration(self, declaration_id):
        raise NotImplementedError

    async def declaration_employees(self, declaration_id, line=None):
        raise NotImplementedError

    async def project_lookup(self, project_id):
        raise NotImplementedError

    async def aclose(self):
        pass


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "s.db")
    s.groups.replace(GROUPS)
    s.registry.upsert_employees([emp(n, group_id="G1") for n in range(1, 6)])
    s.sync_set("cursor", 5)
    yield s
    s.close()


def conflict():
    return E.ConflictError("处理中", code="idempotency_in_progress", status=409)


async def test_fifo_order_and_original_keys(store):
    keys = [store.groups.assign(f"E{n:07d}", "G4") for n in (4, 2, 3)]
    svc = Scripted(employees=[emp(n, group_id="G1") for n in range(1, 6)])
    result = await sync(store, svc)
    assert [k for _, k, _ in svc.calls] == keys
    assert result.pushed == 3
    assert [store.outbox.get(k).state for k in keys] == ["confirmed"] * 3


async def test_conflict_waits_and_retries_with_same_key(store):
    key = store.groups.assign("E0000001", "G2")
    svc = Scripted([conflict(), conflict(), "replayed"])
    result = await sync(store, svc, conflict_wait=0.001)
    assert [k for _, k, _ in svc.calls] == [key] * 3
    item = store.outbox.get(key)
    assert item.state == "confirmed" and item.attempts == 3 and item.response["replayed"] is True
    assert result.pushed == 1


async def test_conflict_past_the_bound_leaves_item_sent_and_stops_pushing(store):
    first = store.groups.assign("E0000001", "G2")
    second = store.groups.assign("E0000002", "G2")
    svc = Scripted([conflict()] * 3)
    result = await sync(store, svc, conflict_wait=0.001, conflict_tries=2)
    assert [k for _, k, _ in svc.calls] == [first] * 3
    assert store.outbox.get(first).state == "sent"
    assert store.outbox.get(second).state == "queued"
    assert result.pushed == 0 and result.error == "处理中" and not result.offline


@pytest.mark.parametrize("error", [E.RefusedError("职工不存在", code="not_found", status=404),
                                   E.KeyReusedError("键已用", code="idempotency_key_reused", status=422)])
async def test_refusal_marks_refused_and_continues(store, error):
    first = store.groups.assign("E0000001", "G2")
    second = store.groups.assign("E0000002", "G3")
    result = await sync(store, Scripted([error]))
    assert result.refused == 1 and result.pushed == 1
    assert result.refusals[0].key == first and result.refusals[0].message == str(error)
    assert store.outbox.get(first).state == "refused"
    assert store.outbox.get(first).response["body"]["code"] == error.code
    assert store.registry.employee("E0000001")["group_id"] == "G1"
    assert store.outbox.get(second).state == "confirmed"


async def test_server_error_stops_push_but_pull_runs(store):
    first = store.groups.assign("E0000001", "G2")
    second = store.groups.assign("E0000002", "G3")
    svc = Scripted([E.ServerError("服务内部错误", status=500)], employees=[emp(n) for n in range(1, 7)])
    result = await sync(store, svc)
    assert len(svc.calls) == 1
    assert store.outbox.get(first).state == "sent"
    assert store.outbox.get(second).state == "queued"
    assert result.error == "服务内部错误" and not result.offline
    assert result.full is False and store.registry.employee_count() == 5  # incremental pull ran (no changes)


async def test_auth_error_raises_and_item_stays_sent(store):
    key = store.groups.assign("E0000001", "G2")
    with pytest.raises(E.SessionExpired):
        await sync(store, Scripted([E.SessionExpired("登录已失效", status=401)]))
    item = store.outbox.get(key)
    assert item.state == "sent" and item.last_error == "登录已失效"
    svc = Scripted()
    await sync(store, svc)
    assert [k for _, k, _ in svc.calls] == [key]  # re-sent with its key after the crash-like stop
    assert store.outbox.get(key).state == "confirmed"


async def test_item_sent_before_a_crash_is_resent_with_its_key(store):
    key = store.groups.assign("E0000003", "G4")
    store.outbox.mark_sent(key)  # we died mid-request
    svc = Scripted(["replayed"])
    result = await sync(store, svc)
    assert svc.calls[0][1] == key and result.pushed == 1
    assert store.outbox.get(key).attempts == 2


async def test_push_progress_and_result_totals(store):
    store.groups.assign("E0000001", "G2")
    store.groups.assign("E0000002", "G2")
    events = []
    result = await sync(store, Scripted(), progress=events.append)
    pushes = [(e.done, e.total) for e in events if e.phase == "push"]
    assert pushes == [(0, 2), (1, 2), (2, 2)]
    assert result.total == 5
    assert datetime.fromisoformat(store.sync_get("last_sync_at")).tzinfo == timezone.utc


async def test_an_item_settled_by_another_process_mid_request_is_left_alone(store, monkeypatch):
    """issue 14 finding 5: while this push awaits the service, another process on the same home
    (its own connection) confirms the item, just after this push looked (the first look is
    made to miss it: the race between two processes); this push accepts the settled state
    instead of failing with "outbox item … is confirmed, not queued or sent"."""
    import importlib

    push_module = importlib.import_module("sbtui.sync.push")

    real, looks = push_module._settled, []

    def late(store_, key_):  # the first look happens before the other process's write
        looks.append(key_)
        return False if len(looks) == 1 else real(store_, key_)

    monkeypatch.setattr(push_module, "_settled", late)
    key = store.groups.assign("E0000001", "G2")
    other = open_store(store.path)

    class OtherSettles(Scripted):
        async def perform(self, kind, payload, *, key):
            answer = await super().perform(kind, payload, key=key)
            other.outbox.mark_confirmed(key, {**answer, "replayed": True})  # the other sender's
            return answer

    try:
        result = await sync(store, OtherSettles())
    finally:
        other.close()
    item = store.outbox.get(key)
    assert item.state == "confirmed" and item.response["replayed"] is True
    assert result.pushed == 0 and result.refused == 0


def test_another_process_syncing_is_refused_with_a_clear_message(store, tmp_path):
    """issue 14 finding 5: a second process finds the store's sync lock taken: SyncBusy
    ("另一个 sbtui 进程正在同步…", a ConflictError: the CLI's exit 5), nothing sent."""
    import subprocess
    import sys
    import textwrap

    from sbtui.store.synclock import BUSY, SyncBusy, sync_lock

    code = textwrap.dedent(f"""
        import asyncio, sys
        from sbtui.store import open_store
        from sbtui.store.synclock import SyncBusy
        from sbtui.sync import sync
        store = open_store({str(store.path)!r})
        try:
            asyncio.run(sync(store, None))
        except SyncBusy as e:
            print("BUSY", e.message)
    """)
    with sync_lock(store.path), sync_lock(store.path):  # re-entrant within this process
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == f"BUSY {BUSY}", out.stderr[-2000:]
    assert BUSY.startswith("另一个 sbtui 进程正在同步") and issubclass(SyncBusy, E.ConflictError)
