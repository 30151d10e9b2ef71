"""Find the block device a declared disk means, by the identity the pillar gives."""

import os

# The ways a disk may be named, most stable first; a declaration uses exactly one.
IDENTITY_KEYS = ("by_id", "serial", "wwn", "backing_file", "path")


def identity_of(disk: dict) -> tuple[str, str] | None:
    """The one identity a disk is declared by, as (key, value)."""
    found = [(key, disk[key]) for key in IDENTITY_KEYS if disk.get(key)]
    return found[0] if len(found) == 1 else None


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
