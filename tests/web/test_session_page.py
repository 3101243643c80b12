"""The session page: one tap logs a set as planned, the next set comes prefilled, the sets left
follow how the last one went, and what the lifter types is checked next to its input."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from gravl.web.setforms import ZERO_REPS_MESSAGE
from tests import factories
from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error, post_form

_FORM = re.compile(
    r'<form method="post" action="(/sessions/\d+/exercises/(\d+)/sets/\d+)"[^>]*>(.*?)</form>',
    re.S,
)
_INPUT = re.compile(r'<input [^>]*name="(\w+)"[^>]*value="([^"]*)"')
_SELECT = re.compile(r'<select [^>]*name="(\w+)"[^>]*>(.*?)</select>', re.S)


def _profile(client: TestClient, lifter: Account, **fields: Any) -> None:
    response = client.patch("/api/me", json=fields, headers=lifter.headers)
    assert response.status_code == 200, response.text


def _today(client: TestClient, lifter: Account) -> date:
    zone = client.get("/api/me", headers=lifter.headers).json()["timezone"]
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def _start_5x5(client: TestClient, lifter: Account, units: str = "kg") -> int:
    """A beginner on 5×5 Strength from today, its session started from Today."""
    _profile(client, lifter, experience="beginner", units=units)
    factories.enroll(client, lifter, "5×5 Strength", start_date=_today(client, lifter).isoformat())
    started = post_form(client, "/today", "/sessions", {})
    assert started.status_code == 303, started.text
    return int(started.headers["location"].removeprefix("/sessions/"))


def _start_workout(client: TestClient, lifter: Account, name: str) -> int:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    workout_id = next(w["id"] for w in workouts if w["name"] == name)
    response = client.post("/api/sessions", json={"workout_id": workout_id}, headers=lifter.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _next_set(html: str, index: int) -> tuple[str, dict[str, str]]:
    """The action of exercise ``index``'s next-set form and the values it would post."""
    for action, found, body in _FORM.findall(html):
        if int(found) == index:
            values = {name: unescape(value) for name, value in _INPUT.findall(body)}
            for name, options in _SELECT.findall(body):
                chosen = re.search(r'<option value="([^"]*)" selected>', options)
                values[name] = chosen.group(1) if chosen else ""
            return action, values
    raise AssertionError(f"exercise {index} has no next-set form")


def _tap(client: TestClient, session_id: int, index: int, **changes: str) -> Any:
    """Post exercise ``index``'s next set the way the browser does: as prefilled, unless the
    lifter changed an input first."""
    action, values = _next_set(client.get(f"/sessions/{session_id}").text, index)
    return client.post(action, data={**values, **changes}, follow_redirects=False)


def _exercise(client: TestClient, lifter: Account, session_id: int, index: int) -> Any:
    shown = client.get(f"/api/sessions/{session_id}", headers=lifter.headers).json()
    return shown["exercises"][index]


def _section(html: str, index: int) -> str:
    start = html.index(f'id="exercise-{index}"')
    return html[html.index(">", start) + 1 : html.index("</section>", start)]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _sections(html: str) -> list[str]:
    """Each exercise section's text, in order."""
    return [
        _text(_section(html, int(i)))
        for i in re.findall(r'<section [^>]*id="exercise-(\d+)"', html)
    ]


