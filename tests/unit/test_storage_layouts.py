"""Which metadata profile a pool gets, how many disks a layout needs, and which identity names a disk."""

import pytest

from sigmavault.disks.identity import identity_of
from sigmavault.storage.layouts import metadata_profile, minimum_devices


def _pool(data: str, devices: int, metadata: str | None = None, **more) -> dict:
    return {"type": "btrfs", "profile": {"data": data, "metadata": metadata},
            "devices": [f"disk_{i}" for i in range(devices)], **more}


@pytest.mark.parametrize("data, devices, expected", [
    ("single", 1, "dup"),
    ("single", 2, "raid1"),
    ("single", 3, "raid1"),
    ("raid1", 2, "raid1"),
    ("raid10", 4, "raid10"),
])
def test_metadata_follows_the_data_profile(data, devices, expected):
    assert metadata_profile(_pool(data, devices)) == expected


@pytest.mark.parametrize("metadata", ["dup", "single", "raid1", "raid10"])
def test_declared_metadata_profile_wins(metadata):
    assert metadata_profile(_pool("single", 4, metadata)) == metadata


@pytest.mark.parametrize("data, metadata, expected", [
    ("single", None, 1), ("raid1", None, 2), ("raid10", None, 4), ("single", "raid10", 4), ("raid1", "dup", 2),
])
def test_btrfs_minimum_is_the_stricter_of_data_and_metadata(data, metadata, expected):
    assert minimum_devices(_pool(data, 1, metadata)) == expected


@pytest.mark.parametrize("level, expected", [(1, 2), (5, 3), (6, 4), (10, 4)])
def test_mdadm_minimum_follows_the_level(level, expected):
    assert minimum_devices({"type": "mdadm", "level": level, "profile": {"data": "single"}}) == expected


@pytest.mark.parametrize("disk, expected", [
    ({"by_id": "ata-X", "serial": None, "wwn": None, "backing_file": None, "path": None, "wipe": True},
     ("by_id", "ata-X")),
    ({"serial": "WD-1"}, ("serial", "WD-1")),
    ({"wwn": "0x5000"}, ("wwn", "0x5000")),
    ({"backing_file": "/x.img"}, ("backing_file", "/x.img")),
    ({"path": "/dev/sdb", "wipe": False}, ("path", "/dev/sdb")),
])
def test_identity_of_a_disk_is_its_one_identity_key(disk, expected):
    assert identity_of(disk) == expected


@pytest.mark.parametrize("disk", [{}, {"wipe": True}, {"path": "/dev/sdb", "serial": "WD-1"},
                                  {"by_id": "", "serial": None}])
def test_disk_with_no_or_two_identities_has_none(disk):
    assert identity_of(disk) is None
