"""Planning a dataset (btrfs subvolume) from hand-built facts."""

import pytest

from sigmavault.mounts import Mount
from sigmavault.storage.dataset_facts import DatasetFacts
from sigmavault.storage.dataset_plan import plan_dataset
from sigmavault.storage.fstab import FstabEntry
from sigmavault.storage.sizes import to_bytes

from .builders import storage

UUID = "d00aa450-8de4-4dd1-94d2-982585c1b3bb"


def _declared(dataset: dict, pool_compression: str = "zstd:3") -> tuple[dict, dict]:
    declared = storage({"disk_a": {"path": "/dev/sdb"}},
                       {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", "compression": pool_compression,
                                 "datasets": {"media": dataset}}})
    pool = declared["pools"]["tank"]
    return pool, pool["datasets"]["media"]


def _plan(dataset: dict | None = None, pool_compression: str = "zstd:3", **facts):
    pool, declared = _declared(dataset or {}, pool_compression)
    known = {"pool_mounted": True, "pool_uuid": UUID, "exists": True, **facts}
    return plan_dataset("tank", pool, "media", declared, DatasetFacts(**known))


def _commands(plan) -> list[list[str]]:
    return [list(argv) for step in plan.steps for argv in step.commands]


def _subvol_mount(root: str = "/media", fstype: str = "btrfs", source: str = "/dev/loop0") -> Mount:
    return Mount(root, "/srv/media", fstype, source,
                 frozenset({"rw", "noatime", "compress=zstd:3", f"subvol={root}"}))


def test_absent_dataset_is_created_under_the_pool_mountpoint():
    plan = _plan(exists=False)
    assert plan.refusals == []
    assert _commands(plan) == [["btrfs", "subvolume", "create", "/srv/tank/media"]]
    assert plan.steps[0].summary == "create dataset tank/media at /srv/tank/media"


def test_existing_dataset_as_declared_plans_nothing():
    plan = _plan()
    assert plan.steps == [] and plan.refusals == []


def test_dataset_compression_is_set_as_a_property():
    assert _commands(_plan({"compression": "zstd:9"})) == [
        ["btrfs", "property", "set", "/srv/tank/media", "compression", "zstd:9"]]


def test_dataset_compression_back_to_null_clears_the_property():
    plan = _plan(compression="lzo")
    assert _commands(plan) == [["btrfs", "property", "set", "/srv/tank/media", "compression", ""]]
    assert plan.steps[0].summary == "set compression of tank/media to the pool default"


def test_new_nodatacow_dataset_is_created_then_flagged():
    assert _commands(_plan({"nodatacow": True}, exists=False)) == [
        ["btrfs", "subvolume", "create", "/srv/tank/media"], ["chattr", "+C", "/srv/tank/media"]]


def test_nodatacow_clears_the_compression_property_before_chattr():
    commands = _commands(_plan({"nodatacow": True}, compression="zstd:3"))
    assert commands == [["btrfs", "property", "set", "/srv/tank/media", "compression", ""],
                        ["chattr", "+C", "/srv/tank/media"]]


@pytest.mark.parametrize("compression", ["none", None])
@pytest.mark.parametrize("exists", [True, False])
def test_nodatacow_dataset_never_gets_a_compression_property(compression, exists):
    commands = _commands(_plan({"nodatacow": True, "compression": compression}, exists=exists))
    properties = [argv for argv in commands if argv[:3] == ["btrfs", "property", "set"]]
    assert all(argv[-1] == "" for argv in properties), properties


def test_nodatacow_ignores_a_compression_the_schema_would_refuse():
    pool, dataset = _declared({"nodatacow": True})
    dataset = {**dataset, "compression": "zstd:9"}
    plan = plan_dataset("tank", pool, "media", dataset, DatasetFacts(pool_mounted=True, exists=True))
    assert "zstd:9" not in [arg for argv in _commands(plan) for arg in argv]


def test_turning_copy_on_write_back_on_comes_before_compression():
    plan = _plan({"compression": "lzo"}, nodatacow=True)
    assert _commands(plan) == [["chattr", "-C", "/srv/tank/media"],
                               ["btrfs", "property", "set", "/srv/tank/media", "compression", "lzo"]]
    assert plan.steps[0].summary == "turn copy-on-write on for new files in tank/media"


