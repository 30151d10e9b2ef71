"""Per-class compression statistics as plain dataclasses that round-trip through JSON.

Seconds are summed per file, so with several workers a class's MB/s is the speed of one worker; the
report's ``wall_seconds`` gives the job's real elapsed time. When compressing, ``decompress_seconds`` is
the time the verification pass spent decompressing each new frame.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .classes import DataClass

MB = 1_000_000


@dataclass
class ClassStats:
    files: int = 0
    bytes_in: int = 0  # original bytes
    bytes_out: int = 0  # compressed bytes
    compress_seconds: float = 0.0
    decompress_seconds: float = 0.0

    @property
    def ratio(self) -> float:
        return self.bytes_in / self.bytes_out if self.bytes_out else 1.0

    @property
    def compress_mbps(self) -> float:
        return self.bytes_in / MB / self.compress_seconds if self.compress_seconds else 0.0

    @property
    def decompress_mbps(self) -> float:
        return self.bytes_in / MB / self.decompress_seconds if self.decompress_seconds else 0.0

    def add(self, other: ClassStats) -> None:
        self.files += other.files
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.compress_seconds += other.compress_seconds
        self.decompress_seconds += other.decompress_seconds

    def to_dict(self) -> dict:
        derived = {"ratio": round(self.ratio, 4), "compress_mbps": round(self.compress_mbps, 2),
                   "decompress_mbps": round(self.decompress_mbps, 2)}
        return asdict(self) | derived


@dataclass
class StatsReport:
    """Stats of one job, keyed by DataClass value ("text", "structured", ...)."""

    classes: dict[str, ClassStats] = field(default_factory=dict)
    wall_seconds: float = 0.0
    dictionary_bytes: int = 0  # size of the dictionaries this job's frames need

    def record(
        self, cls: DataClass | str, bytes_in: int, bytes_out: int, compress_s: float = 0.0,
        decompress_s: float = 0.0,
    ) -> None:
        entry = self.classes.setdefault(str(cls), ClassStats())
        entry.add(ClassStats(1, bytes_in, bytes_out, compress_s, decompress_s))

    def total(self) -> ClassStats:
        total = ClassStats()
        for stats in self.classes.values():
            total.add(stats)
        return total

    def to_dict(self) -> dict:
        return {
            "classes": {name: stats.to_dict() for name, stats in sorted(self.classes.items())},
            "total": self.total().to_dict(),
            "wall_seconds": round(self.wall_seconds, 4),
            "dictionary_bytes": self.dictionary_bytes,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> StatsReport:
        fields = ("files", "bytes_in", "bytes_out", "compress_seconds", "decompress_seconds")
        classes = {name: ClassStats(**{k: v[k] for k in fields}) for name, v in data.get("classes", {}).items()}
        return cls(classes, data.get("wall_seconds", 0.0), data.get("dictionary_bytes", 0))

    @classmethod
    def from_json(cls, text: str) -> StatsReport:
        return cls.from_dict(json.loads(text))
