"""The archive manifest: what was compressed, how, and the hashes that prove a restore is exact.

An archive directory holds ``manifest.json``, ``data/<relative path>.zst`` — one standard zstd frame per
file, decodable one by one with ``zstd -d`` (add ``-D <store>/<dict_id>.dict`` when dict_id is set) — and
``packs/<number>.zst``: small files compressed together, each a member at ``offset`` in the decoded pack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath

from .confined_files import CHANGED, ChangedDuringJob, Tree
from .errors import ArchiveError

FORMAT = 2
READABLE_FORMATS = (1, 2)    # 1: no packs
MANIFEST = "manifest.json"
DATA = "data"
PACKS = "packs"


def pack_name(number: int) -> str:
    return f"{PACKS}/{number:06d}.zst"


def is_pack_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) == 2 and parts[0] == PACKS and parts[1].endswith(".zst") and parts[1][:-4].isdigit()


def unreadable(path: str, error: OSError) -> dict:
    """The manifest's record of a file left out because it vanished, could not be read, or was swapped
    (confined_files.ChangedDuringJob) after the scan."""
    if isinstance(error, FileNotFoundError):
        reason = "deleted while the archive was being made"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    else:
        reason = CHANGED
    return {"path": path, "reason": reason}


@dataclass(frozen=True)
class Entry:
    path: str  # relative, "/"-separated; undecodable bytes kept as surrogate escapes
    size: int
    compressed_size: int
    sha256: str
    cls: str
    level: int  # 0: stored in raw blocks
    dict_id: int  # 0: no dictionary
    mode: int
    mtime_ns: int
    pack: str = ""  # "packs/<number>.zst" when the file is a member of a pack
    offset: int = 0  # where the file starts in the decoded pack

    @property
    def data_path(self) -> str:
        return self.pack or f"{DATA}/{self.path}.zst"


@dataclass
class Manifest:
    archive_id: str
    source: str
    created: str
    dictionary_store: str | None
    entries: list[Entry] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"path": ..., "reason": ...}
    stats: dict = field(default_factory=dict)
    format: int = FORMAT

    @property
    def dictionaries(self) -> list[int]:
        return sorted({e.dict_id for e in self.entries if e.dict_id})

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["entries"] = [vars(e) for e in self.entries]  # asdict() deep-copies; slow on 100k entries
        data["dictionaries"] = self.dictionaries
        # No indent: an indented dump runs json's pure-Python encoder, a tenth of the C one's speed.
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data.pop("dictionaries", None)
        if data.get("format") not in READABLE_FORMATS:
            raise ArchiveError(f"manifest format {data.get('format')} is not supported (this engine reads "
                               f"{', '.join(map(str, READABLE_FORMATS))})")
        data["entries"] = [Entry(**e) for e in data["entries"]]
        for entry in data["entries"]:
            parts = PurePosixPath(entry.path).parts
            if not parts or entry.path.startswith("/") or ".." in parts:
                raise ArchiveError(f"manifest entry {entry.path!r} points outside the archive; refusing it")
            if entry.pack and not is_pack_name(entry.pack):
                raise ArchiveError(f"manifest entry {entry.path!r} names pack {entry.pack!r}, which is not a "
                                   "pack of this archive; refusing it")
        return cls(**data)


def load_manifest(archive: Path | Tree) -> Manifest:
    """Read archive/manifest.json (not through a symlink when archive is a Tree); ArchiveError says what is
    wrong with the archive."""
    tree = archive if isinstance(archive, Tree) else None
    path = (tree.root if tree else Path(archive)) / MANIFEST
    try:
        return Manifest.from_json((tree.file(MANIFEST).read_bytes() if tree else path.read_bytes()).decode())
    except FileNotFoundError:
        raise ArchiveError(f"{path.parent} is not a complete archive: {MANIFEST} is missing") from None
    except ChangedDuringJob:
        raise ArchiveError(f"{path} is not a regular file of the archive (a symlink?); refusing it") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{path} is damaged ({exc}); restore it from another copy") from exc
