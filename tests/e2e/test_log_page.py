"""The logging page on a phone (issue 20): a set is stored by one tap on its ✓, nothing typed is
lost by leaving the page, coming back continues today's entry, and a plank is held in seconds.
Asserted on what the page shows and on what the API holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, axe_violations, sign_up


def _api(page: Page, email: str) -> dict[str, str]:
    token = page.request.post(
        "/api/auth/login", data={"email": email, "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _exercise(page: Page, name: str) -> int:
    items = page.request.get("/api/exercises", params={"q": name}).json()["items"]
    return int(next(i for i in items if i["name"] == name)["id"])


def _logs(page: Page, headers: dict[str, str], exercise: int) -> list[dict[str, Any]]:
    response = page.request.get(f"/api/logs?exercise_id={exercise}", headers=headers)
    return list(response.json()["items"])


def _check(page: Page) -> None:
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"


@pytest.mark.parametrize("viewport", ["mobile"])
def test_two_of_three_sets_ticked_and_the_third_kept_across_a_visit_elsewhere(
    page: Page,
) -> None:
    email = sign_up(page)
    headers = _api(page, email)
    bench = _exercise(page, "Barbell Bench Press")
    # Last time: 3 × 5 @ 100 kg, the placeholders of today's three rows.
    last = {
        "exercise_id": bench,
        "performed_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        "sets": [{"reps": 5, "weight_kg": 100}] * 3,
    }
    assert page.request.post("/api/logs", data=last, headers=headers).status == 201

    page.goto(f"/log?exercise_id={bench}")
    rows = page.locator("[data-set-row]")
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_label("Weight in kg")).to_have_attribute("placeholder", "100")
    expect(rows.nth(2).get_by_label("Weight in kg")).to_have_value("")
    _check(page)

    # Enter in an input stores nothing and starts no rest.
    rows.first.get_by_label("Reps").press("Enter")
    expect(page.locator("[data-rest-bar]")).to_be_hidden()

    # Two taps: two sets as planned, each stored at once, the rest started.
    page.get_by_role("button", name="Set 1 done").click()
    expect(page.locator("#set-1")).to_have_attribute("data-done", "")
    expect(page.locator("[data-rest-bar]")).to_be_visible()
    page.get_by_role("button", name="Set 2 done").click()
    expect(page.locator("#set-2")).to_have_attribute("data-done", "")
    expect(page.locator("#set-2 [data-set-text]")).to_have_text("100 kg × 5")

    # The third is typed, not ticked; then the lifter looks at Today and comes back.
    third = page.locator("#set-3")
    third.get_by_label("Weight in kg").fill("102.5")
    third.get_by_label("Reps").fill("4")
    url = page.url
    page.get_by_role("link", name="Today").first.click()
    page.wait_for_url("**/today")
    page.goto(url)  # a fresh load, not the back-forward cache
    expect(page.locator("#set-1")).to_have_attribute("data-done", "")
    expect(page.locator("#set-2")).to_have_attribute("data-done", "")
    expect(page.locator("#set-3").get_by_label("Weight in kg")).to_have_value("102.5")
    expect(page.locator("#set-3").get_by_label("Reps")).to_have_value("4")
    _check(page)

    entries = _logs(page, headers, bench)  # newest first: today's, then last time's
    assert len(entries) == 2
    assert [(s["reps"], s["weight_kg"]) for s in entries[0]["sets"]] == [(5, 100), (5, 100)]

    # Editing a done set is one tap to open it, then its Save.
    page.locator("#set-1 summary").click()
    page.locator("#set-1").get_by_label("Reps").fill("6")
    page.get_by_role("button", name="Save set 1").click()
    expect(page.locator("#set-1 [data-set-text]")).to_have_text("100 kg × 6")
    sets = _logs(page, headers, bench)[0]["sets"]
    assert [s["reps"] for s in sets] == [6, 5]


@pytest.mark.parametrize("viewport", ["mobile"])
def test_a_plank_is_logged_as_three_holds_of_45_seconds(page: Page) -> None:
    email = sign_up(page)
    headers = _api(page, email)
    plank = _exercise(page, "Plank")
    page.goto(f"/log?exercise_id={plank}")
    rows = page.locator("[data-set-row]")
    expect(rows).to_have_count(3)
    expect(rows.first.get_by_label("Reps")).to_have_count(0)  # a hold asks for no reps
    _check(page)
    rows.first.get_by_label("Seconds").fill("45")
    page.get_by_role("button", name="Set 1 done").click()
    expect(page.locator("#set-1")).to_have_attribute("data-done", "")
    for number in (2, 3):
        page.locator(f"#set-{number}").get_by_label("Seconds").fill("45")
        page.get_by_role("button", name=f"Set {number} done").click()
        expect(page.locator(f"#set-{number}")).to_have_attribute("data-done", "")
    expect(page.locator("[data-set-text]")).to_have_text(["45 s", "45 s", "45 s"])
    (entry,) = _logs(page, headers, plank)
    assert [(s["duration_s"], s["reps"]) for s in entry["sets"]] == [(45, None)] * 3
    _check(page)


@pytest.mark.parametrize("viewport", ["mobile"])
def test_a_set_ticked_offline_is_sent_once_when_the_network_is_back(page: Page) -> None:
    email = sign_up(page)
    headers = _api(page, email)
    bench = _exercise(page, "Barbell Bench Press")
    page.goto(f"/log?exercise_id={bench}")
    row = page.locator("#set-1")
    row.get_by_label("Weight in kg").fill("60")
    row.get_by_label("Reps").fill("8")
    page.context.set_offline(True)
    page.get_by_role("button", name="Set 1 done").click()
    expect(row.locator("[data-set-status]")).to_contain_text("Not saved yet")
    expect(page.locator("[data-rest-bar]")).to_be_visible()  # the rest runs all the same
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#set-1")).to_have_attribute("data-done", "")
    (entry,) = _logs(page, headers, bench)
    assert [(s["reps"], s["weight_kg"]) for s in entry["sets"]] == [(8, 60)]
