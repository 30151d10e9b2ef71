"""The rule that protects data: a disk that holds anything is formatted only with wipe: true.

A disk holds something when blkid finds a signature on it, or when it does not read as zeros wherever
partition tables, RAID, LUKS, ZFS and btrfs keep their labels (disks.blank). Only inventory entries carry
that reading; the entries planners make for volumes they open themselves are judged by signature alone
(a new LUKS volume reads as noise by design).
"""

from sigmavault.disks import blank
from sigmavault.disks.signatures import Signature
from sigmavault.schema.errors import PillarError, storage_path


def what_it_holds(device: dict) -> str | None:
    """In owner words; None for a blank disk."""
    if device.get("signature"):
        return Signature(**device["signature"]).describe()
    if device.get("data_found"):
        return f"data without a signature blkid knows: {device['data_found']}"
    return None


def clearing_commands(path: str, size: int | None) -> list[list[str]]:
    """Remove every signature, then zero the ranges disks.blank reads, so the next plan sees a blank disk
    even where the data had no signature to remove. Without a size (a volume a planner describes itself)
    only the signatures go."""
    zeroes = [["blkdiscard", "--zeroout", "--offset", str(offset), "--length", str(length), path]
              for offset, length in (blank.spans(size) if size else [])]
    return [["wipefs", "--all", path], *zeroes]


def wipe_commands(disk_name: str, device: dict, disks: dict) -> tuple[list[list[str]], PillarError | None]:
    """Commands that clear the disk for a new pool, or the refusal that says why it stays untouched."""
    where = storage_path("disks", disk_name)
    path = device["path"]
    if device.get("mounted_at"):
        return [], PillarError(where, f"{path} is mounted at {', '.join(device['mounted_at'])}; "
                                      "SigmaVault never formats a disk in use: unmount it first")
    if device.get("holders"):
        return [], PillarError(where, f"{path} is in use by {', '.join(device['holders'])}; release it first")
    found = what_it_holds(device)
    if found is None:
        return [], None
    if disks[disk_name]["wipe"]:
        return clearing_commands(path, device.get("size_bytes")), None
    return [], PillarError(where, f"{path} holds {found}; SigmaVault formats only blank disks. If what it holds "
                                  f"may be destroyed, set {where}.wipe: true")
