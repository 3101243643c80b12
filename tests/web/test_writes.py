"""Every web form that writes a lifter's training data replaces their data version.

The per-worker caches are keyed by ``users.data_version``; a web form post that writes the
lifter's training data must replace it in its own transaction (``WritingWebLifter``), and
nothing else may. Each case below posts a real, valid form the way a browser does and reads
the version straight from the database.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from gravl.config import Settings
from gravl.db import Database
from gravl.web.session import writing_web_lifter
from tests.routes import ACCOUNT_WRITES_WEB, READS_ONLY_WEB, app_routes, dependency_calls
from tests.transfer.generators import strong_export
from tests.web.helpers import csrf_from, field_error, sign_up

EMAIL = "writer@example.com"
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
# Form posts that are not the lifter's training data: the session's own bookkeeping, and the
# posts that write nothing at all.
NOT_TRAINING_DATA = ACCOUNT_WRITES_WEB | READS_ONLY_WEB


@dataclass(frozen=True)
class Post:
    """One form submission, as the browser sends it."""

    action: str
    data: dict[str, str | list[str]]
    files: dict[str, tuple[str, bytes, str]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # A post that answers with a page instead of a redirect (the import shows its report):
    # the text that page shows when the write succeeded.
    shows: str | None = None


def _send(client: TestClient, post: Post) -> httpx.Response:
    response = client.post(
        post.action,
        data=post.data,
        files=post.files,
        headers=post.headers,
        follow_redirects=False,
    )
    _assert_succeeded(response, post)
    return response


def _assert_succeeded(response: httpx.Response, post: Post) -> None:
    if post.shows is not None:
        assert response.status_code == 200, response.text
        assert post.shows in response.text
        return
    if response.status_code == 204:  # htmx: HX-Redirect instead of a 303
        target = response.headers.get("hx-redirect", "")
    else:
        assert response.status_code == 303, response.text
        target = response.headers["location"]
    # A lost session is a 303 too, to the sign-in page.
    assert target and not target.startswith("/signin"), target


# -- reading the database behind the app ------------------------------------------------------


def _scalar(client: TestClient, sql: str, **params: Any) -> Any:
    async def run() -> Any:
        database: Database = client.app.state.database  # type: ignore[attr-defined]
        async with database.sessionmaker() as session:
            return (await session.execute(text(sql), params)).scalar_one()

    return client.portal.call(run)  # type: ignore[union-attr]


def _user_id(client: TestClient, email: str = EMAIL) -> int:
    return int(_scalar(client, "SELECT id FROM users WHERE email = :email", email=email))


def _version(client: TestClient, user_id: int) -> int:
    return int(_scalar(client, "SELECT data_version FROM users WHERE id = :id", id=user_id))


# -- what a lifter has to have done before each form can be posted ------------------------------


def _exercise(client: TestClient) -> tuple[str, str]:
    """The id and name of the first exercise a search for the barbell bench press finds."""
    html = client.get("/exercises", params={"q": "barbell bench press"}).text
    found = re.search(r'<a href="/exercises/(\d+)">([^<]+)</a>', html)
    assert found, "the exercise search found nothing"
    return found.group(1), found.group(2)


def _settings(client: TestClient) -> Post:
    html = client.get("/settings").text
    data = {"display_name": "Ada", "units": "lb", "timezone": "Europe/Paris"}
    return Post("/settings", {"csrf_token": csrf_from(html), **data, "experience": "advanced"})


def _welcome(client: TestClient) -> Post:
    html = client.get("/welcome").text
    data = {"units": "lb", "timezone": "america/new york", "experience": "beginner"}
    return Post("/welcome", {"csrf_token": csrf_from(html), **data, "goal": "strength"})


def _check_in(client: TestClient) -> Post:
    html = client.get("/check-in").text
    return Post(
        "/check-in", {"csrf_token": csrf_from(html), "muscle_group": "chest", "soreness": "6"}
    )


def _new_exercise(client: TestClient) -> Post:
    html = client.get("/exercises/new").text
    data = {"name": "Sled Push", "category": "strongman", "primary_muscles": ["quadriceps"]}
    return Post("/exercises/new", {"csrf_token": csrf_from(html), **data})


def _training_preferences(client: TestClient) -> Post:
    html = client.get("/settings/training").text
    data: dict[str, str | list[str]] = {
        "goal": "strength",
        "equipment_mode": "listed",
        "equipment": ["dumbbell", "bands"],
        "session_minutes": "45",
        "rest": ["neck"],
        "until_neck": "",
        "add_exercise": "",
        "accessory_sessions": "on",
        "plates_unit": "kg",
        "bar": "20",
        "ez_bar": "10",
        "plate_sizes": "20, 10, 5, 2.5",
        "dumbbell_step": "2",
        "machine_step": "5",
    }
    return Post("/settings/training", {"csrf_token": csrf_from(html), **data})


def _enroll(client: TestClient) -> Post:
    html = client.get("/programs").text
    program = re.search(r'action="/programs/(\d+)/enroll"', html)
    assert program, "no program to enroll in"
    return Post(f"/programs/{program.group(1)}/enroll", {"csrf_token": csrf_from(html)})


def _swap(client: TestClient) -> Post:
    _send(client, _enroll(client))
    html = client.get("/today").text
    options = re.findall(r'name="replacement" id="swap-\d+" value="((?:workout|custom):\d+)"', html)
    assert options, "nothing scheduled today to swap"
    data = {"csrf_token": csrf_from(html), "replacement": options[0], "reason": "Gym was packed"}
    return Post("/today/swap", data)


def _revert(client: TestClient) -> Post:
    _send(client, _swap(client))
    html = client.get("/today").text
    swap = re.search(r'action="/swaps/(\d+)/revert"', html)
    assert swap, "today shows no swap to revert"
    return Post(f"/swaps/{swap.group(1)}/revert", {"csrf_token": csrf_from(html), "next": "/today"})


def _build(client: TestClient) -> Post:
    html = client.get("/workouts/custom/new").text
    exercise_id, name = _exercise(client)
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf_from(html),
        "workout_id": "",
        "name": "Garage",
        "description": "",
        "q": "",
        "exercise_id": [exercise_id],
        "exercise_name": [name],
        "target_sets": ["3"],
        "target_reps": ["8"],
        "rest_seconds": ["90"],
        "action": "save",
    }
    return Post("/workouts/custom/build", data)


def _delete_workout(client: TestClient) -> Post:
    saved = _send(client, _build(client))
    workout = re.search(r"saved=(\d+)", saved.headers["location"])
    assert workout, saved.headers["location"]
    html = client.get(f"/workouts/custom/{workout.group(1)}/edit").text
    return Post(f"/workouts/custom/{workout.group(1)}/delete", {"csrf_token": csrf_from(html)})


def _import(client: TestClient) -> Post:
    """The upload as htmx sends it (the form's hx-post), with the token in its header."""
    token = csrf_from(client.get("/import").text)
    export = strong_export(random.Random(7), "ios", sessions=2, unit="kg")
    return Post(
        "/import",
        {"csrf_token": token, "format": "strong", "unit": "kg", "action": "confirm"},
        files={"file": ("strong.csv", export.content, "text/csv")},
        headers={"HX-Request": "true", "HX-Target": "import-result", "X-CSRF-Token": token},
        shows=">Imported<",
    )


def _imported(client: TestClient) -> str:
    """Import a file through the form; the import page that lists it."""
    _send(client, _import(client))
    return client.get("/import").text


def _undo_import(client: TestClient) -> Post:
    html = _imported(client)
    action = re.search(r'action="(/imports/\d+/undo)"', html)
    assert action, "the import page lists no import to undo"
    return Post(action.group(1), {"csrf_token": csrf_from(html)}, shows="Undid strong.csv")


def _remap_name(client: TestClient) -> Post:
    _imported(client)
    html = client.get("/imports/names").text
    name = re.search(r'name="name" value="([^"]+)"', html)
    assert name, "the names page lists no imported name"
    data = {"csrf_token": csrf_from(html), "name": unescape(name.group(1)), "exercise": "Plank"}
    return Post("/imports/names/remap", data, shows="now logs as Plank")


def _name_muscles(client: TestClient) -> Post:
    _imported(client)
    html = client.get("/imports/names").text
    exercise = re.search(r'name="exercise_id" value="(\d+)"', html)
    assert exercise, "the names page offers no exercise of the lifter's own"
    data = {"csrf_token": csrf_from(html), "exercise_id": exercise.group(1), "primary": ["chest"]}
    return Post("/imports/names/muscles", data, shows="now counts for Chest")


def _log(client: TestClient) -> Post:
    exercise_id, _ = _exercise(client)
    html = client.get("/log", params={"exercise_id": exercise_id}).text
    data = {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}
    sets = {"set_type-1": "normal", "weight-1": "100", "reps-1": "5", "rpe-1": "8"}
    return Post("/log", {**data, **sets, "done": "1"})


def _logged(client: TestClient) -> str:
    """Log a set through the form; the id of that log, from the history page."""
    _send(client, _log(client))
    found = re.search(r'action="/history/(?:logs/)?(\d+)/delete"', client.get("/history").text)
    assert found, "the history shows no log"
    return found.group(1)


def _edit_log(client: TestClient) -> Post:
    log_id = _logged(client)
    html = client.get(f"/history/{log_id}/edit").text
    sets = {"set_type": "normal", "weight": "105", "reps": "3", "rpe": "", "minutes": ""}
    return Post(
        f"/history/{log_id}/edit", {"csrf_token": csrf_from(html), **sets, "action": "save"}
    )


def _delete_logged(client: TestClient) -> Post:
    _send(client, _add_past_session(client))
    html = client.get("/history").text
    found = re.search(r'action="(/history/logs/\d+/delete)"', html)
    assert found, "the history offers no log to delete"
    return Post(found.group(1), {"csrf_token": csrf_from(html)})


def _undo_delete(client: TestClient) -> Post:
    deleted = _send(client, _delete_logged(client))
    html = client.get(deleted.headers["location"]).text
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token, "the history offers no Undo after a delete"
    return Post("/history/undo", {"csrf_token": csrf_from(html), "token": token.group(1)})


def _add_past_session(client: TestClient) -> Post:
    html = client.get("/history/new").text
    first = re.search(r'<datalist id="exercise-names">\s*<option value="([^"]+)">', html)
    assert first, "the past-session form offers no exercise"
    name = unescape(first.group(1))
    day = re.search(r'name="date" type="date" value="([0-9-]+)"', html)
    assert day
    data = {"csrf_token": csrf_from(html), "date": day.group(1), "time": "00:00"}
    data |= {"exercise-0": name, "weight-0-0": "50", "reps-0-0": "5", "action": "save"}
    return Post("/history/new", data)


def _delete_session(client: TestClient) -> Post:
    _send(client, _add_past_session(client))
    html = client.get("/history").text
    found = re.search(r'action="(/history/sessions/\d+/delete)"', html)
    assert found, "the history offers no session to delete"
    return Post(found.group(1), {"csrf_token": csrf_from(html)})


def _start_session(client: TestClient) -> Post:
    html = client.get("/today").text
    assert 'action="/sessions"' in html, "Today offers no session to start"
    return Post("/sessions", {"csrf_token": csrf_from(html)})


def _session_page(client: TestClient) -> str:
    """Start today's session through its form; the session page."""
    started = _send(client, _start_session(client))
    return client.get(started.headers["location"]).text


def _session_set(client: TestClient) -> Post:
    html = _session_page(client)
    action = re.search(r'<form method="post" action="(/sessions/\d+/exercises/0/sets/1)"', html)
    assert action, "the session page has no set to log"
    data = {"set_type": "normal", "weight": "20", "reps": "5", "rpe": "8", "seconds": ""}
    return Post(action.group(1), {"csrf_token": csrf_from(html), **data})


def _finish_session(client: TestClient) -> Post:
    html = _session_page(client)
    action = re.search(r'action="(/sessions/\d+/finish)"', html)
    assert action, "the session page has no Finish"
    return Post(action.group(1), {"csrf_token": csrf_from(html), "notes": "Good day"})


def _replace_exercise(client: TestClient) -> Post:
    html = _session_page(client)
    swap = re.search(r'<a href="(/sessions/\d+/exercises/0/swap)">', html)
    assert swap, "the session page offers no swap"
    page = client.get(swap.group(1)).text
    choice = re.search(r'name="exercise_id" value="(\d+)"', page)
    assert choice, "no alternative offered"
    action = swap.group(1).removesuffix("/swap") + "/replace"
    return Post(action, {"csrf_token": csrf_from(page), "exercise_id": choice.group(1)})


def _exercise_notes(client: TestClient) -> Post:
    post = _session_set(client)
    _send(client, post)
    action = post.action.removesuffix("/sets/1") + "/notes"
    return Post(action, {"csrf_token": post.data["csrf_token"], "notes": "Seat 4"})


# Every web form that writes training data: (method, route path) → the post to make.
WRITES: dict[tuple[str, str], Callable[[TestClient], Post]] = {
    ("POST", "/settings"): _settings,
    ("POST", "/welcome"): _welcome,
    ("POST", "/check-in"): _check_in,
    ("POST", "/exercises/new"): _new_exercise,
    ("POST", "/settings/training"): _training_preferences,
    ("POST", "/programs/{program_id}/enroll"): _enroll,
    ("POST", "/today/swap"): _swap,
    ("POST", "/swaps/{swap_id}/revert"): _revert,
    ("POST", "/workouts/custom/build"): _build,
    ("POST", "/workouts/custom/{workout_id}/delete"): _delete_workout,
    ("POST", "/import"): _import,
    ("POST", "/imports/{import_id}/undo"): _undo_import,
    ("POST", "/imports/names/remap"): _remap_name,
    ("POST", "/imports/names/muscles"): _name_muscles,
    ("POST", "/log"): _log,
    ("POST", "/history/{log_id}/edit"): _edit_log,
    ("POST", "/history/logs/{log_id}/delete"): _delete_logged,
    ("POST", "/history/sessions/{session_id}/delete"): _delete_session,
    ("POST", "/history/undo"): _undo_delete,
    ("POST", "/history/new"): _add_past_session,
    ("POST", "/sessions"): _start_session,
    ("POST", "/sessions/{session_id}/exercises/{index}/sets/{position}"): _session_set,
    ("POST", "/sessions/{session_id}/finish"): _finish_session,
    ("POST", "/sessions/{session_id}/exercises/{index}/replace"): _replace_exercise,
    ("POST", "/sessions/{session_id}/exercises/{index}/notes"): _exercise_notes,
}


@pytest.fixture
def web(client: TestClient) -> TestClient:
    sign_up(client, EMAIL)
    return client


@pytest.mark.parametrize("route", sorted(WRITES), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_web_write_replaces_the_data_version(web: TestClient, route: tuple[str, str]) -> None:
    post = WRITES[route](web)
    user_id = _user_id(web)
    before = _version(web, user_id)
    _send(web, post)
    assert _version(web, user_id) != before


def test_page_views_leave_the_data_version(web: TestClient) -> None:
    _logged(web)
    _send(web, _enroll(web))
    user_id = _user_id(web)
    before = _version(web, user_id)
    for page in ("/today", "/history", "/progress", "/settings"):
        response = web.get(page)
        assert response.status_code == 200, page
    assert _version(web, user_id) == before


def _invalid_log(client: TestClient) -> Post:
    post = _log(client)
    return Post(post.action, {**post.data, "weight-1": "heavy"})


def _invalid_settings(client: TestClient) -> Post:
    post = _settings(client)
    return Post(post.action, {**post.data, "timezone": "Mars/Olympus"})


def _forged_log(client: TestClient) -> Post:
    post = _log(client)
    return Post(post.action, {**post.data, "csrf_token": "0" * 64})


def _zero_rep_set(client: TestClient) -> Post:
    post = _session_set(client)
    return Post(post.action, {**post.data, "reps": "0"})


def _swap_again(client: TestClient) -> Post:
    post = _swap(client)
    _send(client, post)
    return Post(post.action, {**post.data, "csrf_token": csrf_from(client.get("/today").text)})


# A post that is refused: (the post, its status, a field whose error the page shows).
FAILED: dict[str, tuple[Callable[[TestClient], Post], int, str | None]] = {
    "log with an invalid weight": (_invalid_log, 422, "set-1-weight"),
    "settings with an unknown timezone": (_invalid_settings, 422, "timezone"),
    "log with a forged CSRF token": (_forged_log, 403, None),
    "swap of a day already swapped": (_swap_again, 422, None),
    "session set of 0 working reps": (_zero_rep_set, 422, "ex0-reps"),
}


@pytest.mark.parametrize("case", sorted(FAILED))
def test_a_failed_web_write_keeps_the_data_version(web: TestClient, case: str) -> None:
    setup, status, field_name = FAILED[case]
    post = setup(web)
    user_id = _user_id(web)
    before = _version(web, user_id)
    response = web.post(post.action, data=post.data, follow_redirects=False)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    if field_name is not None:
        assert field_error(response.text, field_name), response.text
    assert _version(web, user_id) == before


def test_every_web_write_is_in_the_table(settings: Settings) -> None:
    """A new web form that writes must be added to WRITES (and claim the version)."""
    routes = app_routes(settings)
    assert any(path == "/log" for path, _ in routes)
    changing = {
        (method, path)
        for path, route in routes
        if not path.startswith("/api")
        for method in route.methods - {"GET", "HEAD"}
    }
    assert changing == set(WRITES) | NOT_TRAINING_DATA
    claiming = {
        (method, path)
        for path, route in routes
        if writing_web_lifter in set(dependency_calls(route.dependant))
        for method in route.methods
    }
    assert claiming == set(WRITES)
