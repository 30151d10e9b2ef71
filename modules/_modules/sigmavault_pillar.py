"""Execution module: the sigmavault pillar and its verdict (sigmavault.verdict) on this box."""

from sigmavault.site import Site
from sigmavault.verdict import judge, validate_pillar

__virtualname__ = "sigmavault_pillar"


def __virtual__():
    return __virtualname__


def _pillar() -> dict:
    """The rendered pillar itself: pillar.items masks values, and the schema needs them."""
    return __pillar__.value() if hasattr(__pillar__, "value") else dict(__pillar__)


def validate(environment: bool = True) -> dict:
    """Schema, cross-key rules and (with environment) attached disks and data-safety refusals."""
    return judge(_pillar(), Site.from_opts(__opts__), environment).as_dict()


def document() -> dict:
    """The pillar with defaults filled in; empty when the schema refuses it."""
    return validate_pillar(_pillar()).document


def pool_names() -> list[str]:
    return sorted(document().get("storage", {}).get("pools", {}))


def dataset_names() -> list[str]:
    pools = document().get("storage", {}).get("pools", {})
    return sorted(f"{pool}/{name}" for pool, spec in pools.items() for name in spec["datasets"])
