"""Today: the enrolled program's workout, and a body map that follows the lifter's logs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import post_form


def _sign_in(client: TestClient, lifter: Account) -> None:
    response = post_form(
        client, "/signin", "/signin", {"email": lifter.email, "password": lifter.password}
    )
    assert response.status_code == 303


def test_enrolling_puts_the_programs_workout_on_today(client: TestClient, lifter: Account) -> None:
    _sign_in(client, lifter)
    program = client.get("/api/programs", headers=lifter.headers).json()[0]
    first_day = program["schedule"][0]["workout_id"]
    workout = client.get(f"/api/workouts/{first_day}", headers=lifter.headers).json()
    assert "not following a program" in client.get("/today").text

    response = post_form(client, "/programs", f"/programs/{program['id']}/enroll", {})
    assert response.headers["location"] == "/today"
    html = client.get("/today").text.replace("&amp;", "&")
    assert f'<h2 id="scheduled-heading">{workout["name"]}</h2>' in html
    assert program["name"] in html
    current = client.get("/api/programs/current", headers=lifter.headers).json()
    assert current["program_id"] == program["id"]
    assert "You are following this program." in client.get("/programs").text


def test_enrolling_needs_a_csrf_token(client: TestClient, lifter: Account) -> None:
    _sign_in(client, lifter)
    response = client.post("/programs/1/enroll", follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/api/programs/current", headers=lifter.headers).status_code == 404


def test_the_body_map_shows_a_hard_chest_session(client: TestClient, lifter: Account) -> None:
    _sign_in(client, lifter)
    bench = client.get(
        "/api/exercises", params={"q": "barbell bench press", "muscle": "chest"}
    ).json()["items"][0]
    assert "chest" in bench["primary_muscles"]
    sets = [{"reps": 5, "weight_kg": 100, "rpe": 9, "set_type": "normal"}] * 10
    logged = client.post(
        "/api/logs", json={"exercise_id": bench["id"], "sets": sets}, headers=lifter.headers
    )
    assert logged.status_code == 201, logged.text
    html = client.get("/today").text
    assert re.search(r'<g class="muscle status-fatigued" data-muscle="chest" id="chest"', html)
    assert re.search(r'aria-label="Chest: \d{1,2}% recovered, fatigued, ready \w{3} ', html)
    assert 'class="muscle status-ready" data-muscle="quadriceps" id="quadriceps"' in html
