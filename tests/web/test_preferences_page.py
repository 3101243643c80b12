"""The "Training preferences" page (issue 16): the form behind PATCH /api/me's preferences."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any, get_args

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from gravl.auth.preferences import NO_EQUIPMENT
from gravl.db import Database
from gravl.vocabulary import MUSCLE_GROUPS, Equipment
from gravl.web.pages.training_prefs import EQUIPMENT_LABELS
from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error

PAGE = "/settings/training"
# Far enough ahead to be "today or later" in every timezone, for years.
LATER = (date.today() + timedelta(days=400)).isoformat()
EARLIER = (date.today() - timedelta(days=3)).isoformat()
DEFAULTS = {
    "goal": "general",
    "equipment": None,
    "session_minutes": None,
    "excluded_exercises": [],
    "excluded_muscles": [],
    "accessory_sessions": True,
    "plates": None,
}
# The bar and plates fields as shown to a kg lifter who has not changed them.
KG_PLATES = {
    "plates_unit": "kg",
    "bar": "20",
    "ez_bar": "10",
    "plate_sizes": "25, 20, 15, 10, 5, 2.5, 1.25",
    "dumbbell_step": "2",
    "machine_step": "5",
}


def _form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    """The form as a browser posts it untouched for a new lifter, with ``changes``."""
    data: dict[str, str | list[str]] = {
        "goal": "general",
        "equipment_mode": "full",
        "session_minutes": "",
        "add_exercise": "",
        "accessory_sessions": "on",
        **{f"until_{m.slug}": "" for m in MUSCLE_GROUPS},
        **KG_PLATES,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "<absent>"}


def _save(web: TestClient, data: dict[str, str | list[str]]) -> httpx.Response:
    token = csrf_from(web.get(PAGE).text)
    return web.post(PAGE, data={**data, "csrf_token": token}, follow_redirects=False)


def _preferences(web: TestClient, lifter: Account) -> dict[str, Any]:
    response = web.get("/api/me", headers=lifter.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["preferences"]
    return found


def _checked(html: str, input_id: str) -> bool:
    tag = re.search(rf'<input [^>]*id="{input_id}"[^>]*>', html)
    assert tag, f"no input {input_id}"
    return " checked" in tag.group(0)


def _value(html: str, input_id: str) -> str:
    tag = re.search(rf'<input [^>]*id="{input_id}"[^>]*>', html)
    assert tag, f"no input {input_id}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def _smart_workout(web: TestClient, lifter: Account) -> dict[str, Any]:
    response = web.get(
        "/api/recommendations/smart-workout", params={"limit": 10}, headers=lifter.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _data_version(client: TestClient, user_id: int) -> int:
    async def read() -> int:
        database: Database = client.app.state.database  # type: ignore[attr-defined]
        async with database.sessionmaker() as session:
            sql = text("SELECT data_version FROM users WHERE id = :id")
            return int((await session.execute(sql, {"id": user_id})).scalar_one())

    return int(client.portal.call(read))  # type: ignore[union-attr]


def test_the_page_needs_signing_in(client: TestClient) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fsettings%2Ftraining"


def test_settings_links_to_the_page_which_shows_the_defaults(
    web: TestClient, lifter: Account
) -> None:
    assert f'href="{PAGE}"' in web.get("/settings").text
    response = web.get(PAGE)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert "<h1>Training preferences</h1>" in html
    assert _checked(html, "goal-general")
    assert not _checked(html, "goal-strength") and not _checked(html, "goal-hypertrophy")
    assert _checked(html, "equipment-full") and not _checked(html, "equipment-listed")
    assert not any(_checked(html, f"equipment-{slug}") for slug in EQUIPMENT_LABELS)
    assert "body_only" not in html  # always available: not a choice
    assert _value(html, "session_minutes") == ""
    assert not any(_checked(html, f"rest-{m.slug}") for m in MUSCLE_GROUPS)
    assert "None left out." in html
    assert _checked(html, "accessory_sessions")
    # What each goal changes, in numbers (an intermediate lifter's ranges).
    assert "10–20 hard sets a week for major muscles, 4–12 for minor ones" in html
    assert "6–14 hard sets a week for major muscles, 2–8 for minor ones" in html
    assert _preferences(web, lifter) == DEFAULTS


def test_the_page_keeps_to_the_csp(web: TestClient) -> None:
    """No inline styles or scripts, on the page and on a page with errors."""
    failed = _save(web, _form(session_minutes="5", add_exercise="no such lift"))
    assert failed.status_code == 422
    for html in (web.get(PAGE).text, failed.text):
        assert not re.search(r"\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=", html)


def test_every_equipment_slug_is_a_choice_or_always_available() -> None:
    assert set(EQUIPMENT_LABELS) | NO_EQUIPMENT == set(get_args(Equipment))
    assert not set(EQUIPMENT_LABELS) & NO_EQUIPMENT


def test_saving_stores_the_preferences(web: TestClient, lifter: Account) -> None:
    data = _form(
        goal="hypertrophy",
        equipment_mode="listed",
        equipment=["dumbbell", "kettlebell"],
        session_minutes="45",
        rest=["quadriceps", "neck"],
        until_quadriceps=LATER,
        accessory_sessions="<absent>",  # an unticked box is not sent
        add_exercise="barbell bench press",  # any case
    )
    response = _save(web, data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == PAGE + "?saved=1"

    stored = _preferences(web, lifter)
    bench = stored["excluded_exercises"]
    assert len(bench) == 1
    assert web.get(f"/api/exercises/{bench[0]}").json()["name"] == "Barbell Bench Press"
    assert stored == {
        "goal": "hypertrophy",
        "equipment": ["dumbbell", "kettlebell"],
        "session_minutes": 45,
        "excluded_exercises": bench,
        "excluded_muscles": [
            {"muscle_group": "quadriceps", "until": LATER},
            {"muscle_group": "neck", "until": None},
        ],
        "accessory_sessions": False,
        "plates": None,
    }

    html = web.get(PAGE + "?saved=1").text
    assert 'role="status">Training preferences saved.' in html
    assert _checked(html, "goal-hypertrophy") and not _checked(html, "goal-general")
    assert _checked(html, "equipment-listed") and not _checked(html, "equipment-full")
    assert _checked(html, "equipment-dumbbell") and _checked(html, "equipment-kettlebell")
    assert not _checked(html, "equipment-barbell")
    assert _value(html, "session_minutes") == "45"
    assert _checked(html, "rest-quadriceps") and _value(html, "until_quadriceps") == LATER
    assert _checked(html, "rest-neck") and _value(html, "until_neck") == ""
    assert not _checked(html, "rest-chest")
    assert not _checked(html, "accessory_sessions")
    assert re.search(rf'id="remove-{bench[0]}"[^>]*><label[^>]*>.*Barbell Bench Press<', html)


def test_full_gym_stores_no_equipment_list(web: TestClient, lifter: Account) -> None:
    _save(web, _form(equipment_mode="listed", equipment=["bands"]))
    assert _preferences(web, lifter)["equipment"] == ["bands"]
    _save(web, _form(equipment_mode="listed"))  # nothing ticked: body weight only
    assert _preferences(web, lifter)["equipment"] == []
    assert _save(web, _form(equipment_mode="full")).status_code == 303
    assert _preferences(web, lifter)["equipment"] is None


def test_bad_values_are_shown_next_to_their_field(web: TestClient, lifter: Account) -> None:
    cases = [
        (_form(session_minutes="5"), "session_minutes", "from 10 to 240"),
        (_form(session_minutes="241"), "session_minutes", "from 10 to 240"),
        (_form(session_minutes="an hour"), "session_minutes", "whole number"),
        (_form(rest=["chest"], until_chest=EARLIER), "until_chest", "today or a later"),
        (_form(rest=["chest"], until_chest="soon"), "until_chest", "Enter a date"),
        (_form(goal="bulk"), "goal", "Choose one of the options."),
        (_form(equipment_mode="listed", equipment=["jetpack"]), "equipment", "Choose one"),
        (_form(equipment=["barbell"]), "equipment", "Only what I tick"),
        (_form(rest=["wings"]), "excluded_muscles", "muscle group"),
        (_form(add_exercise="no such lift"), "add_exercise", "No exercise is called"),
        (_form(add_exercise="bench"), "add_exercise", "type the full name"),
    ]
    for data, name, message in cases:
        response = _save(web, data)
        assert response.status_code == 422, (name, response.text)
        assert response.headers["content-type"].startswith("text/html")
        error = field_error(response.text, name)
        assert error is not None and message in error, (name, error)
        assert "Nothing was saved" in response.text
    assert _preferences(web, lifter) == DEFAULTS  # nothing was saved


def test_saving_makes_the_cached_recommendations_stale(web: TestClient, lifter: Account) -> None:
    """The post claims the lifter: their data version changes, unless the post fails."""
    before = _data_version(web, lifter.id)
    assert _save(web, _form(session_minutes="5")).status_code == 422
    assert _data_version(web, lifter.id) == before
    assert _save(web, _form(session_minutes="50")).status_code == 303
    assert _data_version(web, lifter.id) != before


def test_a_failed_post_shows_what_was_sent(web: TestClient) -> None:
    data = _form(goal="strength", session_minutes="5", rest=["biceps"], until_biceps=LATER)
    html = _save(web, data).text
    assert _checked(html, "goal-strength")
    assert _value(html, "session_minutes") == "5"
    assert _checked(html, "rest-biceps") and _value(html, "until_biceps") == LATER
    assert 'aria-invalid="true"' in html


def test_dumbbells_only_rules_out_barbell_workouts(web: TestClient, lifter: Account) -> None:
    before = _smart_workout(web, lifter)
    assert not any(e["reason"].startswith("Needs") for e in before["excluded"])
    _save(web, _form(equipment_mode="listed", equipment=["dumbbell"]))
    after = _smart_workout(web, lifter)
    reasons = [e["reason"] for e in after["excluded"]]
    assert any(r.startswith("Needs barbell") for r in reasons), reasons
    excluded = {e["workout"]["id"] for e in after["excluded"]}
    assert not excluded & {r["workout"]["id"] for r in after["recommendations"]}


def test_add_ons_off_rules_out_add_on_sessions(web: TestClient, lifter: Account) -> None:
    _save(web, _form(accessory_sessions="<absent>"))
    reasons = [e["reason"] for e in _smart_workout(web, lifter)["excluded"]]
    assert any(r.startswith("Add-on sessions are turned off") for r in reasons), reasons


def test_excluded_exercises_are_added_by_search_and_brought_back(
    web: TestClient, lifter: Account
) -> None:
    assert _save(web, _form(add_exercise="goblet")).status_code == 303  # the one match
    assert _save(web, _form(add_exercise="barbell-bench-press")).status_code == 303  # a slug
    ids = _preferences(web, lifter)["excluded_exercises"]
    assert len(ids) == 2
    html = web.get(PAGE).text
    assert "Goblet Squat" in html and "Barbell Bench Press" in html
    assert '<option value="Goblet Squat">' in html  # the field's suggestions
    # Adding one already left out changes nothing.
    _save(web, _form(add_exercise="Goblet Squat"))
    assert _preferences(web, lifter)["excluded_exercises"] == ids

    assert _save(web, _form(remove_exercise=[str(ids[0])])).status_code == 303
    assert _preferences(web, lifter)["excluded_exercises"] == ids[1:]
    _save(web, _form(remove_exercise=[str(ids[1])]))
    assert _preferences(web, lifter)["excluded_exercises"] == []
    assert "None left out." in web.get(PAGE).text


def test_another_lifters_exercise_is_never_named(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    body = {"name": "Grace's Secret Press", "primary_muscles": ["chest"]}
    created = web.post("/api/exercises", json=body, headers=other_lifter.headers)
    assert created.status_code == 201, created.text
    theirs = created.json()["id"]
    patch = {"preferences": {"excluded_exercises": [theirs]}}
    assert web.patch("/api/me", json=patch, headers=lifter.headers).status_code == 200
    html = web.get(PAGE).text
    assert "Secret Press" not in html
    assert "An exercise that no longer exists" in html
    # Their name finds nothing either.
    response = _save(web, _form(add_exercise="Grace's Secret Press"))
    assert response.status_code == 422


def test_a_rest_that_has_ended_is_shown_as_none(web: TestClient, lifter: Account) -> None:
    rests = [{"muscle_group": "calves", "until": "2020-01-31"}, {"muscle_group": "lats"}]
    patch = {"preferences": {"excluded_muscles": rests}}
    assert web.patch("/api/me", json=patch, headers=lifter.headers).status_code == 200
    html = web.get(PAGE).text
    assert not _checked(html, "rest-calves") and _value(html, "until_calves") == ""
    assert _checked(html, "rest-lats")
    _save(web, _form(rest=["lats"]))  # the page as shown, saved: the ended rest goes
    assert _preferences(web, lifter)["excluded_muscles"] == [
        {"muscle_group": "lats", "until": None}
    ]


def test_posting_needs_a_csrf_token(web: TestClient, lifter: Account) -> None:
    response = web.post(PAGE, data=_form(goal="strength"), follow_redirects=False)
    assert response.status_code == 403
    assert _preferences(web, lifter) == DEFAULTS


def test_the_bar_and_plates_show_the_usual_ones_for_the_units(
    web: TestClient, lifter: Account
) -> None:
    html = web.get(PAGE).text
    assert "<h2>Bar and plates</h2>" in html
    assert _checked(html, "plates_unit-kg") and not _checked(html, "plates_unit-lb")
    assert {name: _value(html, name) for name in KG_PLATES if name != "plates_unit"} == {
        k: v for k, v in KG_PLATES.items() if k != "plates_unit"
    }
    # Not set: they follow the lifter's units.
    assert web.patch("/api/me", json={"units": "lb"}, headers=lifter.headers).status_code == 200
    html = web.get(PAGE).text
    assert _checked(html, "plates_unit-lb")
    assert _value(html, "bar") == "45" and _value(html, "ez_bar") == "25"
    assert _value(html, "plate_sizes") == "45, 35, 25, 10, 5, 2.5"
    assert _value(html, "dumbbell_step") == "5" and _value(html, "machine_step") == "10"


def test_saving_stores_the_bar_and_plates(web: TestClient, lifter: Account) -> None:
    data = _form(
        plates_unit="lb",
        bar="35",
        ez_bar="20",
        plate_sizes="2.5 45,10; 45, 1.25",  # any separators, any order, repeats
        dumbbell_step="2.5",
        machine_step="7.5",
    )
    response = _save(web, data)
    assert response.status_code == 303, response.text
    assert _preferences(web, lifter)["plates"] == {
        "unit": "lb",
        "bar": 35,
        "ez_bar": 20,
        "plates": [45, 10, 2.5, 1.25],
        "dumbbell_step": 2.5,
        "machine_step": 7.5,
    }
    html = web.get(PAGE).text
    assert _checked(html, "plates_unit-lb") and _value(html, "bar") == "35"
    assert _value(html, "plate_sizes") == "45, 10, 2.5, 1.25"
    assert _value(html, "machine_step") == "7.5"
    # The usual ones for the lifter's units again: nothing of their own is kept.
    assert _save(web, _form()).status_code == 303
    assert _preferences(web, lifter)["plates"] is None


def test_bad_bar_and_plates_are_shown_next_to_their_field(web: TestClient, lifter: Account) -> None:
    cases = [
        (_form(plates_unit="stone"), "plates_unit", "Choose kg or lb."),
        (_form(plates_unit="<absent>"), "plates_unit", "Choose kg or lb."),
        (_form(bar=""), "bar", "the bar’s weight"),
        (_form(bar="0"), "bar", "more than 0"),
        (_form(bar="heavy"), "bar", "the bar’s weight"),
        (_form(ez_bar="120"), "ez_bar", "at most 100"),
        (_form(plate_sizes=""), "plate_sizes", "1 to 15 plate sizes"),
        (_form(plate_sizes="25, twenty"), "plate_sizes", "separated by commas"),
        (_form(plate_sizes="25, 1.01"), "plate_sizes", "steps of 0.025"),
        (_form(plate_sizes=", ".join(str(n) for n in range(1, 17))), "plate_sizes", "1 to 15"),
        (_form(dumbbell_step="-2"), "dumbbell_step", "more than 0"),
        (_form(machine_step="nan"), "machine_step", "more than 0"),
        (_form(machine_step="inf"), "machine_step", "at most 100"),
    ]
    for data, name, message in cases:
        response = _save(web, data)
        assert response.status_code == 422, (name, response.text)
        error = field_error(response.text, name)
        assert error is not None and message in error, (name, error)
        assert "Nothing was saved" in response.text
    assert _preferences(web, lifter) == DEFAULTS


def test_a_failed_post_shows_the_bar_and_plates_sent(web: TestClient) -> None:
    html = _save(web, _form(plates_unit="lb", bar="0", plate_sizes="45, 25")).text
    assert _checked(html, "plates_unit-lb")
    assert _value(html, "bar") == "0" and _value(html, "plate_sizes") == "45, 25"
    assert re.search(r'<input id="bar"[^>]*aria-invalid="true"', html)
