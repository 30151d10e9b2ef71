"""Cross-key rules of sigmavault.compression that the schema alone cannot say (sources, kinds, targets)."""

from __future__ import annotations

from collections.abc import Iterator

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path

from .jobs_spec import JobSpecError, declared_spec


def compression_errors(document: dict) -> Iterator[PillarError]:
    """One error per declared job that could not run as written (the message says what to change)."""
    storage = document.get("storage", {})
    for name, job in sorted(document.get("compression", {}).get("jobs", {}).items()):
        try:
            declared_spec(name, job, storage)
        except JobSpecError as error:
            yield _as_pillar_error(str(error), key_path(ROOT_KEY, "compression", "jobs", name))


def _as_pillar_error(message: str, job_path: str) -> PillarError:
    """JobSpecError messages start with the key path they are about; PillarError keeps it separately."""
    head, _, rest = message.partition(": ")
    return PillarError(head, rest) if head.startswith(job_path) and rest else PillarError(job_path, message)
