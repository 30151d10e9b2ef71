"""Read the LUKS side of an encrypted pool: device-mapper in the kernel, the pool's key file, and which of
its volumes are open (as /dev/mapper/sv-<pool>-<n>, the volume's LUKS2 label)."""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.command import run_result
from sigmavault.disks import signatures
from sigmavault.disks.inventory import mount_sources
from sigmavault.files import read_text
from sigmavault.mounts import read_mounts

MAPPER_DIR = Path("/dev/mapper")
LUKS = "crypto_LUKS"


def volume_name(pool: str, number: int) -> str:
    return f"sv-{pool}-{number}"


def mapper_path(name: str) -> str:
    return str(MAPPER_DIR / name)


# sv-<pool>-<n>, the pool named as the schema allows (1-32 of a-z 0-9 _ -, starting with a letter).
_VOLUME_LABEL = re.compile(r"sv-([a-z][a-z0-9_-]{0,31})-(\d+)")


def volume_label(device: dict) -> tuple[str, int] | None:
    """(pool, n) when the device is a LUKS volume labelled sv-<pool>-<n>, else None."""
    signature = device.get("signature") or {}
    found = _VOLUME_LABEL.fullmatch(signature.get("label") or "") if signature.get("type") == LUKS else None
    return (found.group(1), int(found.group(2))) if found else None


def volume_number(pool: str, device: dict) -> int | None:
    """n when the device is a LUKS volume labelled sv-<pool>-<n> (one of this pool's), else None."""
    label = volume_label(device)
    return label[1] if label and label[0] == pool else None


@dataclass
class LuksFacts:
    device_mapper: bool                  # the kernel has device-mapper: volumes can be opened here
    key_present: bool                    # <state dir>/keys/volumes/<pool>.age exists
    opened: dict[str, dict] = field(default_factory=dict)   # volume name -> the open mapper device


def _listed(proc_misc: Path) -> bool:
    return any(line.split()[-1:] == ["device-mapper"] for line in (read_text(proc_misc) or "").splitlines())


def load_dm_crypt() -> None:
    """Debian's kernel builds device-mapper and dm-crypt as modules: /proc/misc lists them once loaded."""
    if shutil.which("modprobe"):
        run_result(["modprobe", "-q", "dm_crypt"])


def device_mapper_present(proc_misc: Path = Path("/proc/misc"), load=load_dm_crypt) -> bool:
    if _listed(proc_misc):
        return True
    load()
    return _listed(proc_misc)


def opened_volume(name: str, mounts: dict[str, list[str]]) -> dict | None:
    """The open volume as a disk entry (path, signature, holders, mounted_at, backing devices)."""
    path = Path(mapper_path(name))
    if not path.exists():
        return None
    kernel = Path("/sys/block") / os.path.basename(os.path.realpath(path))
    signature = signatures.probe(str(path))
    return {"path": str(path), "signature": signature.as_dict() if signature else None,
            "holders": sorted(os.listdir(kernel / "holders")) if (kernel / "holders").is_dir() else [],
            "backing": sorted(os.listdir(kernel / "slaves")) if (kernel / "slaves").is_dir() else [],
            "mounted_at": sorted(mounts.get(str(path), []) + mounts.get(f"/dev/{kernel.name}", []))}


def read_luks_facts(pool: str, devices: list[dict], key_present: bool) -> LuksFacts:
    facts = LuksFacts(device_mapper=device_mapper_present(), key_present=key_present)
    mounts = mount_sources(read_mounts())
    for device in devices:
        number = volume_number(pool, device)
        if number is not None and (entry := opened_volume(volume_name(pool, number), mounts)):
            facts.opened[volume_name(pool, number)] = entry
    return facts


def open_volumes(pool: str, devices: dict[str, dict], facts: LuksFacts) -> dict[str, dict]:
    """Declared disk -> its open volume, for the disks whose volume is open."""
    found = {}
    for disk, device in devices.items():
        number = volume_number(pool, device)
        if number is not None and volume_name(pool, number) in facts.opened:
            found[disk] = facts.opened[volume_name(pool, number)]
    return found


def array_entry(facts) -> dict:
    """An md array (MdadmFacts) as a disk entry: blank while it does not exist yet."""
    signature = facts.filesystem.as_dict() if facts.array is not None and facts.filesystem else None
    return {"path": facts.array_path, "name": os.path.basename(facts.kernel_device or facts.array_path),
            "signature": signature, "holders": [], "mounted_at": []}
