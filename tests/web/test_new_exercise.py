"""Making an exercise of one's own from the web UI: it is the lifter's alone, its muscles count,
and a wrong form says why next to the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error


def _post(web: TestClient, data: dict[str, str | list[str]]):
    token = csrf_from(web.get("/exercises/new").text)
    return web.post("/exercises/new", data={"csrf_token": token, **data}, follow_redirects=False)


def test_a_new_exercise_is_the_lifters_with_its_muscles(
    web: TestClient, lifter: Account, client: TestClient
) -> None:
    page = web.get("/exercises/new", params={"name": "Sled Push"})
    assert page.status_code == 200 and 'value="Sled Push"' in page.text
    response = _post(
        web,
        {
            "name": "  Sled   Push ",
            "category": "strongman",
            "equipment": "other",
            "mechanic": "compound",
            "force": "push",
            "primary_muscles": ["quadriceps", "glutes"],
            "secondary_muscles": ["calves"],
            "description": "Low handles, drive with the legs.",
        },
    )
    assert response.status_code == 303, response.text
    exercise_id = int(response.headers["location"].rsplit("/", 1)[1])
    mine = client.get(f"/api/exercises/{exercise_id}", headers=lifter.headers)
    assert mine.status_code == 200
    body = mine.json()
    assert body["name"] == "Sled Push" and body["category"] == "strongman"
    assert sorted(body["primary_muscles"]) == ["glutes", "quadriceps"]
    assert body["secondary_muscles"] == ["calves"]
    other = Account(client, "other@example.com")
    assert client.get(f"/api/exercises/{exercise_id}", headers=other.headers).status_code == 404
    # The same name twice is refused, next to the name.
    again = _post(web, {"name": "sled push", "category": "strength", "primary_muscles": "chest"})
    assert again.status_code == 409
    assert "already have an exercise named" in (field_error(again.text, "name") or "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": " ", "primary_muscles": "chest"},
            "name",
            "Give the exercise a name (up to 120 characters).",
        ),
        ({"name": "Thing"}, "primary_muscles", "Tick at least one muscle it mainly trains."),
        (
            {"name": "Thing", "primary_muscles": "wings"},
            "primary_muscles",
            "Tick at least one muscle it mainly trains.",
        ),
        (
            {"name": "Thing", "primary_muscles": "chest", "secondary_muscles": "chest"},
            "secondary_muscles",
            "A muscle is either mainly trained or assisting, not both.",
        ),
        (
            {"name": "Thing", "primary_muscles": "chest", "equipment": "spaceship"},
            "equipment",
            "Choose the equipment from the list.",
        ),
    ],
)
def test_a_wrong_form_says_why_and_makes_nothing(
    web: TestClient,
    lifter: Account,
    client: TestClient,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = _post(web, {"category": "strength", **data})
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    found = client.get("/api/exercises", params={"q": "Thing"}, headers=lifter.headers).json()
    assert all(e["name"] != "Thing" for e in found["items"])