def test_quota_with_quotas_disabled_enables_them_then_limits():
    plan = _plan({"quota": "256M"})
    assert _commands(plan) == [["btrfs", "quota", "enable", "/srv/tank"],
                               ["btrfs", "qgroup", "limit", "268435456", "/srv/tank/media"]]
    assert plan.steps[1].summary == "limit tank/media to 256M"


def test_quota_with_quotas_enabled_only_limits():
    assert _commands(_plan({"quota": "500G"}, quotas_enabled=True)) == [
        ["btrfs", "qgroup", "limit", str(to_bytes("500G")), "/srv/tank/media"]]


def test_quota_already_in_place_plans_nothing():
    assert _plan({"quota": "1T"}, quotas_enabled=True, limit=1024**4).steps == []


def test_changed_quota_is_limited_again():
    assert _commands(_plan({"quota": "2T"}, quotas_enabled=True, limit=1024**4)) == [
        ["btrfs", "qgroup", "limit", str(2 * 1024**4), "/srv/tank/media"]]


def test_removed_quota_is_lifted():
    plan = _plan({"quota": None}, quotas_enabled=True, limit=268435456)
    assert _commands(plan) == [["btrfs", "qgroup", "limit", "none", "/srv/tank/media"]]
    assert plan.steps[0].summary == "limit tank/media to no quota"


def test_no_quota_does_not_enable_quotas():
    assert _plan({"quota": None}, quotas_enabled=False).steps == []


def test_mountpoint_mounts_the_subvolume_and_records_it_in_fstab():
    plan = _plan({"mountpoint": "/srv/media"})
    assert _commands(plan) == [
        ["mkdir", "-p", "/srv/media"],
        ["mount", "-t", "btrfs", "-o", "subvol=media,compress=zstd:3,noatime", f"UUID={UUID}", "/srv/media"]]
    assert plan.steps[-1].edits[0].change == FstabEntry(f"UUID={UUID}", "/srv/media", "btrfs",
                                                    ("subvol=media", "compress=zstd:3", "noatime"))
    assert plan.steps[-1].edits[0].change.line() == \
        f"UUID={UUID} /srv/media btrfs subvol=media,compress=zstd:3,noatime 0 0"


def test_mounted_and_recorded_dataset_plans_nothing():
    line = f"UUID={UUID} /srv/media btrfs subvol=media,compress=zstd:3,noatime 0 0"
    assert _plan({"mountpoint": "/srv/media"}, mount=_subvol_mount(), fstab_line=line).steps == []


def test_mounted_dataset_missing_from_fstab_is_only_recorded():
    plan = _plan({"mountpoint": "/srv/media"}, mount=_subvol_mount())
    [step] = plan.steps
    assert step.commands == () and step.edits[0].change.mountpoint == "/srv/media"


def test_dataset_mount_follows_a_pool_without_compression():
    plan = _plan({"mountpoint": "/srv/media"}, pool_compression="none")
    assert plan.steps[-1].edits[0].change.options == ("subvol=media", "noatime")


@pytest.mark.parametrize("mount", [_subvol_mount("/", "ext4", "/dev/sda1"), _subvol_mount("/photos"),
                                   _subvol_mount("/")])
def test_dataset_mountpoint_occupied_by_something_else_is_refused(mount):
    plan = _plan({"mountpoint": "/srv/media"}, mount=mount)
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.pools.tank.datasets.media.mountpoint"
    assert refusal.message == f"/srv/media already has {mount.source} ({mount.fstype}) mounted"
    assert not [argv for argv in _commands(plan) if argv[0] == "mount"]


def test_path_taken_by_a_plain_folder_is_refused():
    plan = _plan({"quota": "5G", "mountpoint": "/srv/media"}, exists=False, blocked_by="/srv/tank/media")
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.pools.tank.datasets.media"
    assert "/srv/tank/media exists and is not a btrfs subvolume" in refusal.message


def test_dataset_of_a_pool_not_yet_formatted_is_predicted_with_a_placeholder_uuid():
    plan = _plan({"mountpoint": "/srv/media"}, pool_mounted=False, pool_uuid=None, exists=False)
    assert plan.steps[-1].edits[0].change.source == "UUID=<uuid of the pool>"
