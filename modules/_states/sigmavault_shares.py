"""State module: SMB shares and NFS exports converge through sigmavault.shares."""

from sigmavault.outcome import run_plan
from sigmavault.shares.nfs_plan import nfs_paths, plan_nfs
from sigmavault.shares.smb_plan import plan_smb
from sigmavault.site import Site

__virtualname__ = "sigmavault_shares"


def __virtual__():
    return __virtualname__


def smb_converged(name: str) -> dict:
    document, etc = __salt__["sigmavault_pillar.document"](), Site.from_opts(__opts__).etc
    return run_plan("SMB shares", lambda: plan_smb(document, etc / "samba" / "smb.conf"),
                    __opts__["test"]).as_state(name)


def nfs_converged(name: str) -> dict:
    document, etc = __salt__["sigmavault_pillar.document"](), Site.from_opts(__opts__).etc
    return run_plan("NFS exports", lambda: plan_nfs(document, nfs_paths(etc)), __opts__["test"]).as_state(name)
