"""Planning an mdadm pool from hand-built facts: the exact commands, the consent rule, and every refusal.

This host has no md driver: these plans are proven here, the arrays themselves in the VM tier.
"""

from pathlib import Path

import pytest

from sigmavault import steps
from sigmavault.disks.signatures import Signature
from sigmavault.mounts import Mount
from sigmavault.storage import mdadm_facts
from sigmavault.storage.mdadm_facts import MdadmFacts, MdArray
from sigmavault.storage.mdadm_plan import NEW_ARRAY_UUID, array_health, plan_mdadm_pool
from sigmavault.storage.pool_plan import NEW_UUID

from .builders import device, storage

CONF = Path("/etc/mdadm/mdadm.conf")
ARRAY_UUID = "3a5e2b1c:4d6f7081:92a3b4c5:d6e7f809"
FS_UUID = "22fb3113-1c5c-4887-95cb-b53d51ec892a"
DISKS = {f"disk_{letter}": {"path": f"/dev/sd{letter}"} for letter in "bcde"}
PATHS = [f"/dev/sd{letter}" for letter in "bcde"]


def _storage(level=5, filesystem="ext4", count=None, wipe=(), name="tank", **pool):
    count = count or {1: 2, 5: 3, 6: 4, 10: 4}[level]
    disks = {disk: {**spec, "wipe": disk in wipe} for disk, spec in DISKS.items()}
    pool = {"type": "mdadm", "level": level, "filesystem": filesystem, "devices": list(DISKS)[:count],
            "mountpoint": f"/srv/{name}", **pool}
    return storage(disks=disks, pools={name: pool})


def _facts(store, name="tank", signatures=None, **known):
    signatures = signatures or {}
    devices = {disk: device(spec["path"], signature=signatures.get(disk)) for disk, spec in store["disks"].items()}
    return MdadmFacts(devices=devices, array_path=f"/dev/md/{name}", conf_path=CONF, **known)


def _running(store, name="tank", members=None, level=None, **known):
    """Facts of an array that runs, mounted and recorded everywhere: the converged box."""
    pool = store["pools"][name]
    paths = members or [store["disks"][d]["path"] for d in pool["devices"]]
    array = MdArray(level or f"raid{pool['level']}", len(paths), ARRAY_UUID, f"nas:{name}", "1.2",
                    {path: str(role) for role, path in enumerate(paths)})
    options = frozenset({"rw", "relatime", *pool["mount_options"]})
    converged = {"array": array, "kernel_device": "/dev/md127", "array_state": "clean",
                 "filesystem": Signature(pool["filesystem"], name, FS_UUID),
                 "mount": Mount("/", pool["mountpoint"], pool["filesystem"], "/dev/md127", options),
                 "fstab_line": f"UUID={FS_UUID} {pool['mountpoint']} {pool['filesystem']} "
                               f"{','.join(pool['mount_options'])} 0 0",
                 "conf_text": f"MAILADDR root\nARRAY /dev/md/{name} metadata=1.2 UUID={ARRAY_UUID}\n"}
    return _facts(store, name, **{**converged, **known})


def _plan(store, facts, name="tank"):
    return plan_mdadm_pool(name, store["pools"][name], store["disks"], facts)


def _commands(plan):
    return [list(command) for step in plan.steps for command in step.commands]


def _refusals(plan):
    return {error.path: error.message for error in plan.refusals}


@pytest.mark.parametrize(("level", "count"), [(1, 2), (5, 3), (6, 4), (10, 4)])
def test_blank_disks_become_an_array_of_the_declared_level(level, count):
    store = _storage(level=level)
    plan = _plan(store, _facts(store))
    assert plan.refusals == []
    assert plan.steps[0].commands == (
        ("mdadm", "--create", "/dev/md/tank", "--run", f"--level={level}", f"--raid-devices={count}",
         "--metadata=1.2", "--homehost=any", "--name=tank", *PATHS[:count]),
        ("wipefs", "--all", "/dev/md/tank"))
    assert plan.steps[0].summary.startswith(f"create RAID{level} array tank (/dev/md/tank) on disk_b (/dev/sdb)")


