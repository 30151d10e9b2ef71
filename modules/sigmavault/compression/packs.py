"""Packs: the small files of one class compressed together as one standard zstd frame.

A file compressed alone starts from an empty history, so a 10 KiB config or log barely warms zstd up.
In a pack every file is compressed with the files before it as history — the effect a trained
dictionary approximates, without training, and each pack costs one output file instead of hundreds.
`zstd -d packs/000001.zst` prints the members one after another; the manifest gives each one's offset,
size and sha256, so a restore checks every member on its own.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import zstandard

from .classes import DataClass
from .confined_files import ChangedDuringJob, ScannedFile, Tree
from .errors import CorruptFrameError, VerificationError
from .frames import HEADER_MAX, corrupt, frame_parameters
from .manifest import Entry, pack_name, unreadable
from .probe import probe_fd, quick_class
from .progress import Tracker
from .rawframe import raw_frame

#: Classes whose packs are stored in raw blocks: compressing them gains nothing, but packing them still
#: saves writing one output file per input file.
STORED_CLASSES = frozenset({DataClass.COMPRESSED, DataClass.RANDOM})
#: A pack frame claiming more than this is not one we wrote: refuse it before allocating its output.
MAX_PACK_CONTENT = 256 << 20


@dataclass(frozen=True)
class Candidate:
    rel: str
    path: ScannedFile
    st: os.stat_result
    cls: DataClass
    stored: bool = False    # incompressible: its pack is stored in raw blocks


@dataclass(frozen=True)
class Packed:
    entries: list[Entry]
    skipped: list[dict]
    seconds: float          # reading, compressing and writing the whole pack
    verify_seconds: float   # decompressing it again to compare


def candidate(rel: str, path: ScannedFile, st: os.stat_result) -> Candidate:
    """A small file with its class. Text is classed from its head and magic bytes tell compressed
    formats; what looks binary gets the level-1 trial that tells random data."""
    cls, stored = quick_class(path, rel), False
    if cls is DataClass.BINARY:
        fd = path.open_fd()
        try:
            probe = probe_fd(fd, st.st_size, rel)
        finally:
            os.close(fd)
        cls, stored = probe.cls, probe.incompressible
    return Candidate(rel, path, st, cls, stored or cls in STORED_CLASSES)


def packs_of(candidates: list[Candidate], pack_size: int) -> list[list[Candidate]]:
    """Packs of at most pack_size bytes (one file may be larger). Files of one class and suffix sit
    together, so what one file says the next one has as history."""
    def similar(c: Candidate) -> tuple:
        name = PurePosixPath(c.rel)
        return str(c.cls), c.stored, name.suffix.lower(), name.name, c.rel
    packs: list[list[Candidate]] = []
    current: list[Candidate] = []
    used = 0
    for candidate in sorted(candidates, key=similar):
        starts_class = current and (current[-1].cls, current[-1].stored) != (candidate.cls, candidate.stored)
        if current and (used + candidate.st.st_size > pack_size or starts_class):
            packs.append(current)
            current, used = [], 0
        current.append(candidate)
        used += candidate.st.st_size
    if current:
        packs.append(current)
    return packs


def write_pack(number: int, members: list[Candidate], archive: Path, level: int, verify: bool,
               tracker: Tracker) -> Packed:
    """Compress members into archive/packs/<number>.zst (stored members: raw blocks, level 0); files that
    vanished, cannot be read or were swapped since the scan are skipped, unread."""
    start, name = time.perf_counter(), pack_name(number)
    stored = members[0].stored
    level = 0 if stored else level
    blobs, kept, skipped = [], [], []
    for member in members:
        tracker.check()
        try:
            data = member.path.read_bytes()
        except (FileNotFoundError, PermissionError, ChangedDuringJob) as error:
            skipped.append(unreadable(member.rel, error))
            continue
        blobs.append(data)
        kept.append(member)
    if not kept:
        return Packed([], skipped, time.perf_counter() - start, 0.0)
    content = b"".join(blobs)
    frame = raw_frame(content) if stored else \
        zstandard.ZstdCompressor(level=level, write_checksum=True, write_content_size=True).compress(content)
    compressed = time.perf_counter()
    if verify and zstandard.ZstdDecompressor().decompress(frame, max_output_size=len(content)) != content:
        raise VerificationError(f"pack {name} did not decompress to its members; nothing was archived")
    verified = time.perf_counter()
    (archive / name).write_bytes(frame)
    entries, offset, charged = [], 0, 0
    for index, (member, data) in enumerate(zip(kept, blobs, strict=True)):
        # Each member carries its share of the frame, so per-class sums add up to the archive's size.
        share = len(frame) - charged if index == len(kept) - 1 else len(frame) * len(data) // max(1, len(content))
        charged += share
        entries.append(Entry(member.rel, len(data), share, hashlib.sha256(data).hexdigest(), str(member.cls),
                             level, 0, member.st.st_mode & 0o7777, member.st.st_mtime_ns, name, offset))
        offset += len(data)
        tracker.advance(member.rel, len(data), file_done=True)
    return Packed(entries, skipped, compressed - start + time.perf_counter() - verified, verified - compressed)


def by_size(entries: list[Entry], seconds: float) -> list[float]:
    """Time spent on a whole pack, shared among its members by their size (for per-class stats)."""
    size = sum(entry.size for entry in entries) or 1
    return [seconds * entry.size / size for entry in entries]


def _held(entries: list[Entry], shown: int = 5) -> str:
    """The files a damaged pack takes with it, largest first."""
    names = [e.path for e in sorted(entries, key=lambda e: -e.size)]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"the {len(names)} files it holds: {', '.join(names[:shown])}{more}"


def read_pack(archive: Tree, name: str, entries: list[Entry]) -> dict[str, bytes]:
    """The members of one pack by path, each checked against its manifest sha256."""
    frame = archive.file(name).read_bytes()
    params = frame_parameters(frame[:HEADER_MAX], name)
    if params.dict_id or not 0 <= params.content_size <= MAX_PACK_CONTENT:
        raise CorruptFrameError(f"{name} is not a pack this engine wrote (content size {params.content_size}, "
                                f"dictionary {params.dict_id}); restore the archive from another copy")
    try:
        content = zstandard.ZstdDecompressor().decompress(frame, max_output_size=max(1, params.content_size))
    except zstandard.ZstdError as exc:
        raise CorruptFrameError(f"{corrupt(name, exc)}, and with it {_held(entries)}") from exc
    members = {}
    for entry in entries:
        data = content[entry.offset:entry.offset + entry.size]
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise CorruptFrameError(f"{entry.path} (in {name}) decodes to data whose sha256 differs from the "
                                    "manifest's; restore the archive from another copy")
        members[entry.path] = data
    return members
