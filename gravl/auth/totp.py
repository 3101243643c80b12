"""TOTP two-factor codes (RFC 6238) and the recovery codes that stand in for a lost phone.

The parameters are the ones every authenticator app assumes when the ``otpauth://`` URI names
none: 6 digits, a 30-second step, HMAC-SHA-1. Anything else and some apps silently show wrong
codes. pyotp does the HMAC; the step arithmetic, the clock-drift window and the replay rule are
here, because they are what the security of the second factor rests on.

A code is accepted for the step before, at and after now (±30 s of drift between the server and
the phone), and only for a step later than the last one accepted: a code, once used, never works
again, nor does any earlier one, so a code read over a shoulder or out of a log is worthless.

Nothing here touches the database or the clock: the caller passes the moment and the last step,
and stores the step ``verify`` returns.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import segno

DIGITS = 6
STEP_SECONDS = 30
_STEP = timedelta(seconds=STEP_SECONDS)
# Steps either side of now that still count: one covers a phone clock 30 s off plus the time it
# takes to type a code that was about to change.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# Base32 in lower case without i, l and o, which are easily taken for 1 and 0 (base32 itself has
# no 0, 1, 8 or 9): 29 symbols, so a 10-character code carries ~48.6 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz234567"
RECOVERY_LENGTH = 10
_RECOVERY_SET = frozenset(RECOVERY_ALPHABET)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Side of the QR code in CSS pixels (rounded to whole pixels per module, so edges stay sharp).
_QR_TARGET_PX = 200
_QR_BORDER = 2


def new_secret() -> str:
    """A fresh shared secret: 32 base32 characters, 160 bits (RFC 4226's recommended size)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, email: str, issuer: str = "Gravl") -> str:
    """The ``otpauth://totp/...`` URI an authenticator app imports (by QR code or by hand).

    The issuer appears both in the label and as a parameter, which is what lets apps show the
    site's name next to the account.
    """
    return _totp(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as a QR code in an inline ``<svg>`` element, about 200 px square.

    Drawn with attributes only (``stroke``, ``fill``, ``transform``): the site's Content Security
    Policy forbids inline styles, and segno's SVG writer emits none. There is no XML declaration,
    so the markup can be placed straight into an HTML page; the SVG namespace is kept, so the same
    string is also a valid standalone SVG document. A ``viewBox`` is set alongside the width and
    height, so a stylesheet may resize it without distorting it; the element carries segno's
    default ``class="segno"``. Error correction level M (or better, when it fits in the same
    size) tolerates a glare or a smudge on the screen.
    """
    qr = segno.make_qr(uri, error="m")  # never a Micro QR code: few phone cameras read those
    modules = qr.symbol_size(scale=1, border=_QR_BORDER)[0]
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=max(1, round(_QR_TARGET_PX / modules)),
        border=_QR_BORDER,
        unit="px",
        dark="black",
        light="white",
        title="QR code for your authenticator app",
    )
    return out.getvalue().decode()


def normalize_code(code: str) -> str:
    """The code without the spaces and hyphens apps and people put in it ("123 456")."""
    return "".join(char for char in code if char != "-" and not char.isspace())


def code_at(secret: str, at: datetime) -> str:
    """The code an authenticator app shows at ``at``: lets tests play the part of the phone."""
    return _totp(secret).generate_otp(time_step(at))


def time_step(at: datetime) -> int:
    """The 30-second step ``at`` falls in: floor(unix time / 30), the TOTP counter."""
    if at.utcoffset() is None:
        # A naive datetime would be read as local time by some and as UTC by others.
        raise ValueError("TOTP needs a timezone-aware datetime")
    return (at - _EPOCH) // _STEP


def verify(secret: str, code: str, *, at: datetime, last_step: int | None) -> int | None:
    """The step ``code`` was valid for, if it is acceptable now; else None.

    Acceptable: 6 digits (after ``normalize_code``) equal to the code of a step within
    ``DRIFT_STEPS`` of ``at`` and later than ``last_step``, the step last accepted for this
    secret. The caller must store the returned step as the new ``last_step`` — that is what
    makes every code single-use.
    """
    candidate = normalize_code(code)
    if len(candidate) != DIGITS or not (candidate.isascii() and candidate.isdigit()):
        return None
    totp = _totp(secret)
    now = time_step(at)
    matched: int | None = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        # Every candidate step is computed and compared, so the time taken says nothing about
        # which one (if any) matched; on the rare collision the latest step wins, burning more.
        if hmac.compare_digest(totp.generate_otp(step), candidate):
            matched = step
    return matched


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """``count`` distinct single-use codes, shown once as ``xxxxx-xxxxx`` for a person to copy."""
    codes: list[str] = []
    while len(codes) < count:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in codes:
            codes.append(code)
    return codes


def hash_recovery_code(code: str) -> str:
    """What is stored for a recovery code: sha256 hex of its normalised form.

    Normalising (no spaces or hyphens, lower case) first means "ABCDE FGHJK" and "abcde-fghjk"
    are the same code. A fast, unsalted hash is tolerable because the codes are random (~48.6
    bits, not chosen by a person) and only stand in for the second factor; it still means that
    someone holding a copy of the database could search the whole code space in GPU-days.
    """
    return hashlib.sha256(_normalize_recovery(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    """Whether ``code`` has the shape of a recovery code, as opposed to a 6-digit TOTP code."""
    candidate = _normalize_recovery(code)
    return len(candidate) == RECOVERY_LENGTH and set(candidate) <= _RECOVERY_SET


def _normalize_recovery(code: str) -> str:
    return normalize_code(code).lower()


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, digest=hashlib.sha1, interval=STEP_SECONDS)
