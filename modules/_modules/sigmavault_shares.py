"""Execution module: the declared SMB shares and NFS exports, and whether their servers run."""

from sigmavault.shares.status import share_status

__virtualname__ = "sigmavault_shares"


def __virtual__():
    return __virtualname__


def status() -> dict:
    return share_status(__salt__["sigmavault_pillar.document"](), __salt__["sigmavault_pillar.etc_path"]())
