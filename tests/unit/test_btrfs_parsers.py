"""Reading btrfs-progs output (captured from real file systems, see captured/README.md)."""


import pytest

from sigmavault.storage import btrfs_facts
from sigmavault.storage.btrfs_facts import Filesystem, parse_filesystem_show, parse_profiles, parse_qgroup_limits

from .builders import captured, fake_run_result


def test_filesystem_show_lists_uuid_and_device_paths():
    assert parse_filesystem_show(captured("show_raid1.txt")) == Filesystem(
        "d00aa450-8de4-4dd1-94d2-982585c1b3bb", ("/dev/loop3", "/dev/loop4"), False)


def test_filesystem_show_of_four_disks_lists_them_in_devid_order():
    shown = parse_filesystem_show(captured("show_raid10.txt"))
    assert shown.devices == ("/dev/loop3", "/dev/loop4", "/dev/loop5", "/dev/loop6")
    assert shown.missing_devices is False


def test_filesystem_show_with_a_disk_gone_reports_missing_devices():
    shown = parse_filesystem_show(captured("show_raid10_missing.txt"))
    assert shown.uuid == "4a558aaa-325b-4a6f-97a0-5c213733c0c0"
    assert shown.devices == ("/dev/loop3", "/dev/loop4", "/dev/loop5")
    assert shown.missing_devices is True


def test_filesystem_show_of_a_degraded_mounted_pool_reports_missing_devices():
    shown = parse_filesystem_show(captured("show_raid10_missing_mounted.txt"))
    assert shown.devices == ("/dev/loop3", "/dev/loop4", "/dev/loop5")
    assert shown.missing_devices is True


def test_filesystem_show_without_a_file_system_is_none():
    assert parse_filesystem_show("") is None
    assert parse_filesystem_show("ERROR: not a valid btrfs filesystem: /dev/sdz\n") is None


@pytest.mark.parametrize("name, data, metadata, system", [
    ("df_raid1.txt", {"raid1"}, {"raid1"}, {"raid1"}),
    ("df_raid10.txt", {"raid10"}, {"raid10"}, {"raid10"}),
    ("df_single_dup.txt", {"single"}, {"dup"}, {"dup"}),
])
def test_filesystem_df_gives_each_profile_in_lower_case(name, data, metadata, system):
    assert parse_profiles(captured(name)) == {"data": data, "metadata": metadata, "system": system}


def test_global_reserve_is_not_a_profile_of_the_pool():
    assert "single" not in parse_profiles(captured("df_raid1.txt"))["data"]


def test_mixed_data_and_metadata_block_groups_count_as_data():
    assert parse_profiles(captured("df_mixed.txt")) == {"data": {"single"}, "metadata": set(), "system": {"single"}}


def test_half_finished_conversion_shows_both_profiles():
    text = ("Data, single: total=1.00GiB, used=512.00MiB\nData, RAID1: total=1.00GiB, used=256.00MiB\n"
            "System, RAID1: total=8.00MiB, used=16.00KiB\nMetadata, RAID1: total=256.00MiB, used=1.00MiB\n")
    assert parse_profiles(text)["data"] == {"single", "raid1"}


def test_qgroup_show_maps_subvolume_ids_to_usage_and_limit():
    assert parse_qgroup_limits(captured("qgroup.txt")) == {
        5: (16384, None), 256: (16384, None), 257: (16384, 268435456)}


def test_qgroup_show_skips_headers_and_higher_level_groups():
    text = ("Qgroupid    Referenced    Exclusive  Max referenced  Max exclusive   Path \n"
            "--------    ----------    ---------  --------------  -------------   ---- \n"
            "0/258           65536        65536      1073741824           none   media\n"
            "1/100           65536        65536            none           none   <0 member qgroups>\n")
    assert parse_qgroup_limits(text) == {258: (65536, 1073741824)}




def test_qgroup_limits_are_none_when_quotas_are_off(monkeypatch):
    seen = fake_run_result(monkeypatch, btrfs_facts, 1, stderr="ERROR: can't list qgroups: quotas not enabled\n")
    assert btrfs_facts.qgroup_limits("/srv/tank") is None
    assert seen == [["btrfs", "qgroup", "show", "-re", "--raw", "/srv/tank"]]


def test_qgroup_limits_parse_the_command_output(monkeypatch):
    fake_run_result(monkeypatch, btrfs_facts, 0, captured("qgroup.txt"))
    assert btrfs_facts.qgroup_limits("/srv/tank")[257] == (16384, 268435456)


def test_filesystem_by_uuid_reads_show_raw(monkeypatch):
    seen = fake_run_result(monkeypatch, btrfs_facts, 0, captured("show_raid1.txt"))
    assert btrfs_facts.filesystem("d00aa450-8de4-4dd1-94d2-982585c1b3bb").devices == ("/dev/loop3", "/dev/loop4")
    assert seen == [["btrfs", "filesystem", "show", "--raw", "d00aa450-8de4-4dd1-94d2-982585c1b3bb"]]


def test_filesystem_that_btrfs_cannot_find_is_none(monkeypatch):
    fake_run_result(monkeypatch, btrfs_facts, 1, stderr="ERROR: not a valid btrfs filesystem\n")
    assert btrfs_facts.filesystem("d00aa450-8de4-4dd1-94d2-982585c1b3bb") is None
