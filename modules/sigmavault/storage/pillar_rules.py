"""Cross-key rules of sigmavault.storage that the schema alone cannot say."""

from collections.abc import Iterator

from sigmavault.disks.identity import IDENTITY_KEYS, identity_of
from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.storage.layouts import is_system_path, minimum_devices
from sigmavault.storage.mount_options import MANAGED_OPTIONS
from sigmavault.storage.sizes import BTRFS_MAX_LIMIT, to_bytes


def storage_errors(storage: dict) -> Iterator[PillarError]:
    disks = storage.get("disks", {})
    yield from _disk_identity_errors(disks)
    owners: dict[str, str] = {}
    mountpoints: dict[str, str] = {}
    for name, pool in storage.get("pools", {}).items():
        yield from _pool_device_errors(name, pool, disks, owners)
        yield from _pool_type_errors(name, pool)
        yield from _mount_option_errors(name, pool)
        yield from _mountpoint_errors(storage_path("pools", name, "mountpoint"), pool["mountpoint"], mountpoints)
        for dataset_name, dataset in pool["datasets"].items():
            yield from _dataset_errors(name, dataset_name, dataset, mountpoints)


def _disk_identity_errors(disks: dict) -> Iterator[PillarError]:
    for name, disk in disks.items():
        if identity_of(disk) is None:
            yield PillarError(storage_path("disks", name),
                              "give exactly one of " + ", ".join(IDENTITY_KEYS) + " to say which disk this is")


def _pool_device_errors(name: str, pool: dict, disks: dict, owners: dict) -> Iterator[PillarError]:
    declared = ", ".join(sorted(disks)) or "none"
    for index, disk in enumerate(pool["devices"]):
        where = storage_path("pools", name, "devices", index)
        if disk not in disks:
            yield PillarError(where, f"no disk named {disk!r} under sigmavault.storage.disks (declared: {declared})")
        elif disk in owners:
            yield PillarError(where, f"disk {disk!r} already belongs to pool {owners[disk]!r}; a disk serves one pool")
        else:
            owners[disk] = name
    needed = minimum_devices(pool) if pool["type"] == "btrfs" or pool.get("level") else 0
    if len(pool["devices"]) < needed:
        layout = f"level {pool['level']}" if pool["type"] == "mdadm" else f"profile {pool['profile']['data']}"
        yield PillarError(storage_path("pools", name, "devices"),
                          f"{layout} needs at least {needed} disks, {len(pool['devices'])} listed")
    for index, disk in enumerate(pool["remove_devices"]):
        where = storage_path("pools", name, "remove_devices", index)
        if disk not in disks:
            yield PillarError(where, f"no disk named {disk!r} under sigmavault.storage.disks (declared: {declared})")
        elif disk in pool["devices"]:
            yield PillarError(where, f"disk {disk!r} is still listed in devices; a disk is either kept or removed")


def _pool_type_errors(name: str, pool: dict) -> Iterator[PillarError]:
    if pool["type"] == "mdadm":
        if pool.get("level") is None:
            yield PillarError(storage_path("pools", name, "level"), "an mdadm pool needs a RAID level: 1, 5, 6 or 10")
        if pool["datasets"]:
            yield PillarError(storage_path("pools", name, "datasets"),
                              "datasets need a btrfs pool; share the mdadm pool's mountpoint or a folder in it")
    elif pool.get("level") is not None:
        yield PillarError(storage_path("pools", name, "level"),
                          "level is for mdadm pools; a btrfs pool sets its redundancy in profile.data")


def _mount_option_errors(name: str, pool: dict) -> Iterator[PillarError]:
    for index, option in enumerate(pool["mount_options"]):
        if option.split("=", 1)[0] in MANAGED_OPTIONS:
            yield PillarError(storage_path("pools", name, "mount_options", index),
                              f"{option!r} is set by SigmaVault itself; use the pool's or dataset's compression key")


def _mountpoint_errors(where: str, mountpoint: str, seen: dict) -> Iterator[PillarError]:
    if is_system_path(mountpoint):
        yield PillarError(where, f"{mountpoint} belongs to the operating system; mount pools under /srv or /mnt")
    elif mountpoint in seen:
        yield PillarError(where, f"{mountpoint} is already the mountpoint of {seen[mountpoint]}")
    else:
        seen[mountpoint] = where


def _dataset_errors(pool: str, name: str, dataset: dict, mountpoints: dict) -> Iterator[PillarError]:
    if dataset["mountpoint"]:
        yield from _mountpoint_errors(storage_path("pools", pool, "datasets", name, "mountpoint"),
                                      dataset["mountpoint"], mountpoints)
    if dataset["quota"] and to_bytes(dataset["quota"]) > BTRFS_MAX_LIMIT:
        yield PillarError(storage_path("pools", pool, "datasets", name, "quota"),
                          f"{dataset['quota']} is more than btrfs can count (16 EiB)")
    if dataset["nodatacow"] and dataset["compression"] not in (None, "none"):
        yield PillarError(storage_path("pools", pool, "datasets", name, "compression"),
                          "btrfs cannot compress a nodatacow dataset; set compression: none or nodatacow: false")
