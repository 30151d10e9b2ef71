"""Bad pillar and used disks: the run stops before touching anything, and says which key to fix."""

import hashlib
import os

from tests.system.conftest import disks_pillar
from tests.system.loopdisks import is_mounted, sh, signature


def ext4_disk_with_file(box, image_device) -> str:
    """Put an ext4 file system with one file on the disk; return the file's sha256."""
    _image, device = image_device
    sh("mkfs.ext4", "-q", "-L", "family", device)
    mount = box.root / "ext4"
    mount.mkdir()
    sh("mount", device, str(mount))
    payload = os.urandom(2 * 1024**2)
    (mount / "photos.tar").write_bytes(payload)
    sh("umount", str(mount))
    return hashlib.sha256(payload).hexdigest()


def checksum_on(box, device: str) -> str:
    mount = box.root / "check"
    mount.mkdir(exist_ok=True)
    sh("mount", "-o", "ro", device, str(mount))
    try:
        return hashlib.sha256((mount / "photos.tar").read_bytes()).hexdigest()
    finally:
        sh("umount", str(mount))


def two_disk_pool(box, images, **disk_overrides) -> dict:
    disks = disks_pillar(images)
    for name, extra in disk_overrides.items():
        disks[name].update(extra)
    return {"storage": {"disks": disks, "pools": {"tank": {
        "devices": ["d0", "d1"], "mountpoint": box.path("tank"), "profile": {"data": "raid1"}}}}}


def test_disk_holding_ext4_is_refused_and_its_data_kept(box):
    images = box.disks.make(2)
    digest = ext4_disk_with_file(box, images[1])
    box.write_pillar(two_disk_pool(box, images))
    run = box.cli("apply")
    assert run.returncode == 1
    assert "sigmavault.storage.disks.d1" in run.stdout and "ext4" in run.stdout and "wipe: true" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert signature(images[1][1]) == "ext4" and signature(images[0][1]) == ""
    assert checksum_on(box, images[1][1]) == digest
    assert not is_mounted(box.root / "mnt" / "tank") and box.fstab_text() == ""


def test_plan_also_refuses_the_used_disk(box):
    images = box.disks.make(2)
    ext4_disk_with_file(box, images[0])
    box.write_pillar(two_disk_pool(box, images))
    plan = box.cli("plan")
    assert plan.returncode == 1 and "sigmavault.storage.disks.d0" in plan.stdout
    assert signature(images[0][1]) == "ext4"


def test_wipe_true_lets_a_pool_take_a_used_disk(box):
    images = box.disks.make(2)
    ext4_disk_with_file(box, images[1])
    box.write_pillar(two_disk_pool(box, images, d1={"wipe": True}))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert signature(images[1][1]) == "btrfs"


def test_pillar_that_fails_the_schema_changes_nothing_and_names_the_key(box):
    images = box.disks.make(2)
    pillar = two_disk_pool(box, images)
    pillar["storage"]["pools"]["tank"]["profile"]["data"] = "raid5"
    box.write_pillar(pillar)
    for command in ("validate", "plan", "apply"):
        run = box.cli(command)
        assert run.returncode == 1, command
        assert "sigmavault.storage.pools.tank.profile.data" in run.stdout and "raid1" in run.stdout
        assert "Traceback" not in run.stdout + run.stderr
    assert [signature(device) for _image, device in images] == ["", ""]
    assert not is_mounted(box.root / "mnt" / "tank") and box.fstab_text() == ""


def test_hostile_pool_name_is_refused_before_anything_runs(box):
    images = box.disks.make(1)
    disks = disks_pillar(images)
    box.write_pillar({"storage": {"disks": disks, "pools": {"tank\n[global]": {
        "devices": ["d0"], "mountpoint": box.path("tank")}}}})
    run = box.cli("apply")
    assert run.returncode == 1
    assert "sigmavault.storage.pools['tank\\n[global]']" in run.stdout
    assert signature(images[0][1]) == ""


def test_disk_that_is_not_attached_is_refused_with_its_key(box):
    images = box.disks.make(1)
    disks = disks_pillar(images)
    disks["ghost"] = {"backing_file": str(box.root / "missing.img")}
    box.write_pillar({"storage": {"disks": disks, "pools": {"tank": {
        "devices": ["d0", "ghost"], "mountpoint": box.path("tank"), "profile": {"data": "raid1"}}}}})
    run = box.cli("validate")
    assert run.returncode == 1
    assert "sigmavault.storage.disks.ghost.backing_file: no attached disk" in run.stdout
    assert box.cli("apply").returncode == 1 and signature(images[0][1]) == ""
