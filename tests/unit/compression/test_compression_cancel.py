"""Cancelling a job leaves nothing half-written behind."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sigmavault.compression import (
    CancelledError,
    EngineOptions,
    Progress,
    compress_file,
    compress_folder,
    restore_archive,
)


def cancel_after(events: int) -> tuple[threading.Event, list[Progress], callable]:
    cancel, seen = threading.Event(), []

    def progress(update: Progress) -> None:
        seen.append(update)
        if len(seen) >= events:
            cancel.set()

    return cancel, seen, progress


def test_cancelled_folder_job_leaves_no_archive(corpus: Path, store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cancel, seen, progress = cancel_after(20)

    with pytest.raises(CancelledError):
        compress_folder(corpus, out / "archive", store=store, progress=progress, cancel=cancel)

    # Packs are compressed one per core: each other worker may report once more before it sees the cancel.
    assert 20 <= len(seen) < 20 + (os.cpu_count() or 1)
    assert list(out.iterdir()) == []


def test_cancelled_large_file_leaves_no_frame_and_no_temp_file(tmp_path: Path) -> None:
    src = tmp_path / "video.raw"
    src.write_bytes(bytes(range(256)) * 40_000)  # ~10 MiB, streamed in 1 MiB chunks
    cancel, seen, progress = cancel_after(3)
    options = EngineOptions(whole_file_limit=1 << 20, level=1)

    with pytest.raises(CancelledError):
        compress_file(src, tmp_path / "video.raw.zst", options=options, progress=progress, cancel=cancel)

    assert 0 < seen[-1].bytes_done < src.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.raw"]


def test_cancelled_restore_leaves_no_destination(corpus: Path, tmp_path: Path) -> None:
    compress_folder(corpus / "source", tmp_path / "archive")
    cancel, _, progress = cancel_after(5)

    with pytest.raises(CancelledError):
        restore_archive(tmp_path / "archive", tmp_path / "restored", progress=progress, cancel=cancel)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive"]


def test_progress_reaches_every_byte_and_file(corpus: Path, tmp_path: Path) -> None:
    seen: list[Progress] = []
    compress_folder(corpus / "text", tmp_path / "archive", progress=seen.append)

    files = [p for p in (corpus / "text").rglob("*") if p.is_file()]
    assert seen[-1].files_done == seen[-1].files_total == len(files)
    assert seen[-1].bytes_done == seen[-1].bytes_total == sum(p.stat().st_size for p in files)
    assert seen[-1].fraction == 1.0
