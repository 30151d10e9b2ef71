"""Plan one dataset (a btrfs subvolume): create it, then bring compression, nodatacow, quota and mounts in line."""

import os

from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.steps import Plan
from sigmavault.storage.dataset_facts import DatasetFacts
from sigmavault.storage.fstab import FstabEntry, recorded
from sigmavault.storage.mount_options import pool_options
from sigmavault.storage.sizes import to_bytes


def plan_dataset(pool_name: str, pool: dict, name: str, dataset: dict, facts: DatasetFacts) -> Plan:
    plan = Plan()
    where = storage_path("pools", pool_name, "datasets", name)
    path = os.path.join(pool["mountpoint"], name)
    if facts.blocked_by:
        plan.refusals.append(PillarError(where, f"{path} exists and is not a btrfs subvolume; move it away "
                                                "or pick another dataset name"))
        return plan
    if not facts.exists:
        plan.add(f"create dataset {pool_name}/{name} at {path}", ["btrfs", "subvolume", "create", path])
    # btrfs refuses a compression property on a nodatacow inode (and cannot compress one anyway):
    # a nodatacow dataset carries no property, cleared before +C and set only after -C.
    wanted = "" if dataset["nodatacow"] else (dataset["compression"] or "")
    cow_steps, compression_steps = [], []
    if dataset["nodatacow"] != facts.nodatacow:
        flag = "+C" if dataset["nodatacow"] else "-C"
        cow_steps.append((f"turn copy-on-write {'off' if dataset['nodatacow'] else 'on'} for new files in "
                          f"{pool_name}/{name}", ["chattr", flag, path]))
    if wanted != facts.compression:
        compression_steps.append((f"set compression of {pool_name}/{name} to {wanted or 'the pool default'}",
                                  ["btrfs", "property", "set", path, "compression", wanted]))
    ordered = compression_steps + cow_steps if dataset["nodatacow"] else cow_steps + compression_steps
    for summary, command in ordered:
        plan.add(summary, command)
    _plan_quota(plan, pool, pool_name, name, path, dataset, facts)
    if dataset["mountpoint"]:
        _plan_mount(plan, pool, pool_name, name, dataset["mountpoint"], facts)
    return plan


def _plan_quota(plan: Plan, pool: dict, pool_name: str, name: str, path: str, dataset: dict,
                facts: DatasetFacts) -> None:
    limit = to_bytes(dataset["quota"]) if dataset["quota"] else None
    if limit == facts.limit:
        return
    if limit is not None and not facts.quotas_enabled:
        plan.add(f"enable quotas on pool {pool_name}", ["btrfs", "quota", "enable", pool["mountpoint"]])
    if limit is not None or facts.quotas_enabled:
        plan.add(f"limit {pool_name}/{name} to {dataset['quota'] or 'no quota'}",
                 ["btrfs", "qgroup", "limit", str(limit) if limit else "none", path])


def _plan_mount(plan: Plan, pool: dict, pool_name: str, name: str, mountpoint: str, facts: DatasetFacts) -> None:
    options = [f"subvol={name}", *pool_options(pool)]
    mount = facts.mount
    if mount is not None and not (mount.fstype == "btrfs" and mount.root == f"/{name}"):
        plan.refusals.append(PillarError(storage_path("pools", pool_name, "datasets", name, "mountpoint"),
                                         f"{mountpoint} already has {mount.source} ({mount.fstype}) mounted"))
        return
    uuid = facts.pool_uuid or "<uuid of the pool>"
    if mount is None:
        plan.add(f"mount dataset {pool_name}/{name} at {mountpoint}", ["mkdir", "-p", mountpoint],
                 ["mount", "-t", "btrfs", "-o", ",".join(options), f"UUID={uuid}", mountpoint])
    entry = FstabEntry(f"UUID={uuid}", mountpoint, "btrfs", tuple(options))
    if facts.fstab_line != entry.line():
        plan.add(f"record dataset {pool_name}/{name} in fstab: {entry.line()}",
                 edits=(recorded(facts.fstab_path, entry),))
