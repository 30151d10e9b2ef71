"""What the CLI prints: plan lines, apply lines, the one-line summary and the status of pools."""

from sigmavault.cli.report import apply_lines, plan_lines, plan_summary, share_lines, status_lines, summary
from sigmavault.cli.state_results import StateResult

FINE = StateResult("validate_pillar", True, "pillar is valid", {}, 0)
WOULD = StateResult("mount_pool_tank", None, "pool tank would change",
                    {"would": ["format disk_a (/dev/loop0) as btrfs pool tank", "mount pool tank at /srv/tank"]}, 1)
DONE = StateResult("mount_pool_tank", True, "pool tank converged", {"done": ["mount pool tank at /srv/tank"]}, 1)
REFUSAL = "refused, nothing changed: sigmavault.storage.disks.disk_a: /dev/loop0 holds ext4"
REFUSED = StateResult("create_dataset_tank_media", False, REFUSAL, {}, 2)


def test_summary_counts_changed_unchanged_and_failed():
    assert summary([FINE, DONE, REFUSED]) == "3 states: 1 changed, 1 unchanged, 1 failed"


def test_summary_of_a_second_apply_reports_no_changes():
    assert summary([FINE, FINE]) == "2 states: 0 changed, 2 unchanged, 0 failed"


def test_failed_state_with_changes_counts_only_as_failed():
    partial = StateResult("x", False, "failed half way", {"done": ["mount pool tank at /srv/tank"]}, 0)
    assert summary([partial]) == "1 states: 0 changed, 0 unchanged, 1 failed"


def test_summary_of_nothing():
    assert summary([]) == "0 states: 0 changed, 0 unchanged, 0 failed"


def test_plan_lines_show_the_refusal_first_then_would_change_and_fine():
    assert list(plan_lines([FINE, WOULD, REFUSED])) == [
        f"✗ create_dataset_tank_media: {REFUSAL}",
        "  validate_pillar: no change",
        "~ mount_pool_tank",
        "    would format disk_a (/dev/loop0) as btrfs pool tank",
        "    would mount pool tank at /srv/tank",
    ]


PILLAR_REFUSAL = "sigmavault.shares.smb.media.dataset: tank/nope is not a declared pool or dataset"
REFUSED_PILLAR = StateResult("validate_pillar", False, PILLAR_REFUSAL, {}, 0)


def _skipped(count: int) -> list[StateResult]:
    return [StateResult(f"state_{n}", False, "One or more requisite failed: sigmavault.validate.validate_pillar",
                        {}, n + 1, ran=False) for n in range(count)]


def test_a_refused_plan_shows_the_refusal_and_one_line_for_the_states_behind_it():
    lines = list(plan_lines([*_skipped(11), REFUSED_PILLAR]))
    assert lines == [f"✗ validate_pillar: {PILLAR_REFUSAL}",
                     "  11 more state(s) not run: each needs a state that failed above"]
    assert not any("requisite" in line for line in lines)


def test_plan_summary_counts_refusals_apart_from_the_states_they_held_back():
    assert plan_summary([REFUSED_PILLAR, *_skipped(7)]) == (
        "0 state(s) would change, 1 refused, 7 not run behind a refusal")
    assert plan_summary([FINE, WOULD]) == "1 state(s) would change, 0 refused"
    assert plan_summary([FINE, FINE]) == "nothing would change"


def test_a_failed_apply_collapses_the_states_it_held_back():
    results = [FINE, DONE, REFUSED, *_skipped(3)]
    assert list(apply_lines(results)) == [
        "✓ mount_pool_tank", "    mount pool tank at /srv/tank",
        f"✗ create_dataset_tank_media: {REFUSAL}",
        "  3 more state(s) not run: each needs a state that failed above"]
    assert summary(results) == "6 states: 1 changed, 1 unchanged, 1 failed, 3 not run"


def test_apply_lines_show_only_what_changed_or_failed():
    assert list(apply_lines([FINE, DONE, REFUSED])) == [
        "✓ mount_pool_tank", "    mount pool tank at /srv/tank",
        f"✗ create_dataset_tank_media: {REFUSAL}",
    ]


