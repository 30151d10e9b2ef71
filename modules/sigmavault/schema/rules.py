"""Rules that span several keys, collected from each domain that has them."""

from collections.abc import Iterator

from sigmavault.schema.errors import PillarError
from sigmavault.storage.pillar_rules import storage_errors


def cross_key_errors(document: dict) -> Iterator[PillarError]:
    yield from storage_errors(document.get("storage", {}))
