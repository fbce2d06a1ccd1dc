"""Secrets (session tokens) in the OS keyring — never in SQLite, never in logs.

The declaration password itself is never stored: only the session token a login returns.
Where the only keyring backend is ``fail`` (a headless SSH box) or a plaintext one, sbtui says
so and stores nothing unless the user opts in explicitly (``--insecure-token-file``): then the
token goes to ``<home>/secrets.json`` with mode 0600. With ``SBTUI_PASSWORD`` set, nothing needs
storing at all: each command logs in afresh.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from sbtui.private import private_dir

SERVICE = "sbtui"


class InsecureBackendError(Exception):
    """No secure keyring and no opt-in: the secret cannot be kept."""


def backend_name() -> str:
    kr = keyring.get_keyring()
    return f"{type(kr).__module__}.{type(kr).__name__}"


def keyring_is_secure() -> bool:
    name = backend_name().lower()
    return not ("fail" in name or "plaintext" in name or "null" in name)


INSECURE_MESSAGE = (
    "本机没有可用的安全密钥环（keyring 后端：{backend}），登录凭据不会被保存。"
    "请设置环境变量 SBTUI_PASSWORD，或使用 --insecure-token-file 明确同意将会话令牌以 0600 权限保存在 {path}。"
)


class SecretStore:
    def __init__(self, home: Path, *, allow_file: bool = False) -> None:
        self.home = home
        self.allow_file = allow_file
        self.secure = keyring_is_secure()

    @property
    def file(self) -> Path:
        return self.home / "secrets.json"

    def explain(self) -> str:
        return INSECURE_MESSAGE.format(backend=backend_name(), path=self.file)

    def _read_file(self) -> dict[str, str]:
        try:
            return json.loads(self.file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, name: str) -> str | None:
        if self.secure:
            try:
                return keyring.get_password(SERVICE, name)
            except KeyringError:
                return None
        return self._read_file().get(name)  # only ever written after the opt-in

    def set(self, name: str, value: str) -> None:
        if self.secure:
            keyring.set_password(SERVICE, name, value)
            return
        if not self.allow_file:
            raise InsecureBackendError(self.explain())
        data = self._read_file()
        data[name] = value
        private_dir(self.home)
        tmp = self.file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.file)

    def delete(self, name: str) -> None:
        if self.secure:
            try:
                keyring.delete_password(SERVICE, name)
            except KeyringError:
                pass
            return
        data = self._read_file()
        if data.pop(name, None) is not None:
            self._write_all(data)

    def _write_all(self, data: dict[str, str]) -> None:
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
