"""Cross-key rules of sigmavault.shares: what a share serves exists, who may use it is declared."""

import ipaddress
from collections.abc import Iterator

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path
from sigmavault.shares.nfs_exports import export_id
from sigmavault.shares.paths import own_mountpoint, pool_type, ref_exists, split_ref

# Section names smb.conf gives a meaning of its own (Samba compares share names without case).
RESERVED_SMB_NAMES = {"global", "homes", "printers", "ipc"}


def shares_errors(document: dict) -> Iterator[PillarError]:
    shares, storage = document.get("shares", {}), document.get("storage", {})
    users = document.get("users", {})
    seen: dict[str, str] = {}
    for name, share in shares.get("smb", {}).items():
        where = ("shares", "smb", name)
        if name.lower() in RESERVED_SMB_NAMES:
            yield PillarError(key_path(ROOT_KEY, *where), f"{name!r} is a name Samba keeps for itself; choose another")
        if name.lower() in seen:
            yield PillarError(key_path(ROOT_KEY, *where),
                              f"clients do not tell {name!r} from {seen[name.lower()]!r} (case is ignored); rename one")
        seen[name.lower()] = name
        yield from _dataset_errors(storage, share["dataset"], where)
        yield from _smb_access_errors(share, users, where)
        if share["previous_versions"] and ref_exists(storage, share["dataset"]) \
                and pool_type(storage, share["dataset"]) != "btrfs":
            yield PillarError(key_path(ROOT_KEY, *where, "previous_versions"),
                              "needs snapshots, which only btrfs pools have; set it to false")
    served: dict[str, str] = {}
    ids: dict[int, str] = {}
    for name, export in shares.get("nfs", {}).items():
        where = ("shares", "nfs", name)
        yield from _dataset_errors(storage, export["dataset"], where)
        if export["dataset"] in served:
            yield PillarError(key_path(ROOT_KEY, *where, "dataset"),
                              f"export {served[export['dataset']]!r} already serves {export['dataset']!r}; "
                              "list all its clients under that one export")
        served.setdefault(export["dataset"], name)
        if export_id(name) in ids:
            yield PillarError(key_path(ROOT_KEY, *where),
                              f"this name and {ids[export_id(name)]!r} map to the same NFS export id; rename one")
        ids.setdefault(export_id(name), name)
        yield from _client_errors(export["clients"], where)
        if shares.get("nfs_server", {}).get("backend") == "ganesha":
            yield from _ganesha_mount_errors(storage, export["dataset"], where)


def _dataset_errors(storage: dict, ref: str, where: tuple) -> Iterator[PillarError]:
    if not ref_exists(storage, ref):
        yield PillarError(key_path(ROOT_KEY, *where, "dataset"),
                          f"no pool or dataset {ref!r} under sigmavault.storage.pools; "
                          "give pool/dataset or a pool's name as declared there")


def _smb_access_errors(share: dict, users: dict, where: tuple) -> Iterator[PillarError]:
    for key, section in (("valid_users", "accounts"), ("valid_groups", "groups")):
        declared = users.get(section, {})
        for index, name in enumerate(share[key]):
            if name not in declared:
                yield PillarError(key_path(ROOT_KEY, *where, key, index),
                                  f"no {section[:-1]} named {name!r} under sigmavault.users.{section}")
    if share["guest"] and (share["valid_users"] or share["valid_groups"]):
        yield PillarError(key_path(ROOT_KEY, *where, "guest"),
                          "a guest share is open to anyone: drop valid_users and valid_groups, or set guest to false")
    if share["time_machine"] and share["read_only"]:
        yield PillarError(key_path(ROOT_KEY, *where, "time_machine"),
                          "Time Machine needs to write: set read_only to false")


def _ganesha_mount_errors(storage: dict, ref: str, where: tuple) -> Iterator[PillarError]:
    """Ganesha's VFS serves mounted file systems; a btrfs subvolume is one only where it is mounted itself."""
    pool, dataset = split_ref(ref)
    if ref_exists(storage, ref) and dataset and not own_mountpoint(storage, ref):
        yield PillarError(key_path(ROOT_KEY, *where, "dataset"),
                          f"NFS-Ganesha serves only mounted file systems: give the dataset a mountpoint "
                          f"(sigmavault.storage.pools.{pool}.datasets.{dataset}.mountpoint) or use the kernel backend")


def _client_errors(clients: list, where: tuple) -> Iterator[PillarError]:
    seen: set[str] = set()
    for index, client in enumerate(clients):
        match = client["match"]
        here = key_path(ROOT_KEY, *where, "clients", index, "match")
        if ":" in match or "/" in match or set(match) <= set("0123456789."):
            try:
                ipaddress.ip_network(match, strict=True)
            except ValueError as error:
                yield PillarError(here, f"{match!r} is not an address or network ({error})")
        if match in seen:
            yield PillarError(here, f"{match!r} is listed twice; give it one entry")
        seen.add(match)
