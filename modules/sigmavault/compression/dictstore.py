"""A directory of trained zstd dictionaries, one file per dictionary id, with reference records.

Layout::

    <store>/<dict_id>.dict          the dictionary, usable as ``zstd -d -D <store>/<dict_id>.dict``
    <store>/<dict_id>.json          family, version, size, sha256, samples it was trained on
    <store>/refs/<dict_id>/<holder> one file per archive that needs the dictionary (holds its path)
    <store>/unhelpful/<family>      family size in bytes at which no dictionary paid off (saves retraining)

A dictionary file is written once and never overwritten; ``remove`` refuses while any reference remains.
Versions count up per family; the dictionary id (from the dictionary header) is what frames record.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

import zstandard

from sigmavault.records import RecordDamaged, read_json

from .errors import CompressionError, DictionaryInUseError, MissingDictionaryError


@dataclass(frozen=True)
class DictionaryInfo:
    dict_id: int
    family: str
    version: int
    size: int
    sha256: str
    samples: int


class DictionaryStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._cache: dict[int, zstandard.ZstdCompressionDict] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def path(self, dict_id: int) -> Path:
        return self.root / f"{dict_id}.dict"

    def train(self, family: str, samples: list[bytes], dict_size: int) -> DictionaryInfo:
        """Train a dictionary on samples of one family and add it; raises CompressionError if zstd cannot."""
        try:
            trained = zstandard.train_dictionary(dict_size, samples)
        except zstandard.ZstdError as exc:
            raise CompressionError(f"could not train a dictionary for {family}: {exc}") from exc
        return self.add(trained.as_bytes(), family, len(samples))

    def add(self, data: bytes, family: str, samples: int = 0) -> DictionaryInfo:
        """Store dictionary bytes under their id; adding the same dictionary twice is a no-op."""
        dict_id = zstandard.ZstdCompressionDict(data).dict_id()
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            existing = self.info(dict_id)
            if existing is not None:
                if existing.sha256 != digest:
                    raise CompressionError(f"dictionary id {dict_id} already names a different dictionary")
                return existing
            versions = [i.version for i in self.list() if i.family == family]
            info = DictionaryInfo(dict_id, family, max(versions, default=0) + 1, len(data), digest, samples)
            _write_new(self.path(dict_id), data)
            _write_new(self.root / f"{dict_id}.json", json.dumps(asdict(info), indent=2).encode())
        return info

    def info(self, dict_id: int) -> DictionaryInfo | None:
        """The record of dictionary dict_id (None: not in the store); a damaged record raises RecordDamaged."""
        meta = self.root / f"{dict_id}.json"
        if not self.path(dict_id).exists():
            return None
        remedy = (f"move it away: {dict_id}.dict stays readable for restores, and new archives train "
                  "a new dictionary")
        record = read_json(meta, dict, remedy, default=None)
        if record is None:
            return None
        try:
            return DictionaryInfo(**record)
        except TypeError:
            fields = ", ".join(DictionaryInfo.__dataclass_fields__)
            raise RecordDamaged(meta, f"is not a dictionary record (it needs exactly {fields})", remedy) from None

    def list(self) -> list[DictionaryInfo]:
        infos = (self.info(int(p.stem)) for p in self.root.glob("*.dict") if p.stem.isdigit())
        return sorted((i for i in infos if i is not None), key=lambda i: (i.family, i.version))

    def latest(self, family: str) -> DictionaryInfo | None:
        versions = [i for i in self.list() if i.family == family]
        return versions[-1] if versions else None

    def load(self, dict_id: int) -> zstandard.ZstdCompressionDict:
        """The dictionary with this id; MissingDictionaryError names the id when the store lacks it."""
        with self._lock:
            cached = self._cache.get(dict_id)
            if cached is None:
                try:
                    data = self.path(dict_id).read_bytes()
                except FileNotFoundError:
                    raise MissingDictionaryError(dict_id, str(self.root)) from None
                cached = self._cache[dict_id] = zstandard.ZstdCompressionDict(data)
        return cached

    def decompressor(self, dict_id: int) -> zstandard.ZstdDecompressor:
        """A per-thread decompressor for frames that need dict_id."""
        cache = self._local.__dict__.setdefault("dctx", {})
        if dict_id not in cache:
            cache[dict_id] = zstandard.ZstdDecompressor(dict_data=self.load(dict_id))
        return cache[dict_id]

    def add_reference(self, dict_id: int, holder: str, note: str = "") -> None:
        """Record that holder (an archive id) needs dict_id, so the dictionary is kept."""
        if self.info(dict_id) is None:
            raise MissingDictionaryError(dict_id, str(self.root))
        refs = self.root / "refs" / str(dict_id)
        refs.mkdir(parents=True, exist_ok=True)
        (refs / holder).write_text(note + "\n")

    def references(self, dict_id: int) -> list[str]:
        refs = self.root / "refs" / str(dict_id)
        return sorted(p.name for p in refs.iterdir()) if refs.is_dir() else []

    def release(self, holder: str) -> None:
        """Drop every reference that holder recorded (call when its archive is deleted)."""
        for ref in (self.root / "refs").glob(f"*/{holder}"):
            ref.unlink(missing_ok=True)

    def mark_unhelpful(self, family: str, family_bytes: int) -> None:
        """Remember that no dictionary paid off for family at this size."""
        (self.root / "unhelpful").mkdir(exist_ok=True)
        (self.root / "unhelpful" / quote(family, safe="")).write_text(f"{family_bytes}\n")

    def unhelpful_at(self, family: str) -> int:
        """Family size at which a dictionary last failed to pay off (0 = never)."""
        try:
            return int((self.root / "unhelpful" / quote(family, safe="")).read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def remove(self, dict_id: int) -> None:
        """Delete an unreferenced dictionary; DictionaryInUseError lists the archives still using it."""
        holders = self.references(dict_id)
        if holders:
            raise DictionaryInUseError(
                f"dictionary {dict_id} is still used by {len(holders)} archive(s) ({', '.join(holders)}); "
                "delete or restore those archives first"
            )
        self.path(dict_id).unlink(missing_ok=True)
        (self.root / f"{dict_id}.json").unlink(missing_ok=True)
        with self._lock:
            self._cache.pop(dict_id, None)
            self._local = threading.local()


def _write_new(path: Path, data: bytes) -> None:
    """Write a file once: temp file, fsync, then link into place. An existing file is never overwritten;
    finding one with the same bytes (left by an interrupted add) is fine, different bytes are an error."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        if path.read_bytes() != data:
            raise CompressionError(f"{path} already exists with other content; nothing was changed") from None
    finally:
        tmp.unlink()
