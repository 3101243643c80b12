from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.vocabulary import MUSCLE_SLUGS
from tests.conftest import Account

CUSTOM = {
    "name": "Wobble Board Press",
    "primary_muscles": ["shoulders"],
    "secondary_muscles": ["triceps", "chest"],
    "equipment": "barbell",
    "category": "strength",
    "mechanic": "compound",
    "force": "push",
    "level": "intermediate",
}


def test_muscle_groups_are_the_seventeen(client: TestClient) -> None:
    groups = client.get("/api/muscle-groups").json()
    assert {g["slug"] for g in groups} == MUSCLE_SLUGS
    chest = next(g for g in groups if g["slug"] == "chest")
    assert chest == {"slug": "chest", "name": "Chest", "region": "upper", "recovery_hours": 72}
    assert {g["region"] for g in groups} == {"upper", "lower", "core"}


def test_list_exercises_by_muscle(client: TestClient) -> None:
    page = client.get("/api/exercises", params={"muscle": "chest", "limit": 200}).json()
    assert page["total"] >= 10
    assert page["total"] == len(page["items"])
    for item in page["items"]:
        assert "chest" in item["primary_muscles"] + item["secondary_muscles"]
    assert any(i["slug"] == "barbell-bench-press" for i in page["items"])


def test_exercise_shape(client: TestClient) -> None:
    item = client.get("/api/exercises", params={"q": "barbell bench press"}).json()["items"][0]
    assert set(item) >= {
        "id",
        "slug",
        "name",
        "primary_muscles",
        "secondary_muscles",
        "equipment",
        "category",
        "mechanic",
        "force",
        "level",
        "is_custom",
    }
    assert item["is_custom"] is False


def test_search_matches_name_words_case_insensitively(client: TestClient) -> None:
    page = client.get("/api/exercises", params={"q": "CURL dumbbell"}).json()
    assert page["total"] >= 2
    for item in page["items"]:
        text = (item["name"] + " " + " ".join(item["aliases"])).lower()
        assert "curl" in text and "dumbbell" in text


def test_filters_combine(client: TestClient) -> None:
    page = client.get(
        "/api/exercises", params={"equipment": "dumbbell", "category": "strength", "limit": 200}
    ).json()
    assert page["total"] > 0
    assert {i["equipment"] for i in page["items"]} == {"dumbbell"}
    assert {i["category"] for i in page["items"]} == {"strength"}


def test_pagination_is_stable_and_complete(client: TestClient) -> None:
    first = client.get("/api/exercises", params={"limit": 5, "offset": 0}).json()
    second = client.get("/api/exercises", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] >= 150
    assert (first["limit"], first["offset"], second["offset"]) == (5, 0, 5)
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 10


def test_bad_query_parameters_are_422(client: TestClient) -> None:
    for params in (
        {"limit": 201},
        {"limit": 0},
        {"offset": -1},
        {"muscle": "wings"},
        {"equipment": "spaceship"},
        {"category": "napping"},
    ):
        response = client.get("/api/exercises", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "validation_error"


def test_get_exercise_and_unknown_id(client: TestClient) -> None:
    item = client.get("/api/exercises", params={"limit": 1}).json()["items"][0]
    assert client.get(f"/api/exercises/{item['id']}").json() == item
    missing = client.get("/api/exercises/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/exercises/not-a-number").status_code == 422


def test_custom_exercise_is_private_to_its_owner(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    created = client.post("/api/exercises", json=CUSTOM, headers=lifter.headers)
    assert created.status_code == 201
    body = created.json()
    assert body["is_custom"] is True
    assert body["primary_muscles"] == ["shoulders"]
    assert body["secondary_muscles"] == ["chest", "triceps"]
    url = f"/api/exercises/{body['id']}"
    assert client.get(url, headers=lifter.headers).status_code == 200
    assert client.get(url, headers=other_lifter.headers).status_code == 404
    assert client.get(url).status_code == 404
    mine = client.get("/api/exercises", params={"q": "wobble"}, headers=lifter.headers).json()
    theirs = client.get(
        "/api/exercises", params={"q": "wobble"}, headers=other_lifter.headers
    ).json()
    assert [i["id"] for i in mine["items"]] == [body["id"]]
    assert theirs["total"] == 0


def test_custom_exercise_validation(client: TestClient, lifter: Account) -> None:
    cases = [
        ({**CUSTOM, "primary_muscles": []}, "primary_muscles"),
        ({**CUSTOM, "primary_muscles": ["wings"]}, "primary_muscles"),
        ({**CUSTOM, "secondary_muscles": ["shoulders"]}, "secondary_muscles"),
        ({**CUSTOM, "name": "   "}, "name"),
        ({**CUSTOM, "equipment": "spaceship"}, "equipment"),
    ]
    for body, field in cases:
        response = client.post("/api/exercises", json=body, headers=lifter.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"][0]["field"] == field, response.json()


def test_custom_exercise_duplicate_name_conflicts(client: TestClient, lifter: Account) -> None:
    assert client.post("/api/exercises", json=CUSTOM, headers=lifter.headers).status_code == 201
    again = client.post(
        "/api/exercises", json={**CUSTOM, "name": "wobble board PRESS"}, headers=lifter.headers
    )
    assert again.status_code == 409


def test_creating_exercises_needs_a_token(client: TestClient) -> None:
    assert client.post("/api/exercises", json=CUSTOM).status_code == 401
