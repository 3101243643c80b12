"""The history as a training log in a real browser: add a past session, delete it (asked
first, no script needed), Undo brings it back exactly; axe clean on every step."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import axe_violations, sign_up


def test_a_past_session_deleted_then_undone_comes_back(page: Page) -> None:
    sign_up(page)
    page.goto("/history")
    page.get_by_role("link", name="Add a past session", exact=True).click()
    page.wait_for_url("**/history/new")
    assert axe_violations(page) == []
    day = (datetime.now(UTC) - timedelta(days=2)).date()
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("Started at").fill("18:00")
    page.get_by_label("Name (optional)").fill("Hotel gym")
    first = page.locator("fieldset.past-exercise").first
    first.get_by_label("Exercise", exact=True).fill("Barbell Bench Press")
    for n in (1, 2):
        first.get_by_label(f"Set {n}: Weight (kg)").fill("60")
        first.get_by_label(f"Set {n}: Reps").fill("8")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(re.compile(r".*/history\?added=1"))
    entry = page.locator("article.log-entry", has_text="Hotel gym")
    expect(entry).to_contain_text("8 × 60 kg, 8 × 60 kg")
    expect(entry).to_contain_text("960 kg · 2 sets")
    assert axe_violations(page) == []

    # Delete asks first: the button only opens the question.
    entry.locator(".entry-actions summary").click()
    question = entry.locator(".entry-actions .confirm-delete-form")
    expect(question).to_contain_text("Delete the whole session Hotel gym")
    assert axe_violations(page) == []
    question.get_by_role("button", name="Yes, delete").click()
    page.wait_for_url(re.compile(r".*/history\?undo="))
    expect(page.locator(".undo-notice")).to_contain_text("Deleted Hotel gym")
    expect(page.locator("article.log-entry")).to_have_count(0)
    assert axe_violations(page) == []

    page.locator(".undo-notice").get_by_role("button", name=re.compile("^Undo")).click()
    page.wait_for_url("**/history?restored=1")
    entry = page.locator("article.log-entry", has_text="Hotel gym")
    expect(entry).to_contain_text("8 × 60 kg, 8 × 60 kg")
    entry.get_by_role("link", name="Hotel gym").click()
    page.wait_for_url(re.compile(r".*/sessions/\d+/summary"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hotel gym")
    expect(page.locator(".summary-numbers")).to_contain_text("960 kg")
    assert axe_violations(page) == []
