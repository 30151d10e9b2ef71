"""Rules of sigmavault.storage that span several keys: each one refuses with the key to fix."""

import pytest

from sigmavault.verdict import validate_pillar

from .builders import pillar

FOUR = {name: {"path": f"/dev/sd{letter}"} for name, letter in
        [("disk_a", "b"), ("disk_b", "c"), ("disk_c", "d"), ("disk_d", "e")]}


def _errors(disks: dict | None = None, pools: dict | None = None) -> dict[str, str]:
    result = validate_pillar(pillar(disks if disks is not None else FOUR, pools))
    return {error.path: error.message for error in result.errors}


def _pool(devices: list, **more) -> dict:
    return {"tank": {"devices": devices, "mountpoint": "/srv/tank", **more}}


def test_valid_two_pool_storage_has_no_errors():
    assert _errors(pools={**_pool(["disk_a", "disk_b"], profile={"data": "raid1"}),
                          "archive": {"type": "mdadm", "level": 1, "devices": ["disk_c", "disk_d"],
                                      "mountpoint": "/srv/archive"}}) == {}


def test_pool_on_an_undeclared_disk_is_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_z"]))
    message = errors["sigmavault.storage.pools.tank.devices[1]"]
    assert "no disk named 'disk_z' under sigmavault.storage.disks" in message
    assert "disk_a, disk_b, disk_c, disk_d" in message


def test_disk_in_two_pools_is_refused_at_the_second():
    errors = _errors(pools={**_pool(["disk_a"]), "other": {"devices": ["disk_b", "disk_a"], "mountpoint": "/srv/o"}})
    assert errors == {"sigmavault.storage.pools.other.devices[1]":
                      "disk 'disk_a' already belongs to pool 'tank'; a disk serves one pool"}


def test_disk_listed_twice_in_one_pool_is_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_a"]))
    assert "already belongs to pool 'tank'" in errors["sigmavault.storage.pools.tank.devices[1]"]


@pytest.mark.parametrize("data, devices, needed", [
    ("raid1", ["disk_a"], 2),
    ("raid10", ["disk_a", "disk_b", "disk_c"], 4),
])
def test_btrfs_profile_with_too_few_disks_is_refused(data, devices, needed):
    errors = _errors(pools=_pool(devices, profile={"data": data}))
    assert errors == {"sigmavault.storage.pools.tank.devices":
                      f"profile {data} needs at least {needed} disks, {len(devices)} listed"}


def test_explicit_raid1_metadata_on_one_disk_is_refused():
    errors = _errors(pools=_pool(["disk_a"], profile={"data": "single", "metadata": "raid1"}))
    assert "needs at least 2 disks, 1 listed" in errors["sigmavault.storage.pools.tank.devices"]


@pytest.mark.parametrize("data, devices", [("raid1", 2), ("raid10", 4), ("single", 1)])
def test_btrfs_profile_with_enough_disks_is_accepted(data, devices):
    assert _errors(pools=_pool(sorted(FOUR)[:devices], profile={"data": data})) == {}


@pytest.mark.parametrize("level, devices, needed", [(1, 1, 2), (5, 2, 3), (6, 3, 4), (10, 3, 4)])
def test_mdadm_level_with_too_few_disks_is_refused(level, devices, needed):
    errors = _errors(pools=_pool(sorted(FOUR)[:devices], type="mdadm", level=level))
    assert errors == {"sigmavault.storage.pools.tank.devices":
                      f"level {level} needs at least {needed} disks, {devices} listed"}


@pytest.mark.parametrize("level, devices", [(1, 2), (5, 3), (6, 4), (10, 4)])
def test_mdadm_level_with_enough_disks_is_accepted(level, devices):
    assert _errors(pools=_pool(sorted(FOUR)[:devices], type="mdadm", level=level)) == {}


def test_level_on_a_btrfs_pool_is_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_b"], level=1))
    assert errors == {"sigmavault.storage.pools.tank.level":
                      "level is for mdadm pools; a btrfs pool sets its redundancy in profile.data"}


def test_mdadm_pool_without_a_level_is_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_b"], type="mdadm"))
    assert errors == {"sigmavault.storage.pools.tank.level": "an mdadm pool needs a RAID level: 1, 5, 6 or 10"}


def test_datasets_on_an_mdadm_pool_are_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_b"], type="mdadm", level=1, datasets={"media": {}}))
    assert "datasets need a btrfs pool" in errors["sigmavault.storage.pools.tank.datasets"]


def test_remove_devices_naming_an_undeclared_disk_is_refused():
    errors = _errors(pools=_pool(["disk_a"], remove_devices=["disk_z"]))
    assert "no disk named 'disk_z'" in errors["sigmavault.storage.pools.tank.remove_devices[0]"]


def test_remove_devices_naming_a_disk_still_in_devices_is_refused():
    errors = _errors(pools=_pool(["disk_a", "disk_b"], remove_devices=["disk_b"]))
    assert errors == {"sigmavault.storage.pools.tank.remove_devices[0]":
                      "disk 'disk_b' is still listed in devices; a disk is either kept or removed"}


def test_remove_devices_naming_a_declared_disk_outside_devices_is_accepted():
    assert _errors(pools=_pool(["disk_a"], remove_devices=["disk_b"])) == {}


