"""Persistent mounts: one fstab line per mountpoint, recorded by a step's file edit (steps.FileEdit)."""

from dataclasses import dataclass
from pathlib import Path

from sigmavault.steps import FileEdit


@dataclass(frozen=True)
class FstabEntry:
    source: str          # UUID=…
    mountpoint: str
    fstype: str
    options: tuple[str, ...]

    def line(self) -> str:
        return f"{self.source} {self.mountpoint} {self.fstype} {','.join(self.options) or 'defaults'} 0 0"

    def __call__(self, text: str) -> str:
        """The entry is its own edit: fstab text in, the same text with this entry's line out."""
        return with_entry(text, self)


def line_for(text: str, mountpoint: str) -> str | None:
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not fields[0].startswith("#") and fields[1] == mountpoint:
            return line.strip()
    return None


def with_entry(text: str, entry: FstabEntry) -> str:
    """fstab text with entry's line replacing any line for the same mountpoint, or appended."""
    kept = [line for line in text.splitlines()
            if not (len(line.split()) >= 2 and not line.lstrip().startswith("#")
                    and line.split()[1] == entry.mountpoint)]
    return "\n".join([*kept, entry.line()]) + "\n"


def read(path: Path) -> str:
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""


def recorded(path: Path, entry: FstabEntry) -> FileEdit:
    """The edit that records entry in the fstab at path (durably, the rest of the file kept)."""
    return FileEdit(path, entry)
