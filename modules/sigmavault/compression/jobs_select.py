"""Which files an in-place job rewrites: cold, worth it, and safe to rewrite on btrfs.

A file is chosen only when it is cold (not modified for ``cold_days``), worth it (the engine's probe does
not see already-compressed or random data, and its extents are not already in the algorithm), and safe to
rewrite: no extent is shared with a snapshot or a reflinked copy (defragmenting would unshare it and take
more space), no nocow or no-compress attribute (chattr +m, which files of a ``compression: none`` dataset
carry), nothing nested (other subvolumes, snapshots and mounts are not entered). The others are counted
by reason, with a few examples each.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.command import CommandError, run

from . import jobs_btrfs
from .classes import DataClass
from .errors import CompressionError
from .probe import probe_fd

SKIP_CLASSES = {DataClass.COMPRESSED: "already compressed data", DataClass.RANDOM: "random or encrypted data"}
EXAMPLES = 20  # skipped files listed by name per reason; the rest are only counted


@dataclass
class Candidate:
    path: str
    size: int
    cls: DataClass
    mtime_ns: int
    disk_before: int


@dataclass
class Selection:
    files: list[Candidate] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> files
    examples: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, path: str, reason: str) -> None:
        self.skipped[reason] += 1
        listed = self.examples.setdefault(reason, [])
        if len(listed) < EXAMPLES:
            listed.append(path)


def is_on_btrfs(path: str) -> bool:
    try:
        run(["btrfs", "inspect-internal", "rootid", path])
    except CommandError:
        return False
    return True


def select(source: Path, cold_days: int, algorithm: str, now: float | None = None) -> Selection:
    """The files of source worth recompressing, and counts of the others by reason."""
    cutoff = (time.time() if now is None else now) - cold_days * 86400
    root_dev = source.stat().st_dev
    chosen = Selection()
    for root, dirs, names in os.walk(source):
        for name in list(dirs):
            path = os.path.join(root, name)
            st = os.lstat(path)
            if st.st_dev != root_dev:
                dirs.remove(name)
                chosen.skip(path, "nested subvolume, snapshot or mount: not entered")
        dirs.sort()
        for name in sorted(names):
            _consider(os.path.join(root, name), cutoff, algorithm, chosen)
    return chosen


def _consider(path: str, cutoff: float, algorithm: str, chosen: Selection) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not os.path.isfile(path) or os.path.islink(path) or st.st_size == 0:
        return
    if st.st_mtime > cutoff:
        chosen.skipped["modified recently (not cold yet)"] += 1
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        chosen.skip(path, f"cannot be opened ({error.strerror})")
        return
    try:
        reason, extents = _reason(fd, algorithm)
        cls = probe_fd(fd, st.st_size, path).cls if reason is None else DataClass.BINARY
        reason = reason or SKIP_CLASSES.get(cls)
    finally:
        os.close(fd)
    if reason:
        chosen.skip(path, reason)
    else:
        chosen.files.append(Candidate(path, st.st_size, cls, st.st_mtime_ns, extents.disk_bytes))


def _reason(fd: int, algorithm: str) -> tuple[str | None, jobs_btrfs.Extents]:
    flags = jobs_btrfs.chattr_flags(fd)
    if flags & jobs_btrfs.FS_NOCOW_FL:
        return "nodatacow file (btrfs never compresses it)", jobs_btrfs.Extents()
    if flags & jobs_btrfs.FS_NOCOMP_FL:
        return "marked no-compress (chattr +m, or its dataset says compression: none)", jobs_btrfs.Extents()
    extents = jobs_btrfs.extents(fd)
    if extents.inline_bytes and not extents.disk_bytes:
        return "small enough to live in metadata", extents
    if extents.all(algorithm):
        return f"already compressed with {algorithm}", extents
    if jobs_btrfs.shared_bytes(fd):
        return "shares data with a snapshot or a copy (rewriting would take more space)", extents
    return None, extents


def check_source(source: Path) -> None:
    """CompressionError unless source is an existing folder on btrfs."""
    if not source.is_dir():
        raise CompressionError(f"{source} is not a folder; an in_place job needs a btrfs dataset or a folder in one")
    if not is_on_btrfs(str(source)):
        raise CompressionError(f"{source} is not on btrfs; in_place jobs recompress btrfs data — "
                               "give the job a target folder to make an archive instead")
