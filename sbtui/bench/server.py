"""A sandbox server in a child process on a free loopback port, for benchmarks and tests."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SandboxServer:
    """``with SandboxServer(data_dir, employees=N) as srv: srv.url``"""

    def __init__(self, data_dir: Path, *, employees: int = 2000, seed: int = 1, timeout: float = 600) -> None:
        self.data_dir = Path(data_dir)
        self.employees = employees
        self.seed = seed
        self.timeout = timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "SandboxServer":
        cmd = [sys.executable, "-m", "sbtui", "sandbox", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--data", str(self.data_dir), "--employees", str(self.employees), "--seed", str(self.seed)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.timeout
        # one client for the polling: httpx.get() would build (and load the CA bundle into) a
        # new TLS context every 0.1 s, a core's worth of CPU taken from the seeding server
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                    raise RuntimeError(f"sandbox server exited: {err[-2000:]}")
                try:
                    if client.get(f"{self.url}/api/v1/health").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sandbox server did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
