from __future__ import annotations

import pytest

from gravl.auth import passwords
from gravl.auth.passwords import MAX_LENGTH, MIN_LENGTH, problem

BREACHED = "This password is on a list of common or breached passwords; choose another."
TOO_EASY = "This password is too easy to guess"
EMAIL = "ada.lovelace@example.com"
NAME = "Ada Lovelace"


def test_length_limits() -> None:
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)
    assert problem("kettlebell!") == "Use at least 12 characters."  # 11
    assert problem("x7#" + "kettlebell swing " * 8) == "Use at most 128 characters."  # 139
    sixty_four = "heavy singles on friday, volume on monday; deload every 4th week!"
    assert len(sixty_four) >= 64 and problem(sixty_four) is None


def test_a_passphrase_is_accepted() -> None:
    assert problem("correct horse battery staple") is None
    assert problem("correct horse battery staple", email=EMAIL, display_name=NAME) is None


def test_a_random_looking_12_character_password_is_accepted() -> None:
    password = "vK7#qL2!mZ9p"
    assert len(password) == 12
    assert problem(password) is None


def test_spaces_are_kept_and_counted() -> None:
    # Nothing is stripped: the surrounding spaces make up the length.
    assert problem("  pl4te r@ck  ") is None
    assert problem("pl4te r@ck") == "Use at least 12 characters."


@pytest.mark.parametrize(
    "password", ["password1234", "Password1234", "password1234!", "iloveyou2024", "baseball2024"]
)
def test_breached_passwords_and_short_tails_on_them_are_refused(password: str) -> None:
    assert problem(password) == BREACHED


def test_a_listed_password_with_a_long_tail_is_not_refused_as_listed() -> None:
    # "monkey" is listed, but seven random digits and symbols are more than a decoration.
    assert problem("monkey#4829!7") != BREACHED


def test_keyboard_walk_is_refused_with_zxcvbns_warning() -> None:
    message = problem("qwertyuiopasdf")
    assert message is not None
    assert message.startswith(f"{TOO_EASY}: ")
    assert message != f"{TOO_EASY}: "
    assert message.endswith(".")


def test_repetition_is_refused() -> None:
    message = problem("deadliftdeadlift")
    assert message is not None and message.startswith(TOO_EASY)


@pytest.mark.parametrize(
    "password", ["ada.lovelace1815", "AdaLovelace2024!", "adalovelace@example", "lovelace.ada.1815"]
)
def test_a_password_built_from_the_account_is_refused(password: str) -> None:
    message = problem(password, email=EMAIL, display_name=NAME)
    assert message is not None and message.startswith(TOO_EASY)


def test_the_account_words_only_matter_for_their_own_account() -> None:
    assert problem("AdaLovelace2024!") is None
    assert problem("AdaLovelace2024!", email="grace@example.com", display_name="Grace") is None
    assert problem("AdaLovelace2024!", email=EMAIL) is not None
    assert problem("AdaLovelace2024!", display_name=NAME) is not None


def test_account_words_with_enough_else_are_accepted() -> None:
    assert problem("ada lovelace squat bench deadlift", email=EMAIL, display_name=NAME) is None


def test_a_unicode_passphrase_is_accepted_and_counted_in_code_points() -> None:
    emoji = "🏋💪🔥🥇🏆🎯🚀⭐🌙🍀🎵🔑"
    assert len(emoji) == 12
    assert len(emoji.encode()) > 12  # bytes (and UTF-16 units) would overcount
    assert problem(emoji) is None
    assert problem("Ünïcödé spéçïäl lîft") is None
    # 11 code points, 44 bytes: too short.
    assert problem("🏋💪🔥🥇🏆🎯🚀⭐🌙🍀🎵") == "Use at least 12 characters."


def test_only_the_first_100_characters_are_estimated() -> None:
    # Past 72 characters zxcvbn would raise by default; a long passphrase must just work.
    long_one = "heavy singles on friday, volume on monday " * 3
    assert 100 < len(long_one) < MAX_LENGTH
    assert problem(long_one) is None


def test_the_common_list_is_built_once() -> None:
    assert passwords._common() is passwords._common()
    assert "password" in passwords._common()
    assert len(passwords._common()) == 30_000


@pytest.mark.parametrize(
    "password",
    [
        "",
        "kettlebell!",
        "password1234!",
        "qwertyuiopasdf",
        "AdaLovelace2024!",
        "ada.lovelace@example.com",
        "correct horse battery staple",
        "vK7#qL2!mZ9p",
        "x7#" + "kettlebell swing " * 8,
    ],
)
def test_the_meter_agrees_with_the_rule(password: str) -> None:
    """ASVS 2.1.8: "Good" or "Strong" on the meter exactly when the password will be taken."""
    rated = passwords.strength(password, email=EMAIL, display_name=NAME)
    found = problem(password, email=EMAIL, display_name=NAME)
    assert rated.problem == found
    assert (rated.level in ("Good", "Strong")) == (found is None)
    assert 0 <= rated.score <= 4
