"""Password hashing runs beside the event loop, not on it (issue 15, finding 6)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from gravl.auth import security
from tests.conftest import Account

BLOCKED_LOGINS = 4


def test_health_answers_while_failed_logins_verify(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verifications that never finish must not hold up other requests.

    Each failed login's verification blocks until the test releases it, so the check does not
    depend on how fast this (shared) machine hashes: were a verification run on the event loop,
    the health check below would wait for the release, which comes only after it.
    """
    real = security._hasher
    entered = threading.Semaphore(0)
    release = threading.Event()

    class BlockingHasher:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            entered.release()
            release.wait(30)
            return real.verify(stored, password)

    monkeypatch.setattr(security, "_hasher", BlockingHasher())

    def fail_login(i: int) -> int:
        body = {"email": f"nobody{i}@example.com", "password": "wrong guess"}
        return client.post("/api/auth/login", json=body).status_code

    with ThreadPoolExecutor(BLOCKED_LOGINS + 1) as pool:
        logins = [pool.submit(fail_login, i) for i in range(BLOCKED_LOGINS)]
        try:
            # One verification under way is enough (the hashing pool runs only a few at once).
            assert entered.acquire(timeout=10)
            health = pool.submit(client.get, "/api/health")
            answered = health.result(timeout=10).status_code
            still_verifying = not release.is_set() and not any(f.done() for f in logins)
        finally:
            release.set()
        statuses = [f.result(timeout=30) for f in logins]
    assert answered == 200
    assert still_verifying
    assert statuses == [401] * BLOCKED_LOGINS


def test_every_hash_and_verification_runs_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[tuple[str, str]] = []
    real = security._hasher

    class RecordingHasher:
        def hash(self, password: str) -> str:
            threads.append(("hash", threading.current_thread().name))
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            threads.append(("verify", threading.current_thread().name))
            return real.verify(stored, password)

    monkeypatch.setattr(security, "_hasher", RecordingHasher())
    lifter = Account(client, "ada@example.com")  # hash
    for email in (lifter.email, "nobody@example.com"):  # verify, and the dummy verify
        body = {"email": email, "password": "wrong guess"}
        assert client.post("/api/auth/login", json=body).status_code == 401
    wrong = client.request("DELETE", "/api/me", json={"password": "x"}, headers=lifter.headers)
    assert wrong.status_code == 401  # verify
    assert [name for name, _ in threads] == ["hash", "verify", "verify", "verify"]
    assert all(thread.startswith("gravl-argon2") for _, thread in threads), threads
