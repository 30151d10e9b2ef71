"""What the pools and datasets look like right now: mounted or not, size, use, quotas.

Status answers whatever the pillar says: the pools it declares, and beside them every pool the site's
fstab records (SigmaVault records each pool it mounts there) that the pillar does not declare or that a
refused pillar hides. A mounted pool is shown with what btrfs says it holds, not with what was declared."""

import os
from pathlib import Path

from sigmavault.command import CommandError, run_result
from sigmavault.compression.fsstats import dataset_compression
from sigmavault.disks.inventory import list_disks
from sigmavault.mounts import Mount, mounted_at, read_mounts
from sigmavault.storage import btrfs_facts, fstab
from sigmavault.storage.layouts import is_system_path
from sigmavault.storage.mdadm_facts import read_mdadm_facts
from sigmavault.storage.mdadm_plan import array_health
from sigmavault.storage.pool_facts import read_pool_facts

POOL_FILESYSTEMS = ("btrfs", "ext4", "xfs")


def _usage(mountpoint: str) -> dict:
    stats = os.statvfs(mountpoint)
    size, free = stats.f_blocks * stats.f_frsize, stats.f_bavail * stats.f_frsize
    return {"size_bytes": size, "used_bytes": size - stats.f_bfree * stats.f_frsize, "free_bytes": free}


def _dataset_status(pool_mountpoint: str, pool_compression: str, name: str, mountpoint: str | None,
                    limits: dict | None) -> dict:
    path = os.path.join(pool_mountpoint, name)
    entry = {"name": name, "path": path, "mountpoint": mountpoint, "exists": False}
    if not (os.path.isdir(path) and btrfs_facts.is_subvolume(path)):
        return entry
    referenced, limit = (limits or {}).get(btrfs_facts.subvolume_id(path), (None, None))
    compression = btrfs_facts.compression_property(path) or f"pool ({pool_compression})"
    if btrfs_facts.has_nocow(path):
        compression = "none (nodatacow)"
    entry.update(exists=True, referenced_bytes=referenced, quota_bytes=limit, compression=compression)
    entry["compsize"] = dataset_compression(path)  # on disk vs logical bytes, per compression type
    return entry


def subvolume_names(mountpoint: str) -> list[str]:
    """The subvolumes right under a mounted pool (its datasets), without hidden ones such as .snapshots."""
    done = run_result(["btrfs", "subvolume", "list", "-o", mountpoint])
    names = [line.split(" path ", 1)[1] for line in done.stdout.splitlines() if " path " in line]
    return sorted(name for name in names if "/" not in name and not name.startswith("."))


def _undeclared_datasets(entry: dict, compression: str, limits: dict | None, mountpoints: dict[str, str]) -> list:
    """Subvolumes on the pool that the pillar does not (or, refused, cannot) declare: kept data."""
    known = {dataset["name"] for dataset in entry["datasets"]}
    return [{**_dataset_status(entry["mountpoint"], compression, name, mountpoints.get(name), limits),
             "declared": False}
            for name in subvolume_names(entry["mountpoint"]) if name not in known]


def pool_status(storage: dict, fstab_path: Path) -> list[dict]:
    report, mounts = [], read_mounts()
    for name, pool in sorted(storage["pools"].items()):
        entry = {"name": name, "type": pool["type"], "mountpoint": pool["mountpoint"], "mounted": False,
                 "devices": pool["devices"], "datasets": [], "declared": True}
        mount = mounted_at(pool["mountpoint"], mounts)
        if pool["type"] == "btrfs":
            facts = read_pool_facts(name, pool, storage["disks"], fstab_path)
            entry["uuid"] = facts.filesystem.uuid if facts.filesystem else None
            entry["mounted"] = bool(facts.profiles)
            entry["profiles"] = {kind: sorted(found) for kind, found in facts.profiles.items() if kind != "system"}
        else:
            entry["mounted"] = mount is not None
            entry["health"] = array_health(name, read_mdadm_facts(name, pool, storage["disks"], fstab_path))
        if entry["mounted"]:
            entry.update(_usage(pool["mountpoint"]))
            limits = btrfs_facts.qgroup_limits(pool["mountpoint"]) if pool["type"] == "btrfs" else None
            entry["datasets"] = [{**_dataset_status(pool["mountpoint"], pool["compression"], n, d["mountpoint"],
                                                    limits), "declared": True}
                                 for n, d in sorted(pool["datasets"].items())]
            if pool["type"] == "btrfs":
                entry["datasets"] += _undeclared_datasets(entry, pool["compression"], limits, {})
        report.append(entry)
    return report


