"""What a compression job is: declared under ``sigmavault.compression.jobs`` or given on the command line.

Three kinds:
  archive   every file under source becomes one verified zstd frame in a new archive directory
            ``<target>/<name>-<UTC time>``; the originals stay.
  in_place  cold files (not modified for ``cold_days``) of a btrfs dataset are rewritten compressed by
            ``btrfs filesystem defragment -c<algorithm>``; same bytes, less disk.
  restore   an archive directory back into a folder that does not exist yet (never declared: on demand).

``source`` is an absolute path or a dataset named ``pool/dataset`` (resolved against the pillar's pools).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import CompressionError
from .options import PROFILES

KINDS = ("archive", "in_place", "restore")
PRIORITIES = ("low", "normal", "high")
#: The btrfs algorithm a profile asks ``defragment -c`` for (btrfs-progs before 6.10 cannot pass a level;
#: the kernel then uses its default, zstd:3).
IN_PLACE_ALGORITHM = {"fast": "lzo", "balanced": "zstd", "max": "zstd"}
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}\Z")
DATASET = re.compile(r"^(?P<pool>[a-z][a-z0-9_-]{0,31})/(?P<dataset>[a-z][a-z0-9_-]{0,63})\Z")


class JobSpecError(CompressionError):
    """A job that cannot run as declared; the message names the key and what to change."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    kind: str
    source: str  # an absolute path once resolved
    target: str | None = None  # archive: the folder archives are made in; restore: the folder to create
    profile: str = "balanced"
    cold_days: int = 0
    priority: str = "low"

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def algorithm(self) -> str:
        return IN_PLACE_ALGORITHM[self.profile]


def resolve_source(source: str, storage: dict | None, where: str) -> str:
    """An absolute path for source: as given, or the path of a declared dataset ``pool/dataset``."""
    if source.startswith("/"):
        return source
    match = DATASET.match(source)
    pools = (storage or {}).get("pools", {})
    if match is None:
        raise JobSpecError(f"{where}: {source!r} is neither an absolute path nor a dataset as pool/dataset")
    pool = pools.get(match["pool"])
    if pool is None or match["dataset"] not in pool.get("datasets", {}):
        raise JobSpecError(f"{where}: dataset {source} is not declared under sigmavault.storage.pools")
    return str(Path(pool["mountpoint"]) / match["dataset"])


def make_spec(
    name: str,
    *,
    source: str,
    target: str | None = None,
    in_place: bool = False,
    restore: bool = False,
    profile: str = "balanced",
    cold_days: int = 0,
    priority: str = "low",
    storage: dict | None = None,
    where: str = "job",
) -> JobSpec:
    """Check one job's settings and resolve its source; JobSpecError says what is wrong."""
    if not NAME.match(name):
        raise JobSpecError(f"{where}: job name {name!r} must be 1-64 lower-case letters, digits, '_' or '-'")
    if profile not in PROFILES:
        raise JobSpecError(f"{where}.profile: {profile!r} is not one of {', '.join(PROFILES)}")
    if priority not in PRIORITIES:
        raise JobSpecError(f"{where}.priority: {priority!r} is not one of {', '.join(PRIORITIES)}")
    if cold_days < 0:
        raise JobSpecError(f"{where}.cold_days: must be 0 or more days")
    kind = "restore" if restore else "in_place" if in_place else "archive"
    if in_place and target:
        raise JobSpecError(f"{where}: an in_place job rewrites its source; remove target or set in_place: false")
    if not in_place and not target:
        raise JobSpecError(f"{where}: give a target folder for the archive, or set in_place: true")
    if kind != "in_place" and cold_days:
        raise JobSpecError(f"{where}.cold_days: only in_place jobs select files by age; set it to 0")
    if target is not None and not target.startswith("/"):
        raise JobSpecError(f"{where}.target: {target!r} must be an absolute path")
    resolved = resolve_source(source, storage, f"{where}.source")
    if target and kind == "archive" and _inside(Path(target), Path(resolved)):
        raise JobSpecError(f"{where}.target: {target} is inside the source {resolved}; the archive would "
                           "compress itself — choose a folder outside it")
    return JobSpec(name, kind, resolved, target, profile, cold_days, priority)


def declared_spec(name: str, job: dict, storage: dict | None) -> JobSpec:
    """The spec of a job declared in the (validated, defaults filled) pillar."""
    return make_spec(name, source=job["source"], target=job.get("target"), in_place=job.get("in_place", False),
                     profile=job.get("profile", "balanced"), cold_days=job.get("cold_days", 0),
                     priority=job.get("priority", "low"), storage=storage,
                     where=f"sigmavault.compression.jobs.{name}")


def _inside(path: Path, folder: Path) -> bool:
    path, folder = Path(str(path).rstrip("/") or "/"), Path(str(folder).rstrip("/") or "/")
    return path == folder or folder in path.parents
