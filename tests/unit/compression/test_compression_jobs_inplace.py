"""In-place recompression without btrfs: batching, and the read-back check that stops a job on a mismatch.

The real ``btrfs filesystem defragment`` runs in tests/system/test_compression_jobs.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sigmavault.compression import jobs_inplace
from sigmavault.compression.classes import DataClass
from sigmavault.compression.errors import CancelledError, VerificationError
from sigmavault.compression.jobs_btrfs import Extents
from sigmavault.compression.jobs_inplace import BATCH_BYTES, BATCH_FILES, InPlaceResult
from sigmavault.compression.jobs_select import Candidate, Selection
from sigmavault.compression.progress import Tracker


def candidates(tmp_path: Path, sizes: list[int]) -> list[Candidate]:
    found = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index}.log"
        path.write_bytes(b"cold line\n" * (size // 10))
        st = path.stat()
        found.append(Candidate(str(path), st.st_size, DataClass.TEXT, st.st_mtime_ns, st.st_size))
    return found


def test_batches_hold_a_bounded_number_of_files_and_bytes(tmp_path: Path):
    small = [Candidate(f"/x/{i}", 1000, DataClass.TEXT, 0, 1000) for i in range(BATCH_FILES + 5)]
    big = Candidate("/x/big", BATCH_BYTES * 3, DataClass.BINARY, 0, BATCH_BYTES * 3)
    medium = [Candidate(f"/x/m{i}", BATCH_BYTES // 2 + 1, DataClass.TEXT, 0, 1) for i in range(3)]

    batches = jobs_inplace._batches([*small, big, *medium])

    assert [len(b) for b in batches] == [BATCH_FILES, 1, 6, 1, 1]
    assert batches[1] == [big]
    assert all(sum(c.size for c in b) <= BATCH_BYTES for b in batches if len(b) > 1)
    assert sorted(c.path for b in batches for c in b) == sorted(c.path for c in [*small, big, *medium])


@pytest.fixture
def fake_extents(monkeypatch):
    monkeypatch.setattr(jobs_inplace.jobs_btrfs, "extents", lambda fd: Extents(300, 1000, 0, {"zstd": 1000}))


def test_files_are_read_back_and_counted_per_class(tmp_path: Path, fake_extents):
    files = candidates(tmp_path, [1000, 2000])
    rewritten = []
    tracker = Tracker(3000, 2)

    result = jobs_inplace.recompress(Selection(files), "zstd", tracker, InPlaceResult(),
                                     defrag=lambda paths, alg, span: rewritten.extend(paths))

    assert rewritten == [c.path for c in files]
    record = result.classes["text"]
    assert (record.files, record.bytes_before, record.bytes_out) == (2, 3000, 600)
    assert (tracker.files_done, tracker.bytes_done) == (2, 3000)


def test_a_file_that_reads_back_differently_stops_the_job(tmp_path: Path, fake_extents):
    files = candidates(tmp_path, [1000])

    def corrupting_defrag(paths, algorithm, span):
        Path(paths[0]).write_bytes(b"X" * 1000)  # same size and (below) same mtime, different bytes
        os.utime(paths[0], ns=(files[0].mtime_ns, files[0].mtime_ns))

    with pytest.raises(VerificationError, match="reads back differently after recompression"):
        jobs_inplace.recompress(Selection(files), "zstd", Tracker(1000, 1), InPlaceResult(),
                                defrag=corrupting_defrag)


def test_a_file_someone_changed_meanwhile_is_listed_not_failed(tmp_path: Path, fake_extents):
    files = candidates(tmp_path, [1000])

    result = jobs_inplace.recompress(Selection(files), "zstd", Tracker(1000, 1), InPlaceResult(),
                                     defrag=lambda paths, alg, span: Path(paths[0]).write_bytes(b"new"))

    assert result.changed == [files[0].path]


def test_cancel_between_batches_keeps_what_was_done_and_counted(tmp_path: Path, fake_extents):
    files = candidates(tmp_path, [1000] * (BATCH_FILES + 3))
    cancel, rewritten = threading.Event(), []

    def defrag(paths, algorithm, span):
        rewritten.extend(paths)
        cancel.set()  # cancel arrives while the first batch is being rewritten

    result = InPlaceResult()
    with pytest.raises(CancelledError):
        jobs_inplace.recompress(Selection(files), "zstd", Tracker(0, len(files), None, cancel), result,
                                defrag=defrag)

    assert len(rewritten) == BATCH_FILES
    assert result.classes["text"].files == BATCH_FILES  # the whole first batch was read back and counted


def test_a_large_file_is_rewritten_in_ranges(tmp_path: Path, fake_extents, monkeypatch):
    monkeypatch.setattr(jobs_inplace, "BATCH_BYTES", 4096)
    files = candidates(tmp_path, [10_000])
    spans = []

    jobs_inplace.recompress(Selection(files), "zstd", Tracker(10_000, 1), InPlaceResult(),
                            defrag=lambda paths, alg, span: spans.append(span))

    assert spans == [(0, 4096), (4096, 4096), (8192, 4096)]
