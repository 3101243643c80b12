"""GRAVL_KEEP_ALIVE_S reaches uvicorn: a connection idle just under it is reused without a
reset, and the server closes it once idle past it (not at uvicorn's 5 s default)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.ops.live_server import gravl, live_server

KEEP_ALIVE_S = 2
JUST_UNDER_S = 1.5  # a reuse at 75 % of the keep-alive, as a proxy's idle timeout would be
UVICORN_DEFAULT_S = 5


def request(sock: socket.socket, host: str) -> bytes:
    """Send a keep-alive GET on ``sock``; return the status line of its complete response."""
    sock.sendall(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        assert chunk, f"the server closed the connection instead of answering: {received!r}"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = dict(line.lower().split(b": ", 1) for line in lines[1:])
    assert headers.get(b"connection") != b"close", head
    length = int(headers[b"content-length"])
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection mid-response"
        body += chunk
    return lines[0]


@pytest.mark.slow
def test_idle_connections_live_as_long_as_the_keep_alive_setting(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/gravl.db"
    upgraded = gravl("db", "upgrade", env={"GRAVL_DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    env = {"GRAVL_KEEP_ALIVE_S": str(KEEP_ALIVE_S)}
    with live_server(url, tmp_path, workers=2, env=env) as server:
        host, port = server.api.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            assert request(sock, host) == b"HTTP/1.1 200 OK"
            for _ in range(3):
                time.sleep(JUST_UNDER_S)
                # A reset here (ConnectionResetError, or an empty read) is what a proxy sees
                # as a 502 when it reuses a connection the server has just closed.
                assert request(sock, host) == b"HTTP/1.1 200 OK"
            answered = time.monotonic()
            assert sock.recv(1) == b"", "the server sent more than the response"
            closed_after = time.monotonic() - answered
    # Closed by the server once idle for the setting (give a loaded machine a second's slack).
    assert KEEP_ALIVE_S - 0.1 <= closed_after < UVICORN_DEFAULT_S - 1, closed_after
