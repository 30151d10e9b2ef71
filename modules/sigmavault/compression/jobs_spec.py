"""What a compression job is: declared under ``sigmavault.compression.jobs`` or given on the command line.

Three kinds:
  archive   every file under source becomes one verified zstd frame in a new archive directory
            ``<target>/<name>-<UTC time>``; the originals stay.
  in_place  cold files (not modified for ``cold_days``) of a btrfs dataset are rewritten compressed by
            ``btrfs filesystem defragment -c<algorithm>``; same bytes, less disk.
  restore   an archive directory back into a folder that does not exist yet (never declared: on demand).

``source`` is an absolute path or a dataset named ``pool/dataset`` (resolved against the pillar's pools);
source and target lie inside a pool (pillar_rules on the words, ``confined`` on the real paths at run time).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from sigmavault.schema import check_schema
from sigmavault.schema.errors import ROOT_KEY, key_path

from .errors import CompressionError
from .jobs_paths import PoolNotMounted, confine, roots
from .pillar_rules import job_errors, source_path

KINDS = ("archive", "in_place", "restore")
#: The btrfs algorithm a profile asks ``defragment -c`` for (btrfs-progs before 6.10 cannot pass a level;
#: the kernel then uses its default, zstd:3).
IN_PLACE_ALGORITHM = {"fast": "lzo", "balanced": "zstd", "max": "zstd"}


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
    roots: tuple[str, ...] = ()  # the pool and dataset mountpoints the job may read and write in

    def to_dict(self) -> dict:
        return {**asdict(self), "roots": list(self.roots)}  # as JSON gives it back

    @property
    def algorithm(self) -> str:
        return IN_PLACE_ALGORITHM[self.profile]


def declared_spec(name: str, job: dict, storage: dict) -> JobSpec:
    """The spec of a job in a pillar that passed the whole verdict (schema and pillar_rules)."""
    kind = "in_place" if job["in_place"] else "archive"
    return JobSpec(name, kind, source_path(job["source"], storage) or job["source"], job["target"],
                   job["profile"], job["cold_days"], job["priority"], roots(storage))


def make_spec(
    name: str,
    document: dict,
    *,
    source: str,
    target: str | None = None,
    in_place: bool = False,
    restore: bool = False,
    profile: str = "balanced",
    cold_days: int = 0,
    priority: str = "low",
) -> JobSpec:
    """A job given on the command line (or a restore), checked as if it were declared in document (the
    validated sigmavault key): the same schema and rules; JobSpecError lists what to change."""
    job = {"source": source, "target": target, "in_place": bool(in_place), "profile": profile,
           "cold_days": cold_days, "priority": priority}
    checked = check_schema({ROOT_KEY: {**document, "compression": {"jobs": {name: job}}}})
    where = key_path(ROOT_KEY, "compression", "jobs", name)
    errors = checked.errors
    if checked.document:
        errors = errors + list(job_errors(where, checked.document["compression"]["jobs"][name],
                                          checked.document["storage"]))
    if errors:
        raise JobSpecError("; ".join(f"{name}{e.path[len(where):]}: {e.message}" if e.path.startswith(where)
                                     else str(e) for e in errors))
    spec = declared_spec(name, checked.document["compression"]["jobs"][name], checked.document["storage"])
    return replace(spec, kind="restore") if restore else spec


def confined(spec: JobSpec) -> JobSpec:
    """spec with its source and target as real paths, checked just before it runs to stay inside its pools
    (jobs_paths.OutsidePools otherwise) and on their mounted file systems (PoolNotMounted, naming the
    job's key). Only the roots are checked here: below them the job opens every file it reads through
    confined_files and makes every folder it writes by descriptor, never following a symlink again."""
    def checked(side: str, path: str) -> str:
        try:
            return confine(path, spec.roots)
        except PoolNotMounted as error:
            raise PoolNotMounted(f"{spec.name}.{side}: {error}") from None

    source = checked("source", spec.source)
    return replace(spec, source=source, target=checked("target", spec.target) if spec.target else spec.target)
