"""Today: the enrolled program's workout, and a body map that follows the lifter's logs."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from gravl.web.session_plan import long_date
from tests import factories
from tests.conftest import Account
from tests.factories import hard_sets
from tests.web.helpers import csrf_from, post_form


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


def test_the_body_map_shows_lateral_raises_on_the_side_delts_only(
    client: TestClient, lifter: Account
) -> None:
    """The deltoid is drawn as its heads, each in its own colour: lateral raises tire the side
    head, and the front and rear heads stay ready; the shoulders group is its most tired head."""
    _sign_in(client, lifter)
    raise_id = factories.exercise_id(client, "dumbbell-lateral-raise")
    factories.log(client, lifter, raise_id, sets=hard_sets(10, reps=12, weight=12, rpe=9))
    html = client.get("/today").text
    side = re.search(
        r'<g class="muscle status-(\w+)" data-muscle="side_delts" id="side_delts"', html
    )
    assert side and side.group(1) != "ready"
    assert re.search(
        r'aria-label="Side delts: \d{1,2}% recovered, (fatigued|recovering), ready \w{3} ', html
    )
    assert 'class="muscle status-ready" data-muscle="front_delts" id="front_delts"' in html
    assert 'class="muscle status-ready" data-muscle="rear_delts" id="rear_delts"' in html
    assert (
        f'<g class="muscle status-{side.group(1)}" data-muscle="side_delts" aria-hidden="true">'
        in html
    )
    group = re.search(
        r'id="shoulders" role="group"\s+aria-label="Shoulders: (\d+)% recovered, (\w+),', html
    )
    label = re.search(r'aria-label="Side delts: (\d+)% recovered, (\w+),', html)
    assert group and label and group.groups() == label.groups()


# The plan card (issue 16): where the lifter stands in their plan comes first, one state each.


def _local_today(client: TestClient, lifter: Account) -> date:
    zone = client.get("/api/me", headers=lifter.headers).json()["timezone"]
    return datetime.now(ZoneInfo(zone)).date()


def _full_body(client: TestClient, lifter: Account) -> list[dict[str, Any]]:
    """Full Body 3×/week's workouts A and B (its cycle: A, rest, B, rest, A, rest, rest, …)."""
    programs = client.get("/api/programs", headers=lifter.headers).json()
    program = next(p for p in programs if p["name"] == "Full Body 3×/week")
    days = (program["schedule"][0]["workout_id"], program["schedule"][2]["workout_id"])
    return [client.get(f"/api/workouts/{w}", headers=lifter.headers).json() for w in days]


def _train(
    client: TestClient, lifter: Account, workout: dict[str, Any], at: datetime | None = None
) -> int:
    """Log every exercise of the workout as planned, tagged with it; the working sets logged."""
    logged = 0
    for exercise in workout["exercises"]:
        when = {"performed_at": at.isoformat()} if at is not None else {}
        sets = hard_sets(exercise["target_sets"], reps=exercise["target_reps"], rpe=8)
        factories.log(
            client, lifter, exercise["exercise_id"], sets=sets, workout_id=workout["id"], **when
        )
        logged += len(sets)
    return logged


def _plan_card(client: TestClient) -> tuple[str, str, str]:
    """The Today page's plan card: its heading, its text, and the whole page's HTML."""
    html = client.get("/today").text
    start = html.index('<section class="card today-plan')
    card = html[start : html.index("</section>", start)]
    heading = re.search(r'<h2 id="scheduled-heading">(.*?)</h2>', card, re.S)
    assert heading, "the plan card has no heading"
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
    text = re.sub(r" ([.,:])", r"\1", text)
    return unescape(heading.group(1)).strip(), text, html


def _recommendations_heading(html: str) -> str:
    found = re.search(r'<h2 id="recommendations-heading">(.*?)</h2>', html, re.S)
    assert found
    return found.group(1).strip()


