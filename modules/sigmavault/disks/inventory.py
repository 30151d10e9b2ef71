"""List the box's disks with a stable identity: udev's view when udev runs, sysfs otherwise."""

import os
import socket
from pathlib import Path

from sigmavault.disks import blank_probe, signatures
from sigmavault.mounts import Mount, read_mounts

SKIPPED_PREFIXES = ("ram", "zram")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace").strip() or None
    except OSError:
        return None


def _by_id_links(devnode: str, by_id_dir: Path) -> list[str]:
    if not by_id_dir.is_dir():
        return []
    return sorted(link.name for link in by_id_dir.iterdir()
                  if os.path.realpath(link) == devnode)


def _sysfs_identity(block: Path) -> dict:
    device = block / "device"
    return {
        "serial": _read(device / "serial") or _vpd_serial(device / "vpd_pg80"),
        "wwn": _read(device / "wwid") or _read(block / "wwid"),
        "model": _read(device / "model"),
    }


def _vpd_serial(path: Path) -> str | None:
    """SCSI/SATA serial from VPD page 0x80: a 4-byte header, then the serial in ASCII."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return raw[4:].decode("ascii", "replace").strip() or None


def udev_running(control: str = "/run/udev/control") -> bool:
    """A socket file alone is not enough: an exited udevd leaves it behind."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        probe.connect(control)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _udev_identity(name: str) -> dict | None:
    if not udev_running():
        return None
    try:
        import pyudev
        device = pyudev.Devices.from_name(pyudev.Context(), "block", name)
    except Exception:  # pyudev missing or device gone: sysfs still answers
        return None
    props = device.properties
    return {"serial": props.get("ID_SERIAL_SHORT") or props.get("ID_SERIAL"),
            "wwn": props.get("ID_WWN_WITH_EXTENSION") or props.get("ID_WWN"),
            "model": props.get("ID_MODEL"), "from_udev": True}


def mount_sources(mounts: list[Mount]) -> dict[str, list[str]]:
    """Mount source device -> the mountpoints it is mounted at."""
    sources: dict[str, list[str]] = {}
    for mount in mounts:
        sources.setdefault(mount.source, []).append(mount.mountpoint)
    return sources


def describe_disk(block: Path, mounts: dict[str, list[str]], by_id_dir: Path = Path("/dev/disk/by-id"),
                  probe_signature=signatures.probe, probe_data=blank_probe.data_found) -> dict:
    """data_found says what a disk without a signature holds where labels live (None: zeros there);
    a missing or unreadable device node counts as holding data."""
    name = block.name
    devnode = f"/dev/{name}"
    identity = _udev_identity(name) or _sysfs_identity(block)
    partitions = sorted(child.name for child in block.iterdir() if (child / "partition").exists())
    signature = probe_signature(devnode) if os.path.exists(devnode) else None
    size = int(_read(block / "size") or 0) * 512
    return {
        "name": name,
        "path": devnode,
        "size_bytes": size,
        "rotational": _read(block / "queue" / "rotational") == "1",
        "backing_file": _read(block / "loop" / "backing_file"),
        "by_id": _by_id_links(devnode, by_id_dir),
        "partitions": partitions,
        "mounted_at": sorted(point for node in [devnode, *(f"/dev/{p}" for p in partitions)]
                             for point in mounts.get(node, [])),
        "holders": sorted(os.listdir(block / "holders")) if (block / "holders").is_dir() else [],
        "signature": signature.as_dict() if signature else None,
        "data_found": None if signature else probe_data(devnode, size),
        "identity_source": "udev" if identity.pop("from_udev", False) else "sysfs",
        **identity,
    }


def list_disks(sys_block: Path = Path("/sys/block"), **kwargs) -> list[dict]:
    """Whole disks with a size; empty loop devices and RAM disks are not disks anyone can use."""
    if not sys_block.is_dir():   # a chroot or container without sysfs has no disks to offer
        return []
    disks, mounts = [], mount_sources(read_mounts())
    for block in sorted(sys_block.iterdir()):
        if block.name.startswith(SKIPPED_PREFIXES) or _read(block / "size") in (None, "0"):
            continue
        disks.append(describe_disk(block, mounts, **kwargs))
    return disks
