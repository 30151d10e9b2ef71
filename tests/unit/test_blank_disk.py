"""Whether a disk reads as blank where labels live, decided over plain bytes (disks.blank)."""

import errno

import pytest

from sigmavault.disks.blank import MIB, Region, first_data, regions, spans

KIB, GIB = 1 << 10, 1 << 30
# Not a round size, so the alignments MD 0.90, MD 1.0 and ZFS make at the end differ from the end itself.
SIZE = 640 * MIB + 200 * KIB + 3 * 512


def disk_reads(size: int, nonzero: tuple[int, ...] = ()) -> dict[Region, bytes]:
    """What reading the label areas of a zeroed disk gives when the bytes at nonzero hold 0xA5."""
    reads = {}
    for region in regions(size):
        data = bytearray(region.length)
        for at in nonzero:
            if region.offset <= at < region.offset + region.length:
                data[at - region.offset] = 0xA5
        reads[region] = bytes(data)
    return reads


def md_090(size: int) -> int:
    return (size & ~(64 * KIB - 1)) - 64 * KIB


def md_10(size: int) -> int:
    return (size - 8 * KIB) & ~(4 * KIB - 1)


def zfs_tail_labels(size: int) -> tuple[int, int]:
    aligned = size & ~(256 * KIB - 1)
    return aligned - 512 * KIB, aligned - 256 * KIB


LABEL_PLACES = {
    "MBR": 0, "primary GPT header": 512, "primary GPT entries": 1024, "GPT backup entries": SIZE - 33 * 512,
    "GPT backup header": SIZE - 512, "MD 1.1": 0, "MD 1.2": 4 * KIB, "MD 0.90": md_090(SIZE),
    "MD 0.90 end": md_090(SIZE) + 4 * KIB - 1, "MD 1.0": md_10(SIZE), "LUKS header": 0,
    **{f"LUKS2 second header at {n} KiB": n * KIB for n in (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)},
    "LUKS2 second header end at 4 MiB": 4 * MIB + 4 * KIB - 1,
    "ZFS L0": 0, "ZFS L1": 256 * KIB, "ZFS L1 end": 512 * KIB - 1,
    "ZFS L2": zfs_tail_labels(SIZE)[0], "ZFS L3": zfs_tail_labels(SIZE)[1],
    "btrfs primary superblock": 64 * KIB, "btrfs copy at 64 MiB": 64 * MIB,
    "btrfs copy at 64 MiB end": 64 * MIB + 4 * KIB - 1, "last byte": SIZE - 1,
}


def test_a_zeroed_disk_reads_as_blank():
    assert first_data(disk_reads(SIZE)) is None


@pytest.mark.parametrize("place", sorted(LABEL_PLACES))
def test_one_non_zero_byte_where_a_label_lives_is_found(place):
    at = LABEL_PLACES[place]
    found = first_data(disk_reads(SIZE, (at,)))
    assert found is not None and found.startswith("non-zero data in ") and found.endswith(f"(at byte {at})")


def test_the_finding_names_the_area_in_owner_words():
    assert first_data(disk_reads(SIZE, (0,))) == "non-zero data in the first MiB (at byte 0)"
    assert first_data(disk_reads(SIZE, (SIZE - 1,))) == f"non-zero data in the last MiB (at byte {SIZE - 1})"
    assert first_data(disk_reads(SIZE, (64 * MIB + 7,))) == \
        f"non-zero data in the place of a btrfs superblock copy at 64 MiB (at byte {64 * MIB + 7})"
    assert first_data(disk_reads(SIZE, (2 * MIB,))) == \
        f"non-zero data in the place of a LUKS2 second header at 2 MiB (at byte {2 * MIB})"


def test_the_first_area_with_data_is_the_one_reported():
    assert first_data(disk_reads(SIZE, (SIZE - 1, 700, 900))) == "non-zero data in the first MiB (at byte 700)"


def test_data_between_the_label_areas_is_not_read():
    """The rule's reach: reading stays cheap, and what lies between the areas is not looked at."""
    assert first_data(disk_reads(SIZE, (10 * MIB, 300 * MIB))) is None


def test_a_region_that_could_not_be_read_counts_as_holding_data():
    reads = disk_reads(SIZE)
    last = regions(SIZE)[-1]
    reads[last] = OSError(errno.EIO, "Input/output error")
    assert first_data(reads) == "the last MiB could not be read (Input/output error), so it counts as holding data"


def test_a_short_read_counts_as_holding_data():
    reads = disk_reads(SIZE)
    first = regions(SIZE)[0]
    reads[first] = bytes(512)
    assert first_data(reads) == \
        f"the first MiB could not be read (the disk gave 512 of {MIB} bytes), so it counts as holding data"


def test_btrfs_copies_are_read_only_on_disks_that_reach_them():
    def names(size):
        return [region.name for region in regions(size)]
    assert not any("btrfs" in name for name in names(32 * MIB))
    assert [n for n in names(SIZE) if "btrfs" in n] == ["the place of a btrfs superblock copy at 64 MiB"]
    assert [n for n in names(300 * GIB) if "btrfs" in n] == ["the place of a btrfs superblock copy at 64 MiB",
                                                             "the place of a btrfs superblock copy at 256 GiB"]
    assert Region(256 * GIB, 4 * KIB, "the place of a btrfs superblock copy at 256 GiB") in regions(300 * GIB)
    assert first_data(disk_reads(300 * GIB, (256 * GIB + 100,))) is not None


def test_reading_stays_a_few_mib_even_on_a_big_disk():
    assert sum(region.length for region in regions(20 * 1000**4)) <= 2 * MIB + 6 * 4 * KIB


def test_a_disk_smaller_than_a_mib_is_read_whole_once():
    assert regions(512 * KIB) == [Region(0, 512 * KIB, "the first MiB")]
    assert first_data(disk_reads(512 * KIB, (512 * KIB - 1,))) is not None


def test_spans_merge_what_touches_so_a_wipe_zeroes_each_range_once():
    assert spans(SIZE) == [(0, MIB + 4 * KIB), (2 * MIB, 4 * KIB), (4 * MIB, 4 * KIB), (64 * MIB, 4 * KIB),
                           (SIZE - MIB, MIB)]
    assert spans(MIB + 512 * KIB) == [(0, MIB + 512 * KIB)]


def test_spans_cover_every_region():
    for size in (512 * KIB, 3 * MIB, SIZE, 300 * GIB):
        covered = spans(size)
        for region in regions(size):
            assert any(start <= region.offset and region.offset + region.length <= start + length
                       for start, length in covered), (size, region)
