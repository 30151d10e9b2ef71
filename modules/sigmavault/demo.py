"""`make demo`: virtual disks for the example site, made from the backing_file entries of its pillar.

python -m sigmavault.demo up    create and attach the loop-backed disks the pillar names
python -m sigmavault.demo down  unmount the site's pools and datasets, detach and delete the disks
"""

import sys
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.command import run
from sigmavault.mounts import read_mounts

DISK_SIZE = "1G"


def _site(pillar_file: Path) -> dict:
    return (yaml.safe_load(pillar_file.read_text()) or {}).get("sigmavault", {}).get("storage", {})


def _attached(image: Path) -> list[str]:
    out = run(["losetup", "--associated", str(image), "--noheadings", "--output", "NAME"])
    return [line.strip() for line in out.splitlines() if line.strip()]


def up(storage: dict) -> None:
    for name, disk in storage.get("disks", {}).items():
        if not disk.get("backing_file"):
            continue
        image = Path(disk["backing_file"])
        image.parent.mkdir(parents=True, exist_ok=True)
        if not image.exists():
            run(["truncate", "--size", DISK_SIZE, str(image)])
        device = _attached(image) or [run(["losetup", "--find", "--show", str(image)]).strip()]
        print(f"disk {name}: {device[0]} backed by {image}")


def down(storage: dict) -> None:
    mountpoints = [pool["mountpoint"] for pool in storage.get("pools", {}).values()]
    mountpoints += [d["mountpoint"] for pool in storage.get("pools", {}).values()
                    for d in (pool.get("datasets") or {}).values() if d.get("mountpoint")]
    mounted = [m.mountpoint for m in read_mounts()]
    for mountpoint in sorted(set(mountpoints) & set(mounted), key=len, reverse=True):
        run(["umount", mountpoint])
        print(f"unmounted {mountpoint}")
    for disk in storage.get("disks", {}).values():
        image = Path(disk["backing_file"]) if disk.get("backing_file") else None
        if image and image.exists():
            for device in _attached(image):
                run(["losetup", "--detach", device])
            image.unlink()
            print(f"removed {image}")


def main(argv: list[str]) -> int:
    storage = _site(tree.example_pillar_dir() / "sigmavault.sls")
    {"up": up, "down": down}[argv[1]](storage)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
