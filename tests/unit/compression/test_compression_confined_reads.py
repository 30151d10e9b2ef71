"""A job's files swapped for a symlink after the scan (the file, or a folder above it) are skipped with
their reason and never read: the secret outside the source never reaches a pack, a frame or the manifest."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sigmavault.compression import EngineOptions
from sigmavault.compression.archive import compress_folder, scan
from sigmavault.compression.confined_files import CHANGED, ChangedDuringJob, Tree
from sigmavault.compression.encode import encode_file
from sigmavault.compression.manifest import PACKS
from sigmavault.compression.packs import candidate, write_pack
from sigmavault.compression.progress import Progress, Tracker
from sigmavault.compression.restore import restore_archive

SECRET = b"root:$y$j9T$the-host-secret:19000:0:99999:7:::\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the source that a swapped symlink points at."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_bytes(SECRET * 40)
    return outside / "shadow"


def make_source(tmp_path: Path) -> Path:
    source = tmp_path / "share"
    (source / "sub").mkdir(parents=True)
    (source / "a.log").write_text("an ordinary log line\n" * 60)
    (source / "sub" / "b.log").write_text("another ordinary line\n" * 60)
    return source


def swap_file(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def swap_folder(folder: Path, target: Path) -> None:
    """The folder moves aside (its files keep their inodes) and a symlink takes its name."""
    target.parent.joinpath("sub").mkdir(exist_ok=True)
    shutil.copy(target, target.parent / "sub" / "b.log")
    folder.rename(folder.with_name("moved"))
    folder.symlink_to(target.parent / "sub")


def archived_bytes(archive: Path) -> bytes:
    return b"".join(p.read_bytes() for p in archive.rglob("*") if p.is_file())


@pytest.mark.parametrize("swap", ["file", "folder"])
def test_a_pack_member_swapped_after_the_scan_is_skipped_unread(tmp_path: Path, secret: Path, swap: str):
    source, archive = make_source(tmp_path), tmp_path / "archive"
    (archive / PACKS).mkdir(parents=True)
    with Tree(source) as tree:
        files, _ = scan(tree)
        members = [candidate(rel, found, st) for rel, found, st in files]
        if swap == "file":
            swap_file(source / "sub" / "b.log", secret)
        else:
            swap_folder(source / "sub", secret)
        packed = write_pack(1, members, archive, 3, True, Tracker())
    assert [e.path for e in packed.entries] == ["a.log"]
    assert packed.skipped == [{"path": "sub/b.log", "reason": CHANGED}]
    assert SECRET not in archived_bytes(archive)
    assert b"another ordinary line" not in archived_bytes(archive)


@pytest.mark.parametrize("swap", ["file", "folder"])
def test_a_frame_source_swapped_after_the_scan_is_refused_before_a_byte_is_read(tmp_path: Path, secret: Path,
                                                                                 swap: str):
    source = make_source(tmp_path)
    with Tree(source) as tree:
        files, _ = scan(tree)
        scanned = dict((rel, found) for rel, found, _ in files)["sub/b.log"]
        if swap == "file":
            swap_file(source / "sub" / "b.log", secret)
        else:
            swap_folder(source / "sub", secret)
        with pytest.raises(ChangedDuringJob):
            encode_file(scanned, tmp_path / "b.zst", options=EngineOptions(), tracker=Tracker())
    assert not (tmp_path / "b.zst").exists()


def test_a_file_swapped_for_a_fifo_is_skipped_without_hanging(tmp_path: Path):
    source = make_source(tmp_path)
    with Tree(source) as tree:
        files, _ = scan(tree)
        scanned = dict((rel, found) for rel, found, _ in files)["a.log"]
        (source / "a.log").unlink()
        os.mkfifo(source / "a.log")
        with pytest.raises(ChangedDuringJob):
            scanned.read_bytes()


@pytest.mark.parametrize("swap", ["file", "folder"])
def test_an_archive_job_records_a_file_swapped_mid_job_and_never_archives_its_target(
        tmp_path: Path, secret: Path, swap: str):
    """The swap happens while the job runs (at its first progress report, after the scan)."""
    source = make_source(tmp_path)
    (source / "sub" / "b.log").write_bytes(os.urandom(300_000))  # large: compressed alone, after the packs
    swapped: list[str] = []

    def progress(_: Progress) -> None:
        if not swapped:
            swapped.append("done")
            if swap == "file":
                swap_file(source / "sub" / "b.log", secret)
            else:
                (tmp_path / "outside" / "sub").mkdir()
                (tmp_path / "outside" / "sub" / "b.log").write_bytes(SECRET * 10_000)
                (source / "sub").rename(source / "moved")
                (source / "sub").symlink_to(tmp_path / "outside" / "sub")

    options = EngineOptions(workers=1, pack_file_limit=64 << 10)
    manifest = compress_folder(source, tmp_path / "archive", options=options, progress=progress)

    assert swapped
    assert [e.path for e in manifest.entries] == ["a.log"]
    assert {"path": "sub/b.log", "reason": CHANGED} in manifest.skipped
    assert SECRET not in archived_bytes(tmp_path / "archive")
    restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert sorted(p.name for p in (tmp_path / "restored").rglob("*")) == ["a.log"]
