"""The disk inventory: the sigmavault_disks grain through salt-call, with and without udev."""

import time

import pytest

from sigmavault.disks.inventory import list_disks, udev_running
from sigmavault.salt_bridge.call import salt_call
from tests.system.loopdisks import sh


def test_disk_grain_lists_a_loop_disk_with_its_backing_file_size_and_signature(box):
    (image, device), = box.disks.make(1, size="300M")
    box.write_pillar({})
    grains = salt_call(box.site, "grains.item", "sigmavault_disks").data["sigmavault_disks"]
    entry = next(d for d in grains if d["path"] == device)
    assert entry["backing_file"] == str(image) and entry["size_bytes"] == 300 * 1024**2
    assert entry["signature"] is None and isinstance(entry["rotational"], bool)

    sh("mkfs.xfs", "-q", "-L", "old", device)
    grains = salt_call(box.site, "grains.item", "sigmavault_disks").data["sigmavault_disks"]
    entry = next(d for d in grains if d["path"] == device)
    assert entry["signature"]["type"] == "xfs" and entry["signature"]["label"] == "old"


@pytest.fixture
def udevd():
    """A real udevd for the length of one test, stopped afterwards so other tests see a udev-less host."""
    if udev_running():
        pytest.skip("udevd already runs here; this test starts and stops its own")
    sh("/lib/systemd/systemd-udevd", "--daemon")
    sh("udevadm", "trigger", "--subsystem-match=block", "--action=add")
    sh("udevadm", "settle", "--timeout=30")
    try:
        yield
    finally:
        sh("udevadm", "control", "--exit", check=False)
        for _ in range(50):
            if not udev_running():
                break
            time.sleep(0.1)


def test_inventory_reads_identity_from_udev_when_udev_runs(box, udevd):
    (image, device), = box.disks.make(1, size="300M")
    sh("udevadm", "settle", "--timeout=30")
    entry = next(d for d in list_disks() if d["path"] == device)
    assert entry["identity_source"] == "udev"
    assert entry["backing_file"] == str(image) and entry["signature"] is None
