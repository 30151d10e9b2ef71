"""Sizes as the pillar writes them and as a person reads them."""

import pytest

from sigmavault.storage.sizes import human, to_bytes


@pytest.mark.parametrize("size, count", [("1", 1), ("512", 512), ("1K", 1024), ("256M", 268435456),
                                         ("500G", 500 * 1024**3), ("2T", 2 * 1024**4)])
def test_pillar_size_in_bytes_uses_powers_of_1024(size, count):
    assert to_bytes(size) == count


@pytest.mark.parametrize("count, text", [
    (None, "-"), (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
    (268435456, "256.0 MiB"), (500 * 1024**3, "500.0 GiB"), (3 * 1024**4, "3.0 TiB"), (2048 * 1024**4, "2048.0 TiB"),
])
def test_human_size_picks_the_largest_binary_unit(count, text):
    assert human(count) == text
