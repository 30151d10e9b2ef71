"""Open every encrypted pool's volumes with the node key, at boot before the pools mount: no typed
passphrase. The LUKS2 labels say which volumes are ours (sv-<pool>-<n>), so no pillar is needed."""

import os
from dataclasses import dataclass, field

from sigmavault.command import CommandError, run
from sigmavault.crypto.recipients import Identity
from sigmavault.disks import inventory
from sigmavault.encryption import luks
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.storage.luks_facts import mapper_path, volume_label


@dataclass
class UnlockReport:
    opened: list[str] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def volumes(devices: list[dict]) -> list[tuple[str, str, str]]:
    """(device path, pool, volume name) of every LUKS volume labelled sv-<pool>-<n>."""
    return [(device["path"], label[0], device["signature"]["label"])
            for device in devices if (label := volume_label(device))]


def unlock(keys: VolumeKeys, identities: list[Identity] | None = None,
           devices: list[dict] | None = None) -> UnlockReport:
    """Open each closed volume with its pool's key file (node key, or the identities given)."""
    report = UnlockReport()
    for path, pool, name in volumes(inventory.list_disks() if devices is None else devices):
        if os.path.exists(mapper_path(name)):
            report.already_open.append(name)
            continue
        try:
            if not keys.exists(pool):
                raise SealedError(f"no key file {keys.path(pool)}")
            run(luks.open_argv(path, name), stdin=keys.load(pool, identities))
            report.opened.append(name)
        except (SealedError, CommandError) as error:
            report.failed.append(f"{name} ({path}): {error}")
    return report