def _recorded_pools(fstab_text: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(uuid, mountpoint, fstype, options) of the fstab's whole-pool lines: a UUID= source, a pool's file
    system, not a system path, not a dataset (subvol=) mount."""
    found = []
    for line in fstab_text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[0].startswith("#") or not fields[0].startswith("UUID="):
            continue
        options = tuple(fields[3].split(","))
        if fields[2] in POOL_FILESYSTEMS and not is_system_path(fields[1]) and \
                not any(o.startswith("subvol=") for o in options):
            found.append((fields[0][len("UUID="):], fields[1], fields[2], options))
    return found


def _dataset_mounts(fstab_text: str, uuid: str) -> dict[str, str]:
    """Dataset name -> its own mountpoint, from the fstab's subvol= lines of one pool."""
    found = {}
    for line in fstab_text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0] == f"UUID={uuid}":
            for option in fields[3].split(","):
                if option.startswith("subvol="):
                    found[option[len("subvol="):].strip("/")] = fields[1]
    return found


def _found_pool(uuid: str, mountpoint: str, fstype: str, mount: Mount | None, disks: list[dict],
                fstab_text: str) -> dict:
    members = [d for d in disks if (d.get("signature") or {}).get("uuid") == uuid]
    label = next((d["signature"]["label"] for d in members if d["signature"].get("label")), None)
    entry = {"name": label or os.path.basename(mountpoint) or mountpoint, "type": fstype, "mountpoint": mountpoint,
             "uuid": uuid, "declared": False, "devices": [d["path"] for d in members], "datasets": [],
             "mounted": bool(mount and mount.fstype == fstype)}
    if not entry["mounted"]:
        return entry
    entry.update(_usage(mountpoint))
    if fstype == "btrfs":
        profiles = btrfs_facts.profiles(mountpoint)
        entry["profiles"] = {kind: sorted(found) for kind, found in profiles.items() if kind != "system"}
        compression = mount.option_value("compress") or mount.option_value("compress-force") or "none"
        entry["datasets"] = _undeclared_datasets(entry, compression, btrfs_facts.qgroup_limits(mountpoint),
                                                 _dataset_mounts(fstab_text, uuid))
    return entry


def found_pools(fstab_path: Path, declared_mountpoints: set[str], disks: list[dict]) -> list[dict]:
    """Pools the site's fstab records that are not among the declared ones, as the box has them."""
    text, mounts = fstab.read(fstab_path), read_mounts()
    return [_found_pool(uuid, mountpoint, fstype, mounted_at(mountpoint, mounts), disks, text)
            for uuid, mountpoint, fstype, _options in _recorded_pools(text)
            if mountpoint not in declared_mountpoints]


def storage_status(document: dict, verdict: dict, fstab_path: Path) -> dict:
    """{"valid", "errors", "pillar_read", "pools", "disks"}: document is the pillar when its own rules hold, else {} (a
    refused pillar cannot be read safely); verdict is the pillar's verdict on this box."""
    base = {"valid": verdict["valid"], "errors": verdict["errors"], "pillar_read": bool(document)}
    try:
        disks = list_disks()
        declared = pool_status(document["storage"], fstab_path) if document else []
        found = found_pools(fstab_path, {pool["mountpoint"] for pool in declared}, disks)
        return {**base, "pools": declared + found, "disks": disks}
    except CommandError as error:
        return {**base, "pools": [], "disks": [], "error": str(error)}
