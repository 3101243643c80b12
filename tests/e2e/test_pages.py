"""The pages in a real browser: body map, programs, workouts, exercise search; axe on each, in
the light theme and the dark one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gravl.vocabulary import HEAD_SLUGS, MUSCLE_SLUGS, SHOULDERS
from tests.e2e.conftest import MAX_LAYOUT_SHIFT, layout_shift, sign_up
from tests.e2e.conftest import axe_violations as axe_in_one_theme


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings in the light theme and in the dark one (the
    phone's preference, emulated; the theme switch's "Dark" paints the same colours)."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [f"{scheme}: {violation}" for violation in axe_in_one_theme(page)]
    page.emulate_media(color_scheme="light")
    return found


def test_body_map_has_19_regions_shown_on_tap_focus_and_in_a_table(
    page: Page, viewport: str
) -> None:
    """16 muscle groups and the shoulders as the deltoid's three heads, each its own region;
    the shoulders are the group named around the heads, and a table row above theirs."""
    sign_up(page)
    regions = page.locator("[data-bodymap] g.muscle[tabindex='0']")
    expect(regions).to_have_count(16 + 3)
    assert set(regions.evaluate_all("gs => gs.map(g => g.id)")) == (
        MUSCLE_SLUGS - {SHOULDERS}
    ) | set(HEAD_SLUGS)
    table = page.get_by_role("table", name="Recovery by muscle group")
    expect(table.locator("tbody tr")).to_have_count(17 + 3)
    expect(table.get_by_role("row", name=re.compile("^Chest"))).to_contain_text("100.0%")
    expect(table.get_by_role("row", name=re.compile("^Side delts"))).to_contain_text("100.0%")
    for box in (
        page.locator("svg").nth(0).bounding_box(),
        page.locator("svg").nth(1).bounding_box(),
    ):
        assert box is not None and box["width"] > 120 and box["height"] > 240

    detail = page.locator("[data-bodymap-detail]")
    left_pectoral = page.locator("#chest path[data-side=left]")
    if viewport == "mobile":
        left_pectoral.tap()
    else:
        left_pectoral.hover()
    expect(detail).to_have_text("Chest 100% · ready · ready now")
    # The side head's echo on the back view shows the side head.
    side_echo = page.locator("g.muscle[aria-hidden][data-muscle=side_delts] path").first
    if viewport == "mobile":
        side_echo.tap()
    else:
        side_echo.hover()
    expect(detail).to_have_text("Side delts 100% · ready · ready now")
    # Keyboard: focus one region, Tab moves to the next and shows it: the neck, then the front
    # and side heads of the shoulders.
    page.locator("#neck").focus()
    expect(detail).to_contain_text("Neck")
    page.keyboard.press("Tab")
    expect(page.locator("#front_delts")).to_be_focused()
    expect(detail).to_contain_text("Front delts 100%")
    page.keyboard.press("Tab")
    expect(page.locator("#side_delts")).to_be_focused()
    expect(page.locator("#side_delts")).to_have_attribute(
        "aria-label", "Side delts: 100% recovered, ready, ready now"
    )
    shoulders = page.get_by_role("group", name=re.compile("^Shoulders")).first
    expect(shoulders).to_have_attribute("id", SHOULDERS)
    expect(shoulders).to_have_attribute("aria-label", "Shoulders: 100% recovered, ready, ready now")
    expect(shoulders.locator("#side_delts")).to_have_count(1)
    assert axe_violations(page) == []
    assert layout_shift(page) < MAX_LAYOUT_SHIFT


def test_the_skip_link_is_the_first_tab_stop(page: Page) -> None:
    sign_up(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


def test_programs_page_lists_programs_with_an_enroll_button(page: Page) -> None:
    sign_up(page)
    page.get_by_role("link", name="Programs").click()
    programs = page.locator("li.program")
    assert programs.count() >= 5
    first = programs.first
    expect(first.get_by_role("button", name="Enroll")).to_be_visible()
    first.get_by_text(re.compile(r"^Schedule")).click()
    day_one = first.locator(".schedule li").first
    expect(day_one).to_be_visible()
    assert axe_violations(page) == []
    assert layout_shift(page) < MAX_LAYOUT_SHIFT
    workout_name = day_one.inner_text()
    first.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/today")
    expect(page.locator("#scheduled-heading")).to_have_text(workout_name)
    expect(page.locator(".plan-exercises li").first).to_be_visible()
    assert axe_violations(page) == []


def test_workouts_library_and_a_workout(page: Page) -> None:
    sign_up(page)
    page.get_by_role("link", name="Workouts").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible()
    assert axe_violations(page) == []
    page.locator(".card-list h3 a").first.click()
    expect(
        page.get_by_role("table", name="Exercises in order").locator("tbody tr").first
    ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("table").locator("tbody a").first.click()
    expect(page.locator("dl.facts")).to_contain_text("Primary muscles")
    assert axe_violations(page) == []


def test_exercise_search_updates_as_the_lifter_types(page: Page) -> None:
    sign_up(page)
    page.goto("/exercises")
    assert axe_violations(page) == []
    count = page.locator(".result-count")
    everything = count.inner_text()
    page.get_by_label("Search by name").fill("bench press")
    expect(page).to_have_url(re.compile(r"q=bench(\+|%20)press"))  # htmx pushed the search
    names = page.locator(".exercise-list a")
    expect(count).not_to_have_text(everything)
    expect(names.first).to_contain_text("Bench")
    # Names or aliases match ("Incline Dumbbell Press" is also an incline bench press).
    assert sum("Bench" in n for n in names.all_inner_texts()) >= names.count() // 2
    page.get_by_label("Equipment").select_option("dumbbell")
    expect(page).to_have_url(re.compile(r"equipment=dumbbell"))
    expect(page.locator(".exercise-list .meta").first).to_contain_text("dumbbell")
    assert all("dumbbell" in m for m in page.locator(".exercise-list .meta").all_inner_texts())
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path", ["/history", "/progress", "/import", "/workouts/custom/new", "/exercises/1"]
)
def test_empty_pages_are_accessible(page: Page, path: str) -> None:
    sign_up(page)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []
    assert layout_shift(page) < MAX_LAYOUT_SHIFT


def test_unknown_pages_get_a_404_page_with_the_navigation(page: Page) -> None:
    sign_up(page)
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_count(7)
    assert axe_violations(page) == []


def test_building_a_custom_workout_and_editing_a_log_in_pounds(page: Page) -> None:
    sign_up(page)
    page.goto("/settings")
    page.get_by_label("Weight units").select_option("lb")
    page.get_by_role("button", name="Save settings").click()
    page.goto("/workouts")
    page.get_by_role("link", name="Build a workout").click()
    page.get_by_label("Name", exact=True).fill("Garage day")
    for query in ("goblet squat", "push-up"):
        page.get_by_label("Search exercises").fill(query)
        page.get_by_label("Search exercises").press("Enter")
        page.get_by_role("button", name=re.compile("^Add ")).first.click()
    rows = page.locator(".builder-row")
    expect(rows).to_have_count(2)
    second = rows.nth(1).locator(".builder-name").inner_text().split(". ", 1)[1]
    page.get_by_role("button", name=f"Move {second} up").click()
    expect(rows.first).to_contain_text(second)
    page.get_by_label("Sets").first.fill("0")
    page.get_by_role("button", name="Save workout").click()
    expect(page.get_by_label("Sets").first).to_have_accessible_description("Sets must be 1 to 20.")
    assert axe_violations(page) == []
    page.get_by_label("Sets").first.fill("4")
    page.get_by_role("button", name="Save workout").click()
    card = page.locator("#custom-1, .card", has_text="Garage day").first
    expect(card).to_contain_text(second)
    card.get_by_role("link", name="Start Garage day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second)
    row = page.locator("[data-set-row]").first
    weight = row.get_by_label("Weight in lb")
    if weight.count():
        weight.fill("135")
    row.get_by_label("Reps").fill("10")
    page.get_by_role("button", name="Set 1 done").click()
    expect(page.locator("#set-1")).to_have_attribute("data-done", "")
    page.goto("/history")
    expect(page.locator(".log-list")).to_contain_text(second)
    page.get_by_role("link", name=re.compile(f"^Edit {re.escape(second)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second)
    page.locator("[data-set-row]").first.get_by_label("Reps").fill("many")
    page.get_by_role("button", name="Save changes").click()
    expect(
        page.locator("[data-set-row]").first.get_by_label("Reps")
    ).to_have_accessible_description("Enter whole reps, like 8.")
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", ["mobile"])
def test_the_other_pages_are_accessible_in_both_themes(page: Page) -> None:
    """The pages no other test here runs axe on: settings, the welcome page, a check-in, a
    new exercise, the workout and its summary, signing in and up, the privacy notice."""
    sign_up(page)
    for path in (
        "/settings",
        "/settings/training",
        "/settings/security",
        "/welcome",
        "/check-in?muscle=chest",
        "/exercises/new",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_violations(page) == [], path
    page.goto("/history/new")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/programs")
    five_by_five = page.locator("li.program", has=page.get_by_role("heading", name="5×5 Strength"))
    five_by_five.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/today")
    page.get_by_role("button", name="Start session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    assert axe_violations(page) == []
    page.goto(page.url + "/summary")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.context.clear_cookies()
    for path in ("/signin", "/signup", "/privacy"):
        page.goto(path)
        assert axe_violations(page) == [], path
