"""Where a compression job may read and write: inside the pools the pillar declares, nowhere else.

A job runs as root, so its source and target are what the pillar lets it touch. They are checked twice:
on the pillar's words (a dataset, or a path under a pool's or dataset's mountpoint; the schema already
refuses `.` and `..` parts), and again just before the job reads anything, on the real path with every
symlink followed, so a link inside a pool that points out of it is refused too.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath

from .errors import CompressionError

DATASET = re.compile(r"^(?P<pool>[a-z][a-z0-9_-]{0,31})/(?P<dataset>[a-z][a-z0-9_-]{0,63})\Z")
ALLOWED = "a dataset (pool/dataset) or a folder inside a pool's mountpoint"


class OutsidePools(CompressionError):
    """A job's source or target is, or resolves to, a place outside every pool."""


def roots(storage: dict | None) -> tuple[str, ...]:
    """The folders jobs may act in: every pool's mountpoint and every dataset's own mountpoint."""
    found: set[str] = set()
    for pool in (storage or {}).get("pools", {}).values():
        found.add(pool["mountpoint"])
        found.update(d["mountpoint"] for d in pool.get("datasets", {}).values() if d.get("mountpoint"))
    return tuple(sorted(found))


def dataset_path(source: str, storage: dict | None) -> str | None:
    """The path of a declared dataset named as pool/dataset; None when source names none."""
    match = DATASET.match(source)
    pool = (storage or {}).get("pools", {}).get(match["pool"]) if match else None
    if match is None or pool is None or match["dataset"] not in pool.get("datasets", {}):
        return None
    return str(PurePosixPath(pool["mountpoint"]) / match["dataset"])


def outside_pools(path: str, storage: dict | None) -> str | None:
    """Why an absolute, normalized path is no place for a job; None when it lies inside a pool."""
    allowed = roots(storage)
    if any(inside(path, root) for root in allowed):
        return None
    where = ", ".join(allowed) if allowed else "no pool is declared yet"
    return f"{path} is outside every pool; a job reads and writes only {ALLOWED} ({where})"


def confine(path: str, allowed: tuple[str, ...]) -> str:
    """The real path of path (every symlink followed; the part that does not exist yet kept as written),
    when it stays inside the real path of one of allowed; OutsidePools otherwise."""
    real = os.path.realpath(path)
    if any(inside(real, os.path.realpath(root)) for root in allowed):
        return real
    where = ", ".join(allowed) if allowed else "no pool is declared"
    raise OutsidePools(f"{path} resolves to {real}, outside every pool ({where}): a symlink leads out of it; "
                       f"a job reads and writes only {ALLOWED}. Nothing was read or written")


def inside(path: str, folder: str) -> bool:
    """path is folder or lies below it (both absolute and normalized)."""
    path_, folder_ = PurePosixPath(path), PurePosixPath(folder)
    return path_ == folder_ or folder_ in path_.parents
