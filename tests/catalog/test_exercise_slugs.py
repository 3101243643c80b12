"""Custom exercises whose names slug alike each get their own slug."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _create(client: TestClient, lifter: Account, name: str, expect: int = 201) -> dict:
    response = client.post(
        "/api/exercises",
        json={"name": name, "primary_muscles": ["biceps"]},
        headers=lifter.headers,
    )
    assert response.status_code == expect, response.text
    return dict(response.json())


@pytest.mark.parametrize(
    "names",
    [
        ["Zercher Curl!", "Zercher Curl?", "zercher-curl", "Zercher-Curl."],
        ["💪", "🏋️", "🤸"],
        ["x" * 120, "x" * 119 + "!"],
    ],
)
def test_names_that_slug_alike_get_distinct_slugs(
    client: TestClient, lifter: Account, names: list[str]
) -> None:
    created = [_create(client, lifter, name) for name in names]
    slugs = [e["slug"] for e in created]
    assert len(set(slugs)) == len(slugs)
    assert all(SLUG.match(s) and len(s) <= 120 for s in slugs)
    for exercise, name in zip(created, names, strict=True):
        stored = client.get(f"/api/exercises/{exercise['id']}", headers=lifter.headers).json()
        assert (stored["name"], stored["slug"], stored["is_custom"]) == (
            name,
            exercise["slug"],
            True,
        )


def test_slugs_are_deterministic_suffixes(client: TestClient, lifter: Account) -> None:
    first = _create(client, lifter, "Zercher Curl!")["slug"]
    second = _create(client, lifter, "Zercher Curl?")["slug"]
    third = _create(client, lifter, "Zercher Curl.")["slug"]
    assert (second, third) == (f"{first}-2", f"{first}-3")


def test_a_duplicate_name_is_still_409(client: TestClient, lifter: Account) -> None:
    _create(client, lifter, "Zercher Curl!")
    error = _create(client, lifter, "zercher curl!", expect=409)["error"]
    assert error["code"] == "conflict"


def test_two_lifters_may_use_the_same_name(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    mine = _create(client, lifter, "💪")["slug"]
    theirs = _create(client, other_lifter, "💪")["slug"]
    assert mine != theirs
