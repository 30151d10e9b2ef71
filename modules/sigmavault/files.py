"""The one way SigmaVault replaces a file the box depends on: whole, on disk, or not at all.

A crash or power cut after `write_atomically` returns leaves the new file; before, the old one. The file
and its folder are fsynced, so an fstab, smb.conf or key record is never left empty by a crash.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def replacing(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Stream the new content of path into the file this yields (binary, beside path, mode set before the
    first byte). A clean exit fsyncs it, renames it over path and fsyncs the folder; an exception removes
    it and leaves path as it was. For content too large to hold (a backup, a decrypted file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode)
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_dir(path.parent)


def write_atomically(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Replace path with content: written beside it with its final mode, fsynced, renamed, folder fsynced."""
    with replacing(path, mode) as out:
        out.write(content.encode() if isinstance(content, str) else content)


def read_text(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None
