import tracemalloc

from gravl.transfer.readers import parse
from tests.transfer.generators import write_large_strong_file

SETS = 50_000


def test_fifty_thousand_sets_stream_in_flat_memory(tmp_path):
    path = tmp_path / "strong.csv"
    write_large_strong_file(path, SETS)

    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            count = sum(1 for _ in parse(stream, "strong"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == SETS
    # The file is ~5 MB; reading it into rows at once would trace well over 50 MB.
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
