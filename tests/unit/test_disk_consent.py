"""Consent before formatting (storage.consent): a disk with a signature, or with data where labels live, is
formatted only with wipe: true, and the wipe clears enough that the next plan sees a blank disk."""

from sigmavault.disks.blank import MIB
from sigmavault.storage.consent import clearing_commands, what_it_holds, wipe_commands
from sigmavault.storage.pool_facts import PoolFacts
from sigmavault.storage.pool_plan import plan_btrfs_pool

from .builders import device, storage

SIZE = 640 * MIB
FOUND = "non-zero data in the first MiB (at byte 0)"


def _disks(wipe: bool = False) -> dict:
    return {"disk_a": {"backing_file": "/var/tmp/disk_a.img", "wipe": wipe}}


def _with_data(found: str | None = FOUND, size: int | None = SIZE) -> dict:
    entry = {**device("/dev/loop0"), "data_found": found}
    if size is not None:
        entry["size_bytes"] = size
    return entry


def test_a_blank_disk_needs_no_consent_and_no_wipe():
    assert wipe_commands("disk_a", _with_data(None), _disks()) == ([], None)
    assert wipe_commands("disk_a", _with_data(None), _disks(wipe=True)) == ([], None)


def test_data_without_a_signature_is_refused_with_the_key_and_the_finding():
    commands, refusal = wipe_commands("disk_a", _with_data(), _disks())
    assert commands == []
    assert refusal.path == "sigmavault.storage.disks.disk_a"
    assert refusal.message == ("/dev/loop0 holds data without a signature blkid knows: non-zero data in the first "
                               "MiB (at byte 0); SigmaVault formats only blank disks. If what it holds may be "
                               "destroyed, set sigmavault.storage.disks.disk_a.wipe: true")


def test_a_signature_is_reported_before_any_data_reading():
    entry = {**device("/dev/loop0", {"type": "ext4", "label": "photos"}), "data_found": None}
    assert what_it_holds(entry) == "ext4 file system labelled 'photos'"


def test_wipe_true_removes_signatures_then_zeroes_every_label_area():
    commands, refusal = wipe_commands("disk_a", _with_data(), _disks(wipe=True))
    assert refusal is None
    assert commands[0] == ["wipefs", "--all", "/dev/loop0"]
    zeroed = [(int(argv[3]), int(argv[5])) for argv in commands[1:]]
    assert all(argv[:3] == ["blkdiscard", "--zeroout", "--offset"] and argv[-1] == "/dev/loop0"
               for argv in commands[1:])
    assert zeroed[0] == (0, MIB + 4096) and zeroed[-1] == (SIZE - MIB, MIB)
    assert (64 * MIB, 4096) in zeroed


def test_a_disk_with_a_signature_is_zeroed_too_when_its_size_is_known():
    entry = {**device("/dev/loop0", {"type": "ext4"}), "size_bytes": SIZE}
    commands, _ = wipe_commands("disk_a", entry, _disks(wipe=True))
    assert commands == clearing_commands("/dev/loop0", SIZE) and len(commands) > 1


def test_without_a_size_only_signatures_are_removed():
    assert clearing_commands("/dev/mapper/sv-tank-0", None) == [["wipefs", "--all", "/dev/mapper/sv-tank-0"]]


def test_a_mounted_disk_is_refused_even_with_wipe():
    entry = {**device("/dev/loop0", mounted_at=["/media/usb"]), "data_found": FOUND}
    commands, refusal = wipe_commands("disk_a", entry, _disks(wipe=True))
    assert commands == [] and "mounted at /media/usb" in refusal.message


def test_a_pool_on_a_disk_with_data_is_refused_and_nothing_is_planned():
    declared = storage(_disks(), {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}})
    plan = plan_btrfs_pool("tank", declared["pools"]["tank"], declared["disks"],
                           PoolFacts(devices={"disk_a": _with_data()}))
    assert plan.steps == []
    [refusal] = plan.refusals
    assert refusal.path == "sigmavault.storage.disks.disk_a" and FOUND in refusal.message


def test_with_wipe_the_zeroing_runs_in_the_format_step_before_mkfs():
    declared = storage(_disks(wipe=True), {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}})
    plan = plan_btrfs_pool("tank", declared["pools"]["tank"], declared["disks"],
                           PoolFacts(devices={"disk_a": _with_data()}))
    assert plan.refusals == []
    first = [list(argv) for argv in plan.steps[0].commands]
    assert first[:-1] == clearing_commands("/dev/loop0", SIZE) and first[-1][0] == "mkfs.btrfs"
