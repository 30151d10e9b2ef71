"""What a job's stats are made of: bytes and seconds per kind of data, and how the job ended.

Per class: ``bytes_in`` is the data's logical size, ``bytes_before`` the space it took before the job
(archive jobs: the same as bytes_in, the originals stay), ``bytes_out`` the space it takes after
(archive: the frames; in place: btrfs extents). An archive's dictionaries count once, in its job's total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .stats import MB

FINAL_STATES = ("done", "failed", "cancelled", "interrupted")


@dataclass
class ClassRecord:
    """One kind of data in one job (see the module docstring for the byte columns)."""

    files: int = 0
    bytes_in: int = 0
    bytes_before: int = 0
    bytes_out: int = 0
    compress_seconds: float = 0.0
    decompress_seconds: float = 0.0

    def add(self, other: ClassRecord) -> None:
        for name in ("files", "bytes_in", "bytes_before", "bytes_out", "compress_seconds", "decompress_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> dict:
        saved = 100.0 * (1 - self.bytes_out / self.bytes_in) if self.bytes_in else 0.0
        return {
            "files": self.files, "bytes_in": self.bytes_in, "bytes_before": self.bytes_before,
            "bytes_out": self.bytes_out, "freed_bytes": self.bytes_before - self.bytes_out,
            "ratio": round(self.bytes_in / self.bytes_out, 4) if self.bytes_out else 1.0,
            "saved_percent": round(saved, 1) + 0.0,  # + 0.0 turns -0.0 into 0.0
            "compress_mbps": round(self.bytes_in / MB / self.compress_seconds, 2) if self.compress_seconds else 0.0,
            "decompress_mbps": (round(self.bytes_in / MB / self.decompress_seconds, 2)
                                if self.decompress_seconds else 0.0),
            "compress_seconds": round(self.compress_seconds, 3),
            "decompress_seconds": round(self.decompress_seconds, 3),
        }


@dataclass
class Outcome:
    """How a job ended, as the runner hands it to ``JobStore.finish``."""

    state: str  # one of FINAL_STATES
    classes: dict[str, ClassRecord] = field(default_factory=dict)
    wall_seconds: float = 0.0
    dictionary_bytes: int = 0
    skipped: int = 0
    error: str | None = None
    details: dict = field(default_factory=dict)
