"""Plan the LUKS2 layer of an encrypted pool: each member disk (or the md array) becomes a LUKS2 volume
labelled sv-<pool>-<n>, opened as /dev/mapper/sv-<pool>-<n>; the file system goes on the open volumes.

Order: encrypt (consent first) -> open -> the file system's own plan on the mapper devices. The key is
the pool's sealed key file (secrets.volumekeys), read when a step runs and fed on stdin, never in argv.
"""

from sigmavault.disks.signatures import RAID_MEMBER, Signature, names_pool
from sigmavault.encryption import luks
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.steps import Plan
from sigmavault.storage.consent import wipe_commands
from sigmavault.storage.luks_facts import LuksFacts, mapper_path, volume_name, volume_number

Member = tuple[str | None, dict]    # (declared disk name, or None for an md array; its device entry)


def _blank(name: str) -> dict:
    """What a freshly formatted volume shows once open: nothing yet."""
    return {"path": mapper_path(name), "signature": None, "holders": [], "mounted_at": []}


def plan_volumes(pool_name: str, members: list[Member], disks: dict, facts: LuksFacts,
                 keys: VolumeKeys) -> tuple[Plan, dict[str, dict] | None]:
    """Steps that make and open the volumes, and member path -> the device its file system goes on;
    None while an existing volume is closed (what it holds is known once it opens: the next plan says)."""
    plan, where = Plan(), storage_path("pools", pool_name, "encrypted")
    taken = {n for _, device in members if (n := volume_number(pool_name, device)) is not None}
    fresh = (n for n in range(10_000) if n not in taken)
    targets: dict[str, dict] | None = {}
    for disk, device in members:
        path, number = device["path"], volume_number(pool_name, device)
        if number is not None:
            name = volume_name(pool_name, number)
            if name in facts.opened:
                targets[path] = facts.opened[name]
                _check_backing(plan, where, name, device, facts.opened[name])
                continue
            if not facts.key_present:
                plan.refusals.append(PillarError(where, (
                    f"{path} is volume {name} of pool {pool_name}, but its sealed key file "
                    f"{keys.path(pool_name)} is missing; copy it back from your backup (on a new box, then run "
                    "`sigmavault keys recover` with your recovery key)")))
                continue
            plan.add(f"open encrypted volume {name} ({path}) at {mapper_path(name)}", luks.open_argv(path, name),
                     secret=keys.loader(pool_name))
            targets = None
            continue
        if names_pool(device.get("signature"), pool_name, ("btrfs", RAID_MEMBER)):
            plan.refusals.append(PillarError(where, (
                f"{path} holds pool {pool_name} unencrypted; encrypted: true makes new pools only. Copy the data "
                "off, then give the pool new disks or set wipe: true on these")))
            continue
        wipes = _consent(plan, where, disk, device, disks)
        if plan.refusals:
            continue
        name = volume_name(pool_name, next(fresh))
        plan.add(f"encrypt {disk or 'array'} ({path}) as LUKS2 volume {name}, its key sealed to the node key and "
                 f"{len(keys.recovery_recipients)} recovery key(s) in {keys.path(pool_name)}",
                 *wipes, luks.format_argv(path, name), secret=keys.loader(pool_name, make=True))
        plan.add(f"open encrypted volume {name} ({path}) at {mapper_path(name)}", luks.open_argv(path, name),
                 secret=keys.loader(pool_name))
        if targets is not None:
            targets[path] = _blank(name)
    if plan.steps and not facts.device_mapper:
        plan.refusals.append(PillarError(where, (
            "this kernel has no device-mapper (dm-crypt), so the pool's volumes could not be opened here; "
            "nothing was formatted. Boot a kernel with dm-crypt, or set encrypted: false")))
    if plan.refusals:
        return Plan(refusals=plan.refusals), None
    return plan, targets


def _consent(plan: Plan, where: str, disk: str | None, device: dict, disks: dict) -> list[list[str]]:
    if disk is not None:
        wipes, refusal = wipe_commands(disk, device, disks)
    elif device.get("signature"):    # an md array is never wiped: it was made blank, or holds data
        wipes, refusal = [], PillarError(where, (
            f"{device['path']} holds {Signature(**device['signature']).describe()}; SigmaVault encrypts "
            "only a new, blank array"))
    else:
        wipes, refusal = [], None
    if refusal:
        plan.refusals.append(refusal)
    return wipes


def _check_backing(plan: Plan, where: str, name: str, device: dict, opened: dict) -> None:
    """An open sv-<pool>-<n> must sit on the disk labelled so, not on another one with the same label."""
    kernel = device.get("name") or device["path"].rsplit("/", 1)[-1]
    if opened.get("backing") and kernel not in opened["backing"]:
        plan.refusals.append(PillarError(where, (
            f"{mapper_path(name)} is open on {', '.join(opened['backing'])}, not on {device['path']}, which is "
            f"labelled {name} too; close the other one (cryptsetup close {name})")))


def members_of(pool: dict, devices: dict[str, dict]) -> list[Member]:
    return [(disk, devices[disk]) for disk in pool["devices"] if disk in devices]


def through_volume(plan: Plan, pool_name: str, entry: dict, disks: dict, facts: LuksFacts,
                   keys: VolumeKeys) -> dict | None:
    """One volume on an md array: its steps join plan; the device the file system goes on, or None."""
    steps, targets = plan_volumes(pool_name, [(None, entry)], disks, facts, keys)
    plan.steps += steps.steps
    plan.refusals += steps.refusals
    return targets[entry["path"]] if targets else None
