"""One export plan, two renderings: /etc/exports lines for kernel nfsd and EXPORT blocks for NFS-Ganesha.

Names, paths and client specs passed schema patterns without spaces, quotes, parentheses,
braces or separators, so none can add a client, an option or a block.
"""

import zlib
from dataclasses import dataclass

from sigmavault.shares.paths import data_path

HEADER = "# Written by SigmaVault from sigmavault.shares.nfs; edits here are replaced on the next apply.\n"


@dataclass(frozen=True)
class Client:
    match: str
    access: str       # ro | rw
    squash: str       # root_squash | all_squash | no_root_squash
    sync: bool
    security: str     # sys | krb5 | krb5i | krb5p


@dataclass(frozen=True)
class Export:
    name: str
    path: str
    export_id: int    # NFS-Ganesha's id, kept in file handles: derived from the name so it never shifts
    clients: tuple[Client, ...]


def export_plan(document: dict) -> list[Export]:
    storage = document.get("storage", {})
    nfs = document.get("shares", {}).get("nfs", {})
    return [Export(name, data_path(storage, spec["dataset"]), export_id(name),
                   tuple(Client(**client) for client in spec["clients"]))
            for name, spec in sorted(nfs.items())]


def export_id(name: str) -> int:
    """1..65534 from the name (0 is Ganesha's pseudo root); two names that clash are refused by the pillar rules."""
    return zlib.crc32(name.encode()) % 65534 + 1


def render_kernel_exports(exports: list[Export]) -> str:
    lines = [HEADER]
    for export in exports:
        specs = " ".join(f"{client.match}({_kernel_options(client)})" for client in export.clients)
        lines.append(f"{export.path} {specs}")
    return "\n".join(lines) + "\n"


def _kernel_options(client: Client) -> str:
    return ",".join([client.access, "sync" if client.sync else "async", client.squash,
                     "no_subtree_check", f"sec={client.security}"])


GANESHA_SQUASH = {"root_squash": "Root_Squash", "all_squash": "All_Squash", "no_root_squash": "No_Root_Squash"}


def render_ganesha_conf(exports: list[Export], grace_seconds: int = 90) -> str:
    """Ganesha has no async mode: it writes as the client asks (stable or unstable), so sync is the kernel's."""
    lines = [HEADER, "NFS_CORE_PARAM {", "    Protocols = 3, 4;", "}", "",
             # A lease may not outlast the grace in which clients reclaim what they held under it.
             "NFSV4 {", f"    Grace_Period = {grace_seconds};", f"    Lease_Lifetime = {min(60, grace_seconds)};",
             "}", ""]
    for export in exports:
        lines += ["EXPORT {", f"    Export_Id = {export.export_id};", f'    Path = "{export.path}";',
                  f'    Pseudo = "/{export.name}";', "    Protocols = 3, 4;", "    Transports = TCP;",
                  "    Access_Type = None;", "    FSAL {", "        Name = VFS;", "    }"]
        for client in export.clients:
            lines += ["    CLIENT {", f"        Clients = {client.match};",
                      f"        Access_Type = {client.access.upper()};",
                      f"        Squash = {GANESHA_SQUASH[client.squash]};",
                      f"        SecType = {client.security};", "    }"]
        lines += ["}", ""]
    return "\n".join(lines)