def test_as_planned_logs_the_target_and_prefills_the_next_set(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    html = web.get(f"/sessions/{session_id}").text
    squat = _text(_section(html, 0))
    assert squat.startswith("Barbell Back Squat 5 × 5 @ 20 kg · rest 3 min Empty bar")
    assert "Set 1 of 5 5 reps @ 20 kg" in squat and "✓ As planned" in squat
    action, values = _next_set(html, 0)
    assert action == f"/sessions/{session_id}/exercises/0/sets/1"
    assert (values["weight"], values["reps"], values["rpe"], values["set_type"]) == (
        "20",
        "5",
        "",
        "normal",
    )

    tapped = _tap(web, session_id, 0)
    assert tapped.status_code == 303
    assert tapped.headers["location"] == f"/sessions/{session_id}#exercise-0"
    squat_api = _exercise(web, lifter, session_id, 0)
    (done,) = squat_api["done_sets"]
    assert (done["set_type"], done["reps"], done["weight_kg"], done["rpe"]) == (
        "normal",
        5,
        20.0,
        None,
    )
    html = web.get(f"/sessions/{session_id}").text
    assert "Set 1 5 reps @ 20 kg" in _text(_section(html, 0))
    action, values = _next_set(html, 0)
    assert action.endswith("/exercises/0/sets/2")
    assert (values["weight"], values["reps"]) == ("20", "5")
    assert "Set 2 of 5" in _text(_section(html, 0))
    assert "1 of 15 sets done" in _text(html)
    # The same set posted twice (a double tap) is logged once.
    web.post(action, data=values, follow_redirects=False)
    assert web.post(action, data=values, follow_redirects=False).status_code == 303
    assert len(_exercise(web, lifter, session_id, 0)["done_sets"]) == 2


def test_an_rpe_above_target_makes_the_next_set_lighter(web: TestClient, lifter: Account) -> None:
    _profile(web, lifter, experience="intermediate")
    bench = factories.exercise_id(web, "barbell-bench-press")
    for days in (10, 5):
        sets = [{"reps": 6, "weight_kg": 100.0, "rpe": 8}] * 3
        factories.log(web, lifter, bench, sets=sets, performed_at=factories.ago(days=days))
    session_id = _start_workout(web, lifter, "Upper A")
    planned = _exercise(web, lifter, session_id, 0)
    assert planned["exercise"]["name"] == "Barbell Bench Press" and planned["rule"] == "rpe"
    target = planned["sets"][0]
    html = web.get(f"/sessions/{session_id}").text
    _, values = _next_set(html, 0)
    assert values["rpe"] == "8" and float(values["weight"]) == target["target_weight_kg"]
    assert "Warm-up first" in _section(html, 0)

    assert _tap(web, session_id, 0, rpe="9.5").status_code == 303
    after = _exercise(web, lifter, session_id, 0)
    assert after["done_sets"][0]["rpe"] == 9.5
    lighter = after["remaining_sets"][0]
    assert lighter["adapted"] and lighter["target_weight_kg"] < target["target_weight_kg"]
    html = web.get(f"/sessions/{session_id}").text
    section = _text(_section(html, 0))
    _, values = _next_set(html, 0)
    assert float(values["weight"]) == lighter["target_weight_kg"]
    assert f"@ {lighter['target_weight_kg']:g} kg" in section
    assert "Adjusted after your last set" in section
    assert "adjusted after your last set" in section  # the sets after it, too


def test_pounds_and_plates_for_a_lifter_in_pounds(web: TestClient, lifter: Account) -> None:
    """The lifter's units throughout, plates a side in their plates' unit, and "As planned"
    logs the target's kilograms, not the pounds shown converted back."""
    _profile(web, lifter, units="lb")
    squat = factories.exercise_id(web, "barbell-back-squat")
    sets = [{"reps": 5, "weight_kg": 61.235}] * 5  # 135 lb
    factories.log(web, lifter, squat, sets=sets, performed_at=factories.ago(days=3))
    today_html = web.get("/today").text
    session_id = _start_5x5(web, lifter, units="lb")
    target = _exercise(web, lifter, session_id, 0)["sets"][0]
    assert target["target_weight_kg"] == pytest.approx(63.503, abs=1e-3)  # 140 lb
    html = web.get(f"/sessions/{session_id}").text
    squat_text = _text(_section(html, 0))
    assert "5 × 5 @ 140 lb · rest 3 min 45 + 2.5 lb a side" in squat_text
    assert "10 × 45 lb Empty bar" in squat_text  # the warm-up starts with the empty bar
    _, values = _next_set(html, 0)
    assert values["weight"] == "140"
    assert re.search(
        r'<label for="ex0-weight"><span class="visually-hidden">Weight in </span>lb', html
    )
    assert "5 × 5 @ 140 lb" not in today_html  # not enrolled yet then: nothing of the squat
    assert _tap(web, session_id, 0).status_code == 303
    done = _exercise(web, lifter, session_id, 0)["done_sets"][0]
    assert done["weight_kg"] == target["target_weight_kg"]
    assert "Set 1 5 reps @ 140 lb" in _text(web.get(f"/sessions/{session_id}").text)
    # Typed in pounds, stored in kilograms.
    assert _tap(web, session_id, 0, weight="135").status_code == 303
    second = _exercise(web, lifter, session_id, 0)["done_sets"][1]
    assert second["weight_kg"] == pytest.approx(61.235, abs=1e-3)


def test_a_held_exercise_is_logged_in_seconds(web: TestClient, lifter: Account) -> None:
    session_id = _start_workout(web, lifter, "Home A")
    html = web.get(f"/sessions/{session_id}").text
    plank = next(i for i, text in enumerate(_sections(html)) if text.startswith("Plank"))
    section = _text(_section(html, plank))
    assert section.startswith("Plank 3 × 30 s · rest 1 min Set 1 of 3 30 s · rest 1 min Seconds")
    _, values = _next_set(html, plank)
    assert values["seconds"] == "30" and "reps" not in values
    assert _tap(web, session_id, plank).status_code == 303
    done = _exercise(web, lifter, session_id, plank)["done_sets"][0]
    assert (done["duration_s"], done["reps"]) == (30, None)
    # A weight chosen the first time is asked for: one tap cannot log "as planned" there.
    goblet = _text(_section(html, 0))
    assert "10 reps @ a weight you choose · RPE 7" in goblet and "Save set" in goblet
    refused = _tap(web, session_id, 0)
    assert refused.status_code == 422
    assert field_error(refused.text, "ex0-weight") == "Enter the weight you lifted."
    # Once chosen, the next set starts from it.
    assert _tap(web, session_id, 0, weight="16").status_code == 303
    _, values = _next_set(web.get(f"/sessions/{session_id}").text, 0)
    assert (values["weight"], values["reps"], values["rpe"]) == ("16", "10", "7")


def test_mistakes_are_shown_next_to_the_input_with_what_was_typed(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    bad_weight = _tap(web, session_id, 0, weight="heavy")
    assert bad_weight.status_code == 422
    assert field_error(bad_weight.text, "ex0-weight") == "Enter a weight in kg, like 60 or 62.5."
    assert re.search(r'id="ex0-weight" [^>]*value="heavy" aria-invalid="true"', bad_weight.text)
    zero = _tap(web, session_id, 0, reps="0")
    assert zero.status_code == 422
    assert field_error(zero.text, "ex0-reps") == ZERO_REPS_MESSAGE
    assert re.search(r'id="ex0-reps" [^>]*value="0"', zero.text)
    assert "Save set" in _section(zero.text, 0)
    empty = _tap(web, session_id, 0, reps="", weight="")
    assert field_error(empty.text, "ex0-reps") == "Enter the reps you did."
    huge = _tap(web, session_id, 0, weight="1e9")
    assert field_error(huge.text, "ex0-weight") == "That number is out of range."
    assert _exercise(web, lifter, session_id, 0)["done_sets"] == []
    # A missed attempt is a failure set of 0 reps.
    assert _tap(web, session_id, 0, reps="0", set_type="failure").status_code == 303
    # A set skipped (a form older than the page) is refused in the form, not as a 500.
    action, values = _next_set(web.get(f"/sessions/{session_id}").text, 1)
    gap = web.post(action.replace("/sets/1", "/sets/3"), data=values, follow_redirects=False)
    assert gap.status_code == 422
    assert "Log set 1 first: 0 sets are logged for this exercise." in unescape(gap.text)
    assert _exercise(web, lifter, session_id, 1)["done_sets"] == []


def test_another_lifters_session_is_not_found(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    theirs = _start_workout(web, other_lifter, "Full Body A")
    page = web.get(f"/sessions/{theirs}")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text
    token = csrf_from(web.get("/today").text)
    assert web.get(f"/sessions/{theirs}/exercises/0/swap").status_code == 404
    for action in (
        f"/sessions/{theirs}/exercises/0/sets/1",
        f"/sessions/{theirs}/finish",
        f"/sessions/{theirs}/exercises/0/replace",
        f"/sessions/{theirs}/exercises/0/notes",
    ):
        response = web.post(
            action, data={"csrf_token": token, "reps": "5", "weight": "20"}, follow_redirects=False
        )
        assert response.status_code == 404, action
        assert "<h1>Not found</h1>" in response.text
    shown = web.get(f"/api/sessions/{theirs}", headers=other_lifter.headers).json()
    assert shown["ended_at"] is None and shown["exercises"][0]["done_sets"] == []
    mine = _start_5x5(web, lifter)
    for path in ("/sessions/abc", "/sessions/0", f"/sessions/{mine}x"):
        assert web.get(path).status_code == 404, path
    for action in (
        f"/sessions/{mine}/exercises/9/sets/1",
        f"/sessions/{mine}/exercises/x/sets/1",
        f"/sessions/{mine}/exercises/0/sets/0",
        f"/sessions/{mine}/exercises/0/sets/101",
    ):
        response = web.post(action, data={"csrf_token": token, "reps": "5"})
        assert response.status_code == 404, action


def test_a_set_needs_the_csrf_token(web: TestClient, lifter: Account) -> None:
    session_id = _start_5x5(web, lifter)
    action, values = _next_set(web.get(f"/sessions/{session_id}").text, 0)
    forged = web.post(action, data={**values, "csrf_token": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403
    assert _exercise(web, lifter, session_id, 0)["done_sets"] == []


def test_finishing_shows_the_summary_and_today_is_done(web: TestClient, lifter: Account) -> None:
    session_id = _start_5x5(web, lifter)
    assert _tap(web, session_id, 0).status_code == 303
    page = f"/sessions/{session_id}"
    too_long = post_form(web, page, f"{page}/finish", {"notes": "x" * 2001})
    assert too_long.status_code == 422
    assert field_error(too_long.text, "notes") == "Keep the notes under 2,000 characters."
    finished = post_form(web, page, f"{page}/finish", {"notes": "Felt light"})
    assert finished.status_code == 303
    assert finished.headers["location"] == f"/sessions/{session_id}/summary"
    assert web.get(finished.headers["location"]).status_code == 200
    shown = web.get(f"/api/sessions/{session_id}", headers=lifter.headers).json()
    assert shown["ended_at"] is not None and shown["notes"] == "Felt light"
    html = web.get(page).text
    assert "Session finished." in html and 'action="/sessions/' not in html
    assert "Continue session" not in web.get("/today").text


def test_the_page_obeys_the_csp(web: TestClient, lifter: Account) -> None:
    session_id = _start_5x5(web, lifter)
    html = web.get(f"/sessions/{session_id}").text
    assert " style=" not in html and "<script>" not in html and "<style" not in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.search(r"<title>5×5 A · Gravl</title>", html)


def test_the_next_day_after_the_session_asks_for_more(web: TestClient, lifter: Account) -> None:
    """Every set done as planned: the next session's squat is 2.5 kg heavier."""
    session_id = _start_5x5(web, lifter)
    for index, exercise in enumerate(
        web.get(f"/api/sessions/{session_id}", headers=lifter.headers).json()["exercises"]
    ):
        for _ in exercise["sets"]:
            assert _tap(web, session_id, index).status_code == 303
    assert post_form(web, f"/sessions/{session_id}", f"/sessions/{session_id}/finish", {})
    next_day = _today(web, lifter) + timedelta(days=2)
    html = web.get(f"/today?date={next_day.isoformat()}").text
    assert f'href="/today?date={next_day.isoformat()}"' in web.get("/today").text
    start = html.index("Barbell Back Squat")
    assert "5 × 5 @ 22.5 kg · rest 3 min 1.25 kg a side" in _text(html[start:])


# --- The page's script (gym.js): one exercise's section as the answer to a set ---------------

_HX = {"HX-Request": "true"}
_SQUAT_20x5 = {"set_type": "normal", "weight": "20", "reps": "5", "rpe": "", "seconds": ""}


def test_a_set_sent_by_the_script_is_answered_with_its_section(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    action, values = _next_set(web.get(f"/sessions/{session_id}").text, 0)
    answer = web.post(action, data=values, headers=_HX, follow_redirects=False)
    assert answer.status_code == 200, answer.text
    html = answer.text
    assert html.lstrip().startswith('<section class="card session-exercise"')
    assert "<html" not in html and html.count("<section") == 1
    squat = _text(_section(html, 0))
    assert "Set 1 5 reps @ 20 kg" in squat and "Set 2 of 5" in squat
    next_action, next_values = _next_set(html, 0)
    assert next_action == f"/sessions/{session_id}/exercises/0/sets/2"
    assert next_values["csrf_token"] == values["csrf_token"]
    # The same set sent again (the phone's outbox after a lost answer) is stored once.
    again = web.post(action, data=values, headers=_HX, follow_redirects=False)
    assert again.status_code == 200 and _section(again.text, 0) == _section(html, 0)
    assert len(_exercise(web, lifter, session_id, 0)["done_sets"]) == 1
    # The full page renders the section with the same macro: the same HTML.
    page = web.get(f"/sessions/{session_id}").text
    assert _section(page, 0) == _section(html, 0)


def test_a_refused_set_comes_back_in_its_section_with_the_reason(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    action, values = _next_set(web.get(f"/sessions/{session_id}").text, 0)
    bad = web.post(action, data={**values, "weight": "heavy"}, headers=_HX)
    assert bad.status_code == 422 and "<html" not in bad.text
    assert field_error(bad.text, "ex0-weight") == "Enter a weight in kg, like 60 or 62.5."
    assert re.search(r'id="ex0-weight" [^>]*value="heavy"', bad.text)
    gap = web.post(action.replace("/sets/1", "/sets/3"), data=values, headers=_HX)
    assert gap.status_code == 422
    assert "Log set 1 first: 0 sets are logged for this exercise." in unescape(gap.text)
    assert _exercise(web, lifter, session_id, 0)["done_sets"] == []


def test_a_set_done_is_opened_again_and_corrected_in_place(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    for _ in range(2):
        assert _tap(web, session_id, 0).status_code == 303
    html = web.get(f"/sessions/{session_id}").text
    link = f'href="/sessions/{session_id}?edit=0.1#exercise-0"'
    assert link in html
    shown = re.search(r'edit=0\.1#exercise-0" data-edit-set data-values=\'([^\']*)\'', html)
    assert shown and json.loads(shown.group(1)) == _SQUAT_20x5
    editing = web.get(f"/sessions/{session_id}?edit=0.1").text
    action, values = _next_set(editing, 0)
    assert action == f"/sessions/{session_id}/exercises/0/sets/1"
    assert (values["weight"], values["reps"]) == ("20", "5")
    squat = _text(_section(editing, 0))
    assert "Change set 1" in squat and "Save set" in squat and "As planned" not in squat
    assert "Set 3 5 reps @ 20 kg" in squat  # the next set waits below
    wrong = web.post(action, data={**values, "reps": "x"}, headers=_HX)
    assert wrong.status_code == 422 and "Change set 1" in _text(wrong.text)
    fixed = web.post(action, data={**values, "reps": "4"}, headers=_HX)
    assert fixed.status_code == 200
    done = _exercise(web, lifter, session_id, 0)["done_sets"]
    assert [d["reps"] for d in done] == [4, 5]
    assert "Set 3 of 5" in _text(fixed.text)
    for nothing in ("?edit=0.9", "?edit=x", "?edit=7.1"):  # nothing to open: the page as is
        assert "Change set" not in web.get(f"/sessions/{session_id}{nothing}").text


def test_the_sets_left_carry_their_values_for_the_phone(web: TestClient, lifter: Account) -> None:
    """Offline, the script moves the form on to the next set from these."""
    session_id = _start_5x5(web, lifter)
    html = web.get(f"/sessions/{session_id}").text
    later = re.findall(r'<li data-number="(\d)" data-rest="(\d+)" data-values=\'([^\']*)\'', html)
    assert [(n, rest, json.loads(values)) for n, rest, values in later[:4]] == [
        (str(n), "180", _SQUAT_20x5) for n in range(2, 6)
    ]
    assert f'data-gym-set data-session="{session_id}" data-exercise="0" data-position="1"' in html
    assert 'data-rest="180" data-units="kg"' in html


def test_a_hold_asks_for_seconds_and_an_optional_load(web: TestClient, lifter: Account) -> None:
    session_id = _start_workout(web, lifter, "Home A")
    html = web.get(f"/sessions/{session_id}").text
    plank = next(i for i, text in enumerate(_sections(html)) if text.startswith("Plank"))
    section = _section(html, plank)
    assert f'id="ex{plank}-seconds"' in section and f'id="ex{plank}-reps"' not in section
    assert 'Added load in </span>kg <span class="set-field-hint">(optional)</span>' in section
    assert "data-timed" in section
    action, values = _next_set(html, plank)
    for number in (1, 2, 3):
        stored = web.post(
            action, data={**values, "seconds": "45"}, headers=_HX, follow_redirects=False
        )
        assert stored.status_code == 200
        if number < 3:
            action, values = _next_set(stored.text, plank)
    done = _exercise(web, lifter, session_id, plank)["done_sets"]
    assert [(d["duration_s"], d["reps"], d["weight_kg"]) for d in done] == [(45, None, None)] * 3


def test_a_signed_out_script_is_told_to_sign_in(web: TestClient, lifter: Account) -> None:
    session_id = _start_5x5(web, lifter)
    action, values = _next_set(web.get(f"/sessions/{session_id}").text, 0)
    web.cookies.delete("gravl_session")
    answer = web.post(
        action,
        data=values,
        headers={**_HX, "X-CSRF-Token": values["csrf_token"]},
        follow_redirects=False,
    )
    # The token was bound to the sign-in: refused (403) or sent to sign in; never stored.
    assert answer.status_code in (204, 403)
    if answer.status_code == 204:
        assert answer.headers["HX-Redirect"].startswith("/signin")
    assert _exercise(web, lifter, session_id, 0)["done_sets"] == []


def test_the_service_worker_is_served_for_the_whole_site(web: TestClient) -> None:
    answer = web.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/"
    assert answer.headers["cache-control"] == "no-cache"
    assert "gravl-pages-v1" in answer.text and 'addEventListener("fetch"' in answer.text


def test_an_exercise_not_started_is_swapped_for_an_alternative_in_place(
    web: TestClient, lifter: Account
) -> None:
    session_id = _start_5x5(web, lifter)
    html = web.get(f"/sessions/{session_id}").text
    swap = f"/sessions/{session_id}/exercises/0/swap"
    assert f'<a href="{swap}">See the alternatives</a>' in _section(html, 0)
    page = web.get(swap)
    assert page.status_code == 200 and "<h1>Swap Barbell Back Squat</h1>" in page.text
    offered = re.findall(r'name="exercise_id" value="(\d+)"', page.text)
    assert 1 <= len(offered) <= 6
    action = f"/sessions/{session_id}/exercises/0/replace"
    token = csrf_from(page.text)
    wrong = web.post(action, data={"csrf_token": token, "exercise_id": "999999"}, headers=_HX)
    assert wrong.status_code == 422 and "Choose one of the exercises offered." in wrong.text
    answer = web.post(action, data={"csrf_token": token, "exercise_id": offered[0]}, headers=_HX)
    assert answer.status_code == 200 and "<html" not in answer.text
    name = re.search(r'<h2 id="exercise-0-name">([^<]+)</h2>', answer.text)
    assert name and name.group(1) != "Barbell Back Squat"
    shown = _exercise(web, lifter, session_id, 0)
    assert shown["exercise"]["id"] == int(offered[0]) and shown["exercise"]["name"] == name.group(1)
    # Started, an exercise stays: its sets belong to it.
    assert _tap(web, session_id, 1).status_code == 303
    assert "See the alternatives" not in _section(web.get(f"/sessions/{session_id}").text, 1)
    late = web.post(
        f"/sessions/{session_id}/exercises/1/replace",
        data={"csrf_token": token, "exercise_id": offered[0]},
    )
    assert late.status_code == 422 and "are logged already" in late.text
    assert _exercise(web, lifter, session_id, 1)["exercise"]["name"] == "Barbell Bench Press"
    nobody = web.post(
        f"/sessions/{session_id}/exercises/9/replace",
        data={"csrf_token": token, "exercise_id": "1"},
    )
    assert nobody.status_code == 404


def test_notes_on_an_exercise_are_kept_on_its_log(web: TestClient, lifter: Account) -> None:
    session_id = _start_5x5(web, lifter)
    html = web.get(f"/sessions/{session_id}").text
    assert "Notes on Barbell Back Squat" not in html  # no set yet: nowhere to keep them
    action = f"/sessions/{session_id}/exercises/0/notes"
    token = csrf_from(html)
    early = web.post(action, data={"csrf_token": token, "notes": "Seat 4"})
    assert early.status_code == 404
    assert _tap(web, session_id, 0).status_code == 303
    assert "Notes on Barbell Back Squat" in web.get(f"/sessions/{session_id}").text
    answer = web.post(action, data={"csrf_token": token, "notes": " Belt on set 3 "}, headers=_HX)
    assert answer.status_code == 200 and "<html" not in answer.text
    assert re.search(r'<textarea id="ex0-notes" [^>]*>Belt on set 3</textarea>', answer.text)
    log_id = _exercise(web, lifter, session_id, 0)["done_sets"][0]["log_id"]
    log = web.get(f"/api/logs/{log_id}", headers=lifter.headers).json()
    assert log["notes"] == "Belt on set 3"
    too_long = web.post(action, data={"csrf_token": token, "notes": "x" * 2001}, headers=_HX)
    assert too_long.status_code == 422
    assert field_error(too_long.text, "ex0-notes") == "Keep the notes under 2,000 characters."
    assert web.get(f"/api/logs/{log_id}", headers=lifter.headers).json()["notes"] == "Belt on set 3"
    cleared = web.post(action, data={"csrf_token": token, "notes": ""}, follow_redirects=False)
    assert cleared.status_code == 303
    assert web.get(f"/api/logs/{log_id}", headers=lifter.headers).json()["notes"] is None
