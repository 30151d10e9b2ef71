"""Recompress cold data in place on btrfs: ``btrfs filesystem defragment -c<algorithm>`` on the files
jobs_select chose.

btrfs rewrites copy-on-write, so a file is never half old and half new on disk; its bytes
are hashed before, and read back from disk after (page cache dropped) and compared: a difference stops
the job with a VerificationError. Files are handled in batches of about ``BATCH_BYTES``; files larger than
that in ranges of that size, so progress keeps moving and cancel takes effect between pieces.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sigmavault.command import CommandError, run

from . import jobs_btrfs
from .errors import CancelledError, VerificationError
from .jobs_records import ClassRecord
from .jobs_select import Candidate, Selection
from .progress import Tracker

BATCH_BYTES = 128 << 20
BATCH_FILES = 64
Defrag = Callable[[list[str], str, tuple[int, int] | None], None]


def btrfs_defrag(paths: list[str], algorithm: str, span: tuple[int, int] | None = None) -> None:
    """Rewrite paths compressed with algorithm (``-f``: flushed before it returns)."""
    ranged = ["-s", str(span[0]), "-l", str(span[1])] if span else []
    run(["btrfs", "filesystem", "defragment", "-f", f"-c{algorithm}", *ranged, "--", *paths])


@dataclass
class InPlaceResult:
    classes: dict[str, ClassRecord] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # modified by someone while being recompressed


def recompress(
    selection: Selection, algorithm: str, tracker: Tracker, result: InPlaceResult, *, verify: bool = True,
    defrag: Defrag = btrfs_defrag,
) -> InPlaceResult:
    """Recompress the selected files batch by batch into result (kept up to date, also when cancelled)."""
    for batch in _batches(selection.files):
        tracker.check()
        digests = {c.path: _digest(c.path) for c in batch} if verify else {}
        started = time.perf_counter()
        stopped: Exception | None = None
        try:
            if len(batch) == 1 and batch[0].size > BATCH_BYTES:
                big = batch[0]
                for at in range(0, big.size, BATCH_BYTES):
                    defrag([big.path], algorithm, (at, BATCH_BYTES))
                    tracker.advance(big.path, min(BATCH_BYTES, big.size - at))
            else:
                defrag([c.path for c in batch], algorithm, None)
        except (CancelledError, CommandError) as error:
            stopped = error  # what was rewritten so far is still read back and counted below
        spent = time.perf_counter() - started
        for candidate in batch:
            try:
                _finish(candidate, digests.get(candidate.path), spent * candidate.size / _size(batch), tracker,
                        result)
            except CancelledError as error:
                stopped = stopped or error
        if stopped is not None:
            raise stopped
    return result


def _finish(candidate: Candidate, digest: str | None, spent: float, tracker: Tracker, result: InPlaceResult) -> None:
    try:
        fd = os.open(candidate.path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        result.changed.append(candidate.path)
        return
    try:
        os.fsync(fd)
        st = os.fstat(fd)
        unchanged = (st.st_size, st.st_mtime_ns) == (candidate.size, candidate.mtime_ns)
        read_start = time.perf_counter()
        if digest is not None and unchanged:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # read back what is on disk, not the cache
            if _digest_fd(fd) != digest:
                raise VerificationError(
                    f"{candidate.path} reads back differently after recompression; stop writing to this pool, "
                    "run `btrfs scrub start` on it and restore the file from a snapshot or backup")
        read_seconds = time.perf_counter() - read_start
        after = jobs_btrfs.extents(fd)
    finally:
        os.close(fd)
    if not unchanged:
        result.changed.append(candidate.path)
    record = result.classes.setdefault(str(candidate.cls), ClassRecord())
    record.add(ClassRecord(1, after.uncompressed_bytes + after.inline_bytes, candidate.disk_before,
                           after.disk_bytes + after.inline_bytes, spent, read_seconds))
    if candidate.size <= BATCH_BYTES:
        tracker.advance(candidate.path, candidate.size, file_done=True)
    else:
        tracker.advance(candidate.path, 0, file_done=True)


def _batches(files: list[Candidate]) -> list[list[Candidate]]:
    batches: list[list[Candidate]] = []
    current: list[Candidate] = []
    for candidate in files:
        if candidate.size > BATCH_BYTES:
            batches.append([candidate])
            continue
        if current and (len(current) >= BATCH_FILES or _size(current) + candidate.size > BATCH_BYTES):
            batches.append(current)
            current = []
        current.append(candidate)
    if current:
        batches.append(current)
    return batches


def _size(batch: list[Candidate]) -> int:
    return max(1, sum(c.size for c in batch))


def _digest(path: str) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        return _digest_fd(fd)
    finally:
        os.close(fd)


def _digest_fd(fd: int) -> str:
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    while chunk := os.read(fd, 1 << 20):
        digest.update(chunk)
    return digest.hexdigest()
