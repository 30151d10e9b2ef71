"""Datasets: btrfs subvolumes with their mountpoint, quota, compression and nodatacow."""

import errno
import os

import pytest

from tests.system.conftest import disks_pillar
from tests.system.loopdisks import is_mounted, sh


def dataset_pillar(images, mountpoint: str, datasets: dict, compression: str = "zstd:3") -> dict:
    disks = disks_pillar(images)
    pool = {"devices": sorted(disks), "mountpoint": mountpoint, "compression": compression, "datasets": datasets}
    return {"storage": {"disks": disks, "pools": {"tank": pool}}}


def write_bytes(path: str, total: int, chunk: bytes) -> None:
    with open(path, "wb") as out:
        for _ in range(total // len(chunk)):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def test_quota_stops_writes_past_the_limit(box):
    images = box.disks.make(1)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"capped": {"quota": "32M"}}))
    assert box.cli("apply").returncode == 0
    with pytest.raises(OSError) as full:
        write_bytes(os.path.join(box.path("tank"), "capped", "big"), 96 * 1024**2, os.urandom(1024**2))
    assert full.value.errno == errno.EDQUOT
    write_bytes(os.path.join(box.path("tank"), "free"), 48 * 1024**2, os.urandom(1024**2))


def compsize_percent(path: str) -> int:
    total = [line for line in sh("compsize", path).stdout.splitlines() if line.startswith("TOTAL")][0]
    return int(total.split()[1].rstrip("%"))


def test_dataset_compression_shows_in_compsize(box):
    images = box.disks.make(1)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {
        "logs": {"compression": "zstd:9"}, "raw": {"compression": "none"}}))
    assert box.cli("apply").returncode == 0
    text = b"2026-11-23 12:00:00 nas smbd[100]: connection from 192.0.2.7 accepted\n" * 1024
    for name in ("logs", "raw"):
        write_bytes(os.path.join(box.path("tank"), name, "log.txt"), 16 * 1024**2, text)
    assert sh("btrfs", "property", "get", os.path.join(box.path("tank"), "logs"), "compression").stdout.strip() \
        == "compression=zstd:9"
    assert compsize_percent(os.path.join(box.path("tank"), "logs")) < 20
    assert compsize_percent(os.path.join(box.path("tank"), "raw")) == 100


def test_nodatacow_dataset_gets_the_no_cow_attribute(box):
    images = box.disks.make(1)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"vms": {"nodatacow": True}}))
    assert box.cli("apply").returncode == 0
    write_bytes(os.path.join(box.path("tank"), "vms", "disk.qcow2"), 1024**2, b"\0" * 4096)
    flags = sh("lsattr", os.path.join(box.path("tank"), "vms", "disk.qcow2")).stdout.split()[0]
    assert "C" in flags


def test_dataset_mountpoint_is_mounted_and_recorded_and_survives_a_second_apply(box):
    images = box.disks.make(2)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"media": {"mountpoint": box.path("media")}}))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert is_mounted(box.root / "mnt" / "media")
    with open(os.path.join(box.path("media"), "song.flac"), "wb") as out:
        out.write(b"music")
    assert os.path.exists(os.path.join(box.path("tank"), "media", "song.flac"))
    assert f"{box.path('media')} btrfs subvol=media,compress=zstd:3,noatime 0 0" in box.fstab_text()
    again = box.highstate()
    assert [s.id for s in again.values() if s.changes] == []


def test_removing_a_quota_from_the_pillar_lifts_the_limit(box):
    images = box.disks.make(1)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"capped": {"quota": "32M"}}))
    assert box.cli("apply").returncode == 0
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"capped": {"quota": None}}))
    lifted = box.highstate()["converge_dataset_tank_capped"]
    assert lifted.changes["done"] == ["limit tank/capped to no quota"]
    write_bytes(os.path.join(box.path("tank"), "capped", "big"), 64 * 1024**2, os.urandom(1024**2))
