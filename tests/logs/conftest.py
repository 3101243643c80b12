"""Fixtures shared by the log tests."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import exercise_id


@pytest.fixture
def bench(client: TestClient) -> int:
    """The built-in barbell bench press's id."""
    return exercise_id(client, "barbell-bench-press")
