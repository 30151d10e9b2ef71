"""Archives and restores are written below their pool without following a symlink: one planted in the
target, or swapped for a folder on the way to it while the job runs, is never written through."""

from __future__ import annotations

from pathlib import Path

import pytest

from sigmavault.compression import compress_folder
from sigmavault.compression.confined_files import ChangedDuringJob
from sigmavault.compression.errors import ArchiveError
from sigmavault.compression.progress import Progress
from sigmavault.compression.restore import restore_archive


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    """A pool holding a folder of files and its archive; a folder outside it that must stay empty."""
    pool = tmp_path / "pool"
    (pool / "docs").mkdir(parents=True)
    for i in range(5):
        (pool / "docs" / f"note-{i}.txt").write_text(f"note {i}\n" * 200)
    (pool / "docs" / "big.bin").write_bytes(bytes(range(256)) * 8000)
    compress_folder(pool / "docs", pool / "archive")
    (tmp_path / "outside").mkdir()
    return pool


def outside(pool: Path) -> Path:
    return pool.parent / "outside"


def every_file(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_restore_through_a_planted_folder_symlink_writes_nothing(pool: Path):
    (pool / "restores").symlink_to(outside(pool))

    with pytest.raises(ChangedDuringJob):
        restore_archive(pool / "archive", pool / "restores" / "back", root=pool)

    assert every_file(outside(pool)) == []


def test_a_restore_onto_a_planted_symlink_writes_nothing(pool: Path):
    (pool / "back").symlink_to(outside(pool) / "cron-job")  # dangling: Path.exists() would say no

    with pytest.raises(ArchiveError, match="already exists"):
        restore_archive(pool / "archive", pool / "back", root=pool)

    assert every_file(outside(pool)) == []
    assert (pool / "back").is_symlink()


def test_a_folder_swapped_for_a_symlink_while_a_restore_runs_is_not_followed(pool: Path):
    (pool / "restores").mkdir()
    swapped: list[bool] = []

    def swap(_: Progress) -> None:
        if not swapped:
            swapped.append(True)
            (pool / "restores").rename(pool / "moved")
            (pool / "restores").symlink_to(outside(pool))

    restore_archive(pool / "archive", pool / "restores" / "back", root=pool, progress=swap)

    assert swapped and every_file(outside(pool)) == []
    assert every_file(pool / "moved" / "back") == every_file(pool / "docs")  # where the job was told to write


def test_an_archive_target_swapped_for_a_symlink_while_the_job_runs_is_not_followed(pool: Path):
    (pool / "archives").mkdir()
    swapped: list[bool] = []

    def swap(_: Progress) -> None:
        if not swapped:
            swapped.append(True)
            (pool / "archives").rename(pool / "moved")
            (pool / "archives").symlink_to(outside(pool))

    compress_folder(pool / "docs", pool / "archives" / "nightly", root=pool, progress=swap)

    assert swapped and every_file(outside(pool)) == []
    assert (pool / "moved" / "nightly" / "manifest.json").is_file()


@pytest.mark.parametrize("member", ["frame", "pack", "manifest"])
def test_a_restore_refuses_an_archive_member_swapped_for_a_symlink(pool: Path, member: str):
    archive = pool / "archive"
    name = {"frame": "data/big.bin.zst", "pack": "packs/000001.zst", "manifest": "manifest.json"}[member]
    (outside(pool) / "elsewhere.zst").write_bytes((archive / name).read_bytes())  # would even decode
    (archive / name).unlink()
    (archive / name).symlink_to(outside(pool) / "elsewhere.zst")

    with pytest.raises(ArchiveError, match=f"{archive / name} is not a regular file of the archive"):
        restore_archive(archive, pool / "back", root=pool)

    assert not (pool / "back").exists()
