"""A real ``gravl serve`` on a free loopback port, over a freshly migrated and seeded SQLite file.

Shared by the browser tests and scripts/screenshots.py.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

GRAVL = Path(sys.executable).parent / "gravl"
CHROMIUM = "/usr/bin/chromium"
# No downloads, no background traffic: the browser talks to the loopback server only.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"mobile": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, *, demo: bool = False) -> None:
        self._demo = demo
        self._tmp = tempfile.TemporaryDirectory(prefix="gravl-e2e-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "GRAVL_ENV": "test",
            "GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{self._tmp.name}/gravl.db",
            "GRAVL_SECRET_KEY": secrets.token_urlsafe(32),
            "GRAVL_METRICS_PORT": str(free_port()),
            # Every test signs up from 127.0.0.1; the per-address limits are tested elsewhere.
            "GRAVL_REGISTER_PER_HOUR": "10000",
            "GRAVL_LOGIN_PER_MINUTE": "10000",
            "GRAVL_LOG_LEVEL": "warning",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LiveServer:
        commands = [["db", "upgrade"], ["seed"], *([["demo"]] if self._demo else [])]
        for command in commands:
            subprocess.run([str(GRAVL), *command], env=self.env, check=True, capture_output=True)
        self._process = subprocess.Popen(
            [str(GRAVL), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"gravl serve exited early:\n{stderr}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError("gravl serve did not become healthy in time")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._tmp.cleanup()
