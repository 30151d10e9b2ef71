"""What the declared shares look like now: the SMB shares and NFS exports the pillar declares, what
each serves, and whether the server that serves them runs."""

from pathlib import Path

from sigmavault.services import running, systemd_runs, unit_active
from sigmavault.shares.nfs_exports import export_plan
from sigmavault.shares.nfs_plan import NFS_KERNEL, ganesha, nfs_paths
from sigmavault.shares.paths import data_path
from sigmavault.shares.smb_plan import smbd

NFSD_THREADS = Path("/proc/fs/nfsd/threads")


def kernel_nfsd_running() -> bool:
    if systemd_runs():
        return unit_active(NFS_KERNEL)
    try:
        return int(NFSD_THREADS.read_text().strip() or 0) > 0
    except (OSError, ValueError):
        return False


def smb_status(document: dict, etc: Path) -> dict:
    storage, smb = document.get("storage", {}), document.get("shares", {}).get("smb", {})
    shares = [{"name": name, "dataset": share["dataset"], "path": data_path(storage, share["dataset"]),
               "comment": share["comment"], "read_only": share["read_only"], "guest": share["guest"],
               "valid_users": share["valid_users"], "valid_groups": share["valid_groups"]}
              for name, share in sorted(smb.items())]
    return {"server": "smbd", "running": running(smbd(etc / "samba" / "smb.conf")), "shares": shares}


def nfs_status(document: dict, etc: Path) -> dict:
    backend = document.get("shares", {}).get("nfs_server", {}).get("backend", "kernel")
    exports = [{"name": e.name, "path": e.path,
                "clients": [{"match": c.match, "access": c.access} for c in e.clients]}
               for e in export_plan(document)]
    if backend == "ganesha":
        server, is_running = "NFS-Ganesha", running(ganesha(nfs_paths(etc).ganesha_conf))
    else:
        server, is_running = "kernel nfsd", kernel_nfsd_running()
    return {"backend": backend, "server": server, "running": is_running, "exports": exports}


def share_status(document: dict, etc: Path) -> dict:
    """{"valid", "smb": {server, running, shares}, "nfs": {backend, server, running, exports}}; an empty
    document (a pillar that does not validate) declares no shares."""
    return {"valid": bool(document), "smb": smb_status(document, etc), "nfs": nfs_status(document, etc)}