def test_a_scheduled_day_shows_the_workout_first(web: TestClient, lifter: Account) -> None:
    today = _local_today(web, lifter)
    a, b = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=today.isoformat())
    heading, text, html = _plan_card(web)
    assert heading == a["name"]
    assert "Start workout" in text and "Swap this workout" in text
    first = a["exercises"][0]["exercise_id"]
    assert f'href="/log?exercise_id={first}&amp;workout_id={a["id"]}"' in html
    assert f"Next: {b['name']} on {today + timedelta(days=2):%A}." in text
    assert html.index('id="scheduled-heading"') < html.index('id="recommendations-heading"')
    assert _recommendations_heading(html) == "Recommended for today"


def test_a_rest_day_says_rest_and_names_the_next_session(web: TestClient, lifter: Account) -> None:
    today = _local_today(web, lifter)
    yesterday = today - timedelta(days=1)
    a, b = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=yesterday.isoformat())
    zone = ZoneInfo(web.get("/api/me", headers=lifter.headers).json()["timezone"])
    _train(web, lifter, a, datetime.combine(yesterday, time(12), zone))  # done as planned
    heading, text, html = _plan_card(web)
    assert heading == "Rest day"
    assert "Full Body 3×/week has no workout today." in text
    assert f"Next: {b['name']} tomorrow." in text
    assert f"Train anyway? Move {b['name']} to today" in text
    assert f'<a href="/workouts/{b["id"]}">' in html
    assert "Start workout" not in text and "Swap this workout" not in text
    assert _recommendations_heading(html) == "If you train anyway"

    # Training anyway puts the next session on today, reversibly.
    pulled = post_form(web, "/today", "/today/swap", {"replacement": f"workout:{b['id']}"})
    assert pulled.status_code == 303, pulled.text
    heading, text, html = _plan_card(web)
    assert heading == b["name"]
    assert "Swapped in for a rest day" in text and "Start workout" in text
    (swap,) = web.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert (swap["original_workout_id"], swap["replacement_workout_id"]) == (None, b["id"])
    reverted = post_form(web, "/today", f"/swaps/{swap['id']}/revert", {"next": "/today"})
    assert reverted.status_code == 303
    assert _plan_card(web)[0] == "Rest day"


def test_after_the_session_today_is_done(web: TestClient, lifter: Account) -> None:
    today = _local_today(web, lifter)
    a, b = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=today.isoformat())
    sets = _train(web, lifter, a)
    heading, text, html = _plan_card(web)
    assert heading == "Done for today"
    assert re.search(rf"{re.escape(a['name'])}: {sets} working sets, (at )?\d\d:\d\d", text)
    # The next session's day, with its targets (the plan card is not shown on a day done).
    assert f"Next: {b['name']} on {long_date(today + timedelta(days=2))}." in text
    assert f'href="/today?date={today + timedelta(days=2)}"' in html
    assert html.count('<span class="done-pill">Logged</span>') == len(a["exercises"])
    assert "Start workout" not in text and "Swap this workout" not in html
    assert _recommendations_heading(html) == "Optional extra"


def test_a_missed_session_is_offered_as_catch_up(web: TestClient, lifter: Account) -> None:
    today = _local_today(web, lifter)
    yesterday = today - timedelta(days=1)
    a, b = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=yesterday.isoformat())
    heading, text, html = _plan_card(web)
    assert heading == f"Catch up: {a['name']} (missed on {yesterday:%A})"
    assert "do it today, or rest" in text and "Start workout" in text
    first = a["exercises"][0]["exercise_id"]
    assert f'href="/log?exercise_id={first}&amp;workout_id={a["id"]}"' in html
    assert f"Next: {b['name']} tomorrow." in text
    # Done today, the catch-up is the day's session.
    _train(web, lifter, a)
    assert _plan_card(web)[0] == "Done for today"


