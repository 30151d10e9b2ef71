"""What the pools and datasets look like right now: mounted or not, size, use, quotas."""

import os
from pathlib import Path

from sigmavault.compression.fsstats import dataset_compression
from sigmavault.mounts import mounted_at, read_mounts
from sigmavault.storage import btrfs_facts
from sigmavault.storage.mdadm_facts import read_mdadm_facts
from sigmavault.storage.mdadm_plan import array_health
from sigmavault.storage.pool_facts import read_pool_facts


def _usage(mountpoint: str) -> dict:
    stats = os.statvfs(mountpoint)
    size, free = stats.f_blocks * stats.f_frsize, stats.f_bavail * stats.f_frsize
    return {"size_bytes": size, "used_bytes": size - stats.f_bfree * stats.f_frsize, "free_bytes": free}


def _dataset_status(pool: dict, name: str, dataset: dict, limits: dict | None) -> dict:
    path = os.path.join(pool["mountpoint"], name)
    entry = {"name": name, "path": path, "mountpoint": dataset["mountpoint"], "exists": False}
    if not (os.path.isdir(path) and btrfs_facts.is_subvolume(path)):
        return entry
    referenced, limit = (limits or {}).get(btrfs_facts.subvolume_id(path), (None, None))
    compression = btrfs_facts.compression_property(path) or f"pool ({pool['compression']})"
    if btrfs_facts.has_nocow(path):
        compression = "none (nodatacow)"
    entry.update(exists=True, referenced_bytes=referenced, quota_bytes=limit, compression=compression)
    entry["compsize"] = dataset_compression(path)  # on disk vs logical bytes, per compression type
    return entry


def pool_status(storage: dict, fstab_path: Path) -> list[dict]:
    report, mounts = [], read_mounts()
    for name, pool in sorted(storage["pools"].items()):
        entry = {"name": name, "type": pool["type"], "mountpoint": pool["mountpoint"], "mounted": False,
                 "devices": pool["devices"], "datasets": []}
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
            entry["datasets"] = [_dataset_status(pool, n, d, limits) for n, d in sorted(pool["datasets"].items())]
        report.append(entry)
    return report
