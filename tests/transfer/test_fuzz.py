"""Any bytes in: records or ImportFormatError, never another exception."""

import io
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gravl.transfer.parsing import ImportedSet, ImportFormatError
from gravl.transfer.readers import parse
from tests.transfer.generators import fitbod_export, fitnotes_export, hevy_export, strong_export

FORMATS = ["strong", "hevy", "fitnotes", "fitbod"]
SAMPLES = {
    "strong": strong_export(random.Random(5), "android", sessions=2).content,
    "hevy": hevy_export(random.Random(5), sessions=2, imperial=True).content,
    "fitnotes": fitnotes_export(random.Random(5), days=2, unquoted=True).content,
    "fitbod": fitbod_export(random.Random(5), days=2, sets_column=True).content,
}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(content: bytes, format: str) -> str:
    try:
        sets = list(parse(io.BytesIO(content), format, unit="lb", timezone="Europe/Paris"))  # type: ignore[arg-type]
    except ImportFormatError as error:
        assert error.problems and all(p.line >= 1 for p in error.problems)
        return "rejected"
    assert all(isinstance(s, ImportedSet) and s.performed_at.utcoffset() is not None for s in sets)
    return "parsed"


@FUZZ
@given(content=st.binary(max_size=2000), format=st.sampled_from(FORMATS))
def test_arbitrary_bytes(content, format):
    assert outcome(content, format) in ("parsed", "rejected")


@FUZZ
@given(data=st.data(), format=st.sampled_from(FORMATS))
def test_mutated_real_exports(data, format):
    """Flip, insert and cut bytes of a valid export: deeper than random bytes reach."""
    content = bytearray(SAMPLES[format])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        action = data.draw(st.sampled_from(["replace", "insert", "cut"]))
        byte = data.draw(st.sampled_from(b';,."\n\r0 9-aW\xe9\xc3\x00\xe2\x80\xaf'))
        if action == "replace":
            content[position] = byte
        elif action == "insert":
            content.insert(position, byte)
        else:
            del content[position:]
            break
    assert outcome(bytes(content), format) in ("parsed", "rejected")


@FUZZ
@given(
    cells=st.lists(
        st.lists(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=12), min_size=0, max_size=16
        ),
        max_size=6,
    ),
    format=st.sampled_from(FORMATS),
)
def test_arbitrary_cells_under_a_real_header(cells, format):
    header = SAMPLES[format].split(b"\r\n", 1)[0].decode()
    delimiter = ";" if ";" in header else ","
    rows = [delimiter.join(row) for row in cells]
    content = "\n".join([header, *rows]).encode()
    assert outcome(content, format) in ("parsed", "rejected")
