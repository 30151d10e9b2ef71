"""Damaged data is reported as CorruptFrameError, never decoded into wrong bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmavault.compression import (
    ArchiveError,
    CorruptFrameError,
    EngineOptions,
    compress_file,
    compress_folder,
    decompress_file,
    restore_archive,
)

TEXT = b"".join(b"%d: backup of share media finished\n" % i for i in range(60_000))


@pytest.fixture
def frame(tmp_path: Path) -> Path:
    (tmp_path / "orig").write_bytes(TEXT)
    compress_file(tmp_path / "orig", tmp_path / "orig.zst")
    return tmp_path / "orig.zst"


@pytest.mark.parametrize("options", [EngineOptions(), EngineOptions(whole_file_limit=64 << 10)])
def test_flipped_byte_raises_corrupt_frame_error(frame: Path, tmp_path: Path, options) -> None:
    data = bytearray(frame.read_bytes())
    data[len(data) // 2] ^= 0x55
    frame.write_bytes(bytes(data))

    with pytest.raises(CorruptFrameError, match="orig.zst"):
        decompress_file(frame, tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("options", [EngineOptions(), EngineOptions(whole_file_limit=64 << 10)])
def test_truncated_frame_raises_corrupt_frame_error(frame: Path, tmp_path: Path, options) -> None:
    frame.write_bytes(frame.read_bytes()[: frame.stat().st_size // 2])

    with pytest.raises(CorruptFrameError):
        decompress_file(frame, tmp_path / "out", options=options)
    assert not (tmp_path / "out").exists()


def test_file_that_is_not_zstd_raises_corrupt_frame_error(tmp_path: Path) -> None:
    (tmp_path / "notes.zst").write_bytes(b"this was never compressed")

    with pytest.raises(CorruptFrameError, match="not a zstd frame"):
        decompress_file(tmp_path / "notes.zst", tmp_path / "out")


def test_damaged_archive_member_stops_restore_and_leaves_nothing(corpus: Path, tmp_path: Path) -> None:
    manifest = compress_folder(corpus / "text", tmp_path / "archive")
    victim = max(manifest.entries, key=lambda e: e.compressed_size)
    member = tmp_path / "archive" / victim.data_path
    data = bytearray(member.read_bytes())
    data[-10] ^= 0xFF
    member.write_bytes(bytes(data))

    with pytest.raises(CorruptFrameError, match=victim.path):
        restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_restore_into_existing_folder_is_refused(corpus: Path, tmp_path: Path) -> None:
    compress_folder(corpus / "random", tmp_path / "archive")
    (tmp_path / "restored").mkdir()

    with pytest.raises(ArchiveError, match="already exists"):
        restore_archive(tmp_path / "archive", tmp_path / "restored")


def test_archive_without_manifest_is_reported_incomplete(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()

    with pytest.raises(ArchiveError, match="manifest.json is missing"):
        restore_archive(tmp_path / "archive", tmp_path / "restored")


def test_manifest_entry_pointing_outside_the_archive_is_refused(corpus: Path, tmp_path: Path) -> None:
    compress_folder(corpus / "random", tmp_path / "archive")
    manifest = tmp_path / "archive" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["entries"][0]["path"] = "../../" + data["entries"][0]["path"]
    manifest.write_text(json.dumps(data))

    with pytest.raises(ArchiveError, match="outside the archive"):
        restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
