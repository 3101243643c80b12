"""Training preferences on the profile (issue 16): set with PATCH /api/me, shown by GET."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import Account


def _patch(client: TestClient, account: Account, preferences: object) -> Response:
    return client.patch("/api/me", json={"preferences": preferences}, headers=account.headers)


def test_preferences_start_as_no_restriction(client: TestClient, lifter: Account) -> None:
    prefs = client.get("/api/me", headers=lifter.headers).json()["preferences"]
    assert prefs == {
        "goal": "general",
        "equipment": None,
        "session_minutes": None,
        "excluded_exercises": [],
        "excluded_muscles": [],
        "accessory_sessions": True,
    }


def test_a_patch_changes_the_fields_it_names(client: TestClient, lifter: Account) -> None:
    first = _patch(client, lifter, {"goal": "hypertrophy", "equipment": ["dumbbell", "bands"]})
    assert first.status_code == 200, first.text
    second = _patch(
        client,
        lifter,
        {
            "session_minutes": 45,
            "excluded_muscles": [{"muscle_group": "lower_back", "until": "2026-12-24"}],
        },
    )
    prefs = second.json()["preferences"]
    assert prefs["goal"] == "hypertrophy" and prefs["equipment"] == ["dumbbell", "bands"]
    assert prefs["session_minutes"] == 45
    assert prefs["excluded_muscles"] == [{"muscle_group": "lower_back", "until": "2026-12-24"}]
    assert client.get("/api/me", headers=lifter.headers).json()["preferences"] == prefs
    # Back to a full gym: null clears the equipment list.
    cleared = _patch(client, lifter, {"equipment": None}).json()["preferences"]
    assert cleared["equipment"] is None and cleared["goal"] == "hypertrophy"


def test_bad_preferences_are_refused_whole(client: TestClient, lifter: Account) -> None:
    for bad, field in [
        ({"goal": "bulk"}, "preferences.goal"),
        ({"equipment": ["rowing_machine"]}, "preferences.equipment[0]"),
        ({"session_minutes": 5}, "preferences.session_minutes"),
        (
            {"excluded_muscles": [{"muscle_group": "wings"}]},
            "preferences.excluded_muscles[0].muscle_group",
        ),
        ({"excluded_exercises": [0]}, "preferences.excluded_exercises[0]"),
        ({"colour": "blue"}, "preferences.colour"),
    ]:
        response = _patch(client, lifter, bad)
        assert response.status_code == 422, bad
        fields = [d["field"] for d in response.json()["error"]["details"]]
        assert field in fields, (bad, fields)
    assert client.get("/api/me", headers=lifter.headers).json()["preferences"]["goal"] == "general"


def test_null_clears_a_list_and_keeps_a_choice(client: TestClient, lifter: Account) -> None:
    """Found by fuzzing: `excluded_muscles: null` was a 500."""
    _patch(
        client,
        lifter,
        {
            "goal": "strength",
            "excluded_muscles": [{"muscle_group": "neck"}],
            "excluded_exercises": [3],
        },
    )
    response = _patch(
        client,
        lifter,
        {"goal": None, "excluded_muscles": None, "excluded_exercises": None, "equipment": None},
    )
    assert response.status_code == 200, response.text
    prefs = response.json()["preferences"]
    assert prefs["goal"] == "strength"
    assert prefs["excluded_muscles"] == [] and prefs["excluded_exercises"] == []
    assert prefs["equipment"] is None
