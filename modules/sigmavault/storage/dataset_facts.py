"""Read what the box has for one dataset: its subvolume, properties, quota and mounts."""

import os
from dataclasses import dataclass
from pathlib import Path

from sigmavault.mounts import Mount, mounted_at, read_mounts
from sigmavault.site import DEFAULT_FSTAB
from sigmavault.storage import btrfs_facts, fstab


@dataclass
class DatasetFacts:
    pool_mounted: bool
    pool_uuid: str | None = None
    exists: bool = False
    blocked_by: str | None = None          # a plain file or folder sits where the subvolume belongs
    compression: str = ""
    nodatacow: bool = False
    quotas_enabled: bool = False
    limit: int | None = None
    referenced: int | None = None
    mount: Mount | None = None
    fstab_line: str | None = None
    fstab_path: Path = DEFAULT_FSTAB       # where the dataset's line is recorded


def read_dataset_facts(pool: dict, name: str, dataset: dict, pool_uuid: str | None, fstab_path: Path
                       ) -> DatasetFacts:
    mounts = read_mounts()
    pool_mount = mounted_at(pool["mountpoint"], mounts)
    facts = DatasetFacts(pool_mounted=bool(pool_mount and pool_mount.fstype == "btrfs" and pool_uuid),
                         pool_uuid=pool_uuid, fstab_path=fstab_path)
    if dataset["mountpoint"]:
        facts.mount = mounted_at(dataset["mountpoint"], mounts)
        facts.fstab_line = fstab.line_for(fstab.read(fstab_path), dataset["mountpoint"])
    if not facts.pool_mounted:
        return facts
    # Quotas belong to the pool: a dataset not made yet still finds them on (else plan says "enable quotas").
    limits = btrfs_facts.qgroup_limits(pool["mountpoint"])
    facts.quotas_enabled = limits is not None
    path = os.path.join(pool["mountpoint"], name)
    if not os.path.lexists(path):
        return facts
    if not btrfs_facts.is_subvolume(path):
        facts.blocked_by = path
        return facts
    facts.exists = True
    facts.compression = btrfs_facts.compression_property(path)
    facts.nodatacow = btrfs_facts.has_nocow(path)
    if limits is not None:
        facts.referenced, facts.limit = limits.get(btrfs_facts.subvolume_id(path), (None, None))
    return facts
