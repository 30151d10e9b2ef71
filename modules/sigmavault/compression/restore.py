"""Restore an archive directory: every file decoded, checked against its sha256, then put in place."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import atomic_dir, create_new
from .confined_files import ChangedDuringJob, Tree
from .decode import decode_file
from .dictstore import DictionaryStore
from .errors import ArchiveError
from .manifest import Entry, load_manifest
from .options import EngineOptions
from .packs import by_size, read_pack
from .pool import parallel_map
from .progress import ProgressCallback, Tracker
from .stats import StatsReport


def restore_archive(
    archive: Path | str,
    destination: Path | str,
    *,
    store: DictionaryStore | None = None,
    options: EngineOptions | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    root: Path | str | None = None,
) -> StatsReport:
    """Recreate the archived folder at destination (which must not exist yet) and return the stats.

    Without ``store`` the dictionary store recorded in the manifest is used. The folder appears only
    when every file decoded to its recorded sha256; otherwise nothing is left at destination and the
    error (CorruptFrameError, MissingDictionaryError, CancelledError) names the file or dictionary.
    With ``root`` (a job's pool) no folder from root down to destination is reached through a symlink, and
    every file is made new in a staging folder of its own (atomic.atomic_dir), never written through a
    link planted in the target.
    """
    try:
        tree = Tree(archive)
    except (FileNotFoundError, NotADirectoryError):
        raise ArchiveError(f"{archive} is not an archive: there is no such folder") from None
    with tree:
        return _restore(tree, Path(destination), store, options or EngineOptions(), progress, cancel,
                        Path(root) if root is not None else None)


def _restore(archive: Tree, destination: Path, store: DictionaryStore | None, options: EngineOptions,
             progress: ProgressCallback | None, cancel: threading.Event | None, root: Path | None) -> StatsReport:
    start = time.perf_counter()
    manifest = load_manifest(archive)
    if store is None and manifest.dictionary_store and manifest.dictionaries:
        store = DictionaryStore(manifest.dictionary_store)
    tracker = Tracker(sum(e.size for e in manifest.entries), len(manifest.entries), progress, cancel)
    stats = StatsReport()
    with atomic_dir(destination.absolute(), root) as tmp:
        for folder in sorted({os.path.dirname(e.path) for e in manifest.entries}):
            (tmp / folder).mkdir(parents=True, exist_ok=True)

        def place(entry: Entry, dst: Path) -> None:
            os.chmod(dst, entry.mode)
            os.utime(dst, ns=(entry.mtime_ns, entry.mtime_ns))

        def one(entry: Entry) -> list[tuple[Entry, float]]:
            dst = Path(f"{tmp}/{entry.path}")
            with _regular(archive, entry.data_path):
                done = decode_file(archive.file(entry.data_path), dst, store=store, options=options,
                                   tracker=tracker, name=entry.path, expected_sha256=entry.sha256, staged=False)
            place(entry, dst)
            return [(entry, done.seconds)]

        def pack(members: list[Entry]) -> list[tuple[Entry, float]]:
            tracker.check()
            began = time.perf_counter()
            with _regular(archive, members[0].pack):
                decoded = read_pack(archive, members[0].pack, members)
            for entry in members:
                dst = Path(f"{tmp}/{entry.path}")
                with create_new(dst) as out:
                    out.write(decoded[entry.path])
                place(entry, dst)
                tracker.advance(entry.path, entry.size, file_done=True)
            return list(zip(members, by_size(members, time.perf_counter() - began), strict=True))

        packs: dict[str, list[Entry]] = {}
        for entry in manifest.entries:
            if entry.pack:
                packs.setdefault(entry.pack, []).append(entry)
        alone = [entry for entry in manifest.entries if not entry.pack]
        workers = options.workers or os.cpu_count() or 1
        done = parallel_map(pack, list(packs.values()), os.cpu_count() or 1) + parallel_map(one, alone, workers)
        for entry, spent in (pair for pairs in done for pair in pairs):
            stats.record(entry.cls, entry.size, entry.compressed_size, decompress_s=spent)
    stats.wall_seconds = time.perf_counter() - start
    return stats


@contextmanager
def _regular(archive: Tree, name: str) -> Iterator[None]:
    try:
        yield
    except ChangedDuringJob:
        raise ArchiveError(f"{archive.root / name} is not a regular file of the archive (a symlink, or a "
                           "folder swapped for one?); refusing it. Nothing was restored") from None
