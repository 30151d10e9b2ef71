"""Execution module: the declared SMB shares and NFS exports, and whether their servers run."""

from sigmavault.shares.status import share_status
from sigmavault.site import Site

__virtualname__ = "sigmavault_shares"


def __virtual__():
    return __virtualname__


def status() -> dict:
    """A pillar whose own rules fail (a share naming a missing dataset) cannot be read: the box answers."""
    readable = __salt__["sigmavault_pillar.validate"](environment=False)["valid"]
    return share_status(__salt__["sigmavault_pillar.document"]() if readable else {}, Site.from_opts(__opts__).etc)
