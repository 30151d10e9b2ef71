"""State module: SMB shares and NFS exports converge through sigmavault.shares."""

from sigmavault.outcome import run_plan
from sigmavault.shares.nfs_plan import nfs_paths, plan_nfs
from sigmavault.shares.smb_plan import plan_smb

__virtualname__ = "sigmavault_shares"


def __virtual__():
    return __virtualname__


def _converge(name: str, what: str, make_plan) -> dict:
    return run_plan(what, make_plan, __salt__["sigmavault_pillar.fstab_path"](), __opts__["test"]).as_state(name)


def smb_converged(name: str) -> dict:
    document, etc = __salt__["sigmavault_pillar.document"](), __salt__["sigmavault_pillar.etc_path"]()
    return _converge(name, "SMB shares", lambda: plan_smb(document, etc / "samba" / "smb.conf"))


def nfs_converged(name: str) -> dict:
    document, etc = __salt__["sigmavault_pillar.document"](), __salt__["sigmavault_pillar.etc_path"]()
    return _converge(name, "NFS exports", lambda: plan_nfs(document, nfs_paths(etc)))
