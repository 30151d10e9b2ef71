"""The one way SigmaVault replaces a file the box depends on: whole, on disk, or not at all.

A crash or power cut after `write_atomically` returns leaves the new file; before, the old one. The file
and its folder are fsynced, so an fstab, smb.conf or key record is never left empty by a crash.
"""

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Replace path with content: written beside it with its final mode, fsynced, renamed, folder fsynced."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb" if isinstance(content, bytes) else "w") as out:
            os.fchmod(out.fileno(), mode)
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_dir(path.parent)


def read_text(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None
