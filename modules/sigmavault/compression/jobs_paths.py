"""Where a compression job may read and write: inside the pools the pillar declares, nowhere else.

A job runs as root, so its source and target are what the pillar lets it touch. They are checked twice:
on the pillar's words (a dataset, or a path under a pool's or dataset's mountpoint; the schema already
refuses `.` and `..` parts), and again just before the job reads anything, on the real path with every
symlink followed, so a link inside a pool that points out of it is refused too. A path is only as good as
what is mounted there: under a pool whose file system is not mounted, a mountpoint such as /srv/tank or
/var/lib/x is a plain folder of the host, so the real path must also lie on the mount at its pool's (or
dataset's) mountpoint, the same mount (by mount id, which btrfs subvolumes share, unlike st_dev).
"""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath

from sigmavault.mounts import mounted_at, read_mounts

from .errors import CompressionError

DATASET = re.compile(r"^(?P<pool>[a-z][a-z0-9_-]{0,31})/(?P<dataset>[a-z][a-z0-9_-]{0,63})\Z")
ALLOWED = "a dataset (pool/dataset) or a folder inside a pool's mountpoint"


class OutsidePools(CompressionError):
    """A job's source or target is, or resolves to, a place outside every pool."""


class PoolNotMounted(OutsidePools):
    """A job's source or target lies under a pool's mountpoint, but not on the file system mounted there."""


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


def confine(path: str, allowed: tuple[str, ...], *, mounted: bool = True) -> str:
    """The real path of path (every symlink followed; the part that does not exist yet kept as written),
    when it stays inside the real path of one of allowed; OutsidePools otherwise. With ``mounted`` (what
    a run needs) it must also lie on the file system mounted at that pool's mountpoint: PoolNotMounted."""
    real = os.path.realpath(path)
    holding = holding_root(real, allowed)
    if holding is None:
        where = ", ".join(allowed) if allowed else "no pool is declared"
        raise OutsidePools(f"{path} resolves to {real}, outside every pool ({where}): a symlink leads out of "
                           f"it; a job reads and writes only {ALLOWED}. Nothing was read or written")
    if mounted:
        check_mounted(path, real, holding)
    return real


def holding_root(real: str, allowed: tuple[str, ...]) -> str | None:
    """The real path of the innermost of allowed that holds the real path real; None when none does."""
    holding = [os.path.realpath(root) for root in allowed if inside(real, os.path.realpath(root))]
    return max(holding, key=len) if holding else None


def check_mounted(path: str, real: str, root: str) -> None:
    """PoolNotMounted unless a file system is mounted at root and real (or the part of it that exists)
    lies on that very mount, not on another one mounted below it or the host's own folder."""
    if mounted_at(root, read_mounts()) is None or _mount_id(_existing(real)) != _mount_id(root):
        raise PoolNotMounted(
            f"{path} lies under {root}, but {root} is not the pool's mounted file system (the pool is not "
            f"mounted there, or {real} is on another mount): mount the pool (`sigmavault apply`, "
            "`sigmavault status` says why it is not mounted) and run the job again. Nothing was read or written")


def _existing(real: str) -> str:
    while not os.path.lexists(real):
        real = os.path.dirname(real)
    return real


def _mount_id(path: str) -> int:
    """The id of the mount path is on (what statx calls stx_mnt_id), from the kernel's fdinfo."""
    fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        with open(f"/proc/self/fdinfo/{fd}") as info:
            for line in info:
                if line.startswith("mnt_id:"):
                    return int(line.split()[1])
    finally:
        os.close(fd)
    raise OSError(f"the kernel did not say which mount {path} is on")


def inside(path: str, folder: str) -> bool:
    """path is folder or lies below it (both absolute and normalized)."""
    path_, folder_ = PurePosixPath(path), PurePosixPath(folder)
    return path_ == folder_ or folder_ in path_.parents