POOL = {"name": "tank", "type": "btrfs", "mountpoint": "/srv/tank", "mounted": True, "devices": ["disk_a", "disk_b"],
        "profiles": {"data": ["raid1"], "metadata": ["raid1"]}, "size_bytes": 2 * 1024**3,
        "used_bytes": 512 * 1024**2, "free_bytes": 1536 * 1024**2,
        "datasets": [
            {"name": "backups", "path": "/srv/tank/backups", "exists": True, "referenced_bytes": 16384,
             "quota_bytes": 268435456, "compression": "zstd:9"},
            {"name": "media", "path": "/srv/tank/media", "exists": True, "referenced_bytes": 1024**3,
             "quota_bytes": None, "compression": "pool (zstd:3)"},
            {"name": "vms", "path": "/srv/tank/vms", "exists": False}]}


def test_status_of_a_mounted_pool_and_its_datasets():
    assert list(status_lines({"valid": True, "pools": [POOL]})) == [
        "pool tank (btrfs data=raid1 metadata=raid1) at /srv/tank: mounted",
        "  size 2.0 GiB, used 512.0 MiB, free 1.5 GiB; disks: disk_a, disk_b",
        "  dataset backups at /srv/tank/backups: uses 16.0 KiB of 256.0 MiB, compression zstd:9",
        "  dataset media at /srv/tank/media: uses 1.0 GiB of no quota, compression pool (zstd:3)",
        "  dataset vms: missing (run `sigmavault apply`)",
    ]


def test_status_of_an_unmounted_pool_says_so_loudly():
    pool = {"name": "scratch", "type": "btrfs", "mountpoint": "/srv/scratch", "mounted": False,
            "devices": ["disk_c"], "profiles": {}, "datasets": []}
    [line] = status_lines({"valid": True, "pools": [pool]})
    assert line.startswith("pool scratch (btrfs")
    assert line.endswith(") at /srv/scratch: NOT MOUNTED")


def test_status_without_pools_tells_valid_from_invalid():
    assert list(status_lines({"valid": True, "pools": []})) == ["no pools declared"]
    assert list(status_lines({"valid": False, "pools": []})) == ["no pools found on the box"]


def test_status_marks_what_the_box_has_but_the_pillar_does_not_declare():
    found = {**POOL, "name": "tank", "declared": False, "devices": ["/dev/loop0", "/dev/loop1"],
             "datasets": [{**POOL["datasets"][0], "declared": False}]}
    assert list(status_lines({"valid": False, "pools": [found]})) == [
        "pool tank (btrfs data=raid1 metadata=raid1) at /srv/tank: mounted, not declared in the pillar",
        "  size 2.0 GiB, used 512.0 MiB, free 1.5 GiB; disks: /dev/loop0, /dev/loop1",
        "  dataset backups at /srv/tank/backups: uses 16.0 KiB of 256.0 MiB, compression zstd:9, "
        "not declared in the pillar"]


def test_status_lists_shares_and_exports_under_their_servers():
    shares = {"valid": True,
              "smb": {"server": "smbd", "running": True, "shares": [
                  {"name": "media", "dataset": "tank/media", "path": "/srv/tank/media", "comment": "",
                   "read_only": True, "guest": False, "valid_users": ["alice"], "valid_groups": ["family"]}]},
              "nfs": {"backend": "kernel", "server": "kernel nfsd", "running": False, "exports": [
                  {"name": "backups", "path": "/srv/tank/backups",
                   "clients": [{"match": "10.0.0.0/8", "access": "rw"}, {"match": "*", "access": "ro"}]}]}}
    assert list(share_lines(shares)) == [
        "SMB (smbd): running",
        "  share media: /srv/tank/media, read only for alice, group family",
        "NFS (kernel nfsd): NOT RUNNING",
        "  export backups: /srv/tank/backups for 10.0.0.0/8 (rw), * (ro)"]


def test_status_says_when_no_share_is_declared():
    idle = {"server": "smbd", "running": False, "shares": []}
    lines = list(share_lines({"smb": idle, "nfs": {"server": "kernel nfsd", "running": False, "exports": []}}))
    assert lines == ["SMB (smbd): not running, no SMB shares declared",
                     "NFS (kernel nfsd): not running, no NFS exports declared"]
