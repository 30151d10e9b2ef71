"""Read what the box has for one pool: its disks, its btrfs file system, its mount and fstab line."""

from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.disks import identity, inventory
from sigmavault.mounts import Mount, mounted_at, read_mounts
from sigmavault.site import DEFAULT_FSTAB
from sigmavault.storage import btrfs_facts, fstab
from sigmavault.storage.btrfs_facts import Filesystem


@dataclass
class PoolFacts:
    devices: dict[str, dict]                 # declared disk name -> inventory entry (present disks only)
    filesystem: Filesystem | None = None
    mount: Mount | None = None               # whatever is mounted at the pool's mountpoint
    profiles: dict[str, set[str]] = field(default_factory=dict)   # only known while mounted
    fstab_line: str | None = None
    fstab_path: Path = DEFAULT_FSTAB         # where the pool's line is recorded


def resolve_disks(disks: dict, devices: list[dict]) -> dict[str, dict]:
    resolved = {}
    for name, disk in disks.items():
        found = identity.resolve(disk, devices)
        if len(found) == 1:
            resolved[name] = found[0]
    return resolved


def pool_filesystem(name: str, members: list[dict]) -> Filesystem | None:
    """The btrfs file system labelled with the pool's name on any of the pool's disks."""
    uuids = {m["signature"]["uuid"] for m in members
             if m.get("signature") and m["signature"]["type"] == "btrfs" and m["signature"]["label"] == name}
    return btrfs_facts.filesystem(sorted(uuids)[0]) if len(uuids) == 1 else None


def read_pool_facts(name: str, pool: dict, disks: dict, fstab_path: Path,
                    devices: dict[str, dict] | None = None) -> PoolFacts:
    """devices, if given, stand for the declared disks (an encrypted pool's open volumes)."""
    resolved = devices if devices is not None else resolve_disks(disks, inventory.list_disks())
    members = [resolved[d] for d in pool["devices"] + pool["remove_devices"] if d in resolved]
    facts = PoolFacts(devices=resolved, filesystem=pool_filesystem(name, members), fstab_path=fstab_path)
    facts.mount = mounted_at(pool["mountpoint"], read_mounts())
    if facts.filesystem and facts.mount and facts.mount.source in facts.filesystem.devices:
        facts.profiles = btrfs_facts.profiles(pool["mountpoint"])
    facts.fstab_line = fstab.line_for(fstab.read(fstab_path), pool["mountpoint"])
    return facts
