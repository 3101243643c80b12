"""Training preferences on the profile (issue 16): set with PATCH /api/me, shown by GET."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response

from gravl.auth.preferences import Plates, default_plates
from tests.conftest import Account

BAR_AND_PLATES = {
    "unit": "lb",
    "bar": 45,
    "ez_bar": 25,
    "plates": [2.5, 45, 10, 45, 1.25],
    "dumbbell_step": 5,
    "machine_step": 10,
}


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
        "plates": None,
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


def test_the_bar_and_plates_are_stored_largest_first(client: TestClient, lifter: Account) -> None:
    _patch(client, lifter, {"goal": "strength"})
    response = _patch(client, lifter, {"plates": BAR_AND_PLATES})
    assert response.status_code == 200, response.text
    prefs = response.json()["preferences"]
    assert prefs["plates"] == {**BAR_AND_PLATES, "plates": [45, 10, 2.5, 1.25]}
    assert prefs["goal"] == "strength"  # the other fields are kept
    assert client.get("/api/me", headers=lifter.headers).json()["preferences"] == prefs
    # null: the usual ones for the lifter's units again.
    cleared = _patch(client, lifter, {"plates": None}).json()["preferences"]
    assert cleared["plates"] is None and cleared["goal"] == "strength"


def test_bad_bar_and_plates_are_refused(client: TestClient, lifter: Account) -> None:
    for changes, field in [
        ({"unit": "stone"}, "preferences.plates.unit"),
        ({"bar": 0}, "preferences.plates.bar"),
        ({"bar": 250}, "preferences.plates.bar"),
        ({"ez_bar": -10}, "preferences.plates.ez_bar"),
        ({"bar": "heavy"}, "preferences.plates.bar"),
        ({"plates": []}, "preferences.plates.plates"),
        ({"plates": [20] * 16}, "preferences.plates.plates"),
        ({"plates": [25, -5]}, "preferences.plates.plates[1]"),
        ({"plates": [25, 0]}, "preferences.plates.plates[1]"),
        ({"plates": [101]}, "preferences.plates.plates[0]"),
        ({"plates": [1.01]}, "preferences.plates.plates[0]"),  # not in 0.025 steps
        ({"plates": 25}, "preferences.plates.plates"),
        ({"dumbbell_step": 0}, "preferences.plates.dumbbell_step"),
        ({"machine_step": 0.0001}, "preferences.plates.machine_step"),
        ({"collars": 2.5}, "preferences.plates.collars"),
    ]:
        response = _patch(client, lifter, {"plates": {**BAR_AND_PLATES, **changes}})
        assert response.status_code == 422, (changes, response.text)
        fields = [d["field"] for d in response.json()["error"]["details"]]
        assert field in fields, (changes, fields)
    missing = {k: v for k, v in BAR_AND_PLATES.items() if k != "bar"}
    response = _patch(client, lifter, {"plates": missing})
    assert response.status_code == 422
    assert "preferences.plates.bar" in [d["field"] for d in response.json()["error"]["details"]]
    assert client.get("/api/me", headers=lifter.headers).json()["preferences"]["plates"] is None


def test_a_plate_that_is_not_a_number_is_a_422(client: TestClient, lifter: Account) -> None:
    """JSON's parser reads NaN and Infinity; the plates refuse them."""
    for value in ("NaN", "Infinity"):
        body = (
            '{"preferences": {"plates": {"bar": 20, "ez_bar": 10, "plates": [' + value + "], "
            '"dumbbell_step": 2, "machine_step": 5}}}'
        )
        headers = {**lifter.headers, "Content-Type": "application/json"}
        response = client.patch("/api/me", content=body, headers=headers)
        assert response.status_code == 422, (value, response.text)
        assert response.json()["error"]["details"][0]["field"] == "preferences.plates.plates[0]"


def test_the_usual_plates_for_each_unit() -> None:
    kg, lb = default_plates("kg"), default_plates("lb")
    assert (kg.unit, kg.bar, kg.ez_bar, kg.dumbbell_step, kg.machine_step) == ("kg", 20, 10, 2, 5)
    assert kg.plates == [25, 20, 15, 10, 5, 2.5, 1.25]
    assert (lb.unit, lb.bar, lb.ez_bar, lb.dumbbell_step, lb.machine_step) == ("lb", 45, 25, 5, 10)
    assert lb.plates == [45, 35, 25, 10, 5, 2.5]
    # Sizes in any order, repeated, to three decimals: kept once each, largest first.
    plates = Plates(
        bar=20.0004, ez_bar=10, plates=[1.25, 25, 0.625, 25], dumbbell_step=2, machine_step=5
    )
    assert plates.plates == [25, 1.25, 0.625] and plates.bar == 20
