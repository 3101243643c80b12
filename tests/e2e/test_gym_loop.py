"""The workout page at the gym, on a phone (docs/gym-loop.md): one tap stores a set with no page
load, the phone keeps what it cannot send yet, typing survives reloads and other pages, the
rest timer runs across pages, and a plank is logged in seconds.

What is stored is read back through the API, not from the page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.e2e.conftest import PASSWORD, axe_violations, sign_up
from tests.e2e.live_server import VIEWPORTS, LiveServer

pytestmark = pytest.mark.parametrize("viewport", ["mobile"])
# The page's script has restored and sent what the phone holds; the service worker has the page
# (a machine busy with other suites needs longer than expect's 5 s).
READY_MS = 20_000

# The five lifts of a beginner's first custom workout: each starts on the empty bar (20 kg).
FIRST_WORKOUT = [
    "barbell-back-squat",
    "barbell-bench-press",
    "barbell-row",
    "barbell-overhead-press",
    "barbell-front-squat",
]


class Api:
    """The lifter's API, signed in with the same account as the browser."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def beginner(self) -> None:
        response = self.client.patch("/api/me", json={"experience": "beginner"})
        assert response.status_code == 200, response.text

    def exercise_id(self, slug: str) -> int:
        found = self.get("/api/exercises", limit=200, q=slug.replace("-", " "))["items"]
        return next(int(item["id"]) for item in found if item["slug"] == slug)

    def start(self, **body: Any) -> int:
        return int(self.post("/api/sessions", body)["id"])

    def start_workout(self, name: str) -> int:
        workout = next(w for w in self.get("/api/workouts") if w["name"] == name)
        return self.start(workout_id=workout["id"])

    def done(self, session_id: int, index: int) -> list[dict[str, Any]]:
        sets: list[dict[str, Any]] = self.get(f"/api/sessions/{session_id}")["exercises"][index][
            "done_sets"
        ]
        return sets


def _signed_in(page: Page, live_server: LiveServer) -> Iterator[Api]:
    email = sign_up(page)
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield Api(client)


@pytest.fixture
def api(page: Page, live_server: LiveServer) -> Iterator[Api]:
    yield from _signed_in(page, live_server)


def _open(page: Page, session_id: int) -> None:
    page.goto(f"/sessions/{session_id}")
    expect(page.locator("html[data-gym-ready]")).to_have_count(1, timeout=READY_MS)


def _sets(page: Page, index: int) -> Any:
    return page.locator(f"#exercise-{index} .done-sets li")


