from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlparse

import pytest
import segno

from gravl.auth import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# Mid-step, so that ±30 s lands in the neighbouring steps and ±90 s three steps away.
MOMENT = datetime(2026, 3, 14, 9, 26, 45, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def test_new_secret_is_160_bits_of_base32_and_fresh() -> None:
    secret = totp.new_secret()
    assert len(secret) == 32
    assert len(base64.b32decode(secret)) == 20
    assert totp.new_secret() != secret


def test_code_at_matches_rfc_6238_sha1_test_vector() -> None:
    # RFC 6238 appendix B: the ASCII key "12345678901234567890", T = 59 s -> 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, datetime.fromtimestamp(59, UTC)) == "287082"
    assert totp.time_step(datetime.fromtimestamp(59, UTC)) == 1


def test_code_verifies_at_its_moment_and_within_30_seconds() -> None:
    code = totp.code_at(SECRET, MOMENT)
    step = int(MOMENT.timestamp()) // 30
    assert totp.verify(SECRET, code, at=MOMENT, last_step=None) == step
    assert totp.verify(SECRET, code, at=MOMENT + timedelta(seconds=30), last_step=None) == step
    assert totp.verify(SECRET, code, at=MOMENT - timedelta(seconds=30), last_step=None) == step


def test_code_is_refused_90_seconds_away() -> None:
    code = totp.code_at(SECRET, MOMENT)
    assert totp.verify(SECRET, code, at=MOMENT + timedelta(seconds=90), last_step=None) is None
    assert totp.verify(SECRET, code, at=MOMENT - timedelta(seconds=90), last_step=None) is None


def test_a_used_code_and_any_earlier_one_are_refused() -> None:
    code = totp.code_at(SECRET, MOMENT)
    step = totp.verify(SECRET, code, at=MOMENT, last_step=None)
    assert step is not None
    assert totp.verify(SECRET, code, at=MOMENT, last_step=step) is None
    earlier = totp.code_at(SECRET, MOMENT - timedelta(seconds=30))
    assert totp.verify(SECRET, earlier, at=MOMENT, last_step=step) is None
    # The next step's code is still good after this one was used.
    later = totp.code_at(SECRET, MOMENT + timedelta(seconds=30))
    assert totp.verify(SECRET, later, at=MOMENT, last_step=step) == step + 1


def test_an_older_last_step_does_not_block_a_newer_code() -> None:
    code = totp.code_at(SECRET, MOMENT)
    step = totp.time_step(MOMENT)
    assert totp.verify(SECRET, code, at=MOMENT, last_step=step - 1) == step
    assert totp.verify(SECRET, code, at=MOMENT, last_step=step + 5) is None


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "abcdef", "12 34 5"])
def test_malformed_codes_are_refused(bad: str) -> None:
    assert totp.verify(SECRET, bad, at=MOMENT, last_step=None) is None


def test_wrong_code_is_refused() -> None:
    code = totp.code_at(SECRET, MOMENT)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert totp.verify(SECRET, wrong, at=MOMENT, last_step=None) is None


def test_spaces_and_hyphens_in_a_code_are_ignored() -> None:
    code = totp.code_at(SECRET, MOMENT)
    assert totp.normalize_code(f" {code[:3]} - {code[3:]}\t") == code
    spaced = f"{code[:3]} {code[3:]}"
    assert totp.verify(SECRET, spaced, at=MOMENT, last_step=None) == totp.time_step(MOMENT)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        totp.code_at(SECRET, datetime(2026, 3, 14, 9, 26, 45))


def test_provisioning_uri_names_issuer_account_and_secret() -> None:
    email = "ada+lifts@example.com"
    uri = totp.provisioning_uri(SECRET, email)
    parsed = urlparse(uri)
    assert (parsed.scheme, parsed.netloc) == ("otpauth", "totp")
    assert parsed.path == f"/Gravl:{quote(email, safe='')}"
    assert "ada%2Blifts%40example.com" in uri
    query = parse_qs(parsed.query)
    assert query["secret"] == [SECRET]
    assert query["issuer"] == ["Gravl"]
    assert "Gravl%20Dev:" in totp.provisioning_uri(SECRET, email, issuer="Gravl Dev")


def test_qr_svg_is_inline_xml_without_scripts_or_styles() -> None:
    uri = totp.provisioning_uri(SECRET, "ada@example.com")
    svg = totp.qr_svg(uri)
    assert svg.startswith("<svg")  # no XML declaration
    assert "<script" not in svg.lower()
    assert "style=" not in svg.lower()
    assert "<style" not in svg.lower()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert 'stroke="#000"' in svg and 'fill="#fff"' in svg


def test_qr_svg_draws_the_whole_symbol_at_about_200_px() -> None:
    uri = totp.provisioning_uri(SECRET, "ada@example.com")
    root = ET.fromstring(totp.qr_svg(uri))
    modules = segno.make_qr(uri, error="m").symbol_size(scale=1, border=2)[0]
    x, y, width, height = (int(v) for v in root.attrib["viewBox"].split())
    assert (x, y) == (0, 0)
    assert width == height
    assert width % modules == 0  # whole pixels per module, and all of the symbol
    assert 150 <= width <= 250
    assert root.attrib["width"] == root.attrib["height"] == f"{width}px"


def test_recovery_codes_are_ten_distinct_typeable_codes() -> None:
    codes = totp.new_recovery_codes()
    assert len(codes) == totp.RECOVERY_CODES == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert set(code.replace("-", "")) <= set(totp.RECOVERY_ALPHABET)
        assert totp.looks_like_recovery_code(code)
    assert not set("ilo01") & set(totp.RECOVERY_ALPHABET)
    assert len(totp.new_recovery_codes(3)) == 3
    assert set(totp.new_recovery_codes()).isdisjoint(codes)


def test_recovery_code_hash_ignores_case_spaces_and_hyphen() -> None:
    code = totp.new_recovery_codes(1)[0]
    digest = totp.hash_recovery_code(code)
    assert len(digest) == 64
    assert totp.hash_recovery_code(code.upper()) == digest
    assert totp.hash_recovery_code(code.replace("-", "")) == digest
    assert totp.hash_recovery_code(code.replace("-", " ")) == digest
    other = totp.new_recovery_codes(1)[0]
    assert totp.hash_recovery_code(other) != digest


def test_a_recovery_code_is_told_apart_from_a_totp_code() -> None:
    assert totp.looks_like_recovery_code("ABCDE-FGHJK")
    assert totp.looks_like_recovery_code("abcdefghjk")
    assert not totp.looks_like_recovery_code("123456")
    assert not totp.looks_like_recovery_code("abcde-fghj")  # too short
    assert not totp.looks_like_recovery_code("abcde-fghil")  # "i" and "l" are not in the alphabet