def test_new_pool_is_created_recorded_formatted_mounted_and_put_in_fstab_in_that_order():
    store = _storage(level=1, mount_options=["noatime", "nofail"])
    plan = _plan(store, _facts(store))
    assert [step.summary.split(" ")[0] for step in plan.steps] == ["create", "record", "format", "mount", "record"]
    record_array, _, mount, record_fstab = plan.steps[1:]
    assert record_array.writes == ((str(CONF), f"ARRAY /dev/md/tank metadata=1.2 UUID={NEW_ARRAY_UUID}\n"),)
    assert record_array.commands == ()
    assert mount.commands == (("mkdir", "-p", "/srv/tank"),
                              ("mount", "-t", "ext4", "-o", "noatime,nofail", "/dev/md/tank", "/srv/tank"))
    assert record_fstab.edits[0].change.line() == f"UUID={NEW_UUID} /srv/tank ext4 noatime,nofail 0 0"


def test_recording_the_array_in_the_boxs_own_conf_refreshes_the_boot_image():
    # The boot image assembles arrays from its copy of mdadm.conf; a stale copy names the array /dev/md127.
    store = _storage(level=1)
    plan = _plan(store, _facts(store, initramfs_refresh=("update-initramfs", "-u")))
    assert plan.steps[1].summary.startswith("record array tank")
    assert plan.steps[1].commands == (("update-initramfs", "-u"),)


def test_only_the_boxs_own_mdadm_conf_refreshes_the_boot_image(monkeypatch):
    monkeypatch.setattr(mdadm_facts.shutil, "which", lambda name: f"/usr/sbin/{name}")
    assert mdadm_facts.initramfs_refresh(mdadm_facts.MDADM_CONF) == ("update-initramfs", "-u")
    assert mdadm_facts.initramfs_refresh(Path("/tmp/site/etc/mdadm/mdadm.conf")) == ()
    monkeypatch.setattr(mdadm_facts.shutil, "which", lambda name: None)
    assert mdadm_facts.initramfs_refresh(mdadm_facts.MDADM_CONF) == ()


def test_new_pool_converges_step_by_step_and_the_next_apply_plans_nothing(monkeypatch):
    """Each step's effect on a pretend box; the plan is made afresh from the box after every step."""
    store = _storage(level=5)
    box = _facts(store)

    def perform(step):
        verb = step.summary.split(" ")[0]
        if verb == "create":    # a new RAID5 counts as degraded while it builds its parity
            box.array = MdArray("raid5", 3, ARRAY_UUID, "nas:tank", "1.2", {p: str(r) for r, p in enumerate(PATHS[:3])})
            box.kernel_device, box.array_state, box.degraded, box.sync_action = "/dev/md127", "clean", 1, "recover"
        elif verb == "format":
            box.filesystem = Signature("ext4", "tank", FS_UUID)
        elif verb == "mount":
            box.mount = Mount("/", "/srv/tank", "ext4", "/dev/md127", frozenset({"rw", "noatime"}))
        elif step.writes:
            box.conf_text = step.writes[0][1]
        else:
            box.fstab_line = step.edits[0].change.line()

    monkeypatch.setattr(steps, "perform", perform)
    done = steps.converge(lambda: _plan(store, box))
    assert [summary.split(" ")[0] for summary in done] == ["create", "record", "format", "mount", "record"]
    assert box.conf_text == f"ARRAY /dev/md/tank metadata=1.2 UUID={ARRAY_UUID}\n"
    assert box.fstab_line == f"UUID={FS_UUID} /srv/tank ext4 noatime 0 0"
    assert _plan(store, box).steps == []


@pytest.mark.parametrize(("filesystem", "name", "label"), [
    ("ext4", "tank", "tank"),
    ("xfs", "tank", "tank"),
    ("ext4", "photos-of-the-family", "photos-of-the-fa"),   # ext4 labels hold 16 bytes
    ("xfs", "photos-of-the-family", "photos-of-th"),       # xfs labels hold 12
])
def test_array_without_a_file_system_is_formatted_as_declared(filesystem, name, label):
    store = _storage(filesystem=filesystem, name=name)
    facts = _running(store, name, filesystem=None, mount=None, fstab_line=None)
    plan = _plan(store, facts, name)
    assert plan.steps[0].commands == ((f"mkfs.{filesystem}", "-L", label, f"/dev/md/{name}"),)
    assert plan.steps[1].commands[1] == ("mount", "-t", filesystem, "-o", "noatime", f"/dev/md/{name}",
                                         f"/srv/{name}")