def test_one_tap_stores_a_set_that_survives_a_reload_and_typing_is_never_lost(
    page: Page, api: Api
) -> None:
    api.beginner()
    session_id = api.start_workout("5×5 A")
    _open(page, session_id)
    squat = page.locator("#exercise-0")
    squat.get_by_role("button", name="As planned").click()
    # Shown at once, stored at once: an immediate reload still has it.
    expect(_sets(page, 0)).to_have_count(1)
    expect(squat.locator("legend")).to_have_text("Set 2 of 5")
    page.reload()
    expect(_sets(page, 0)).to_have_text(["Set 1 5 reps @ 20 kg ✓"])
    assert [(s["reps"], s["weight_kg"]) for s in api.done(session_id, 0)] == [(5, 20.0)]

    # Typed, not tapped: kept on the phone through another page and back, never stored.
    squat.get_by_label("Reps").fill("4")
    expect(squat.get_by_role("button", name="Save set")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    page.wait_for_url("**/history")
    page.go_back()
    expect(page.locator("html[data-gym-ready]")).to_have_count(1, timeout=READY_MS)
    expect(squat.locator("legend")).to_have_text("Set 2 of 5")
    expect(squat.get_by_label("Reps")).to_have_value("4")
    page.reload()
    expect(squat.get_by_label("Reps")).to_have_value("4")
    assert len(api.done(session_id, 0)) == 1

    # Coming back continues the exercise: set 2, then a done set corrected with one tap.
    squat.get_by_role("button", name="Save set").click()
    expect(_sets(page, 0)).to_have_text(["Set 1 5 reps @ 20 kg ✓", "Set 2 4 reps @ 20 kg ✓"])
    _sets(page, 0).nth(1).get_by_role("link").click()
    expect(squat.locator("legend")).to_have_text("Change set 2")
    expect(squat.get_by_label("Reps")).to_have_value("4")
    squat.get_by_label("Reps").fill("5")
    squat.get_by_role("button", name="Save set").click()
    expect(_sets(page, 0)).to_have_text(["Set 1 5 reps @ 20 kg ✓", "Set 2 5 reps @ 20 kg ✓"])
    expect(squat.locator("legend")).to_have_text("Set 3 of 5")
    assert [s["reps"] for s in api.done(session_id, 0)] == [5, 5]
    assert page.locator(".gym-sync").text_content() == ""
    assert axe_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert axe_violations(page) == []


def test_sets_tapped_offline_are_kept_and_sent_once_when_the_network_returns(
    page: Page, api: Api
) -> None:
    api.beginner()
    session_id = api.start_workout("5×5 A")
    _open(page, session_id)
    # The service worker has the page and its files.
    expect(page.locator("html[data-offline-ready]")).to_have_count(1, timeout=READY_MS)
    bench = page.locator("#exercise-1")
    # A row logged elsewhere since: the page the phone keeps does not know it.
    row = api.get(f"/api/sessions/{session_id}")["exercises"][2]["exercise"]["id"]
    api.post(
        "/api/logs",
        {"exercise_id": row, "session_id": session_id, "sets": [{"reps": 5, "weight_kg": 20}]},
    )

    page.context.set_offline(True)
    for number in (1, 2, 3):
        expect(bench.locator("legend")).to_have_text(f"Set {number} of 5")
        bench.get_by_role("button", name="As planned").click()
    expect(_sets(page, 1)).to_have_count(3)
    expect(_sets(page, 1).first).to_contain_text("saved on this phone, will sync")
    expect(page.locator(".gym-sync")).to_contain_text("3 sets are saved on this phone")
    assert api.done(session_id, 1) == []

    # A reload with no network: the page from the phone, with the three sets on it.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("5×5 A")
    expect(_sets(page, 2)).to_have_count(0)
    expect(_sets(page, 1)).to_have_count(3)
    expect(bench.locator("legend")).to_have_text("Set 4 of 5")
    assert axe_violations(page) == []

    page.context.set_offline(False)
    expect(_sets(page, 1)).to_have_text([f"Set {n} 5 reps @ 20 kg ✓" for n in (1, 2, 3)])
    expect(page.locator(".gym-sync")).to_have_text("")
    page.reload()
    expect(_sets(page, 1)).to_have_count(3)
    expect(_sets(page, 2)).to_have_count(1)
    done = api.done(session_id, 1)
    assert [(s["reps"], s["weight_kg"]) for s in done] == [(5, 20.0)] * 3


def test_a_plank_is_logged_as_three_holds_of_45_seconds(page: Page, api: Api) -> None:
    session_id = api.start_workout("Home A")
    _open(page, session_id)
    plank = page.locator("section.session-exercise", has=page.get_by_role("heading", name="Plank"))
    index = int((plank.get_attribute("id") or "").removeprefix("exercise-"))
    expect(plank.get_by_label("Reps")).to_have_count(0)
    expect(plank.get_by_label("Seconds")).to_have_value("30")
    for number in (1, 2, 3):
        expect(plank.locator("legend")).to_have_text(f"Set {number} of 3")
        plank.get_by_label("Seconds").fill("45")
        plank.get_by_role("button", name="Save set").click()
        expect(_sets(page, index).nth(number - 1)).to_have_text(f"Set {number} 45 s ✓")
    expect(plank.locator(".exercise-done")).to_have_text("All 3 sets done.")
    done = api.done(session_id, index)
    assert [(s["duration_s"], s["reps"]) for s in done] == [(45, None)] * 3


def test_the_rest_timer_keeps_running_on_other_pages(page: Page, api: Api) -> None:
    api.beginner()
    session_id = api.start_workout("5×5 A")
    _open(page, session_id)
    bar = page.locator("[data-rest-bar]")
    expect(bar).to_be_hidden()
    page.locator("#exercise-0").get_by_role("button", name="As planned").click()
    expect(bar).to_be_visible()
    expect(bar.get_by_role("timer")).to_have_text(re.compile(r"^(3:00|2:5\d)$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    page.wait_for_url("**/progress")
    expect(bar).to_be_visible()
    expect(bar.get_by_role("timer")).to_have_text(re.compile(r"^2:[45]\d$"))
    # +30 s, then skipped: gone on every page.
    before = bar.get_by_role("timer").text_content() or ""
    bar.get_by_role("button", name="+30 s").click()
    after = bar.get_by_role("timer").text_content() or ""
    assert _seconds(after) >= _seconds(before) + 25
    bar.get_by_role("button", name="Skip").click()
    expect(bar).to_be_hidden()
    page.goto("/today")
    expect(page.locator("[data-rest-bar]")).to_be_hidden()


def _seconds(clock: str) -> int:
    minutes, seconds = clock.split(":")
    return int(minutes) * 60 + int(seconds)


def test_a_first_workout_is_one_tap_a_set_and_one_to_finish(page: Page, api: Api) -> None:
    api.beginner()
    exercises = [
        {"exercise_id": api.exercise_id(slug), "target_sets": 3, "target_reps": 5}
        for slug in FIRST_WORKOUT
    ]
    workout = api.post("/api/custom-workouts", {"name": "First day", "exercises": exercises})
    session_id = api.start(custom_workout_id=workout["id"])
    _open(page, session_id)
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    page.evaluate("window.__samePage = true")
    taps = 0
    for index in range(len(FIRST_WORKOUT)):
        exercise = page.locator(f"#exercise-{index}")
        for number in (1, 2, 3):
            expect(exercise.locator("legend")).to_have_text(f"Set {number} of 3")
            expect(exercise.get_by_label("Weight in kg")).to_have_value("20")
            if taps:  # the tap before moved the focus here: the next set is ready
                expect(exercise.locator("[data-set-submit]:focus")).to_have_count(1)
            exercise.get_by_role("button", name="As planned").click()
            taps += 1
        expect(exercise.locator(".exercise-done")).to_have_text("All 3 sets done.")
    expect(page.locator("[data-sets-done]")).to_have_text("15 of 15 sets done")
    assert page.evaluate("window.__samePage") is True and navigations == []
    expect(page.get_by_role("button", name="Finish session")).to_be_focused()
    page.get_by_role("button", name="Finish session").click()
    taps += 1
    page.wait_for_url(f"**/sessions/{session_id}/summary")
    assert taps == 3 * len(FIRST_WORKOUT) + 1
    shown = api.get(f"/api/sessions/{session_id}")
    assert shown["ended_at"] is not None
    assert [len(e["done_sets"]) for e in shown["exercises"]] == [3] * 5
    assert {(s["reps"], s["weight_kg"]) for e in shown["exercises"] for s in e["done_sets"]} == {
        (5, 20.0)
    }


def test_a_set_refused_or_sent_with_an_old_token_is_never_lost(
    browser: Browser, live_server: LiveServer, viewport: str
) -> None:
    """Its own page: the conftest's counts every 4xx answer as a failure, and here a 403 (the
    token of before) and a 422 (a typo) are expected, each shown or repaired."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS[viewport],
        is_mobile=True,
        has_touch=True,
        locale="en-GB",  # kilograms, as the page fixture's
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    answers: list[tuple[int, str]] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )

    def on_response(response: Response) -> None:
        if "/sets/" in response.url:
            answers.append((response.status, response.url.rsplit("/", 3)[-3]))

    page.on("response", on_response)
    api_session = _signed_in(page, live_server)
    api = next(api_session)
    try:
        api.beginner()
        session_id = api.start_workout("5×5 A")
        _open(page, session_id)
        squat, bench = page.locator("#exercise-0"), page.locator("#exercise-1")
        page.context.set_offline(True)
        squat.get_by_role("button", name="As planned").click()
        bench.get_by_label("Weight in kg").fill("heavy")
        bench.get_by_role("button", name="Save set").click()
        expect(_sets(page, 1)).to_have_count(1)
        # The browser was closed meanwhile: its CSRF cookie (per browser session) is new, and
        # the token in the page no longer matches it.
        cookie = {"name": "gravl_csrf", "value": secrets.token_urlsafe(32), "url": live_server.url}
        context.add_cookies([cookie])  # type: ignore[list-item]
        page.context.set_offline(False)
        expect(_sets(page, 0)).to_have_text(["Set 1 5 reps @ 20 kg ✓"])
        refused = _sets(page, 1).first
        expect(refused).to_contain_text("not saved: Enter a weight in kg, like 60 or 62.5.")
        expect(page.locator(".gym-sync")).to_have_text("1 set was not saved: see the exercise.")
        assert ("0", 403) in [(i, s) for s, i in answers] and ("0", 200) in [
            (i, s) for s, i in answers
        ]
        assert [(s["reps"], s["weight_kg"]) for s in api.done(session_id, 0)] == [(5, 20.0)]
        assert api.done(session_id, 1) == []
        # Still there after a reload; the set done again as planned replaces it.
        page.reload()
        expect(_sets(page, 1).first).to_contain_text("not saved")
        bench.get_by_role("button", name="As planned").click()
        expect(_sets(page, 1)).to_have_text(["Set 1 5 reps @ 20 kg ✓"])
        expect(page.locator(".gym-sync")).to_have_text("")
        assert [(s["reps"], s["weight_kg"]) for s in api.done(session_id, 1)] == [(5, 20.0)]
        assert errors == []
    finally:
        api_session.close()
        context.close()


def test_an_exercise_is_swapped_and_noted_in_place(page: Page, api: Api) -> None:
    api.beginner()
    session_id = api.start_workout("5×5 A")
    _open(page, session_id)
    page.evaluate("window.__samePage = true")
    row = page.locator("#exercise-2")
    row.get_by_text("Swap for another exercise").click()
    choice = row.get_by_role("radio").first
    expect(choice).to_be_focused()
    label = row.locator(f"label[for='{choice.get_attribute('id')}']")
    name = (label.text_content() or "").strip()
    wanted = int(choice.get_attribute("value") or "0")
    assert axe_violations(page) == []
    row.get_by_role("button", name="Swap").click()
    expect(row.get_by_role("heading", level=2)).not_to_have_text("Barbell Row")
    expect(row.get_by_role("button", name=re.compile("As planned|Save set"))).to_be_visible()
    assert page.evaluate("window.__samePage") is True
    swapped = api.get(f"/api/sessions/{session_id}")["exercises"][2]["exercise"]
    assert swapped["id"] == wanted and name.startswith(swapped["name"])
    expect(row.get_by_role("heading", level=2)).to_have_text(swapped["name"])

    # Notes on an exercise started: kept on its log, no page load either.
    squat = page.locator("#exercise-0")
    squat.get_by_role("button", name="As planned").click()
    expect(_sets(page, 0)).to_have_text(["Set 1 5 reps @ 20 kg ✓"])
    squat.get_by_text("Notes on Barbell Back Squat").click()
    squat.get_by_label(re.compile("^Notes")).fill("Belt from set 3")
    squat.get_by_role("button", name="Save notes").click()
    expect(squat.locator(".exercise-notes summary")).to_be_focused()
    expect(squat.get_by_label(re.compile("^Notes"))).to_have_value("Belt from set 3")
    assert page.evaluate("window.__samePage") is True
    log_id = api.done(session_id, 0)[0]["log_id"]
    assert api.get(f"/api/logs/{log_id}")["notes"] == "Belt from set 3"
