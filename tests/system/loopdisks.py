"""Loop-backed disks for system tests, released with everything mounted from them, even on failure."""

import os
import subprocess
from pathlib import Path

from sigmavault.mounts import read_mounts


def sh(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True, check=check)


class LoopDisks:
    def __init__(self, directory: Path):
        self.directory = directory
        self.devices: list[str] = []

    def make(self, count: int, size: str = "640M") -> list[tuple[Path, str]]:
        """count new blank disks as (image file, /dev/loopN)."""
        made = []
        for _ in range(count):
            image = self.directory / f"disk{len(self.devices)}.img"
            sh("truncate", "--size", size, str(image))
            device = sh("losetup", "--find", "--show", str(image)).stdout.strip()
            self.devices.append(device)
            made.append((image, device))
        return made

    def release(self, mount_root: Path) -> None:
        """Unmount everything under mount_root (deepest first), detach the loops, forget their btrfs."""
        for mount in sorted(read_mounts(), key=lambda m: len(m.mountpoint), reverse=True):
            ours = mount.mountpoint.startswith(str(mount_root)) or mount.source in self.devices
            if ours and sh("umount", mount.mountpoint, check=False).returncode:
                sh("umount", "--lazy", mount.mountpoint, check=False)
        for device in self.devices:
            sh("losetup", "--detach", device, check=False)
        sh("btrfs", "device", "scan", "--forget", check=False)


def signature(device: str) -> str:
    """What blkid finds on the device itself ('' for a blank disk)."""
    return sh("blkid", "-p", "-o", "value", "-s", "TYPE", device, check=False).stdout.strip()


def is_mounted(path: Path) -> bool:
    return any(m.mountpoint == str(path) for m in read_mounts())


def require_root() -> str | None:
    return None if os.geteuid() == 0 else "system tests need root (loop devices, mounts)"
