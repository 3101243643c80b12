"""Fixtures of the web UI's tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import post_form


@pytest.fixture
def web(client: TestClient, lifter: Account) -> TestClient:
    """A browser signed in as ``lifter`` (a test module may define its own ``web``)."""
    response = post_form(
        client, "/signin", "/signin", {"email": lifter.email, "password": lifter.password}
    )
    assert response.status_code == 303
    return client
