"""The files of a job's tree, opened without following a symlink anywhere below the job's root.

A job runs as root over folders that share users write to. Between the scan and the read a user can swap
a file, or a folder above it, for a symlink to /etc/shadow; opening by path would follow it and put the
host's secrets in an archive on the share. So the tree is held by its root's descriptor, every folder
below it is entered with O_NOFOLLOW relative to its parent's descriptor, and the file found at the end must
be the very regular file the scan saw (same device and inode). Anything else is ChangedDuringJob and is
never read. Every reader of a job's files (probe, packs, encode, dictionary samples) opens them here.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a file swapped for a FIFO must not hang the job in open(); regular files ignore it.
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC | os.O_NONBLOCK
SWAPPED = (errno.ELOOP, errno.ENOTDIR, errno.EXDEV)
CHANGED = "changed during the job (no longer the file that was scanned); it was not read"


class ChangedDuringJob(OSError):
    """A scanned file, or a folder above it, is no longer what the scan saw (a symlink, another file)."""


def enter(dir_fd: int, name: str) -> int:
    """The descriptor of the real folder name inside dir_fd; ChangedDuringJob when it is a symlink or no
    folder at all."""
    try:
        return os.open(name, DIRECTORY, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in SWAPPED:
            raise ChangedDuringJob(error.errno, f"{name} is no longer a folder", name) from None
        raise


class Tree:
    """A job's source folder, held open by descriptor for as long as its files are read."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def file(self, rel: str) -> ScannedFile:
        """The regular file at rel, whichever it is when opened (an archive's member, named by its
        manifest): still never reached through a symlink."""
        return ScannedFile(self, rel, None)

    def open_fd(self, rel: str, scanned: os.stat_result | None) -> int:
        """A read descriptor of the regular file rel, which must be the file scanned, when given
        (ChangedDuringJob otherwise)."""
        *folders, name = rel.split("/")
        parent = os.dup(self.fd)
        try:
            for folder in folders:
                inner = enter(parent, folder)
                os.close(parent)
                parent = inner
            try:
                fd = os.open(name, FILE, dir_fd=parent)
            except OSError as error:
                if error.errno in SWAPPED:
                    raise ChangedDuringJob(error.errno, CHANGED, rel) from None
                raise
        finally:
            os.close(parent)
        found = os.fstat(fd)
        expected = (found.st_dev, found.st_ino) if scanned is None else (scanned.st_dev, scanned.st_ino)
        if not stat.S_ISREG(found.st_mode) or (found.st_dev, found.st_ino) != expected:
            os.close(fd)
            raise ChangedDuringJob(errno.ESTALE, CHANGED, rel)
        return fd


@dataclass(frozen=True)
class ScannedFile:
    """One regular file the scan found (st: as scanned; None: any regular file there), read only through
    open_fd, open or read_bytes."""

    tree: Tree
    rel: str
    st: os.stat_result | None

    def __str__(self) -> str:
        return str(self.tree.root / self.rel)

    def open_fd(self) -> int:
        return self.tree.open_fd(self.rel, self.st)

    def open(self) -> BinaryIO:
        return os.fdopen(self.open_fd(), "rb")

    def read_bytes(self) -> bytes:
        with self.open() as fh:
            return fh.read()


Source = Path | str | ScannedFile


def open_fd(source: Source) -> int:
    """A read descriptor: a scanned job file through its tree, a path given by hand (a single-file
    compress, not a job's tree) as it stands."""
    return source.open_fd() if isinstance(source, ScannedFile) else os.open(source, os.O_RDONLY | os.O_CLOEXEC)


def open_binary(source: Source) -> BinaryIO:
    return os.fdopen(open_fd(source), "rb")
