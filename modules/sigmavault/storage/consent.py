"""The rule that protects data: a disk that holds anything is formatted only with wipe: true."""

from sigmavault.disks.signatures import Signature
from sigmavault.schema.errors import PillarError, storage_path


def wipe_commands(disk_name: str, device: dict, disks: dict) -> tuple[list[list[str]], PillarError | None]:
    """Commands that clear the disk for a new pool, or the refusal that says why it stays untouched."""
    where = storage_path("disks", disk_name)
    path = device["path"]
    if device.get("mounted_at"):
        return [], PillarError(where, f"{path} is mounted at {', '.join(device['mounted_at'])}; "
                                      "SigmaVault never formats a disk in use: unmount it first")
    if device.get("holders"):
        return [], PillarError(where, f"{path} is in use by {', '.join(device['holders'])}; release it first")
    if not device.get("signature"):
        return [], None
    found = Signature(**device["signature"]).describe()
    if disks[disk_name]["wipe"]:
        return [["wipefs", "--all", path]], None
    return [], PillarError(where, f"{path} holds {found}; SigmaVault formats only blank disks. If what it holds "
                                  f"may be destroyed, set {where}.wipe: true")
