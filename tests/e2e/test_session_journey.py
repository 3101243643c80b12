"""A beginner's first 5×5 session at the gym, on a phone, one tap a set.

Through the pages only: set the experience, enrol in 5×5 Strength, read today's targets, start
the session, log every working set with "As planned", finish, and find the next session's squat
2.5 kg heavier. Asserted on what the pages show; axe-core on the session's pages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import MAX_LAYOUT_SHIFT, axe_violations, layout_shift, sign_up

# WCAG 2.5.5's target size, as the stylesheet's --tap.
MIN_TAP_PX = 44


def _check_page(page: Page) -> None:
    assert axe_violations(page) == []
    assert layout_shift(page) < MAX_LAYOUT_SHIFT
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"


def _tall_enough(button: Locator) -> None:
    box = button.bounding_box()
    assert box is not None and box["height"] >= MIN_TAP_PX, box


@pytest.mark.parametrize("viewport", ["mobile"])
def test_a_beginners_first_5x5_session(page: Page) -> None:
    sign_up(page)

    # A beginner, on 5×5 Strength from today.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Experience").select_option("beginner")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    program = page.locator("li.program", has=page.get_by_role("heading", name="5×5 Strength"))
    program.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/today")

    # Today's session: the lifts, each on the empty bar, and Start.
    plan = page.locator(".session-plan")
    expect(plan.get_by_role("heading", level=2)).to_have_text("Today's session")
    expect(plan.locator(".session-title")).to_contain_text("5×5 A")
    lifts = plan.locator(".session-exercise")
    expect(lifts).to_have_count(3)
    expect(lifts.get_by_role("heading", level=3)).to_have_text(
        ["Barbell Back Squat", "Barbell Bench Press", "Barbell Row"]
    )
    for i in range(3):
        expect(lifts.nth(i).locator(".target-sets")).to_have_text(
            "5 × 5 @ 20 kg · rest 3 min Empty bar"
        )
    next_link = plan.locator(".plan-ahead").get_by_role("link", name="5×5 B")
    next_day = next_link.get_attribute("href")
    assert next_day and re.fullmatch(r"/today\?date=\d{4}-\d{2}-\d{2}", next_day)
    start = plan.get_by_role("button", name="Start session")
    _tall_enough(start)
    _check_page(page)
    start.click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))

    # Every working set as planned: one tap each, the next set prefilled with its target.
    expect(page.get_by_role("heading", level=1)).to_have_text("5×5 A")
    expect(page.locator("main > .meta")).to_contain_text("0 of 15 sets done")
    squat = page.locator("#exercise-0")
    expect(squat.get_by_label("Weight in kg")).to_have_value("20")
    expect(squat.get_by_label("Reps")).to_have_value("5")
    _tall_enough(squat.get_by_role("button", name="As planned"))
    _check_page(page)
    for index in range(3):
        exercise = page.locator(f"#exercise-{index}")
        for number in range(1, 6):
            expect(exercise.locator("legend")).to_have_text(f"Set {number} of 5")
            exercise.get_by_role("button", name="As planned").click()
            expect(exercise.locator(".done-sets li")).to_have_count(number)
        expect(exercise.locator(".done-sets li")).to_have_text(
            [f"Set {n} 5 reps @ 20 kg ✓" for n in range(1, 6)]
        )
        expect(exercise.locator(".exercise-done")).to_have_text("All 5 sets done.")
        expect(exercise.get_by_role("button", name="As planned")).to_have_count(0)
    expect(page.locator("main > .meta")).to_contain_text("15 of 15 sets done")
    _check_page(page)

    # Finish: back on Today, the day is done.
    page.get_by_role("button", name="Finish session").click()
    page.wait_for_url("**/summary")
    expect(page.get_by_role("heading", level=1)).to_contain_text("5×5 A")
    _check_page(page)
    page.goto("/today")
    expect(page.locator("#scheduled-heading")).to_have_text("Done for today")
    # The day done needs no second plan card: Today links the summary instead.
    expect(plan).to_have_count(0)
    expect(page.get_by_role("link", name="See the summary")).to_be_visible()

    # The next session's day: the squat climbs 2.5 kg, with a 1.25 kg plate a side.
    page.locator(".today-plan .plan-ahead").get_by_role("link", name="5×5 B").click()
    page.wait_for_url(f"**{next_day}")
    session = page.locator(".session-plan")
    expect(session.locator(".session-title")).to_contain_text("5×5 B")
    squat_next = session.locator(".session-exercise", has_text="Barbell Back Squat")
    expect(squat_next.locator(".target-sets")).to_have_text(
        "5 × 5 @ 22.5 kg · rest 3 min 1.25 kg a side"
    )
    expect(squat_next.locator(".reasons")).to_contain_text("Last time 5×5 @ 20 kg, every rep")
    _check_page(page)
