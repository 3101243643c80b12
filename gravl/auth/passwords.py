"""The rule for new passwords (ASVS 2.1.1, 2.1.4, 2.1.7): long, not known, not guessable.

Length is what makes a password strong, so that is the main rule: at least 12 characters, counted
as Unicode code points, with every printable character allowed — spaces and emoji included — and
nothing stripped or truncated, so what is checked is exactly what gets hashed. There are no
composition rules (one digit, one capital...): they make passwords harder to remember, not to
guess.

A long password can still be one attackers try first, so three more checks, all offline:

- zxcvbn's list of 30,000 common and breached passwords, including the same with a short tail
  of digits or punctuation ("password1234!"), the commonest way people "strengthen" one;
- zxcvbn's estimate of how many guesses it would take (score 3 of 4 or better), told about the
  account's e-mail address and display name, so "ada.lovelace1815" is weak for Ada Lovelace;
- the same estimate for what is left once those account words are cut out, because zxcvbn rates
  a password made of several such words ("AdaLovelace2024!") as strong.

Cost: one zxcvbn call took 0.3–3.8 ms (median 0.9 ms, 209 random and passphrase-like passwords
of 12–30 characters, one core of an AMD EPYC, Python 3.11), and ~30 ms at the 100 characters
it is given at most; ``problem`` makes one or two. Importing zxcvbn takes ~35 ms, once. The
strength meter beside a new-password field (``strength``, ASVS 2.1.8) asks as the lifter types,
so the web runs it in a worker thread.
"""

from __future__ import annotations

import re
import string
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
# ASVS 2.1.2: at least 64 allowed, more than 128 refused (for new passwords; a sign-in accepts
# up to 1,024, so a long password set before this rule keeps working).
MAX_LENGTH = 128
# zxcvbn's matching grows quadratically with length; beyond this many characters the rest of
# the password only adds guesses, so it is left out of the estimate.
_ESTIMATE_LENGTH = 100
_MIN_SCORE = 3
# "password1234!" is "password": a tail this short adds too little to a listed password.
_MAX_TAIL = 6
_TAIL = string.digits + string.punctuation + " "
# zxcvbn keeps the caller's user inputs in a module-level dictionary while it works, so two
# threads estimating at once could see each other's e-mail addresses.
_ZXCVBN_LOCK = threading.Lock()
_NON_WORD = re.compile(r"[\W_]+")


def problem(
    password: str, *, email: str | None = None, display_name: str | None = None
) -> str | None:
    """What is wrong with ``password`` as a new password, in one sentence; None if nothing is.

    ``email`` and ``display_name`` are the account's own, so that a password made of them is
    refused.
    """
    return _judged(password, _user_inputs(email, display_name))[0]


def _judged(password: str, inputs: list[str]) -> tuple[str | None, int | None]:
    """``problem``'s verdict, with zxcvbn's score when the rule got as far as estimating it."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters.", None
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters.", None
    lowered = password.lower()
    base = lowered.rstrip(_TAIL)
    if lowered in _common() or (len(lowered) - len(base) <= _MAX_TAIL and base in _common()):
        return "This password is on a list of common or breached passwords; choose another.", None
    result = _estimate(password, inputs)
    score: int = result["score"]
    if score < _MIN_SCORE:
        feedback = result["feedback"]
        hint = feedback["warning"] or next(iter(feedback["suggestions"]), "")
        if not hint:
            return "This password is too easy to guess; make it longer or less predictable.", score
        return f"This password is too easy to guess: {hint[0].lower()}{hint[1:]}", score
    rest = _without_account_words(lowered, inputs)
    if rest != lowered and (not rest or _estimate(rest, inputs)["score"] < _MIN_SCORE):
        return (
            "This password is too easy to guess: it is mostly your name or e-mail address.",
            score,
        )
    return None, score


# The meter's words for a score of 0-4.
LEVELS = ("Very weak", "Very weak", "Weak", "Good", "Strong")
_REFUSED_SCORE = 2  # a password the rule refuses never shows as better than "Weak"


@dataclass(frozen=True, slots=True)
class Strength:
    """How a new password rates: zxcvbn's score (0-4) and what the rule says of it."""

    score: int
    problem: str | None

    @property
    def level(self) -> str:
        return LEVELS[self.score]


def strength(
    password: str, *, email: str | None = None, display_name: str | None = None
) -> Strength:
    """The meter's verdict on ``password``: by the same rule as ``problem``, so "Good" and
    "Strong" always mean the password will be accepted."""
    inputs = _user_inputs(email, display_name)
    found, score = _judged(password, inputs)
    if score is None:  # refused before zxcvbn was asked: ask it now, for the meter alone
        score = _estimate(password, inputs)["score"] if password else 0
    return Strength(min(score, _REFUSED_SCORE) if found else score, found)


def _estimate(password: str, user_inputs: list[str]) -> Any:
    """zxcvbn's verdict (``score`` 0-4 and ``feedback``) on the first 100 characters."""
    with _ZXCVBN_LOCK:
        return zxcvbn.zxcvbn(
            password[:_ESTIMATE_LENGTH], user_inputs=user_inputs, max_length=_ESTIMATE_LENGTH
        )


def _without_account_words(lowered: str, user_inputs: list[str]) -> str:
    """``lowered`` with every account word of 3 or more characters cut out, longest first.

    zxcvbn rates a password by its cheapest split into pieces, and adds a large floor for each
    piece beyond the first, so "AdaLovelace2024!" (name, surname, year) scores as strong for Ada
    Lovelace. What is left once her words are gone ("2024!") must be strong on its own.
    """
    for word in sorted({w.lower() for w in user_inputs if len(w) >= 3}, key=len, reverse=True):
        lowered = lowered.replace(word, "")
    return lowered


@cache
def _common() -> frozenset[str]:
    """zxcvbn's common-password list (lower case), built on first use."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def _user_inputs(email: str | None, display_name: str | None) -> list[str]:
    """Words an attacker who knows the account would try: the site's name, the e-mail address
    and its parts ("ada.lovelace", "ada", "lovelace", "example.com"...), the display name and
    its words."""
    inputs = ["gravl"]
    for value in (email, display_name):
        if value:
            inputs.append(value)
            inputs.extend(part for part in value.split("@") if part)
            inputs.extend(word for word in _NON_WORD.split(value) if word)
    return inputs
