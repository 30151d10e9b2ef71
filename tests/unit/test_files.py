"""The one durable atomic write: whole or not at all, file and folder on disk before it returns."""

import os
import stat

import pytest

from sigmavault import files, steps
from sigmavault.storage import fstab
from sigmavault.storage.fstab import FstabEntry


@pytest.fixture
def synced(monkeypatch) -> list[str]:
    """What each fsync was called on: 'file' or 'folder' (the call still happens)."""
    kinds, real = [], os.fsync

    def fsync(descriptor: int) -> None:
        kinds.append("folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real(descriptor)
    monkeypatch.setattr(os, "fsync", fsync)
    return kinds


def test_write_replaces_the_file_with_its_mode_and_leaves_nothing_beside_it(tmp_path, synced):
    path = tmp_path / "smb.conf"
    path.write_text("old\n")
    files.write_atomically(path, "new\n", 0o640)
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["smb.conf"]
    assert synced == ["file", "folder"]


def test_a_stream_that_fails_leaves_the_old_file_and_no_partial(tmp_path, synced):
    path = tmp_path / "backup.age"
    path.write_bytes(b"the good one")
    with pytest.raises(RuntimeError), files.replacing(path, 0o600) as out:
        out.write(b"half of a new one")
        raise RuntimeError("btrfs send failed")
    assert path.read_bytes() == b"the good one"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.age"]
    assert synced == []


def test_a_stream_that_ends_is_on_disk_with_its_mode(tmp_path, synced):
    path = tmp_path / "plain.txt"
    with files.replacing(path, 0o600) as out:
        out.write(b"chunk 1 ")
        out.write(b"chunk 2")
    assert path.read_bytes() == b"chunk 1 chunk 2"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert synced == ["file", "folder"]


def test_recording_a_mount_in_fstab_is_durable(tmp_path, synced):
    # The fstab a crash must never leave empty: the step's edit goes through the one durable write.
    path = tmp_path / "fstab"
    path.write_text("UUID=root / ext4 defaults 0 1\n")
    entry = FstabEntry("UUID=abc", "/srv/tank", "btrfs", ("noatime",))
    steps.perform(steps.Step("record pool tank in fstab", edits=(fstab.recorded(path, entry),)))
    assert path.read_text() == "UUID=root / ext4 defaults 0 1\nUUID=abc /srv/tank btrfs noatime 0 0\n"
    assert synced == ["file", "folder"]
