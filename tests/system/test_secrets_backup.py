"""Encrypted snapshot backups on loop btrfs: export, restore elsewhere byte-identical, refuse a damaged file."""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from sigmavault.crypto import generate_identity, recipient_of
from tests.system.loopdisks import sh


def tree(root: Path) -> dict:
    """Path -> (mode, content hash or link target) for everything under root."""
    found = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        if path.is_symlink():
            found[str(path.relative_to(root))] = ("link", os.readlink(path))
        elif path.is_file():
            found[str(path.relative_to(root))] = (oct(stat.st_mode), hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            found[str(path.relative_to(root))] = (oct(stat.st_mode), "dir")
    return found


def cli(box, *args: str, state_dir: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess:
    argv = box.cli_argv(*args)
    if state_dir:
        argv[argv.index("--state-dir") + 1] = str(state_dir)
    done = subprocess.run(argv, capture_output=True, text=True)
    assert (done.returncode == 0) is ok, done.stdout + done.stderr
    return done


@pytest.fixture
def volumes(box):
    """Two btrfs file systems on loop disks: src with a subvolume 'data' full of files, and an empty dst."""
    mounts = []
    for name, (_image, device) in zip(("src", "dst"), box.disks.make(2), strict=True):
        sh("mkfs.btrfs", "-f", "-q", device)
        mountpoint = box.root / "mnt" / name
        mountpoint.mkdir(parents=True)
        sh("mount", device, str(mountpoint))
        mounts.append(mountpoint)
    src, dst = mounts
    sh("btrfs", "subvolume", "create", str(src / "data"))
    (src / "data" / "photos").mkdir()
    (src / "data" / "photos" / "big.raw").write_bytes(os.urandom(6 * 1024 * 1024) + b"tail")
    (src / "data" / "notes.txt").write_text("the quick brown fox\n" * 1000)
    (src / "data" / "empty").touch()
    (src / "data" / "photos" / "latest").symlink_to("big.raw")
    os.chmod(src / "data" / "notes.txt", 0o640)
    sh("btrfs", "subvolume", "snapshot", "-r", str(src / "data"), str(src / "data@1"))
    return src, dst


@pytest.fixture
def keys(box):
    """The node key, and an offline recovery key the pillar lists; returns the recovery key file."""
    recovery = box.root / "recovery.key"
    recipient = cli(box, "keys", "gen", "--recovery", "--out", str(recovery)).stdout.strip().splitlines()[-1]
    box.write_pillar({"encryption": {"recovery_recipients": [recipient]}})
    cli(box, "keys", "gen")
    return recovery


def test_backup_restores_byte_identical_on_another_box_with_the_recovery_key(box, volumes, keys):
    src, dst = volumes
    backup = box.root / "data@1.btrfs.zst.age"
    cli(box, "backup", "export", str(src / "data@1"), str(backup))
    assert backup.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert b"the quick brown fox" not in backup.read_bytes()
    done = cli(box, "backup", "restore", str(backup), str(dst), "--identity", str(keys),
               state_dir=box.root / "another-box")
    assert done.stdout.strip() == f"restored {dst / 'data@1'}"
    assert tree(dst / "data@1") == tree(src / "data@1") and len(tree(dst / "data@1")) == 5


def test_incremental_backup_restores_on_top_of_the_first(box, volumes, keys):
    src, dst = volumes
    cli(box, "backup", "export", str(src / "data@1"), str(box.root / "full.age"))
    (src / "data" / "notes.txt").write_text("changed\n")
    (src / "data" / "photos" / "big.raw").unlink()
    sh("btrfs", "subvolume", "snapshot", "-r", str(src / "data"), str(src / "data@2"))
    cli(box, "backup", "export", str(src / "data@2"), str(box.root / "incr.age"), "--parent", str(src / "data@1"))
    assert (box.root / "incr.age").stat().st_size < (box.root / "full.age").stat().st_size / 10
    cli(box, "backup", "restore", str(box.root / "full.age"), str(dst))
    cli(box, "backup", "restore", str(box.root / "incr.age"), str(dst))
    assert tree(dst / "data@2") == tree(src / "data@2")


def test_a_damaged_backup_is_refused_and_leaves_nothing_behind(box, volumes, keys):
    src, dst = volumes
    backup = box.root / "data@1.age"
    cli(box, "backup", "export", str(src / "data@1"), str(backup))
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    done = cli(box, "backup", "restore", str(backup), str(dst), ok=False)
    assert "cannot be restored, nothing was kept" in done.stderr
    assert list(dst.iterdir()) == []


def test_a_backup_for_a_classical_key_restores_with_stock_age_zstd_and_btrfs(box, volumes):
    src, dst = volumes
    identity = generate_identity("x25519")
    (box.root / "x25519.key").write_text(identity + "\n")
    backup = box.root / "data@1.age"
    cli(box, "backup", "export", str(src / "data@1"), str(backup), "--recipient", recipient_of(identity))
    pipeline = f"age -d -i {box.root / 'x25519.key'} {backup} | zstd -d -q | btrfs receive {dst}"
    subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], check=True, capture_output=True)
    assert tree(dst / "data@1") == tree(src / "data@1")
