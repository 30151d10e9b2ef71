"""Execution module: the sigmavault pillar, checked against the one schema (sigmavault.schema)."""

from pathlib import Path

from sigmavault.schema import validate_pillar
from sigmavault.secrets.volumekeys import VolumeKeys
from sigmavault.storage.preflight import environment_errors
from sigmavault.system.host import zone_errors
from sigmavault.users.plaintext_files import readable_plaintext_errors

__virtualname__ = "sigmavault_pillar"


def __virtual__():
    return __virtualname__


def fstab_path() -> Path:
    return Path(__opts__.get("sigmavault_fstab", "/etc/fstab"))


def _pillar() -> dict:
    """The rendered pillar itself: pillar.items masks values, and the schema needs them."""
    return __pillar__.value() if hasattr(__pillar__, "value") else dict(__pillar__)


def etc_path() -> Path:
    return Path(__opts__.get("sigmavault_etc", "/etc"))


def mdadm_conf_path() -> Path:
    return etc_path() / "mdadm" / "mdadm.conf"


def volume_keys() -> VolumeKeys:
    """The sealed key files of encrypted pools, sealed to the node key and the pillar's recovery keys."""
    recovery = validate_pillar(_pillar()).document.get("encryption", {}).get("recovery_recipients", [])
    return VolumeKeys(__salt__["sigmavault_keys.state_dir"](), tuple(recovery))


def validate(environment: bool = True) -> dict:
    """Schema, cross-key rules and (with environment) attached disks and data-safety refusals."""
    render_errors = _pillar().get("_errors") or []
    if render_errors:   # a pillar file that did not render (a sealed value that does not open, bad YAML)
        return {"valid": False, "errors": [{"path": "pillar", "message": str(e)} for e in render_errors]}
    result = validate_pillar(_pillar())
    errors = result.errors
    if not errors and environment:
        storage = result.document["storage"]
        errors = zone_errors(result.document["system"]) + environment_errors(
            storage, fstab_path(), mdadm_conf_path(), volume_keys()) + list(readable_plaintext_errors(
                __salt__["sigmavault_keys.pillar_dirs"]()))
    return {"valid": not errors, "errors": [e.as_dict() for e in errors]}


def document() -> dict:
    """The validated pillar with defaults filled in; empty when it does not validate."""
    return validate_pillar(_pillar()).document


def pool_names() -> list[str]:
    return sorted(document().get("storage", {}).get("pools", {}))


def dataset_names() -> list[str]:
    pools = document().get("storage", {}).get("pools", {})
    return sorted(f"{pool}/{name}" for pool, spec in pools.items() for name in spec["datasets"])
