"""Plan the NFS side: the export plan rendered for the chosen backend, which then rereads it;
the other backend's SigmaVault config is emptied so no export is served twice or orphaned."""

from dataclasses import dataclass
from pathlib import Path

from sigmavault.command import run_result
from sigmavault.files import read_text
from sigmavault.services import Daemon, converge_commands, systemd_runs, unit_active
from sigmavault.shares.nfs_exports import HEADER, export_plan, render_ganesha_conf, render_kernel_exports
from sigmavault.steps import Plan


@dataclass(frozen=True)
class NfsPaths:
    kernel_exports: Path    # <etc>/exports.d/sigmavault.exports
    ganesha_conf: Path      # <etc>/ganesha/ganesha.conf


def nfs_paths(etc: Path) -> NfsPaths:
    return NfsPaths(etc / "exports.d" / "sigmavault.exports", etc / "ganesha" / "ganesha.conf")


def ganesha(conf: Path) -> Daemon:
    return Daemon("nfs-ganesha", ("ganesha.nfsd", "-f", str(conf), "-L", "/var/log/ganesha/ganesha.log",
                                  "-p", "/run/ganesha/ganesha.pid"),
                  Path("/run/ganesha/ganesha.pid"), ("kill", "-HUP", "{pid}"))


NFS_KERNEL = "nfs-server"


def _rpcbind_commands() -> list[list[str]]:
    """NFSv3 clients find the mount protocol through the port mapper, where Ganesha registers when it
    starts; under systemd the ganesha unit pulls rpcbind in itself."""
    if systemd_runs() or run_result(["rpcinfo", "-p", "127.0.0.1"]).returncode == 0:
        return []
    return [["rpcbind", "-w"]]


def plan_nfs(document: dict, paths: NfsPaths) -> Plan:
    plan = Plan()
    exports = export_plan(document)
    server = document.get("shares", {}).get("nfs_server", {})
    backend = server.get("backend", "kernel")
    texts = {"kernel": render_kernel_exports(exports),
             "ganesha": render_ganesha_conf(exports, server.get("grace_seconds", 90))}
    files = {"kernel": paths.kernel_exports, "ganesha": paths.ganesha_conf}
    for name in ("kernel", "ganesha"):
        wanted = bool(exports) and name == backend
        current = read_text(files[name])
        if not wanted and not (current or "").startswith(HEADER):
            continue    # not ours and not needed: the box's own NFS setup is left alone
        text = texts[name] if wanted else HEADER
        changed = text != current
        commands = _backend_commands(name, paths, changed, wanted)
        if changed or commands:
            verb = f"write the {name} NFS exports ({', '.join(e.name for e in exports)})" if wanted \
                else f"empty SigmaVault's {name} NFS exports"
            plan.add(verb if changed else f"bring the {name} NFS server up", *commands,
                     writes=((str(files[name]), text),) if changed else ())
    return plan


def _backend_commands(name: str, paths: NfsPaths, changed: bool, wanted: bool) -> list[list[str]]:
    if name == "ganesha":
        commands = converge_commands(ganesha(paths.ganesha_conf), changed, wanted)
        if commands and wanted:
            commands = _rpcbind_commands() + [["mkdir", "-p", "/var/lib/nfs/ganesha", "/run/ganesha"]] + commands
        return commands
    commands = [["exportfs", "-ra"]] if changed else []
    if wanted and systemd_runs() and not unit_active(NFS_KERNEL):
        commands = [["systemctl", "enable", "--now", NFS_KERNEL], *commands]
    return commands
