"""Grain sigmavault_disks: the box's disks with identity, size, rotation, existing signature, and what a disk
without a signature holds where labels live (data_found; None when it reads as zeros there)."""

from sigmavault.disks.inventory import list_disks


def sigmavault_disks() -> dict:
    return {"sigmavault_disks": list_disks()}