def test_without_a_program_the_card_points_to_programs(web: TestClient) -> None:
    heading, text, html = _plan_card(web)
    assert heading == "No program yet"
    assert "You are not following a program yet." in text
    assert '<a href="/programs">Choose a program</a>' in html
    assert _recommendations_heading(html) == "Recommended for today"


# Today's session (issue 18): the day's targets, started from Today, and any other day's plan.


def _beginner_on_5x5(client: TestClient, lifter: Account) -> date:
    """A beginner on 5×5 Strength from today (its cycle: A, rest, B, rest, A, …); today."""
    response = client.patch("/api/me", json={"experience": "beginner"}, headers=lifter.headers)
    assert response.status_code == 200, response.text
    today = _local_today(client, lifter)
    factories.enroll(client, lifter, "5×5 Strength", start_date=today.isoformat())
    return today


def _session_card(html: str) -> str:
    """The "Today's session" card as text."""
    start = html.index('<section class="card session-plan"')
    card = html[start : html.index("</section>", start)]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
    return re.sub(r" ([.,:])", r"\1", text)


def test_today_shows_the_sessions_targets_and_start(web: TestClient, lifter: Account) -> None:
    today = _beginner_on_5x5(web, lifter)
    html = web.get("/today").text
    card = _session_card(html)
    assert card.startswith("Today's session 5×5 A · about ")
    for lift in ("Barbell Back Squat", "Barbell Bench Press", "Barbell Row"):
        assert lift in card
    # Every lift starts with the empty bar: five sets of five, the rest, what goes on the bar.
    assert card.count("5 × 5 @ 20 kg · rest 3 min Empty bar") == 3
    assert "First time: start with the empty bar (20 kg)" in card
    assert re.search(r'<form method="post" action="/sessions" class="start-session">', html)
    assert "Start session" in card and "Continue session" not in card
    next_day = today + timedelta(days=2)
    assert f"Next: 5×5 B on {next_day:%A} {next_day.day} {next_day:%B}." in card
    assert f'<a href="/today?date={next_day.isoformat()}">5×5 B</a>' in html
    # The plan card is still first, and its log-as-you-go link is still there.
    assert html.index('id="scheduled-heading"') < html.index('id="session-heading"')
    assert "Start workout" in _plan_card(web)[1]


def test_starting_the_session_opens_it_and_today_offers_to_continue(
    web: TestClient, lifter: Account
) -> None:
    _beginner_on_5x5(web, lifter)
    started = post_form(web, "/today", "/sessions", {})
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    session_id = int(location.removeprefix("/sessions/"))
    kept = web.get(f"/api/sessions/{session_id}", headers=lifter.headers).json()
    assert kept["title"] == "5×5 A" and kept["exercises"][0]["sets"][0]["target_weight_kg"] == 20
    page = web.get(location)
    assert page.status_code == 200 and "<h1>5×5 A</h1>" in page.text
    html = web.get("/today").text
    assert f'<a class="button-primary button-wide" href="{location}">Continue session</a>' in html
    assert 'action="/sessions"' not in html
    # Starting again (a second tab, a double tap) opens the same session.
    again = web.post("/sessions", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert again.headers["location"] == location
    assert len(web.get("/api/sessions", headers=lifter.headers).json()) == 1


def test_nothing_to_start_on_a_rest_day(web: TestClient, lifter: Account) -> None:
    """Starting needs a planned session: a rest day's Start (from a stale page) says why."""
    yesterday = _local_today(web, lifter) - timedelta(days=1)
    a, b = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=yesterday.isoformat())
    zone = ZoneInfo(web.get("/api/me", headers=lifter.headers).json()["timezone"])
    _train(web, lifter, a, datetime.combine(yesterday, time(12), zone))
    card = _session_card(web.get("/today").text)
    assert card.startswith("Today's session Rest day: nothing planned today.")
    assert f"Next: {b['name']} on " in card and "Start session" not in card
    refused = post_form(web, "/today", "/sessions", {})
    assert refused.status_code == 409
    assert 'class="form-error" role="alert">There is no session to start today.' in refused.text
    assert "Rest day: nothing planned today." in refused.text
    assert web.get("/api/sessions", headers=lifter.headers).json() == []


