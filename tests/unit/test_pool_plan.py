"""Planning a btrfs pool from hand-built facts: what runs, in which order, and what is refused."""

import pytest

from sigmavault.mounts import Mount
from sigmavault.storage.btrfs_facts import Filesystem
from sigmavault.storage.fstab import FstabEntry
from sigmavault.storage.pool_facts import PoolFacts
from sigmavault.storage.pool_plan import NEW_UUID, plan_btrfs_pool

from .builders import device, storage

UUID = "d00aa450-8de4-4dd1-94d2-982585c1b3bb"
LOOPS = {"disk_a": "/dev/loop0", "disk_b": "/dev/loop1", "disk_c": "/dev/loop2", "disk_d": "/dev/loop3"}
EXT4 = {"type": "ext4", "label": "data", "uuid": "22fb3113-1c5c-4887-95cb-b53d51ec892a"}


def _storage(devices: list[str], wipe: tuple = (), **pool) -> dict:
    disks = {name: {"backing_file": f"/var/tmp/{name}.img", "wipe": name in wipe} for name in LOOPS}
    return storage(disks, {"tank": {"devices": devices, "mountpoint": "/srv/tank", **pool}})


def _plan(declared: dict, devices: dict | None = None, **facts):
    attached = {name: device(path) for name, path in LOOPS.items()}
    attached.update(devices or {})
    return plan_btrfs_pool("tank", declared["pools"]["tank"], declared["disks"],
                           PoolFacts(devices=attached, **facts))


def _mount(source: str = "/dev/loop0", compress: str | None = "zstd:3", *more: str, root: str = "/",
           fstype: str = "btrfs") -> Mount:
    options = {"rw", "noatime", "discard=async", "space_cache=v2", "subvolid=5", f"subvol={root}", *more}
    if compress:
        options.add(f"compress={compress}")
    return Mount(root, "/srv/tank", fstype, source, frozenset(options))


def _existing(*paths: str, data: str = "raid1", metadata: str = "raid1", mounted: bool = True,
              compress: str | None = "zstd:3", fstab: bool = True) -> dict:
    """Facts of a pool that exists on paths, optionally mounted and recorded in fstab as declared."""
    options = (f"compress={compress}",) if compress else ()
    line = FstabEntry(f"UUID={UUID}", "/srv/tank", "btrfs", (*options, "noatime")).line()
    return {"filesystem": Filesystem(UUID, paths),
            "mount": _mount(paths[0], compress) if mounted else None,
            "profiles": {"data": {data}, "metadata": {metadata}, "system": {metadata}} if mounted else {},
            "fstab_line": line if fstab else None}


def _commands(plan) -> list[list[str]]:
    return [list(argv) for step in plan.steps for argv in step.commands]


def _first(commands: list[list[str]], *prefix: str) -> int:
    return next(i for i, argv in enumerate(commands) if argv[:len(prefix)] == list(prefix))


# --- a new pool on blank disks ---------------------------------------------------------------------------

def test_blank_disks_are_formatted_mounted_and_recorded_in_fstab():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}))
    assert plan.refusals == []
    assert [step.summary.split()[0] for step in plan.steps] == ["format", "mount", "record"]
    assert plan.steps[0].commands == (
        ("mkfs.btrfs", "--quiet", "--label", "tank", "--data", "raid1", "--metadata", "raid1",
         "/dev/loop0", "/dev/loop1"),)
    assert plan.steps[1].commands == (
        ("mkdir", "-p", "/srv/tank"),
        ("btrfs", "device", "scan", "/dev/loop0", "/dev/loop1"),
        ("mount", "-t", "btrfs", "-o", "compress=zstd:3,noatime", "/dev/loop0", "/srv/tank"))
    assert plan.steps[2].edits[0].change == FstabEntry(f"UUID={NEW_UUID}", "/srv/tank", "btrfs",
                                                   ("compress=zstd:3", "noatime"))


def test_mkfs_never_forces_over_what_a_disk_holds():
    mkfs = _commands(_plan(_storage(["disk_a", "disk_b"], wipe=("disk_a",)),
                           {"disk_a": device("/dev/loop0", EXT4)}))
    mkfs = next(argv for argv in mkfs if argv[0] == "mkfs.btrfs")
    assert "-f" not in mkfs and "--force" not in mkfs


def test_format_step_names_the_disks_and_profiles():
    summary = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"})).steps[0].summary
    assert summary == "format disk_a (/dev/loop0), disk_b (/dev/loop1) as btrfs pool tank (data raid1, metadata raid1)"


