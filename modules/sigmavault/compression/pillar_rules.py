"""Cross-key rules of sigmavault.compression that the schema alone cannot say: the one place they live.

The schema (pillar/schema/compression.yaml) checks each key; these rules check a job against its other
keys and against sigmavault.storage. Declared jobs, jobs given on the command line and restores are all
checked by the schema and these rules (jobs_spec builds them through here), never by a second copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path

from .jobs_paths import dataset_path, inside, outside_pools


def compression_errors(document: dict) -> Iterator[PillarError]:
    """One error per thing to change in a declared job (document: the validated sigmavault key)."""
    storage = document.get("storage", {})
    for name, job in sorted(document.get("compression", {}).get("jobs", {}).items()):
        yield from job_errors(key_path(ROOT_KEY, "compression", "jobs", name), job, storage)


def job_errors(where: str, job: dict, storage: dict) -> Iterator[PillarError]:
    """What is wrong with one job (schema-valid, defaults filled in) whose keys sit under where."""
    in_place, target = job.get("in_place", False), job.get("target")
    if in_place and target:
        yield PillarError(where, "an in_place job rewrites its source; remove target or set in_place: false")
    if not in_place and not target:
        yield PillarError(where, "give a target folder for the archive, or set in_place: true")
    if not in_place and job.get("cold_days"):
        yield PillarError(f"{where}.cold_days", "only in_place jobs select files by age; set it to 0")
    source = source_path(job["source"], storage)
    if source is None:
        yield PillarError(f"{where}.source", f"dataset {job['source']} is not declared under "
                                             "sigmavault.storage.pools; declare it or give a folder inside a pool")
        return
    source_problem = outside_pools(source, storage)
    if source_problem:
        yield PillarError(f"{where}.source", source_problem)
    if target:
        if problem := outside_pools(target, storage):
            yield PillarError(f"{where}.target", problem)
        elif not source_problem and not in_place and inside(target, source):
            yield PillarError(f"{where}.target", f"{target} is inside the source {source}; the archive would "
                                                 "compress itself — choose a folder outside it")


def source_path(source: str, storage: dict) -> str | None:
    """A job's source as a path: as written when absolute, else the declared dataset's (None: not declared)."""
    return source if source.startswith("/") else dataset_path(source, storage)
