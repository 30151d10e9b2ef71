"""Reading the label areas of a device (disks.blank_probe), shown on plain files in tmp_path."""

from sigmavault.disks.blank import MIB, regions
from sigmavault.disks.blank_probe import data_found, read_regions

SIZE = 80 * MIB


def _image(tmp_path, *writes: tuple[int, bytes]):
    image = tmp_path / "disk.img"
    with open(image, "wb") as out:
        out.truncate(SIZE)
        for offset, data in writes:
            out.seek(offset)
            out.write(data)
    return str(image)


def test_a_zeroed_image_holds_nothing(tmp_path):
    assert data_found(_image(tmp_path), SIZE) is None


def test_one_sector_in_the_last_mib_is_found(tmp_path):
    at = SIZE - 300 * 1024
    assert data_found(_image(tmp_path, (at, b"\x01" * 512)), SIZE) == f"non-zero data in the last MiB (at byte {at})"


def test_one_byte_at_the_btrfs_copy_is_found(tmp_path):
    assert data_found(_image(tmp_path, (64 * MIB + 64, b"\x80")), SIZE) == \
        f"non-zero data in the place of a btrfs superblock copy at 64 MiB (at byte {64 * MIB + 64})"


def test_a_device_that_ends_early_counts_as_holding_data(tmp_path):
    image = _image(tmp_path)
    found = data_found(image, SIZE + MIB)      # sysfs says more than the device gives
    assert found is not None and "could not be read" in found


def test_a_missing_device_counts_as_holding_data(tmp_path):
    wanted = regions(SIZE)
    reads = read_regions(str(tmp_path / "gone"), wanted)
    assert set(reads) == set(wanted) and all(isinstance(read, OSError) for read in reads.values())
    assert data_found(str(tmp_path / "gone"), SIZE) == \
        "the first MiB could not be read (No such file or directory), so it counts as holding data"