def test_single_disk_pool_gets_dup_metadata():
    mkfs = _commands(_plan(_storage(["disk_a"])))[0]
    assert mkfs[mkfs.index("--data") + 1] == "single"
    assert mkfs[mkfs.index("--metadata") + 1] == "dup"


def test_new_pool_with_no_compression_mounts_without_a_compress_option():
    plan = _plan(_storage(["disk_a"], compression="none"))
    mount = _commands(plan)[-1]
    assert mount[mount.index("-o") + 1] == "noatime"
    assert plan.steps[-1].edits[0].change.options == ("noatime",)


# --- consent: what a disk holds is never destroyed unasked ------------------------------------------------

def test_disk_with_ext4_signature_is_refused_without_wipe():
    plan = _plan(_storage(["disk_a", "disk_b"]), {"disk_b": device("/dev/loop1", EXT4)})
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.disks.disk_b"
    assert "ext4" in refusal.message and "'data'" in refusal.message
    assert "set sigmavault.storage.disks.disk_b.wipe: true" in refusal.message


def test_disk_with_ext4_signature_is_wiped_before_mkfs_with_wipe_true():
    commands = _commands(_plan(_storage(["disk_a", "disk_b"], wipe=("disk_b",)),
                               {"disk_b": device("/dev/loop1", EXT4)}))
    assert commands[0] == ["wipefs", "--all", "/dev/loop1"]
    assert commands[1][0] == "mkfs.btrfs"
    assert ["wipefs", "--all", "/dev/loop0"] not in commands


def test_blank_disk_with_wipe_true_is_not_wiped():
    commands = _commands(_plan(_storage(["disk_a"], wipe=("disk_a",))))
    assert not [argv for argv in commands if argv[0] == "wipefs"]


def test_disk_with_only_a_partition_table_is_refused():
    plan = _plan(_storage(["disk_a"]), {"disk_a": device("/dev/loop0", {"pttype": "gpt"})})
    assert plan.steps == []
    assert "gpt partition table" in plan.refusals[0].message


@pytest.mark.parametrize("signature, words", [
    ({"type": "linux_raid_member", "label": "nas:0"}, "Linux RAID member labelled 'nas:0'"),
    ({"type": "crypto_LUKS", "uuid": "6f1c"}, "LUKS encrypted volume (UUID 6f1c)"),
    ({"type": "zfs_member", "label": "tank"}, "ZFS pool member"),
    ({"type": "btrfs", "label": "other"}, "btrfs file system labelled 'other'"),
    ({"type": "unreadable", "label": "blkid: error"}, "a signature blkid could not read"),
])
def test_disk_holding_a_container_or_unreadable_signature_is_refused(signature, words):
    plan = _plan(_storage(["disk_a"]), {"disk_a": device("/dev/loop0", signature)})
    assert plan.steps == []
    assert words in plan.refusals[0].message


def test_mounted_disk_is_refused_even_with_wipe():
    plan = _plan(_storage(["disk_a"], wipe=("disk_a",)),
                 {"disk_a": device("/dev/loop0", EXT4, mounted_at=["/media/usb"])})
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.disks.disk_a"
    assert "mounted at /media/usb" in refusal.message and "unmount it first" in refusal.message


def test_disk_held_by_another_device_is_refused_even_with_wipe():
    plan = _plan(_storage(["disk_a"], wipe=("disk_a",)), {"disk_a": device("/dev/loop0", holders=["md127"])})
    assert plan.steps == []
    assert "in use by md127" in plan.refusals[0].message


def test_every_disk_that_blocks_is_named_at_once():
    plan = _plan(_storage(["disk_a", "disk_b"]), {"disk_a": device("/dev/loop0", EXT4),
                                                   "disk_b": device("/dev/loop1", {"pttype": "dos"})})
    assert [r.path for r in plan.refusals] == ["sigmavault.storage.disks.disk_a", "sigmavault.storage.disks.disk_b"]


def test_declared_disk_that_is_not_attached_is_refused():
    declared = _storage(["disk_a", "disk_b"])
    plan = plan_btrfs_pool("tank", declared["pools"]["tank"], declared["disks"],
                           PoolFacts(devices={"disk_a": device("/dev/loop0")}))
    assert plan.steps == []
    assert [(r.path, r.message) for r in plan.refusals] == [
        ("sigmavault.storage.disks.disk_b", "no such disk is attached to this box")]


