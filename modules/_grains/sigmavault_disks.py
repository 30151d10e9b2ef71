"""Grain sigmavault_disks: the box's disks with identity, size, rotation and existing signature."""

from sigmavault.disks.inventory import list_disks


def sigmavault_disks() -> dict:
    return {"sigmavault_disks": list_disks()}
