"""HttpService + sync over real TCP: a sandbox served by uvicorn in a child process on loopback."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections import Counter

import httpx
import pytest

from sandbox_helpers import activate, local_rows, server_rows
from sbtui.remote.http import HttpService
from sbtui.store import open_store
from sbtui.sync import sync


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("uvicorn-sandbox")
    port = free_port()
    code = (f"from sbtui.remote.sandbox import serve; "
            f"serve(host='127.0.0.1', port={port}, data_dir={str(data)!r}, employees=300)")
    proc = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.1)
        yield type("Server", (), {"url": url, "data": data})
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
async def test_sync_over_tcp_and_lost_reply_replayed(server, tmp_path):
    service = HttpService(server.url, backoff_base=0.01, retries=3,
                          timeout=httpx.Timeout(5.0, read=0.4))
    controls = httpx.AsyncClient(base_url=server.url + "/api/v1")
    store = open_store(tmp_path / "store.db")
    try:
        health = await service.health()
        assert health["ok"] is True
        await activate(service, server.data)
        result = await sync(store, service, page_size=100)
        assert result.full and result.total == 300
        assert local_rows(store) == await server_rows(service)

        target = store.groups.rows()[0]["id"]
        key = store.groups.assign("E0000021", target)
        # the reply comes after the read timeout: the first attempt is lost after the commit
        await controls.post("/sandbox/settings", json={"reply_delay_ms": 1500})
        try:
            pushed = await sync(store, service, page_size=100)
        finally:
            await controls.post("/sandbox/settings", json={"reply_delay_ms": 0})
        assert pushed.pushed == 1
        item = store.outbox.get(key)
        assert item.state == "confirmed" and item.response["replayed"] is True
        effects = (await controls.get("/sandbox/effects", params={"kind": "group.assign"})).json()
        assert Counter(e["key"] for e in effects)[key] == 1
        assert store.registry.employee("E0000021")["group_id"] == target
        outcome = await service.key_outcome(key)
        assert outcome.state == "completed"
        assert await service.key_outcome(str(uuid.uuid4())) is None
    finally:
        store.close()
        await controls.aclose()
        await service.aclose()


async def test_unreachable_service_sync_is_offline(tmp_path):
    service = HttpService(f"http://127.0.0.1:{free_port()}", backoff_base=0, retries=1)
    store = open_store(tmp_path / "store.db")
    store.registry.upsert_employees([])
    try:
        result = await sync(store, service)
        assert result.offline and "无法连接到服务" in result.error
    finally:
        store.close()
        await service.aclose()