# --- an existing pool -------------------------------------------------------------------------------------

def test_existing_mounted_pool_as_declared_plans_nothing():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}), **_existing("/dev/loop0", "/dev/loop1"))
    assert plan.steps == [] and plan.refusals == []


def test_existing_pool_is_never_formatted_again():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 {"disk_a": device("/dev/loop0", {"type": "btrfs", "label": "tank", "uuid": UUID})},
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert not [argv for argv in _commands(plan) if argv[0] in ("mkfs.btrfs", "wipefs")]


def test_existing_unmounted_pool_is_mounted_by_its_members():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop1", "/dev/loop0", mounted=False))
    assert _commands(plan) == [["mkdir", "-p", "/srv/tank"], ["btrfs", "device", "scan", "/dev/loop0", "/dev/loop1"],
                               ["mount", "-t", "btrfs", "-o", "compress=zstd:3,noatime", "/dev/loop0", "/srv/tank"]]


def test_existing_pool_missing_from_fstab_gets_its_line():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", "/dev/loop1", fstab=False))
    [step] = plan.steps
    assert step.commands == ()
    assert step.edits[0].change.line() == f"UUID={UUID} /srv/tank btrfs compress=zstd:3,noatime 0 0"


def test_disk_added_to_devices_is_added_and_rebalanced_in_one_step():
    plan = _plan(_storage(["disk_a", "disk_b", "disk_c"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert plan.refusals == []
    [step] = plan.steps
    assert step.commands == (("btrfs", "device", "add", "/dev/loop2", "/srv/tank"),
                             ("btrfs", "balance", "start", "-dconvert=raid1", "-mconvert=raid1", "/srv/tank"))
    assert step.summary == "add disk disk_c (/dev/loop2) to pool tank and rebalance (data raid1, metadata raid1)"


def test_second_disk_turns_a_single_pool_into_raid1_as_it_is_added():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", data="single", metadata="dup"))
    assert _commands(plan) == [["btrfs", "device", "add", "/dev/loop1", "/srv/tank"],
                               ["btrfs", "balance", "start", "-dconvert=raid1", "-mconvert=raid1", "/srv/tank"]]


def test_added_disk_with_a_signature_is_refused_without_wipe():
    plan = _plan(_storage(["disk_a", "disk_b", "disk_c"], profile={"data": "raid1"}),
                 {"disk_c": device("/dev/loop2", EXT4)}, **_existing("/dev/loop0", "/dev/loop1"))
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.disks.disk_c"
    assert "ext4" in refusal.message and "wipe: true" in refusal.message
    assert not [argv for argv in _commands(plan) if argv[0] == "wipefs"]


def test_added_disk_with_wipe_is_wiped_in_the_same_step_before_device_add():
    plan = _plan(_storage(["disk_a", "disk_b", "disk_c"], wipe=("disk_c",), profile={"data": "raid1"}),
                 {"disk_c": device("/dev/loop2", EXT4)}, **_existing("/dev/loop0", "/dev/loop1"))
    assert plan.steps[0].commands[:2] == (("wipefs", "--all", "/dev/loop2"),
                                          ("btrfs", "device", "add", "/dev/loop2", "/srv/tank"))


def test_member_dropped_from_devices_without_remove_devices_is_refused():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", "/dev/loop1", "/dev/loop2"))
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.pools.tank.devices"
    assert "disk_c (/dev/loop2)" in refusal.message
    assert "sigmavault.storage.pools.tank.remove_devices" in refusal.message


def test_member_that_no_declared_disk_names_is_refused_as_undeclared():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", "/dev/loop1", "/dev/loop9"))
    assert "undeclared disk (/dev/loop9)" in plan.refusals[0].message


def test_member_in_remove_devices_is_removed_and_btrfs_moves_its_data():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}, remove_devices=["disk_c"]),
                 **_existing("/dev/loop0", "/dev/loop1", "/dev/loop2"))
    assert plan.refusals == []
    assert _commands(plan) == [["btrfs", "device", "remove", "/dev/loop2", "/srv/tank"]]
    assert plan.steps[0].summary == ("remove disk disk_c (/dev/loop2) from pool tank, "
                                     "moving its data to the others")


def test_removal_with_a_profile_change_also_converts():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "single"}, remove_devices=["disk_c"]),
                 **_existing("/dev/loop0", "/dev/loop1", "/dev/loop2"))
    commands = _commands(plan)
    assert ["btrfs", "device", "remove", "/dev/loop2", "/srv/tank"] in commands
    assert ["btrfs", "balance", "start", "-dconvert=single", "-mconvert=raid1", "/srv/tank"] in commands


