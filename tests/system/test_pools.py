"""btrfs pools from pillar on real loop disks, through the real CLI and salt-call."""

import json

from tests.system.conftest import disks_pillar
from tests.system.loopdisks import is_mounted, sh, signature


def pool_pillar(images, mountpoint: str, data: str = "raid1", **extra) -> dict:
    disks = disks_pillar(images)
    pool = {"devices": sorted(disks), "mountpoint": mountpoint, "profile": {"data": data}, **extra}
    return {"storage": {"disks": disks, "pools": {"tank": pool}}}


def profiles(mountpoint: str) -> str:
    return sh("btrfs", "filesystem", "df", mountpoint).stdout


def test_raid1_pool_is_created_mounted_and_recorded_and_second_apply_changes_nothing(box):
    images = box.disks.make(2)
    box.write_pillar(pool_pillar(images, box.path("tank")))
    first = box.cli("apply")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "format d0" in first.stdout and "0 failed" in first.stdout
    assert is_mounted(box.root / "mnt" / "tank")
    assert "Data, RAID1" in profiles(box.path("tank")) and "Metadata, RAID1" in profiles(box.path("tank"))
    uuid = sh("blkid", "-p", "-o", "value", "-s", "UUID", images[0][1]).stdout.strip()
    assert f"UUID={uuid} {box.path('tank')} btrfs compress=zstd:3,noatime 0 0" in box.fstab_text()
    second = box.highstate()
    assert [s.id for s in second.values() if s.changes] == []
    assert all(s.result for s in second.values())


def test_single_pool_on_one_disk_gets_dup_metadata(box):
    images = box.disks.make(1)
    box.write_pillar(pool_pillar(images, box.path("one"), data="single"))
    assert box.cli("apply").returncode == 0
    assert "Data, single" in profiles(box.path("one")) and "Metadata, DUP" in profiles(box.path("one"))


def test_raid10_pool_spans_four_disks(box):
    images = box.disks.make(4)
    box.write_pillar(pool_pillar(images, box.path("ten"), data="raid10"))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Data, RAID10" in profiles(box.path("ten"))
    shown = sh("btrfs", "filesystem", "show", box.path("ten")).stdout
    assert all(device in shown for _image, device in images)


def test_plan_predicts_the_pool_and_touches_nothing(box):
    images = box.disks.make(2)
    box.write_pillar(pool_pillar(images, box.path("tank")))
    plan = box.cli("plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "would format d0" in plan.stdout and "would mount pool tank" in plan.stdout
    assert [signature(device) for _image, device in images] == ["", ""]
    assert not is_mounted(box.root / "mnt" / "tank") and box.fstab_text() == ""


def test_adding_a_disk_grows_the_pool_and_rebalances(box):
    images = box.disks.make(3)
    box.write_pillar(pool_pillar(images[:2], box.path("tank")))
    assert box.cli("apply").returncode == 0
    box.write_pillar(pool_pillar(images, box.path("tank")))
    grown = box.highstate()["converge_pool_tank"]
    assert grown.result is True, grown.comment
    assert any(step.startswith("add disk d2") for step in grown.changes["done"])
    assert any("and rebalance" in step for step in grown.changes["done"])
    assert images[2][1] in sh("btrfs", "filesystem", "show", box.path("tank")).stdout
    assert not box.highstate()["converge_pool_tank"].changes


def test_removing_a_disk_needs_consent_in_the_pillar(box):
    images = box.disks.make(3)
    box.write_pillar(pool_pillar(images, box.path("tank")))
    assert box.cli("apply").returncode == 0
    without_d2 = pool_pillar(images, box.path("tank"))
    without_d2["storage"]["pools"]["tank"]["devices"] = ["d0", "d1"]
    box.write_pillar(without_d2)
    refused = box.cli("apply")
    assert refused.returncode == 1
    assert "sigmavault.storage.pools.tank.devices" in refused.stdout and "remove_devices" in refused.stdout
    assert images[2][1] in sh("btrfs", "filesystem", "show", box.path("tank")).stdout

    without_d2["storage"]["pools"]["tank"]["remove_devices"] = ["d2"]
    box.write_pillar(without_d2)
    removed = box.cli("apply")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert images[2][1] not in sh("btrfs", "filesystem", "show", box.path("tank")).stdout


def test_changing_the_data_profile_converts_the_pool(box):
    images = box.disks.make(2)
    box.write_pillar(pool_pillar(images, box.path("tank"), data="single"))
    assert box.cli("apply").returncode == 0
    box.write_pillar(pool_pillar(images, box.path("tank"), data="raid1"))
    assert box.cli("apply").returncode == 0
    assert "Data, RAID1" in profiles(box.path("tank"))


def test_status_reports_the_pool_and_its_usage(box):
    images = box.disks.make(2)
    box.write_pillar(pool_pillar(images, box.path("tank"), datasets={"media": {"quota": "64M"}}))
    assert box.cli("apply").returncode == 0
    shown = box.cli("status", "--json")
    assert shown.returncode == 0, shown.stderr
    pool = json.loads(shown.stdout)["pools"][0]
    assert pool["mounted"] and pool["profiles"]["data"] == ["raid1"] and pool["size_bytes"] > 0
    assert pool["datasets"][0]["quota_bytes"] == 64 * 1024**2
    assert "pool tank" in box.cli("status").stdout