@pytest.mark.parametrize("mountpoint", ["/etc", "/var", "/var/lib", "/home", "/boot", "/usr", "/tmp", "/run"])
def test_pool_mounted_over_a_system_path_is_refused(mountpoint):
    errors = _errors(pools={"tank": {"devices": ["disk_a"], "mountpoint": mountpoint}})
    assert errors == {"sigmavault.storage.pools.tank.mountpoint":
                      f"{mountpoint} belongs to the operating system; mount pools under /srv or /mnt"}


def test_dataset_mounted_over_a_system_path_is_refused():
    errors = _errors(pools=_pool(["disk_a"], datasets={"media": {"mountpoint": "/etc"}}))
    assert "belongs to the operating system" in errors["sigmavault.storage.pools.tank.datasets.media.mountpoint"]


@pytest.mark.parametrize("mountpoint", ["/srv/../etc", "/etc/.", "/srv/tank/../../usr"])
def test_mountpoint_that_resolves_to_a_system_path_is_refused(mountpoint):
    errors = _errors(pools={"tank": {"devices": ["disk_a"], "mountpoint": mountpoint}})
    assert "sigmavault.storage.pools.tank.mountpoint" in errors


@pytest.mark.parametrize("mountpoint", ["/etc/ssl", "/usr/lib", "/boot/efi", "/proc/sys", "/dev/shm"])
def test_pool_mounted_inside_a_system_directory_is_refused(mountpoint):
    errors = _errors(pools={"tank": {"devices": ["disk_a"], "mountpoint": mountpoint}})
    assert "belongs to the operating system" in errors.get("sigmavault.storage.pools.tank.mountpoint", "")


def test_two_pools_on_one_mountpoint_are_refused():
    errors = _errors(pools={**_pool(["disk_a"]), "other": {"devices": ["disk_b"], "mountpoint": "/srv/tank"}})
    assert errors == {"sigmavault.storage.pools.other.mountpoint":
                      "/srv/tank is already the mountpoint of sigmavault.storage.pools.tank.mountpoint"}


def test_dataset_on_its_pools_mountpoint_is_refused():
    errors = _errors(pools=_pool(["disk_a"], datasets={"media": {"mountpoint": "/srv/tank"}}))
    assert "already the mountpoint of sigmavault.storage.pools.tank.mountpoint" in \
        errors["sigmavault.storage.pools.tank.datasets.media.mountpoint"]


def test_two_datasets_on_one_mountpoint_are_refused():
    errors = _errors(pools=_pool(["disk_a"], datasets={"media": {"mountpoint": "/srv/media"},
                                                       "photos": {"mountpoint": "/srv/media"}}))
    assert errors == {"sigmavault.storage.pools.tank.datasets.photos.mountpoint":
                      "/srv/media is already the mountpoint of sigmavault.storage.pools.tank.datasets.media.mountpoint"}


@pytest.mark.parametrize("compression", ["zstd", "zstd:3", "lzo"])
def test_nodatacow_dataset_with_compression_is_refused(compression):
    errors = _errors(pools=_pool(["disk_a"], datasets={"vms": {"nodatacow": True, "compression": compression}}))
    assert errors == {"sigmavault.storage.pools.tank.datasets.vms.compression":
                      "btrfs cannot compress a nodatacow dataset; set compression: none or nodatacow: false"}


@pytest.mark.parametrize("compression", [None, "none"])
def test_nodatacow_dataset_without_compression_is_accepted(compression):
    assert _errors(pools=_pool(["disk_a"], datasets={"vms": {"nodatacow": True, "compression": compression}})) == {}


def test_disk_without_an_identity_is_refused():
    errors = _errors(disks={"disk_a": {"wipe": True}})
    assert errors == {"sigmavault.storage.disks.disk_a":
                      "give exactly one of by_id, serial, wwn, backing_file, path to say which disk this is"}


def test_disk_with_two_identities_is_refused():
    errors = _errors(disks={"disk_a": {"path": "/dev/sdb", "serial": "WD-1234"}})
    assert "give exactly one of" in errors["sigmavault.storage.disks.disk_a"]


@pytest.mark.parametrize("identity", [{"by_id": "ata-WDC_WD40EFRX_WD-WCC4E1234567"}, {"serial": "WD-WCC4E1234567"},
                                      {"wwn": "0x50014ee2b5e8c4a1"}, {"backing_file": "/var/lib/x/disk.img"},
                                      {"path": "/dev/sdb"}])
def test_disk_with_exactly_one_identity_is_accepted(identity):
    assert _errors(disks={"disk_a": identity}) == {}


def test_cross_key_rules_run_only_on_a_pillar_the_schema_accepts():
    result = validate_pillar(pillar(pools=_pool(["disk_z"], type="zfs")))
    assert [error.path for error in result.errors] == ["sigmavault.storage.pools.tank.type"]


@pytest.mark.parametrize("option", ["compress=lzo", "subvol=media", "subvolid=5"])
def test_mount_option_that_sigmavault_manages_itself_is_refused(option):
    errors = _errors(pools=_pool(["disk_a"], mount_options=["noatime", option]))
    assert "sigmavault.storage.pools.tank.mount_options[1]" in errors
