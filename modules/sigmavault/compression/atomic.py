"""Outputs appear whole or not at all: write beside the target, then rename.

Streaming twins of sigmavault.files.write_atomically (and its fsync_dir): archives and frames are written
as they are compressed, too big to hand over as one value.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sigmavault.files import fsync_dir

from .errors import ArchiveError


@contextmanager
def atomic_file(
    dst: Path, *, overwrite: bool = False, durable: bool = False, staged: bool = True
) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield (file, temp path) in dst's directory; on success the temp file becomes dst, else it is removed.

    ``durable`` fsyncs the file and its directory, so dst survives a power cut once this returns.
    ``staged=False`` writes dst itself (removed on failure): for files inside a directory that
    ``atomic_dir`` already stages, where a second rename per file would only cost time.
    """
    if not staged:
        yield from _direct(dst)
        return
    if dst.exists() and not overwrite:
        raise ArchiveError(f"{dst} already exists; move it away or choose another destination")
    tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.partial")
    fh = open(tmp, "xb")  # noqa: SIM115 - closed on both paths below
    try:
        yield fh, tmp
        fh.flush()
        if durable:
            os.fsync(fh.fileno())
        fh.close()
        os.replace(tmp, dst)
        if durable:
            fsync_dir(dst.parent)
    except BaseException:
        fh.close()
        tmp.unlink(missing_ok=True)
        raise


def _direct(dst: Path) -> Iterator[tuple[BinaryIO, Path]]:
    fh = open(dst, "xb")  # noqa: SIM115 - closed on both paths below
    try:
        yield fh, dst
        fh.close()
    except BaseException:
        fh.close()
        dst.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(dst: Path) -> Iterator[Path]:
    """Yield a temp directory beside dst; on success it is renamed to dst, on any failure it is deleted."""
    if dst.exists():
        raise ArchiveError(f"{dst} already exists; remove it or choose another destination")
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.partial")
    tmp.mkdir()
    try:
        yield tmp
        os.rename(tmp, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
