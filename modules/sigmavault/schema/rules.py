"""Rules that span several keys, collected from each domain that has them."""

from collections.abc import Iterator

from sigmavault.schema.errors import PillarError


def cross_key_errors(document: dict) -> Iterator[PillarError]:
    # Imported here: each domain's rules import sigmavault.schema.errors, and this package's
    # __init__ imports this module, so a top-level import would be circular.
    from sigmavault.compression.jobs_rules import compression_errors
    from sigmavault.secrets.pillar_rules import encryption_errors
    from sigmavault.shares.pillar_rules import shares_errors
    from sigmavault.storage.pillar_rules import storage_errors
    from sigmavault.users.pillar_rules import users_errors

    yield from storage_errors(document.get("storage", {}))
    yield from encryption_errors(document)
    yield from compression_errors(document)
    yield from users_errors(document.get("users", {}))
    yield from shares_errors(document)
