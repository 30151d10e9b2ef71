"""Find the block device a declared disk means, by the identity the pillar gives."""

import os

from sigmavault.storage.layouts import identity_of


def _normal_wwn(value: str | None) -> str | None:
    if not value:
        return None
    value = value.lower()
    for prefix in ("0x", "naa.", "eui.", "t10."):
        value = value.removeprefix(prefix)
    return value


def matches(disk: dict, device: dict) -> bool:
    identity = identity_of(disk)
    if identity is None:
        return False
    key, value = identity
    if key == "by_id":
        return value in device["by_id"]
    if key == "serial":
        return value == device.get("serial")
    if key == "wwn":
        return _normal_wwn(value) == _normal_wwn(device.get("wwn"))
    if key == "backing_file":
        return device.get("backing_file") is not None and os.path.realpath(value) == device["backing_file"]
    return os.path.realpath(value) == device["path"]


def resolve(disk: dict, inventory: list[dict]) -> list[dict]:
    """Every device that answers to the disk's identity; exactly one is the healthy case."""
    return [device for device in inventory if matches(disk, device)]
