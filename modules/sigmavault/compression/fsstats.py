"""What btrfs compression saves on disk, from ``compsize -b`` (bytes on disk vs logical bytes).

compsize walks every file below a path and sums its extents: ``disk`` is what the extents occupy,
``uncompressed`` what they hold, ``referenced`` what the files point at (less than uncompressed when a
file only uses part of an extent, more when extents are shared between files). Shared extents count
once. ``-x`` keeps it inside one subvolume, so snapshots nested in a dataset are not counted twice.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass, field

COMPSIZE_TIMEOUT = 60.0


class CompsizeError(RuntimeError):
    """compsize is missing, failed, or took too long; the message says which."""


@dataclass(frozen=True)
class Usage:
    disk_bytes: int = 0
    uncompressed_bytes: int = 0
    referenced_bytes: int = 0

    @property
    def saved_percent(self) -> float:
        """Share of the logical bytes that compression keeps off the disk."""
        if not self.uncompressed_bytes:
            return 0.0
        return round(100.0 * (1 - self.disk_bytes / self.uncompressed_bytes), 1)

    @property
    def ratio(self) -> float:
        return round(self.uncompressed_bytes / self.disk_bytes, 3) if self.disk_bytes else 1.0


@dataclass(frozen=True)
class CompsizeReport:
    total: Usage = Usage()
    by_type: dict[str, Usage] = field(default_factory=dict)  # "zstd", "lzo", "zlib", "none", "prealloc"
    files: int = 0

    def to_dict(self) -> dict:
        def usage(u: Usage) -> dict:
            return asdict(u) | {"saved_percent": u.saved_percent, "ratio": u.ratio}

        return usage(self.total) | {"files": self.files,
                                    "by_type": {name: usage(u) for name, u in sorted(self.by_type.items())}}


def parse_compsize(text: str) -> CompsizeReport:
    """Parse ``compsize -b`` output (the TOTAL line and one line per compression type)."""
    total, by_type, files = Usage(), {}, 0
    for line in text.splitlines():
        fields = line.split()
        if line.startswith("Processed") and len(fields) > 1 and fields[1].isdigit():
            files = int(fields[1])
        if len(fields) == 5 and fields[1].endswith("%") and all(f.isdigit() for f in fields[2:]):
            usage = Usage(int(fields[2]), int(fields[3]), int(fields[4]))
            if fields[0] == "TOTAL":
                total = usage
            else:
                by_type[fields[0]] = usage
    return CompsizeReport(total, by_type, files)


def compsize(paths: list[str], *, one_file_system: bool = True, timeout: float = COMPSIZE_TIMEOUT) -> CompsizeReport:
    """Run ``compsize -b`` over paths; no regular files (or only inline ones) is an empty report."""
    argv = ["compsize", "-b", *(["-x"] if one_file_system else []), "--", *paths]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise CompsizeError("compsize is not installed: install btrfs-compsize") from None
    except subprocess.TimeoutExpired:
        raise CompsizeError(f"compsize took longer than {timeout:.0f} s; too many files to count now") from None
    if done.returncode == 0:
        return parse_compsize(done.stdout)
    if "No files" in done.stdout + done.stderr:
        return CompsizeReport()
    message = (done.stderr or done.stdout).strip().splitlines()
    raise CompsizeError(f"compsize failed: {message[-1] if message else f'exit code {done.returncode}'}")


def dataset_compression(path: str, timeout: float = COMPSIZE_TIMEOUT) -> dict:
    """The status entry of one dataset: compsize numbers, or {"error": ...} that says why there are none."""
    try:
        return compsize([path], timeout=timeout).to_dict()
    except CompsizeError as error:
        return {"error": str(error)}
