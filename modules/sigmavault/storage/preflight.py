"""Before anything changes: every declared disk is attached, and no pool plan is refused."""

from collections.abc import Iterator

from sigmavault.disks import identity, inventory
from sigmavault.disks.identity import identity_of
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.site import Site
from sigmavault.storage.converge import pool_plan


def disk_errors(disks: dict, devices: list[dict]) -> Iterator[PillarError]:
    claimed: dict[str, str] = {}
    for name, disk in disks.items():
        found = identity.resolve(disk, devices)
        key, value = identity_of(disk)
        if len(found) == 1 and found[0]["path"] in claimed:
            yield PillarError(storage_path("disks", name, key),
                              f"is {found[0]['path']}, which disk {claimed[found[0]['path']]!r} names already; "
                              "declare each disk once")
        elif len(found) == 1:
            claimed[found[0]["path"]] = name
        if not found:
            present = ", ".join(d["path"] for d in devices) or "none"
            yield PillarError(storage_path("disks", name, key),
                              f"no attached disk has {key} {value!r} (attached: {present})")
        elif len(found) > 1:
            yield PillarError(storage_path("disks", name, key),
                              f"{key} {value!r} matches {len(found)} disks; use an identity only one disk has "
                              f"({', '.join(k for k in ('by_id', 'wwn', 'serial') if k != key)})")


def environment_errors(storage: dict, site: Site, keys: VolumeKeys) -> list[PillarError]:
    errors = list(disk_errors(storage["disks"], inventory.list_disks()))
    if errors:
        return errors
    for name in storage["pools"]:
        errors += pool_plan(storage, name, site, keys).refusals
    return errors
