"""Execution module: what the declared pools and datasets look like now (sigmavault.storage.status)."""

from sigmavault.site import Site
from sigmavault.storage.converge import volume_keys
from sigmavault.storage.status import storage_status
from sigmavault.storage.unlock import unlock as unlock_volumes

__virtualname__ = "sigmavault_storage"


def __virtual__():
    return __virtualname__


def status() -> dict:
    """What the box has, whatever the pillar says, and the pillar's verdict on this box."""
    judge = __salt__["sigmavault_pillar.validate"]
    verdict = judge()
    readable = verdict["valid"] or judge(environment=False)["valid"]   # a missing disk still shows the pools
    document = __salt__["sigmavault_pillar.document"]() if readable else {}
    return storage_status(document, verdict, Site.from_opts(__opts__).fstab)


def unlock() -> dict:
    """Open every encrypted pool's closed volumes with the node key (what `sigmavault unlock` does)."""
    report = unlock_volumes(volume_keys(__salt__["sigmavault_pillar.document"](), Site.from_opts(__opts__)))
    return {"opened": report.opened, "already_open": report.already_open, "failed": report.failed}
