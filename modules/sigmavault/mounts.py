"""The kernel's mount table, read from /proc/self/mountinfo."""

from dataclasses import dataclass
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


@dataclass(frozen=True)
class Mount:
    root: str            # path inside the file system (for btrfs, the subvolume: / or /media)
    mountpoint: str
    fstype: str
    source: str
    options: frozenset   # per-mount and per-superblock options together

    def option_value(self, key: str) -> str | None:
        for option in self.options:
            if option.startswith(key + "="):
                return option.split("=", 1)[1]
        return None


def parse_mountinfo(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        head, _, tail = line.partition(" - ")
        fields, tail_fields = head.split(), tail.split()
        if len(fields) < 6 or len(tail_fields) < 3:
            continue
        options = frozenset(fields[5].split(",")) | frozenset(tail_fields[2].split(","))
        mounts.append(Mount(_unescape(fields[3]), _unescape(fields[4]), tail_fields[0],
                            _unescape(tail_fields[1]), options))
    return mounts


def read_mounts(path: Path = MOUNTINFO) -> list[Mount]:
    return parse_mountinfo(path.read_text())


def mounted_at(mountpoint: str, mounts: list[Mount]) -> Mount | None:
    """The mount visible at mountpoint: the last one mounted there wins."""
    found = [mount for mount in mounts if mount.mountpoint == mountpoint]
    return found[-1] if found else None
