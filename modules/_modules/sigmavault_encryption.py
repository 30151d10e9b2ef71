"""Execution module: the node key and the sealed pillar files of this box (sigmavault.encryption)."""

from pathlib import Path

from sigmavault.encryption import checks, nodekey
from sigmavault.encryption.errors import SealedError
from sigmavault.site import Site

__virtualname__ = "sigmavault_encryption"


def __virtual__():
    return __virtualname__


def state_dir() -> Path:
    return Site.from_opts(__opts__).state_dir


def _encryption() -> dict:
    return __salt__["sigmavault_pillar.document"]().get("encryption", {})


def pillar_dirs() -> list[Path]:
    """The site's pillar folder (Salt's own pillar_roots are empty: the ext_pillar reads this one)."""
    return [Site.from_opts(__opts__).pillar_dir]


def node_key() -> dict:
    """Recipient, profile, creation date and rotation status of the node key; {} when there is none,
    {"error": why} when it cannot be read."""
    try:
        node = nodekey.load(state_dir())
    except SealedError as error:
        return {"error": str(error)}
    if node is None:
        return {}
    return nodekey.info(node, _encryption().get("rotation_days", 30)).as_dict()


def rotation_due() -> bool:
    """True when the node key is older than sigmavault.encryption.rotation_days (for the agents)."""
    return bool(node_key().get("rotation_due"))


def sealed_files() -> list[dict]:
    """Each sealed pillar file and whether it is sealed to the node key and every recovery recipient."""
    try:
        nodekey.load(state_dir())
    except SealedError as error:
        return [{"path": str(nodekey.node_path(state_dir())), "ok": False, "missing": [], "error": str(error)}]
    return [r.as_dict() for r in checks.sealed_file_reports(pillar_dirs(), state_dir(),
                                                            _encryption().get("recovery_recipients", []))]
