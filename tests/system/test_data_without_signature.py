"""Data blkid cannot name (random bytes, one stray sector) keeps a disk from being formatted unless the pillar
says wipe: true, through the real CLI and salt-call on loop disks; a zeroed disk is blank."""

import hashlib
import os
import random

import pytest

from sigmavault.cli.state_results import parse_state_results
from sigmavault.command import run
from sigmavault.disks.blank import MIB
from sigmavault.disks.inventory import list_disks
from sigmavault.salt_bridge.call import salt_call
from sigmavault.storage.consent import clearing_commands
from tests.system.conftest import disks_pillar
from tests.system.loopdisks import is_mounted, signature

DISK_SIZE = 640 * MIB      # LoopDisks.make's default


def write_at(device: str, offset: int, data: bytes) -> None:
    """Through the device itself, so what the box reads is what was written."""
    fd = os.open(device, os.O_WRONLY)
    try:
        os.pwrite(fd, data, offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def noise(length: int) -> bytes:
    """Random-looking bytes, the same on every run (blkid finds no signature in them), the first one not zero."""
    return b"\xa5" + random.Random(length).randbytes(length - 1)


def digest(device: str) -> str:
    sha = hashlib.sha256()
    with open(device, "rb") as disk:
        while chunk := disk.read(8 * MIB):
            sha.update(chunk)
    return sha.hexdigest()


def pools_pillar(box, images, pools: dict[str, list[str]], wipe: tuple[str, ...] = ()) -> dict:
    disks = disks_pillar(images)
    for name in wipe:
        disks[name]["wipe"] = True
    return {"storage": {"disks": disks, "pools": {
        pool: {"devices": devices, "mountpoint": box.path(pool)} for pool, devices in pools.items()}}}


def test_random_data_without_wipe_stops_the_whole_run_and_the_disk_keeps_its_bytes(box):
    images = box.disks.make(2)
    (_, used), (_, blank) = images
    write_at(used, 0, noise(10 * MIB))
    assert signature(used) == ""                      # blkid finds nothing: the case this rule is for
    before = digest(used)
    box.write_pillar(pools_pillar(box, images, {"tank": ["d0"], "spare": ["d1"]}))
    for command in ("validate", "plan", "apply"):
        run = box.cli(command)
        assert run.returncode == 1, command
        assert "sigmavault.storage.disks.d0" in run.stdout, run.stdout
        assert "non-zero data in the first MiB (at byte 0)" in run.stdout
        assert "sigmavault.storage.disks.d0.wipe: true" in run.stdout
        assert "Traceback" not in run.stdout + run.stderr
    # The refusal is the check before anything runs: in Salt's own reply only that check ran, and it failed.
    results, errors = parse_state_results(salt_call(box.site, "state.apply").data)
    assert errors == [] and [r.id for r in results if r.ran] == ["validate_pillar_and_disks"]
    assert [r.id for r in results if r.changes] == [] and results[0].refused
    assert digest(used) == before
    # The other pool, on a blank disk, is not made either.
    assert signature(blank) == "" and signature(used) == ""
    assert not is_mounted(box.root / "mnt" / "tank") and not is_mounted(box.root / "mnt" / "spare")
    assert box.fstab_text() == ""


@pytest.mark.parametrize(("offset", "area"), [
    (DISK_SIZE - 300 * 1024, "the last MiB"),                                  # MD 0.90/1.0, backup GPT, ZFS L2/L3
    (64 * MIB, "the place of a btrfs superblock copy at 64 MiB"),
    (4096, "the first MiB"),                                                  # an MD 1.2 superblock's place
], ids=["last-mib", "btrfs-copy", "md-1.2"])
def test_one_non_zero_sector_where_labels_live_is_refused(box, offset, area):
    images = box.disks.make(1)
    device = images[0][1]
    write_at(device, offset, noise(512))
    before = digest(device)
    box.write_pillar(pools_pillar(box, images, {"tank": ["d0"]}))
    run = box.cli("apply")
    assert run.returncode == 1
    assert f"sigmavault.storage.disks.d0: {device} holds data without a signature blkid knows: " \
           f"non-zero data in {area} (at byte {offset})" in run.stdout, run.stdout
    assert digest(device) == before and not is_mounted(box.root / "mnt" / "tank")


def test_a_disk_its_owner_zeroed_is_blank_and_gets_the_pool(box):
    images = box.disks.make(1)
    device = images[0][1]
    write_at(device, 0, noise(10 * MIB))
    write_at(device, DISK_SIZE - MIB, noise(MIB))
    write_at(device, 0, bytes(10 * MIB))
    write_at(device, DISK_SIZE - MIB, bytes(MIB))
    box.write_pillar(pools_pillar(box, images, {"tank": ["d0"]}))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert signature(device) == "btrfs" and is_mounted(box.root / "mnt" / "tank")


def test_random_data_with_wipe_true_is_formatted_and_the_second_apply_changes_nothing(box):
    images = box.disks.make(1)
    device = images[0][1]
    write_at(device, 0, noise(10 * MIB))
    write_at(device, DISK_SIZE - MIB, noise(MIB))
    box.write_pillar(pools_pillar(box, images, {"tank": ["d0"]}, wipe=("d0",)))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert signature(device) == "btrfs" and is_mounted(box.root / "mnt" / "tank")
    second = box.highstate()
    assert [state.id for state in second.values() if state.changes] == []
    assert all(state.result for state in second.values())


def test_the_wipe_leaves_a_disk_that_reads_as_blank(box):
    """What wipe: true runs before mkfs, on its own (mkfs.btrfs discards a loop disk whole, hiding it above)."""
    images = box.disks.make(1)
    device = images[0][1]
    write_at(device, 0, noise(10 * MIB))
    write_at(device, 64 * MIB, noise(4096))
    write_at(device, DISK_SIZE - MIB, noise(MIB))
    [entry] = [disk for disk in list_disks() if disk["path"] == device]
    assert entry["data_found"] == "non-zero data in the first MiB (at byte 0)"
    for argv in clearing_commands(device, entry["size_bytes"]):
        run(argv)
    [entry] = [disk for disk in list_disks() if disk["path"] == device]
    assert entry["signature"] is None and entry["data_found"] is None
