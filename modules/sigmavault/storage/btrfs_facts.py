"""What btrfs says about a file system: its devices, profiles, subvolumes and quotas."""

import re
from dataclasses import dataclass

from sigmavault.command import run, run_result

_DEVICE = re.compile(r"^\s*devid\s+\d+\s+size\s+\d+\s+used\s+\d+\s+path\s+(\S+)", re.M)
MISSING = "MISSING"   # what a mounted, degraded file system prints in place of a lost disk's path
_UUID = re.compile(r"uuid:\s*([0-9a-f-]{36})")
_PROFILE = re.compile(r"^(Data|Metadata|System)(?:\+\w+)?,\s*([A-Za-z0-9]+):", re.M)


@dataclass(frozen=True)
class Filesystem:
    uuid: str
    devices: tuple[str, ...]
    missing_devices: bool = False


def parse_filesystem_show(text: str) -> Filesystem | None:
    uuid = _UUID.search(text)
    if not uuid:
        return None
    paths = _DEVICE.findall(text)
    present = tuple(path for path in paths if path != MISSING)
    return Filesystem(uuid.group(1), present, "Some devices missing" in text or len(present) < len(paths))


def parse_profiles(text: str) -> dict[str, set[str]]:
    """`btrfs filesystem df` -> {'data': {'raid1'}, 'metadata': {'raid1'}, 'system': {…}}."""
    profiles: dict[str, set[str]] = {"data": set(), "metadata": set(), "system": set()}
    for kind, profile in _PROFILE.findall(text):
        profiles[kind.lower()].add(profile.lower())
    return profiles


def filesystem(uuid: str) -> Filesystem | None:
    done = run_result(["btrfs", "filesystem", "show", "--raw", uuid])
    return parse_filesystem_show(done.stdout) if done.returncode == 0 else None


def profiles(mountpoint: str) -> dict[str, set[str]]:
    return parse_profiles(run(["btrfs", "filesystem", "df", mountpoint]))


def is_subvolume(path: str) -> bool:
    return run_result(["btrfs", "subvolume", "show", path]).returncode == 0


def subvolume_id(path: str) -> int:
    return int(run(["btrfs", "inspect-internal", "rootid", path]).strip())


def compression_property(path: str) -> str:
    """The subvolume's compression property, '' when unset (it then follows the mount option)."""
    text = run(["btrfs", "property", "get", path, "compression"]).strip()
    return text.split("=", 1)[1] if "=" in text else ""


def parse_qgroup_limits(text: str) -> dict[int, tuple[int, int | None]]:
    """`btrfs qgroup show -re --raw` -> {subvolume id: (referenced bytes, limit bytes or None)}."""
    found = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0].startswith("0/") and fields[1].isdigit():
            found[int(fields[0][2:])] = (int(fields[1]), None if fields[3] == "none" else int(fields[3]))
    return found


def qgroup_limits(mountpoint: str) -> dict[int, tuple[int, int | None]] | None:
    """None when quotas are not enabled on the file system."""
    done = run_result(["btrfs", "qgroup", "show", "-re", "--raw", mountpoint])
    return parse_qgroup_limits(done.stdout) if done.returncode == 0 else None


def has_nocow(path: str) -> bool:
    flags = run(["lsattr", "-d", path]).split()[0]
    return "C" in flags
