"""Disk images for the VM tier, made on the host without mounting anything (mke2fs -d copies a directory).

The root disk is the image's own root file system (the ISO's squashfs) turned into an installed box: what
`sigmavault-install` does inside a guest, minus partitioning and the boot loader, because the tier boots
the kernel directly (much faster under TCG than firmware plus boot loader).
"""

import shutil
import subprocess
from pathlib import Path

ROOT_LABEL = "SVROOT"
PILLAR_LABEL = "SVPILLAR"


def run(*argv: str) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def extract_root(iso: Path, work: Path) -> Path:
    """The image's root tree, unpacked once per ISO (keyed by its modification time)."""
    stamp = work / "root.from"
    root = work / "root"
    key = f"{iso} {iso.stat().st_mtime_ns}"
    if root.is_dir() and stamp.exists() and stamp.read_text() == key:
        return root
    shutil.rmtree(root, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    squashfs = work / "filesystem.squashfs"
    run("xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", "/live/filesystem.squashfs", str(squashfs))
    run("unsquashfs", "-q", "-no-progress", "-d", str(root), str(squashfs))
    squashfs.unlink()
    # An installed box mounts its own root; nothing of the live medium is needed after this.
    (root / "etc" / "fstab").write_text(f"LABEL={ROOT_LABEL} / ext4 defaults,errors=remount-ro 0 1\n")
    stamp.write_text(key)
    return root


def boot_files(root: Path) -> tuple[Path, Path]:
    """The kernel and initramfs the root carries (the initramfs mounts the root by label)."""
    kernel = sorted((root / "boot").glob("vmlinuz-*"))[-1]
    initrd = sorted((root / "boot").glob("initrd.img-*"))[-1]
    return kernel, initrd


def make_root_disk(root: Path, image: Path, size: str = "8G") -> Path:
    image.unlink(missing_ok=True)
    run("mke2fs", "-q", "-t", "ext4", "-L", ROOT_LABEL, "-d", str(root), str(image), size)
    return image


def make_blank_disk(image: Path, size: str = "1G") -> Path:
    image.unlink(missing_ok=True)
    run("qemu-img", "create", "-q", "-f", "qcow2", str(image), size)
    return image


def make_pillar_medium(files: dict[str, str], image: Path, work: Path) -> Path:
    """A small disk labelled SVPILLAR holding the owner's pillar files (what a USB stick would carry)."""
    content = work / "medium"
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    for name, text in files.items():
        path = content / name
        path.write_text(text)
        path.chmod(0o600)
    image.unlink(missing_ok=True)
    run("mke2fs", "-q", "-t", "ext4", "-L", PILLAR_LABEL, "-d", str(content), str(image), "16M")
    return image
