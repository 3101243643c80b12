"""A lifter's whole journey in a real browser, on a phone and on a desktop.

Sign up, enroll, see today's workout, swap it, log three exercises, watch the body map and the
recommendations change, revert the swap, import a Strong export and find the PR it holds —
every step asserted on what the page shows, and axe-core run on every page on the way.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import MAX_LAYOUT_SHIFT, axe_violations, layout_shift, sign_up

STRONG_SAMPLE = Path(__file__).parent / "data" / "strong-sample.csv"


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def _body_map(page: Page) -> dict[str, tuple[str, int]]:
    """Each muscle's (status, score) as the body map's focusable regions carry them: the muscle
    groups but shoulders, and the shoulders' three heads."""
    regions = page.locator("[data-bodymap] g.muscle[tabindex='0']")
    expect(regions).to_have_count(16 + 3)
    found = regions.evaluate_all(
        "gs => gs.map(g => [g.id, g.dataset.status, Number(g.dataset.score)])"
    )
    return {slug: (status, score) for slug, status, score in found}


def _recommendations(page: Page) -> list[str]:
    items = page.locator(".recommendation")
    expect(items.first).to_be_visible()
    return items.all_inner_texts()


def _check_page(page: Page) -> None:
    assert axe_violations(page) == []
    assert layout_shift(page) < MAX_LAYOUT_SHIFT


def _log_current_exercise(page: Page) -> str:
    """Tick every planned set, the first typed as a hard set, the others as planned; move on."""
    name = page.get_by_role("heading", level=1).inner_text()
    rows = page.locator("[data-set-row]")
    count = rows.count()
    assert count >= 1
    first = rows.first
    weight = first.get_by_label(re.compile("^Weight in"))
    if weight.count():
        weight.fill("40")
    if first.get_by_label("Reps").count():
        first.get_by_label("Reps").fill("8")
    first.get_by_label("RPE").select_option("10")
    for number in range(1, count + 1):
        page.get_by_role("button", name=f"Set {number} done").click()
        expect(page.locator(f"#set-{number}")).to_have_attribute("data-done", "")
    expect(page.locator("[data-rest-bar]")).to_be_visible()
    _check_page(page)
    page.locator("[data-log-next]").click()
    return name


def test_a_lifters_journey(page: Page) -> None:
    sign_up(page)
    before = _body_map(page)
    assert {status for status, _ in before.values()} == {"ready"}

    # Enroll, and today's workout appears with recommendations that put it first.
    _nav(page, "Programs")
    first = page.locator("li.program").first
    first.get_by_text(re.compile(r"^Schedule")).click()
    scheduled = first.locator(".schedule li").first.inner_text()
    first.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/today")
    expect(page.locator("#scheduled-heading")).to_have_text(scheduled)
    recommended_before = _recommendations(page)
    assert recommended_before[0].startswith(scheduled)
    assert "Scheduled for today in your program" in recommended_before[0]
    _check_page(page)

    # Swap it for another workout, listed with its recovery fit.
    page.get_by_text("Swap this workout").click()
    option = page.locator(".swap-options li").first
    expect(option).to_contain_text("100% fit")
    replacement = option.locator(".swap-name").inner_text()
    option.get_by_role("radio").check()
    page.get_by_label("Reason (optional)").fill("Shoulder is sore")
    _check_page(page)
    page.get_by_role("button", name="Swap", exact=True).click()
    expect(page.locator("#scheduled-heading")).to_have_text(replacement)
    expect(page.locator(".today-plan .meta").first).to_contain_text(f"Swapped in for {scheduled}")

    # Log three exercises; each save moves on to the next one.
    page.get_by_role("link", name="Start workout").click()
    logged = []
    for _ in range(3):
        page.wait_for_url(re.compile(r"/log\?"))
        logged.append(_log_current_exercise(page))
    page.goto("/today")
    expect(page.locator(".done-pill")).to_have_count(3)

    # The body map and the recommendations follow the logs.
    after = _body_map(page)
    changed = {m for m in after if after[m] != before[m]}
    assert changed, "no muscle changed on the body map"
    assert any(after[m][0] != "ready" and after[m][1] < 90 for m in changed)
    assert (
        page.get_by_role("table", name="Recovery by muscle group")
        .get_by_text(re.compile("fatigued|recovering"))
        .count()
        >= 1
    )
    assert _recommendations(page) != recommended_before
    _check_page(page)

    # History shows the logs and the swap; revert it from Today.
    _nav(page, "History")
    for name in logged:
        expect(page.locator(".log-list").get_by_role("link", name=name).first).to_be_visible()
    expect(
        page.get_by_role("table").get_by_role("button", name=re.compile("^Revert"))
    ).to_be_visible()
    _check_page(page)
    _nav(page, "Today")
    expect(page.locator("#scheduled-heading")).to_have_text("Done for today")
    page.get_by_role("button", name="Revert swap").click()
    # The day stays trained: the plan card still says what was done, the swap is gone.
    expect(page.locator("#scheduled-heading")).to_have_text("Done for today")
    expect(page.locator(".plan-done")).to_contain_text(replacement)
    expect(page.get_by_role("button", name="Revert swap")).to_have_count(0)
    _nav(page, "History")
    expect(page.get_by_role("table")).to_contain_text("Reverted")

    # Import a Strong export: preview first, then import, then the PR it holds.
    _nav(page, "Import")
    page.get_by_label("Export file").set_input_files(STRONG_SAMPLE)
    page.get_by_role("button", name="Preview import").click()
    report = page.locator(".import-report")
    expect(report).to_contain_text("Preview: nothing imported yet")
    expect(report).to_contain_text(re.compile(r"Sessions\s*2"))
    _check_page(page)
    page.get_by_role("button", name=re.compile(r"^Import \d+ exercise logs")).click()
    expect(report.get_by_role("heading")).to_have_text("Imported")
    # The review step: where each name landed.
    page.get_by_role("link", name="Check how the exercise names were matched").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported exercise names")
    expect(page.locator(".imported-names")).to_contain_text("Barbell Bench Press")
    _check_page(page)
    _nav(page, "Import")
    expect(
        page.get_by_role("button", name=re.compile("^Undo the import of strong-sample"))
    ).to_be_visible()
    _check_page(page)
    _nav(page, "Progress")
    bench = page.locator(".record-group", has=page.get_by_role("link", name="Barbell Bench Press"))
    expect(bench).to_contain_text("Heaviest set")
    expect(bench).to_contain_text("3 × 140 kg")
    _check_page(page)
    bench.get_by_role("link", name="Barbell Bench Press").click()
    expect(
        page.get_by_role("img", name="Estimated one-rep max and top weight over time")
    ).to_be_visible()
    expect(page.locator(".record-list")).to_contain_text("3 × 140 kg")
    _check_page(page)