def test_another_day_shows_its_session(web: TestClient, lifter: Account) -> None:
    today = _beginner_on_5x5(web, lifter)
    tomorrow, next_day = today + timedelta(days=1), today + timedelta(days=2)
    programs = web.get("/api/programs", headers=lifter.headers).json()
    first = next(p for p in programs if p["name"] == "5×5 Strength")["schedule"][0]["workout_id"]
    _train(web, lifter, web.get(f"/api/workouts/{first}", headers=lifter.headers).json())
    page = web.get("/today", params={"date": next_day.isoformat()})
    assert page.status_code == 200
    assert f"<h1>{next_day:%A} {next_day.day} {next_day:%B}</h1>" in page.text
    card = _session_card(page.text)
    assert card.startswith("Planned session 5×5 B · about ")
    assert "Barbell Overhead Press" in card and "Barbell Deadlift" in card
    assert "Start session" not in card  # a session is started on its day
    rest = _session_card(web.get("/today", params={"date": tomorrow.isoformat()}).text)
    assert rest.startswith(
        f"Planned session Rest day: nothing planned on {tomorrow:%A} {tomorrow.day} {tomorrow:%B}."
    )
    assert f"Next: 5×5 B on {next_day:%A} {next_day.day} {next_day:%B}." in rest
    # Today's date is Today itself.
    assert 'id="recommendations-heading"' in web.get(f"/today?date={today.isoformat()}").text


def test_a_date_that_is_not_one_is_a_friendly_error(web: TestClient) -> None:
    for text in ("tomorrow", "2026-02-30", "9999-12-31", "0001-01-01", "2026-12-01" * 50):
        page = web.get("/today", params={"date": text})
        assert page.status_code == 400, text
        assert page.headers["content-type"].startswith("text/html")
        assert "Choose a date like 2026-12-01 to see its session." in page.text


def test_without_a_program_today_builds_a_session_to_start(
    web: TestClient, lifter: Account
) -> None:
    card = _session_card(web.get("/today").text)
    assert re.match(r"Today's session About \d+ min ", card), card[:80]
    assert "Start session" in card
    started = post_form(web, "/today", "/sessions", {})
    assert started.status_code == 303, started.text
    assert "<h1>Today&#39;s session</h1>" in web.get(started.headers["location"]).text


def test_a_day_done_links_its_summary_and_offers_nothing_to_start(
    web: TestClient, lifter: Account
) -> None:
    today = _local_today(web, lifter)
    a, _ = _full_body(web, lifter)
    factories.enroll(web, lifter, "Full Body 3", start_date=today.isoformat())
    started = web.post("/api/sessions", json={}, headers=lifter.headers).json()
    for exercise in a["exercises"]:
        sets = hard_sets(exercise["target_sets"], reps=exercise["target_reps"], rpe=8)
        factories.log(
            web,
            lifter,
            exercise["exercise_id"],
            sets=sets,
            workout_id=a["id"],
            session_id=started["id"],
        )
    finished = web.patch(
        f"/api/sessions/{started['id']}", json={"finished": True}, headers=lifter.headers
    )
    assert finished.status_code == 200
    heading, text, html = _plan_card(web)
    assert heading == "Done for today"
    assert f'href="/sessions/{started["id"]}/summary"' in html
    # Nothing to start again: neither the plan's button nor a second session card.
    assert "Start workout" not in html and "Start session" not in html
    assert 'id="session-heading"' not in html
    assert _recommendations_heading(html) == "Optional extra"
    summary = web.get(f"/sessions/{started['id']}/summary")
    assert summary.status_code == 200 and a["name"] in summary.text
