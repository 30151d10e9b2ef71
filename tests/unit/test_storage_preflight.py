"""Before anything changes, every declared disk must answer to exactly one attached device."""

from sigmavault.storage.preflight import disk_errors

ATTACHED = [{"path": "/dev/loop0", "by_id": [], "serial": None, "wwn": None, "backing_file": "/var/tmp/a.img"},
            {"path": "/dev/sdb", "by_id": ["ata-X_1"], "serial": "S1", "wwn": None, "backing_file": None},
            {"path": "/dev/sdc", "by_id": ["ata-X_2"], "serial": "S1", "wwn": None, "backing_file": None}]


def test_disks_that_are_attached_once_have_no_errors():
    assert list(disk_errors({"disk_a": {"backing_file": "/var/tmp/a.img"}, "disk_b": {"by_id": "ata-X_1"}},
                            ATTACHED)) == []


def test_disk_that_is_not_attached_names_its_identity_key_and_what_is_attached():
    [error] = disk_errors({"disk_a": {"backing_file": "/var/tmp/gone.img"}}, ATTACHED)
    assert error.path == "sigmavault.storage.disks.disk_a.backing_file"
    assert error.message == ("no attached disk has backing_file '/var/tmp/gone.img' "
                             "(attached: /dev/loop0, /dev/sdb, /dev/sdc)")


def test_disk_on_a_box_with_no_disks_says_none_are_attached():
    [error] = disk_errors({"disk_a": {"serial": "S9"}}, [])
    assert error.message.endswith("(attached: none)")


def test_identity_shared_by_two_devices_asks_for_a_stabler_one():
    [error] = disk_errors({"disk_a": {"serial": "S1"}}, ATTACHED)
    assert error.path == "sigmavault.storage.disks.disk_a.serial"
    assert error.message == "serial 'S1' matches 2 disks; use an identity only one disk has (by_id, wwn)"


def test_two_disk_names_for_one_attached_device_are_refused():
    errors = list(disk_errors({"disk_a": {"path": "/dev/sdb"}, "disk_b": {"by_id": "ata-X_1"}}, ATTACHED))
    assert any(error.path.startswith("sigmavault.storage.disks.disk_b") for error in errors)
