"""Outputs appear whole or not at all: a file through sigmavault.files.replacing (the one durable atomic
write), a folder built in a staging folder beside it and renamed into place.

A job writes as root into folders share users can change, so the staging folder is made without
following a symlink: the folders from the job's root down to the destination's parent are entered (and
made) one by one by descriptor with O_NOFOLLOW, the staging folder is root's own (0700, nobody else can
plant anything in it) and is handed out as /proc/self/fd/N, a path that names that very folder whatever
is later renamed or swapped above it.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from sigmavault.files import replacing

from .confined_files import enter
from .errors import ArchiveError

NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def create_new(dst: Path, mode: int = 0o644) -> BinaryIO:
    """dst opened for writing, made by this call (never an existing file, nor a symlink's target)."""
    return os.fdopen(os.open(dst, NEW_FILE, mode), "wb")


@contextmanager
def atomic_file(dst: Path, *, overwrite: bool = False, staged: bool = True) -> Iterator[BinaryIO]:
    """Yield the file that becomes dst, durably (files.replacing), on success; on failure dst is untouched.

    ``staged=False`` writes dst itself (made new, removed on failure): for files inside a directory that
    ``atomic_dir`` already stages, where a second rename and fsync per file would only cost time.
    """
    if not staged:
        yield from _direct(dst)
        return
    if os.path.lexists(dst) and not overwrite:
        raise ArchiveError(f"{dst} already exists; move it away or choose another destination")
    with replacing(dst) as out:
        yield out


def _direct(dst: Path) -> Iterator[BinaryIO]:
    fh = create_new(dst)
    try:
        yield fh
        fh.close()
    except BaseException:
        fh.close()
        dst.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask, read without setting it (os.umask would change it for every thread)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def open_parent(dst: Path, root: Path | None) -> int:
    """The descriptor of dst's parent: below root, every folder entered (made when missing) without
    following a symlink; without root, dst's parent as its path says (made when missing)."""
    if root is None:
        dst.parent.mkdir(parents=True, exist_ok=True)
        return os.open(dst.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    parts = dst.parent.relative_to(root).parts  # ValueError: dst is not below root, a caller's bug
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            with suppress(FileExistsError):
                os.mkdir(part, dir_fd=fd)
            inner = enter(fd, part)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def atomic_dir(dst: Path, root: Path | None = None) -> Iterator[Path]:
    """Yield a staging folder for dst (as /proc/self/fd/N); on success it is renamed to dst, on any
    failure it is deleted. With root, nothing from root down is reached through a symlink."""
    parent = open_parent(dst, root)
    try:
        try:
            os.lstat(dst.name, dir_fd=parent)
            raise ArchiveError(f"{dst} already exists; remove it or choose another destination")
        except FileNotFoundError:
            pass
        name = f".{dst.name}.{secrets.token_hex(4)}.partial"
        os.mkdir(name, 0o700, dir_fd=parent)
        try:
            staging = enter(parent, name)
            try:
                if os.fstat(staging).st_uid != os.geteuid():
                    raise ArchiveError(f"the staging folder {dst.parent / name} was swapped for another "
                                       "while the job ran; nothing was written to it")
                yield Path(f"/proc/self/fd/{staging}")
                os.fchmod(staging, 0o777 & ~_umask())
            finally:
                os.close(staging)
            os.rename(name, dst.name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            shutil.rmtree(name, ignore_errors=True, dir_fd=parent)
            raise
    finally:
        os.close(parent)