def test_shrinking_a_raid1_pool_to_one_disk_converts_before_removing():
    plan = _plan(_storage(["disk_a"], remove_devices=["disk_b"]), **_existing("/dev/loop0", "/dev/loop1"))
    commands = _commands(plan)
    assert _first(commands, "btrfs", "balance") < _first(commands, "btrfs", "device", "remove")


def test_profile_change_is_a_balance_convert():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}),
                 **_existing("/dev/loop0", "/dev/loop1", data="single"))
    assert _commands(plan) == [["btrfs", "balance", "start", "-dconvert=raid1", "-mconvert=raid1", "/srv/tank"]]
    assert plan.steps[0].summary == "convert pool tank to data raid1, metadata raid1"


def test_profile_left_half_converted_is_balanced_again():
    facts = _existing("/dev/loop0", "/dev/loop1")
    facts["profiles"]["data"] = {"single", "raid1"}
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}), **facts)
    assert _commands(plan) == [["btrfs", "balance", "start", "-dconvert=raid1", "-mconvert=raid1", "/srv/tank"]]


@pytest.mark.parametrize("metadata", ["single", "dup"])
def test_lowering_metadata_redundancy_forces_the_balance(metadata):
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "single", "metadata": metadata}),
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert _commands(plan) == [["btrfs", "balance", "start", "--force", "-dconvert=single",
                                f"-mconvert={metadata}", "/srv/tank"]]


def test_raising_redundancy_does_not_force_the_balance():
    plan = _plan(_storage(["disk_a", "disk_b", "disk_c", "disk_d"], profile={"data": "raid10"}),
                 **_existing("/dev/loop0", "/dev/loop1", "/dev/loop2", "/dev/loop3"))
    assert _commands(plan) == [["btrfs", "balance", "start", "-dconvert=raid10", "-mconvert=raid10", "/srv/tank"]]


@pytest.mark.parametrize("compression, option", [("lzo", "remount,compress=lzo,noatime"),
                                                 ("zstd:9", "remount,compress=zstd:9,noatime"),
                                                 ("none", "remount,compress=no,noatime")])
def test_compression_change_on_a_mounted_pool_remounts_it(compression, option):
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}, compression=compression),
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert _commands(plan) == [["mount", "-o", option, "/srv/tank"]]
    assert [bool(step.edits) for step in plan.steps] == [False, True]


def test_plain_zstd_matches_the_zstd_3_the_kernel_shows():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}, compression="zstd"),
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert plan.steps == []


def test_mount_option_missing_from_the_live_mount_remounts():
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}, mount_options=["noatime", "commit=120"]),
                 **_existing("/dev/loop0", "/dev/loop1"))
    assert ["mount", "-o", "remount,compress=zstd:3,noatime,commit=120", "/srv/tank"] in _commands(plan)


def test_fstab_only_option_nofail_does_not_remount_a_pool_already_mounted():
    declared = _storage(["disk_a", "disk_b"], profile={"data": "raid1"}, mount_options=["noatime", "nofail"])
    facts = _existing("/dev/loop0", "/dev/loop1")
    facts["fstab_line"] = FstabEntry(f"UUID={UUID}", "/srv/tank", "btrfs",
                                     ("compress=zstd:3", "noatime", "nofail")).line()
    assert _plan(declared, **facts).steps == []


@pytest.mark.parametrize("mount", [
    _mount("/dev/sda1", None, fstype="ext4"),
    _mount("/dev/loop9"),
    _mount("/dev/loop0", root="/media"),
])
def test_mountpoint_occupied_by_another_file_system_is_refused(mount):
    facts = _existing("/dev/loop0", "/dev/loop1")
    facts["mount"] = mount
    plan = _plan(_storage(["disk_a", "disk_b"], profile={"data": "raid1"}), **facts)
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.pools.tank.mountpoint"
    assert f"/srv/tank already has {mount.source} ({mount.fstype}) mounted" == refusal.message


def test_mountpoint_occupied_before_a_new_pool_is_formatted_is_refused():
    plan = _plan(_storage(["disk_a"]), mount=_mount("/dev/sda1", None, fstype="xfs"))
    assert plan.refusals[0].path == "sigmavault.storage.pools.tank.mountpoint"