def test_a_disk_holding_data_is_refused_without_wipe_and_nothing_is_planned():
    store = _storage(level=5)
    facts = _facts(store, signatures={"disk_c": {"type": "ext4", "label": "photos"}})
    plan = _plan(store, facts)
    assert plan.steps == []
    assert "set sigmavault.storage.disks.disk_c.wipe: true" in _refusals(plan)["sigmavault.storage.disks.disk_c"]


def test_wipe_true_clears_the_disk_right_before_the_array_is_created():
    store = _storage(level=5, wipe=("disk_c",))
    facts = _facts(store, signatures={"disk_c": {"type": "ext4", "label": "photos"}})
    plan = _plan(store, facts)
    assert plan.refusals == []
    assert _commands(plan)[:2] == [["wipefs", "--all", "/dev/sdc"],
                                   ["mdadm", "--create", "/dev/md/tank", "--run", "--level=5", "--raid-devices=3",
                                    "--metadata=1.2", "--homehost=any", "--name=tank",
                                    "/dev/sdb", "/dev/sdc", "/dev/sdd"]]


def test_a_mounted_disk_is_refused_even_with_wipe():
    store = _storage(level=1, wipe=("disk_b",))
    facts = _facts(store)
    facts.devices["disk_b"]["mounted_at"] = ["/mnt/usb"]
    assert "unmount it first" in _refusals(_plan(store, facts))["sigmavault.storage.disks.disk_b"]


def test_an_absent_disk_is_refused():
    store = _storage(level=1)
    facts = _facts(store)
    del facts.devices["disk_c"]
    assert _refusals(_plan(store, facts)) == {"sigmavault.storage.disks.disk_c": "no such disk is attached to this box"}


@pytest.mark.parametrize(("level", "filesystem"), [(1, "ext4"), (5, "xfs"), (6, "ext4"), (10, "xfs")])
def test_converged_array_plans_nothing(level, filesystem):
    store = _storage(level=level, filesystem=filesystem)
    plan = _plan(store, _running(store))
    assert (plan.steps, plan.refusals) == ([], [])


def test_conf_entry_written_by_hand_or_by_debian_counts_as_recorded():
    store = _storage()
    by_hand = f"ARR /dev/md/tank metadata=1.2 name=nas:tank  # the big one\n   UUID={ARRAY_UUID.upper()}\n"
    assert _plan(store, _running(store, conf_text=by_hand)).steps == []


@pytest.mark.parametrize("conf", ["", "MAILADDR root\nARRAY /dev/md/tank UUID=00000000:11111111:22222222:33333333\n"])
def test_missing_or_stale_conf_entry_is_rewritten_from_the_running_array(conf):
    store = _storage()
    plan = _plan(store, _running(store, conf_text=conf))
    assert [step.writes for step in plan.steps] == [
        ((str(CONF), ("MAILADDR root\n" if conf else "") + f"ARRAY /dev/md/tank metadata=1.2 UUID={ARRAY_UUID}\n"),)]


def test_an_array_holding_another_file_system_is_never_reformatted():
    store = _storage(filesystem="xfs")
    plan = _plan(store, _running(store, filesystem=Signature("ext4", "tank", FS_UUID), mount=None))
    assert plan.steps == []
    message = _refusals(plan)["sigmavault.storage.pools.tank.filesystem"]
    assert "never reformats" in message and "filesystem: ext4 to keep it" in message


def test_an_array_holding_something_unknown_is_never_reformatted():
    store = _storage()
    plan = _plan(store, _running(store, filesystem=Signature(pttype="gpt"), mount=None))
    assert "gpt partition table" in _refusals(plan)["sigmavault.storage.pools.tank.filesystem"]


@pytest.mark.parametrize("count", [2, 4])
def test_changing_the_disks_of_an_array_is_refused(count):
    store = _storage(level=1, count=count)
    plan = _plan(store, _running(store, members=PATHS[:3]))
    assert plan.steps == []
    assert "growing, shrinking or swapping the disks of an mdadm array is not supported yet" in \
        _refusals(plan)["sigmavault.storage.pools.tank.devices"]


