"""Which attached device a declared disk means, by the one identity the pillar gives it."""

import os

import pytest

from sigmavault.disks.identity import matches, resolve

SDB = {"path": "/dev/sdb", "by_id": ["ata-WDC_WD40EFRX_WD-WCC4E1234567", "wwn-0x50014ee2b5e8c4a1"],
       "serial": "WD-WCC4E1234567", "wwn": "0x50014ee2b5e8c4a1", "backing_file": None}
SDC = {"path": "/dev/sdc", "by_id": ["ata-ST4000VN008_ZDH1ABCD"], "serial": "ZDH1ABCD", "wwn": None,
       "backing_file": None}
LOOP = {"path": "/dev/loop0", "by_id": [], "serial": None, "wwn": None,
        "backing_file": "/var/lib/sigmavault-demo/disks/disk_a.img"}


@pytest.mark.parametrize("disk", [
    {"by_id": "ata-WDC_WD40EFRX_WD-WCC4E1234567"}, {"serial": "WD-WCC4E1234567"},
    {"wwn": "0x50014ee2b5e8c4a1"}, {"wwn": "naa.50014EE2B5E8C4A1"}, {"wwn": "50014ee2b5e8c4a1"},
    {"path": "/dev/sdb"},
])
def test_each_identity_finds_its_disk(disk):
    assert resolve(disk, [SDB, SDC, LOOP]) == [SDB]


def test_backing_file_finds_its_loop_device():
    assert resolve({"backing_file": "/var/lib/sigmavault-demo/disks/disk_a.img"}, [SDB, LOOP]) == [LOOP]


def test_backing_file_is_compared_after_resolving_symlinks(tmp_path):
    image = tmp_path / "disk.img"
    image.touch()
    (tmp_path / "link.img").symlink_to(image)
    loop = {**LOOP, "backing_file": os.path.realpath(image)}
    assert matches({"backing_file": str(tmp_path / "link.img")}, loop)


@pytest.mark.parametrize("disk", [{"serial": "wd-wcc4e1234567"}, {"by_id": "ata-WDC"}, {"wwn": "0x5000000000000000"},
                                  {"backing_file": "/var/lib/other.img"}, {"path": "/dev/sdz"}])
def test_identity_that_nothing_answers_to_finds_nothing(disk):
    assert resolve(disk, [SDB, SDC, LOOP]) == []


def test_device_without_a_wwn_never_matches_a_wwn():
    assert not matches({"wwn": "0x50014ee2b5e8c4a1"}, {**SDB, "wwn": None})


def test_disk_with_two_identities_matches_nothing():
    assert resolve({"serial": "WD-WCC4E1234567", "path": "/dev/sdb"}, [SDB]) == []


def test_identity_shared_by_two_devices_finds_both():
    twin = {**SDC, "serial": "WD-WCC4E1234567"}
    assert resolve({"serial": "WD-WCC4E1234567"}, [SDB, twin]) == [SDB, twin]
