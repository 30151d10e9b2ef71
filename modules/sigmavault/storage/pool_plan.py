"""Plan one btrfs pool: from what the box has (PoolFacts) to what the pillar declares, step by step."""

from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.steps import Plan
from sigmavault.storage.consent import wipe_commands
from sigmavault.storage.fstab import FstabEntry, recorded
from sigmavault.storage.layouts import metadata_profile
from sigmavault.storage.mount_options import needs_remount, pool_options, remount_options
from sigmavault.storage.pool_facts import PoolFacts

NEW_UUID = "<uuid of the new file system>"


def _names(paths, by_path: dict[str, str]) -> str:
    return ", ".join(f"{by_path.get(p, 'undeclared disk')} ({p})" for p in paths)


def plan_btrfs_pool(name: str, pool: dict, disks: dict, facts: PoolFacts) -> Plan:
    plan = Plan()
    where = storage_path("pools", name)
    absent = [d for d in pool["devices"] if d not in facts.devices]
    for disk in absent:
        plan.refusals.append(PillarError(storage_path("disks", disk), "no such disk is attached to this box"))
    if absent:
        return plan
    by_path = {device["path"]: disk for disk, device in facts.devices.items()}
    wanted = [facts.devices[d]["path"] for d in pool["devices"]]
    mountpoint, data, meta = pool["mountpoint"], pool["profile"]["data"], metadata_profile(pool)
    fs = facts.filesystem
    if fs is None:
        wipes = _consent(plan, pool["devices"], facts, disks)
        if plan.refusals:
            return plan
        plan.add(f"format {_names(wanted, by_path)} as btrfs pool {name} (data {data}, metadata {meta})",
                 *wipes, ["mkfs.btrfs", "--quiet", "--label", name, "--data", data, "--metadata", meta, *wanted])
        members, uuid, current = set(wanted), NEW_UUID, {"data": {data}, "metadata": {meta}}
    else:
        members, uuid, current = set(fs.devices), fs.uuid, facts.profiles
    mount = facts.mount
    ours = mount is not None and mount.fstype == "btrfs" and mount.source in members and mount.root == "/"
    if mount is not None and not ours:
        plan.refusals.append(PillarError(f"{where}.mountpoint",
                                         f"{mountpoint} already has {mount.source} ({mount.fstype}) mounted"))
        return plan
    options = pool_options(pool)
    if not ours:
        plan.add(f"mount pool {name} at {mountpoint}", ["mkdir", "-p", mountpoint],
                 ["btrfs", "device", "scan", *sorted(members)],
                 ["mount", "-t", "btrfs", "-o", ",".join(options), sorted(members)[0], mountpoint])
    balance = ["btrfs", "balance", "start", f"-dconvert={data}", f"-mconvert={meta}", mountpoint]
    added = [path for path in wanted if path not in members]
    if added:
        # One step adds and rebalances: facts are re-read after every step, and a member disk
        # no longer shows that it was just added.
        wipes = _consent(plan, [by_path[p] for p in added], facts, disks)
        plan.add(f"add disk {_names(added, by_path)} to pool {name} and rebalance (data {data}, metadata {meta})",
                 *wipes, *[["btrfs", "device", "add", path, mountpoint] for path in added], balance)
    removed = sorted(members - set(wanted))
    for path in removed:
        if by_path.get(path) not in pool["remove_devices"]:
            plan.refusals.append(PillarError(f"{where}.devices",
                f"pool {name} holds {_names([path], by_path)}, which devices no longer lists; to take it out, "
                f"add its disk name to {where}.remove_devices"))
    if plan.refusals:
        return plan
    # Convert before removing: raid1 on two disks cannot lose one until its data is single.
    if not added and current and (current.get("data") != {data} or current.get("metadata") != {meta}):
        # Lowering metadata redundancy (to single or dup) is what btrfs wants --force for.
        force = ["--force"] if meta in ("single", "dup") else []
        plan.add(f"convert pool {name} to data {data}, metadata {meta}", [*balance[:3], *force, *balance[3:]])
    for path in removed:
        plan.add(f"remove disk {_names([path], by_path)} from pool {name}, moving its data to the others",
                 ["btrfs", "device", "remove", path, mountpoint])
    if ours and needs_remount(mount, pool):
        plan.add(f"remount pool {name} with {','.join(options) or 'no compression'}",
                 ["mount", "-o", remount_options(pool), mountpoint])
    entry = FstabEntry(f"UUID={uuid}", mountpoint, "btrfs", tuple(options))
    if facts.fstab_line != entry.line():
        plan.add(f"record pool {name} in fstab: {entry.line()}",
                 edits=(recorded(facts.fstab_path, entry),))
    return plan


def _consent(plan: Plan, disk_names: list[str], facts: PoolFacts, disks: dict) -> list[list[str]]:
    commands = []
    for disk in disk_names:
        wipes, refusal = wipe_commands(disk, facts.devices[disk], disks)
        commands += wipes
        if refusal:
            plan.refusals.append(refusal)
    return commands