def test_changing_the_level_of_an_array_is_refused():
    store = _storage(level=6)
    plan = _plan(store, _running(store, level="raid10"))
    assert _refusals(plan) == {"sigmavault.storage.pools.tank.level":
                               "array tank is raid10, not raid6; changing the level of an array is not supported yet"}


def test_degraded_array_keeps_serving_and_is_reported_not_refused():
    store = _storage(level=5)
    facts = _running(store, degraded=1, sync_action="idle", mount=None)
    plan = _plan(store, facts)
    assert plan.refusals == [] and [s.summary for s in plan.steps] == ["mount pool tank at /srv/tank"]
    assert array_health("tank", facts) == \
        "array tank is degraded: 1 of 3 disks missing or failed; replace the failed disk before another one fails"


def test_new_raid5_building_parity_reads_as_rebuilding():
    store = _storage(level=5)
    assert array_health("tank", _running(store, degraded=1, sync_action="recover")) == \
        "array tank is rebuilding: 1 of 3 disks not yet in sync"
    assert array_health("tank", _running(store)) is None


def test_inactive_array_is_left_alone():
    store = _storage()
    plan = _plan(store, _running(store, array_state="inactive", filesystem=None, mount=None))
    assert plan.steps == []
    assert "not running" in _refusals(plan)["sigmavault.storage.pools.tank"]


def test_disks_of_a_stopped_array_of_this_pool_are_assembled_not_wiped():
    store = _storage(level=1, wipe=("disk_b", "disk_c"))
    raid = {"type": "linux_raid_member", "label": "nas:tank", "uuid": "3a5e2b1c-4d6f-7081-92a3-b4c5d6e7f809"}
    plan = _plan(store, _facts(store, signatures={"disk_b": raid, "disk_c": raid}))
    assert plan.refusals == []
    assert _commands(plan) == [["mdadm", "--assemble", "/dev/md/tank", f"--uuid={ARRAY_UUID}",
                                "/dev/sdb", "/dev/sdc"]]


def test_array_of_this_pool_running_under_another_name_is_refused():
    store = _storage(level=1)
    raid = {"type": "linux_raid_member", "label": "oldbox:tank", "uuid": "3a5e2b1c-4d6f-7081-92a3-b4c5d6e7f809"}
    facts = _facts(store, signatures={"disk_b": raid, "disk_c": raid})
    facts.devices["disk_b"]["holders"] = facts.devices["disk_c"]["holders"] = ["md127"]
    assert "mdadm --stop /dev/md127" in _refusals(_plan(store, facts))["sigmavault.storage.pools.tank"]


def test_member_of_another_array_needs_wipe_like_any_data():
    store = _storage(level=1)
    raid = {"type": "linux_raid_member", "label": "nas:music", "uuid": "3a5e2b1c-4d6f-7081-92a3-b4c5d6e7f809"}
    plan = _plan(store, _facts(store, signatures={"disk_b": raid}))
    assert "Linux RAID member labelled 'nas:music'" in _refusals(plan)["sigmavault.storage.disks.disk_b"]


def test_something_else_mounted_at_the_mountpoint_is_refused():
    store = _storage()
    plan = _plan(store, _running(store, mount=Mount("/", "/srv/tank", "ext4", "/dev/sdz1", frozenset())))
    assert _refusals(plan) == {"sigmavault.storage.pools.tank.mountpoint":
                               "/srv/tank already has /dev/sdz1 (ext4) mounted"}


def test_missing_mount_option_is_added_by_remount_but_options_the_kernel_never_lists_are_not():
    store = _storage(mount_options=["noatime", "nofail", "commit=60"])
    facts = _running(store)
    facts.mount = Mount("/", "/srv/tank", "ext4", "/dev/md127", frozenset({"rw", "noatime"}))
    plan = _plan(store, facts)
    assert [(s.summary, s.commands) for s in plan.steps] == [
        ("remount pool tank with commit=60", (("mount", "-o", "remount,noatime,nofail,commit=60", "/srv/tank"),))]
