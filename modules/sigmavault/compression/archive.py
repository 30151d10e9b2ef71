"""Compress a folder into an archive directory: small files in packs, larger ones one zstd frame each,
plus a manifest.

The archive is built in a hidden directory beside its destination and renamed into place when every
file has been compressed and verified, so a cancelled or failed job leaves nothing behind. Originals are
only read (so only the manifest is fsynced; a restore checks every member against its sha256). Files
that vanish, cannot be read or are swapped (for a symlink, or a folder above them) meanwhile are listed in
``Manifest.skipped`` with the reason, like symlinks and special files, and are never read: every file is
opened through confined_files, below the source's descriptor, never by following a path. Dictionaries
come from (and are recorded as referenced in) the given DictionaryStore.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from . import families
from .atomic import atomic_dir, atomic_file
from .classes import DICTIONARY_CLASSES
from .confined_files import ChangedDuringJob, ScannedFile, Tree, enter
from .dictstore import DictionaryStore
from .encode import Encoded, encode_file
from .manifest import DATA, MANIFEST, PACKS, Entry, Manifest, unreadable
from .options import EngineOptions
from .packs import Candidate, Packed, by_size, candidate, packs_of, write_pack
from .policy import Dictionary
from .pool import parallel_map
from .probe import quick_class
from .progress import ProgressCallback, Tracker
from .stats import StatsReport


def scan(tree: Tree) -> tuple[list[tuple[str, ScannedFile, os.stat_result]], list[dict]]:
    """Regular files under the tree's root as (relative name, file, stat), sorted; and what was left out,
    why. One lstat per file (scandir knows the type from the directory itself); folders are entered by
    descriptor, never through a symlink."""
    files, skipped = [], []

    def walk(folder_fd: int, prefix: str) -> None:
        with os.scandir(folder_fd) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                try:
                    inner = enter(folder_fd, entry.name)
                except (FileNotFoundError, PermissionError, ChangedDuringJob) as error:
                    skipped.append(unreadable(rel, error))
                    continue
                try:
                    walk(inner, rel + "/")
                finally:
                    os.close(inner)
            elif entry.is_symlink():
                skipped.append({"path": rel, "reason": f"symlink to {os.readlink(entry.name, dir_fd=folder_fd)}"})
            elif entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                files.append((rel, ScannedFile(tree, rel, st), st))
            else:
                skipped.append({"path": rel, "reason": "not a regular file"})

    walk(tree.fd, "")
    files.sort(key=lambda f: f[0])
    return files, skipped


def _packable(files: list[tuple[str, ScannedFile, os.stat_result]], options: EngineOptions,
              ) -> tuple[list[Candidate], list[tuple[str, ScannedFile, os.stat_result]]]:
    """(files that go into packs, files compressed one by one)."""
    packable, alone = [], []
    for rel, path, st in files:
        if 0 < st.st_size <= options.pack_file_limit:
            with contextlib.suppress(OSError):  # gone or unreadable: the one-by-one path says why
                packable.append(candidate(rel, path, st))
                continue
        alone.append((rel, path, st))
    return packable, alone


def _record_packs(packed: list[Packed], stats: StatsReport) -> None:
    for pack in packed:
        for entry, spent, verifying in zip(pack.entries, by_size(pack.entries, pack.seconds),
                                           by_size(pack.entries, pack.verify_seconds), strict=True):
            stats.record(entry.cls, entry.size, entry.compressed_size, spent, verifying)


def _dictionaries(
    files: list[tuple[str, ScannedFile, os.stat_result]], store: DictionaryStore, options: EngineOptions, holder: str,
) -> tuple[dict[str, Dictionary], int]:
    """Map relative name -> dictionary for the small files whose family gets one; and dictionary bytes."""
    members = []
    for rel, path, st in files:
        if 0 < st.st_size <= options.dictionary_file_limit:
            try:
                cls = quick_class(path, rel)
            except OSError:
                continue  # gone or swapped: the one-by-one path records why
            if cls in DICTIONARY_CLASSES:
                members.append(families.Member(path, rel, st.st_size, cls))
    assigned: dict[str, Dictionary] = {}
    used = 0
    level = options.level if options.level is not None else options.levels.small
    for key, group in families.group(members).items():
        chosen = families.choose(store, key, group, level)
        if chosen is not None:
            info, dictionary = chosen
            store.add_reference(info.dict_id, holder)
            used += info.size
            assigned.update((m.name, dictionary) for m in group)
    return assigned, used


def compress_folder(
    source: Path | str,
    archive: Path | str,
    *,
    store: DictionaryStore | None = None,
    options: EngineOptions | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    root: Path | str | None = None,
) -> Manifest:
    """Compress every regular file under source into the new archive directory; return its manifest.
    With ``root`` (a job's pool), no folder from root down to the archive is reached through a symlink."""
    archive, options = Path(archive), options or EngineOptions()
    with Tree(source) as tree:
        return _compress(tree, archive, store, options, progress, cancel, Path(root) if root else None)


def _compress(tree: Tree, archive: Path, store: DictionaryStore | None, options: EngineOptions,
              progress: ProgressCallback | None, cancel: threading.Event | None, root: Path | None) -> Manifest:
    start = time.perf_counter()
    source = tree.root
    files, skipped = scan(tree)
    tracker = Tracker(sum(st.st_size for _, _, st in files), len(files), progress, cancel)
    archive_id = uuid.uuid4().hex
    assigned: dict[str, Dictionary] = {}
    dictionary_bytes = 0
    try:
        with atomic_dir(archive.absolute(), root) as tmp:
            packable, alone = _packable(files, options)
            if store is not None and options.dictionaries:
                assigned, dictionary_bytes = _dictionaries(alone, store, options, archive_id)
            tracker.check()
            for folder in sorted({os.path.dirname(rel) for rel, _, _ in alone}):
                (tmp / DATA / folder).mkdir(parents=True, exist_ok=True)
            (tmp / PACKS).mkdir()
            level = options.level if options.level is not None else options.levels.packed
            # Packs are few and CPU-bound (zstd releases the GIL): one per core whatever `workers` says.
            packed = parallel_map(lambda numbered: write_pack(*numbered, tmp, level, options.verify, tracker),
                                  list(enumerate(packs_of(packable, options.pack_size), 1)), os.cpu_count() or 1)

            def one(item: tuple[str, ScannedFile, os.stat_result]) -> tuple[Entry, Encoded] | dict:
                rel, path, st = item
                dst = Path(f"{tmp}/{DATA}/{rel}.zst")
                dictionary = assigned.get(rel)
                chooser = (lambda plan: dictionary if plan.dictionary else None) if dictionary else None
                try:
                    done = encode_file(path, dst, options=options, tracker=tracker, name=rel,
                                       choose_dictionary=chooser, staged=False)
                except (FileNotFoundError, PermissionError, ChangedDuringJob) as error:
                    return unreadable(rel, error)
                entry = Entry(rel, done.size, done.compressed_size, done.sha256, str(done.cls), done.level,
                              done.dict_id, st.st_mode & 0o7777, st.st_mtime_ns)
                return entry, done

            results = parallel_map(one, alone, options.workers or os.cpu_count() or 1)
            skipped += [r for r in results if isinstance(r, dict)] + [s for p in packed for s in p.skipped]
            done_files = [r for r in results if not isinstance(r, dict)]
            stats = StatsReport(dictionary_bytes=dictionary_bytes)
            for _entry, done in done_files:
                stats.record(done.cls, done.size, done.compressed_size, done.seconds, done.verify_seconds)
            _record_packs(packed, stats)
            entries = sorted([e for e, _ in done_files] + [e for p in packed for e in p.entries],
                             key=lambda e: e.path)
            stats.wall_seconds = time.perf_counter() - start
            created = datetime.now(UTC).isoformat(timespec="seconds")
            store_path = str(store.root.absolute()) if store else None
            manifest = Manifest(archive_id, str(source.absolute()), created, store_path,
                                entries, sorted(skipped, key=lambda s: s["path"]), stats.to_dict())
            with atomic_file(tmp / MANIFEST) as out:
                out.write(manifest.to_json().encode())
    except BaseException:
        if store is not None:
            store.release(archive_id)
        raise
    return manifest
