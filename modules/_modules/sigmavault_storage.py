"""Execution module: what the declared pools and datasets look like now (sigmavault.storage.status)."""

from sigmavault.command import CommandError
from sigmavault.disks.inventory import list_disks
from sigmavault.storage.status import pool_status
from sigmavault.storage.unlock import unlock as unlock_volumes

__virtualname__ = "sigmavault_storage"


def __virtual__():
    return __virtualname__


def status() -> dict:
    document = __salt__["sigmavault_pillar.document"]()
    try:
        pools = pool_status(document["storage"], __salt__["sigmavault_pillar.fstab_path"]()) if document else []
        return {"valid": bool(document), "pools": pools, "disks": list_disks()}
    except CommandError as error:
        return {"valid": bool(document), "pools": [], "disks": [], "error": str(error)}


def unlock() -> dict:
    """Open every encrypted pool's closed volumes with the node key (what `sigmavault unlock` does)."""
    report = unlock_volumes(__salt__["sigmavault_pillar.volume_keys"]())
    return {"opened": report.opened, "already_open": report.already_open, "failed": report.failed}
