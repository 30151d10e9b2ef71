"""A cheap look at a file before compressing it: magic bytes, text or binary, and a level-1 trial.

The probe reads at most four 32 KiB samples (head, two from the middle, tail), so it costs the same on a
10 KiB file and on a 10 TiB one.
"""

from __future__ import annotations

import math
import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

import zstandard

from .classes import DataClass
from .confined_files import Source, open_fd
from .sniff import Kind, sniff

SAMPLE_SIZE = 32 * 1024
#: Below this level-1 ratio a file is stored rather than compressed.
INCOMPRESSIBLE_RATIO = 1.03

SOURCE_SUFFIXES = frozenset({
    ".py", ".pyi", ".pyx", ".pxd", ".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".js", ".mjs", ".cjs",
    ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".scala", ".rb", ".pl", ".pm", ".php", ".sh",
    ".bash", ".zsh", ".lua", ".sql", ".css", ".scss", ".html", ".htm", ".vue", ".swift", ".m", ".r", ".cs",
    ".el", ".hs", ".ml", ".tcl", ".awk", ".mk", ".cmake", ".s", ".asm", ".f90", ".jl", ".dart", ".ex", ".erl",
})
SOURCE_NAMES = frozenset({"makefile", "cmakelists.txt", "dockerfile", "kconfig", "meson.build", "sconstruct"})
STRUCTURED_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".geojson", ".csv", ".tsv", ".xml", ".svg"})
_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r\f\b\x1b" + bytes(range(128, 256))
_local = threading.local()  # zstd compressors must not be shared between threads


@dataclass(frozen=True)
class Probe:
    """What the probe saw. ``ratio`` is the level-1 trial ratio of the samples (1.0 = no gain; None = no
    trial was run)."""

    cls: DataClass
    ratio: float | None
    format: str | None = None

    @property
    def incompressible(self) -> bool:
        if self.ratio is None:
            return False
        return self.ratio < INCOMPRESSIBLE_RATIO


def entropy(sample: bytes) -> float:
    """Order-0 Shannon entropy in bits per byte (8.0 for random data)."""
    if not sample:
        return 0.0
    n = len(sample)
    return -sum(c / n * math.log2(c / n) for c in Counter(sample).values())


def trial_ratio(samples: list[bytes]) -> float:
    size = sum(len(s) for s in samples)
    if size == 0:
        return 1.0
    cctx = _local.__dict__.get("level1")
    if cctx is None:
        cctx = _local.level1 = zstandard.ZstdCompressor(level=1, write_checksum=False, write_content_size=False)
    # Compressing the samples separately keeps a repeated head from looking like redundancy.
    return size / max(1, sum(len(cctx.compress(s)) for s in samples))


def is_text(sample: bytes) -> bool:
    return b"\0" not in sample and len(sample.translate(None, _TEXT_BYTES)) * 30 <= len(sample)


def _textual_class(head: bytes, name: str) -> DataClass:
    path = PurePath(name.lower())
    if path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_NAMES or head.startswith(b"#!"):
        return DataClass.SOURCE
    if path.suffix in STRUCTURED_SUFFIXES or head.lstrip()[:1] in (b"{", b"["):
        return DataClass.STRUCTURED
    lines = head.split(b"\n", 6)[:5]
    commas = {line.count(b",") for line in lines if line}
    if len(lines) >= 3 and len(commas) == 1 and commas.pop() >= 2:
        return DataClass.STRUCTURED
    return DataClass.TEXT


def probe_samples(samples: list[bytes], name: str = "", *, trial: bool = True) -> Probe:
    """Classify data from samples, the first of which must be the file's head.

    With ``trial=False`` the level-1 trial runs only for data whose magic says it is compressed; the
    caller then learns whether the rest compresses from compressing it (``ratio`` is None).
    """
    head = samples[0] if samples else b""
    sniffed = sniff(head)
    fmt = sniffed[0] if sniffed else None
    if sniffed and sniffed[1] is Kind.ENCRYPTED:
        return Probe(DataClass.RANDOM, 1.0, fmt)
    ratio = trial_ratio(samples) if trial or (sniffed and sniffed[1] is Kind.COMPRESSED) else None
    if sniffed and sniffed[1] is Kind.COMPRESSED:
        return Probe(DataClass.COMPRESSED, ratio, fmt)
    if ratio is not None and ratio < INCOMPRESSIBLE_RATIO and entropy(head[:4096]) > 7.5:
        return Probe(DataClass.RANDOM, ratio, fmt)
    if sniffed is None and is_text(head):
        return Probe(_textual_class(head, name), ratio, fmt)
    return Probe(DataClass.BINARY, ratio, fmt)


def sample_spans(size: int) -> list[tuple[int, int]]:
    """(offset, length) of the samples: the head, two from the middle and the tail; one span if small."""
    if size <= 4 * SAMPLE_SIZE:
        return [(0, min(size, 2 * SAMPLE_SIZE))]
    return [(at, SAMPLE_SIZE) for at in (0, size // 3, 2 * size // 3, size - SAMPLE_SIZE)]


def read_samples(fd: int, size: int) -> list[bytes]:
    """Read the samples of an open file without moving its offset."""
    return [os.pread(fd, length, at) for at, length in sample_spans(size)]


def probe_fd(fd: int, size: int, name: str = "") -> Probe:
    """Probe an open file of the given size; ``name`` lends its suffix to the text classes."""
    return probe_samples(read_samples(fd, size), name)


def quick_class(source: Source, name: str = "") -> DataClass:
    """The class of a file from its first 4 KiB, without a trial (for grouping files into families)."""
    fd = open_fd(source)
    try:
        head = os.pread(fd, 4096, 0)
    finally:
        os.close(fd)
    return probe_samples([head], name, trial=False).cls
