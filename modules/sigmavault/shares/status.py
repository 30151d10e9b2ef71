"""What the shares look like now: the SMB shares and NFS exports the pillar declares, what each serves,
and whether the server that serves them runs. When the pillar is refused (it cannot be read safely), the
shares are those the box serves: the sections of the smb.conf SigmaVault wrote."""

import configparser
from pathlib import Path

from sigmavault.services import running, systemd_runs, unit_active
from sigmavault.shares.nfs_exports import HEADER as EXPORTS_HEADER
from sigmavault.shares.nfs_exports import export_plan
from sigmavault.shares.nfs_plan import NFS_KERNEL, ganesha, nfs_paths
from sigmavault.shares.paths import data_path
from sigmavault.shares.smb_conf import HEADER
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
    conf = etc / "samba" / "smb.conf"
    if not document:
        return {"server": "smbd", "running": running(smbd(conf)), "shares": served_smb_shares(conf)}
    storage, smb = document.get("storage", {}), document.get("shares", {}).get("smb", {})
    shares = [{"name": name, "dataset": share["dataset"], "path": data_path(storage, share["dataset"]),
               "comment": share["comment"], "read_only": share["read_only"], "guest": share["guest"],
               "valid_users": share["valid_users"], "valid_groups": share["valid_groups"], "declared": True}
              for name, share in sorted(smb.items())]
    return {"server": "smbd", "running": running(smbd(conf)), "shares": shares}


def _written_by_us(path: Path, header: str) -> str | None:
    """The text of a config file SigmaVault wrote (its header first); None for another program's or none."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith(header.strip()) else None


def served_smb_shares(conf: Path) -> list[dict]:
    """The shares of an smb.conf SigmaVault wrote (another program's smb.conf is not ours to report)."""
    text = _written_by_us(conf, HEADER)
    if text is None:
        return []
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                       comment_prefixes=("#", ";"))
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    shares = []
    for name in parser.sections():
        if name == "global":
            continue
        section = parser[name]
        allowed = section.get("valid users", "").split()
        shares.append({"name": name, "dataset": None, "path": section.get("path", ""),
                       "comment": section.get("comment", ""), "read_only": section.get("read only") == "yes",
                       "guest": section.get("guest ok") == "yes",
                       "valid_users": [a for a in allowed if not a.startswith("@")],
                       "valid_groups": [a[1:] for a in allowed if a.startswith("@")], "declared": False})
    return shares


def nfs_status(document: dict, etc: Path) -> dict:
    backend = document.get("shares", {}).get("nfs_server", {}).get("backend", "kernel")
    exports = [{"name": e.name, "path": e.path,
                "clients": [{"match": c.match, "access": c.access} for c in e.clients], "declared": True}
               for e in export_plan(document)] if document else served_kernel_exports(nfs_paths(etc).kernel_exports)
    if backend == "ganesha":
        server, is_running = "NFS-Ganesha", running(ganesha(nfs_paths(etc).ganesha_conf))
    else:
        server, is_running = "kernel nfsd", kernel_nfsd_running()
    return {"backend": backend, "server": server, "running": is_running, "exports": exports}


def served_kernel_exports(path: Path) -> list[dict]:
    """The exports of the kernel exports file SigmaVault wrote: 'path client(access,…) …' per line."""
    text = _written_by_us(path, EXPORTS_HEADER)
    if text is None:
        return []
    exports = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        clients = [{"match": spec.partition("(")[0], "access": spec.partition("(")[2].split(",")[0].rstrip(")")}
                   for spec in fields[1:]]
        exports.append({"name": Path(fields[0]).name, "path": fields[0], "clients": clients, "declared": False})
    return exports


def share_status(document: dict, etc: Path) -> dict:
    """{"valid", "smb": {server, running, shares}, "nfs": {backend, server, running, exports}}; document is
    the pillar when its own rules hold, else {}: the SMB shares are then those smb.conf serves."""
    return {"valid": bool(document), "smb": smb_status(document, etc), "nfs": nfs_status(document, etc)}
