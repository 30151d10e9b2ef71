"""Read what the box has for one mdadm pool: its disks, the array, the file system on it, its mount,
its fstab line and mdadm.conf (whose ARRAY lines mdadm_conf.py parses)."""

import os
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from sigmavault.command import run
from sigmavault.disks import inventory, signatures
from sigmavault.disks.signatures import Signature
from sigmavault.files import read_text
from sigmavault.mounts import Mount, mounted_at, read_mounts
from sigmavault.site import DEFAULT_FSTAB
from sigmavault.storage import fstab
from sigmavault.storage.luks_facts import LuksFacts
from sigmavault.storage.pool_facts import resolve_disks

MDADM_CONF = Path("/etc/mdadm/mdadm.conf")
SYS_BLOCK = Path("/sys/class/block")
_MEMBER = re.compile(r"^MD_DEVICE_(\w+)_(ROLE|DEV)$")


@dataclass(frozen=True)
class MdArray:
    level: str                  # as mdadm names it: raid1, raid5, raid6, raid10 (or raid0, linear, …)
    raid_devices: int
    uuid: str | None            # mdadm's form: 4 groups of 8 hex digits joined by ':'
    name: str | None            # the superblock's name, homehost:name
    metadata: str | None
    members: dict[str, str] = field(default_factory=dict)   # member device path -> role: "0", "1", … or "spare"


@dataclass
class MdadmFacts:
    devices: dict[str, dict]                # declared disk name -> inventory entry (present disks only)
    array_path: str                         # /dev/md/<pool name>
    array: MdArray | None = None            # None: no array runs at array_path
    kernel_device: str | None = None        # /dev/md127: what the mount table shows as the source
    array_state: str | None = None          # sysfs md/array_state: clean, active, inactive, …
    degraded: int = 0                       # member slots without an in-sync disk (sysfs md/degraded)
    sync_action: str | None = None          # idle, resync, recover, check, reshape
    filesystem: Signature | None = None     # what blkid -p finds on the array
    mount: Mount | None = None              # whatever is mounted at the pool's mountpoint
    fstab_line: str | None = None
    fstab_path: Path = DEFAULT_FSTAB
    conf_path: Path = MDADM_CONF
    conf_text: str = ""                     # all of mdadm.conf: the plan rewrites it whole, in one rename
    luks: LuksFacts | None = None           # an encrypted pool's volume on the array
    # The boot image assembles arrays from its own copy of mdadm.conf: refresh it when the box's conf changes.
    initramfs_refresh: tuple[str, ...] = ()


def initramfs_refresh(conf_path: Path) -> tuple[str, ...]:
    """`update-initramfs -u` when conf_path is the box's own mdadm.conf and the box boots from an initramfs
    (otherwise an array comes up at boot as /dev/md127 instead of its name); nothing for a test site's copy."""
    if conf_path == MDADM_CONF and shutil.which("update-initramfs"):
        return ("update-initramfs", "-u")
    return ()


def array_path(name: str) -> str:
    return f"/dev/md/{name}"


def parse_detail_export(text: str) -> MdArray | None:
    """`mdadm --detail --export <array>`: KEY=VALUE lines. Each member is a MD_DEVICE_<x>_ROLE and
    MD_DEVICE_<x>_DEV pair; <x> is the sysfs name (dev_sdb, or ev_sdb from mdadm 4.2), so only pairs count."""
    fields = dict(line.strip().split("=", 1) for line in text.splitlines() if "=" in line)
    if "MD_LEVEL" not in fields:
        return None
    found: dict[str, dict[str, str]] = {}
    for key, value in fields.items():
        member = _MEMBER.match(key)
        if member:
            found.setdefault(member.group(1), {})[member.group(2)] = value
    members = {pair["DEV"]: pair.get("ROLE", "spare") for pair in found.values() if "DEV" in pair}
    return MdArray(fields["MD_LEVEL"], int(fields.get("MD_DEVICES", 0)), fields.get("MD_UUID"),
                   fields.get("MD_NAME"), fields.get("MD_METADATA"), members)


def _sysfs(md: Path, key: str) -> str | None:
    return (read_text(md / key) or "").strip() or None


def read_mdadm_facts(name: str, pool: dict, disks: dict, fstab_path: Path,
                     mdadm_conf_path: Path = MDADM_CONF) -> MdadmFacts:
    path = array_path(name)
    facts = MdadmFacts(devices=resolve_disks(disks, inventory.list_disks()), array_path=path,
                       conf_path=mdadm_conf_path, fstab_path=fstab_path,
                       initramfs_refresh=initramfs_refresh(mdadm_conf_path))
    if os.path.exists(path):
        found = parse_detail_export(run(["mdadm", "--detail", "--export", path]))
        if found:
            facts.array = replace(found, members={os.path.realpath(d): r for d, r in found.members.items()})
        facts.kernel_device = os.path.realpath(path)
        md = SYS_BLOCK / os.path.basename(facts.kernel_device) / "md"
        facts.array_state, facts.sync_action = _sysfs(md, "array_state"), _sysfs(md, "sync_action")
        facts.degraded = int(_sysfs(md, "degraded") or 0)
        if facts.array_state != "inactive":
            facts.filesystem = signatures.probe(path)
    facts.mount = mounted_at(pool["mountpoint"], read_mounts())
    facts.fstab_line = fstab.line_for(fstab.read(fstab_path), pool["mountpoint"])
    facts.conf_text = read_text(mdadm_conf_path) or ""
    return facts
