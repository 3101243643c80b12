"""Sign up, sign in, sign out and CSRF rejection in a real browser, phone and desktop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, axe_violations, sign_up, unique_email


def test_sign_up_lands_on_today_and_sign_out_ends_the_session(page: Page) -> None:
    sign_up(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_count(7)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin?signed_out=1")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto("/today")
    expect(page).to_have_url("/signin?next=%2Ftoday")


def test_sign_in_shows_errors_then_lets_the_lifter_in(page: Page) -> None:
    email = sign_up(page)
    page.context.clear_cookies()
    page.goto("/programs")  # a page that needs signing in comes back after it
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    expect(page.get_by_label("Email")).to_have_value(email)
    assert axe_violations(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/programs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")


def test_sign_up_errors_appear_next_to_the_field(page: Page) -> None:
    page.goto("/signup")
    assert axe_violations(page) == []
    page.get_by_label("Email").fill(unique_email())
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        "At least 12 characters; a few unrelated words make a good one. Use at least 12 characters."
    )
    assert axe_violations(page) == []


def test_a_form_with_a_forged_csrf_token_is_refused(page: Page) -> None:
    sign_up(page)
    page.goto("/settings")
    page.locator("form.settings-form input[name=csrf_token]").evaluate(
        "input => input.value = 'forged'"
    )
    # The account's units came from the browser's locale at sign-up: ask for the other ones.
    units = page.get_by_label("Weight units").input_value()
    other = "kg" if units == "lb" else "lb"
    page.get_by_label("Weight units").select_option(other)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    assert axe_violations(page) == []
    page.goto("/settings")
    expect(page.get_by_label("Weight units")).to_have_value(units)


def test_settings_changes_persist(page: Page) -> None:
    sign_up(page)
    page.get_by_role("link", name="Settings").click()
    assert axe_violations(page) == []
    page.get_by_label("Weight units").select_option("lb")
    page.get_by_label("Timezone").fill("europe/paris")
    page.get_by_label("Experience").select_option("advanced")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Settings saved.")
    page.reload()
    expect(page.get_by_label("Weight units")).to_have_value("lb")
    expect(page.get_by_label("Timezone")).to_have_value("Europe/Paris")
    expect(page.get_by_label("Experience")).to_have_value("advanced")


def test_the_accessibility_check_itself_catches_a_violation(page: Page) -> None:
    page.goto("/signin")
    page.locator("label[for=email]").evaluate("label => label.remove()")
    assert any(v.startswith("label (critical)") for v in axe_violations(page))
